"""Slow, obvious layouts over arrays of cases, for tests: ``packing.best_layout`` and
``packing.kit_rounds_by_length`` one distinct rounded case at a time.

The model counts arrays of draws with fastspace.py, which shares one dynamic programme
over every length; these oracles check it and the layouts' invariants (monotone, upright
never fits more, the packed volume within the interior). Arrays are solved by monotone
bisection (:func:`monotone_map`): the count never falls when the interior grows or the
box shrinks, so a group of cases whose two extreme corners give the same count has that
count throughout, and only the groups that straddle a step are split further.
benchmarks/layout_regions.py measures whether that would save the model work (it does
not: NOTES.md, "Regions and groups").

Plain numpy and estimator only (no pytest, no hypothesis), so that a benchmark can
import it too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from estimator.packing import (
    LONGEST_M, NO_LAYER_LIMIT, _canonical, best_layout, box_mm, grid_count, interior_mm, kit_rounds_by_length,
    layout_applies,
)


def monotone_map(keys: np.ndarray, directions: np.ndarray, solve: Callable[[tuple], int]) -> np.ndarray:
    """Evaluate a monotone integer function on many integer points with few calls.

    Parameters
    ----------
    keys : (n, d) int array
        The points.
    directions : (d,) array of +1 and -1
        +1 where a larger coordinate never lowers the value, -1 where it never raises it.
    solve : callable
        The function of one point, as a tuple of ints.

    Returns
    -------
    (n,) int64 array

    Notes
    -----
    A group of points has its value everywhere once its lowest corner (each coordinate at
    its worst end) and highest corner give the same value; otherwise it is split at the
    median of its widest coordinate. Identical points end in one group, so the number of
    calls is at most twice the number of distinct points and usually far fewer.
    """
    keys = np.asarray(keys, dtype=np.int64)
    out = np.empty(len(keys), dtype=np.int64)
    low_end = directions < 0  # where the lowest corner takes the maximum
    pending = [np.arange(len(keys))]
    while pending:
        index = pending.pop()
        group = keys[index]
        lowest, highest = group.min(axis=0), group.max(axis=0)
        worst = np.where(low_end, highest, lowest)
        best = np.where(low_end, lowest, highest)
        low_value = solve(tuple(int(v) for v in worst))
        if low_value == solve(tuple(int(v) for v in best)):
            out[index] = low_value
            continue
        axis = int(np.argmax(highest - lowest))
        cut = np.median(group[:, axis])
        below = group[:, axis] <= cut
        if below.all():
            below = group[:, axis] < cut
        pending.extend((index[below], index[~below]))
    return out


def case_keys(interior_m, box_m, extra=()) -> tuple[tuple[int, ...], np.ndarray]:
    """Broadcast shape and (n, d) integer keys: interior [mm], box [mm], then extras.

    Sizes that are not finite or beyond ``packing.LONGEST_M`` get key 0 (callers keep
    them out of use).
    """
    def finite(side):
        side = np.asarray(side, dtype=float)
        return np.where(np.isfinite(side) & (np.abs(side) < LONGEST_M), side, 0.0)

    columns = [interior_mm(finite(side)) for side in interior_m] + [box_mm(finite(side)) for side in box_m]
    columns += [np.asarray(e, dtype=np.int64) for e in extra]
    shape = np.broadcast_shapes(*(c.shape for c in columns))
    return shape, np.stack([np.broadcast_to(c, shape).ravel() for c in columns], axis=1)


def crates_by_layout(interior_m, box_m, upright: bool, max_layers: int = NO_LAYER_LIMIT) -> np.ndarray:
    """How many crates the best layout holds, vectorised over arrays of cases.

    Parameters
    ----------
    interior_m : sequence of three arrays
        Interior length, width and height. [m]
    box_m : sequence of three arrays
        Box length, width and height; the height is the axis kept vertical when
        ``upright``. [m]
    upright : bool
        Whether the box must keep its height axis vertical.
    max_layers : int
        Most layers in a stack; ``NO_LAYER_LIMIT`` (0) for as many as fit.

    Returns
    -------
    numpy.ndarray of int64
        The number of boxes, broadcast over the inputs: the best layout where
        ``packing.layout_applies``, else the best uniform grid (which ignores
        ``max_layers`` only beyond ``packing.LAYOUT_LIMIT`` packages).

    Examples
    --------
    >>> int(crates_by_layout((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), upright=False))
    202
    """
    grid = grid_count(interior_m, box_m, upright)
    laid_out = np.broadcast_to(layout_applies(interior_m, [box_m]), grid.shape)
    if not laid_out.any():
        return grid
    _, keys = case_keys(interior_m, box_m)
    chosen = laid_out.ravel()
    directions = np.array([1, 1, 1, -1, -1, -1])

    def solve(key):
        interior, box = key[:3], key[3:]
        if min(interior) <= 0:
            return 0
        return best_layout(tuple(interior), _canonical(box, upright), upright, max_layers).count

    counts = grid.ravel().copy()
    counts[chosen] = monotone_map(keys[chosen], directions, solve)
    if max_layers == NO_LAYER_LIMIT:
        counts[chosen] = np.maximum(counts[chosen], grid.ravel()[chosen])
    return counts.reshape(grid.shape)


def kit_rounds_by_space(interior_m, boxes_m, uprights, items, items_per_round) -> np.ndarray:
    """Most whole rounds of a kit when the container is split along its length.

    Part ``i`` gets a length of the container to itself and holds ``n_i`` packages there;
    ``n_i`` packages carry ``floor(n_i k_i / q_i)`` rounds of that part. The best split
    maximises the lowest of these over the parts.

    Parameters
    ----------
    interior_m, boxes_m, uprights, items, items_per_round
        As for ``fastspace.kit_rounds``, which this checks. [m], [1]

    Returns
    -------
    numpy.ndarray of int64
        -1 where ``packing.layout_applies`` is false for some part (the caller decides).
    """
    parts = len(boxes_m)
    shape, keys = case_keys(interior_m, [side for box in boxes_m for side in box], items)
    chosen = np.broadcast_to(layout_applies(interior_m, boxes_m), shape).ravel()
    directions = np.array([1, 1, 1] + [-1] * (3 * parts) + [1] * parts)

    def solve(key):
        interior = key[:3]
        if min(interior) <= 0:
            return 0
        boxes = [key[3 + 3 * p : 6 + 3 * p] for p in range(parts)]
        return int(kit_rounds_by_length(interior, boxes, uprights, key[3 + 3 * parts :], items_per_round)[-1])

    rounds = np.full(len(keys), -1, dtype=np.int64)
    if chosen.any():
        rounds[chosen] = monotone_map(keys[chosen], directions, solve)
    return rounds.reshape(shape)


def milp_floor(length, width, box):
    """Exact floor optimum: an integer program over every integer position."""
    import scipy.sparse as sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    shapes = {tuple(box), tuple(reversed(box))}
    spots = [(x, y, a, b) for a, b in shapes for x in range(length - a + 1) for y in range(width - b + 1)]
    if not spots:
        return 0
    rows, cols = [], []
    for k, (x, y, a, b) in enumerate(spots):
        for p in range(x, x + a):
            for q in range(y, y + b):
                rows.append(p * width + q)
                cols.append(k)
    cover = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(length * width, len(spots)))
    result = milp(-np.ones(len(spots)), constraints=LinearConstraint(cover, 0, 1),
                  integrality=np.ones(len(spots)), bounds=Bounds(0, 1))
    return round(-result.fun)


# Layout searches have budgets, so a layout count need not be monotone (NOTES.md). Tests
# stand in a count that grows with the crate, the worst case: the pessimistic corner (the
# largest crate) then holds the most. LAYOUT_RANGES are --set values that give it ranges.
LAYOUT_RANGES = ("crate.length=0.48m", "crate.width=1.00..1.02m", "crate.height=0.62..0.64m", "load.packing=layout",
                 "crate.gross_mass=1kg")


def growing_with_the_crate(interior_m, box_m, upright, max_layers, needed=True):
    """Crates by space that grow with every side of the crate (1 per cm of the three sides),
    wherever asked (the crates weigh 1 kg: mass never binds, so every draw needs them);
    stands in for ``model.layout_counts``."""
    return np.floor(sum(np.asarray(side, dtype=float) for side in box_m) * 100).astype(np.int64)
