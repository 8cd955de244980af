"""The floor: the manufacturer's pallet loading problem, solved over raster points.

How many ``l x w`` rectangles, each placed either way round, fit in an ``L x W``
rectangle? All sizes are whole numbers (the caller fixes the resolution, 1 mm for
containers). The answer is the best pattern of two classes, found by dynamic
programming over the raster points (the sums ``a l + b w`` that fit) [4]_, so it is
exact within the classes:

* guillotine patterns: homogeneous blocks joined by edge-to-edge cuts [1]_;
* recursive pinwheels: five blocks round a centre, each block the best pattern of a
  smaller rectangle, itself guillotine or pinwheel (the recursive five-block algorithm
  of Morabito and Morales [2]_, as used by Birgin, Lobato and Morabito [3]_), tried at
  every raster sub-rectangle still below its area bound.

The table is the memo over raster sizes, so the recursion is exact within its class:
on small floors it equals a slow search over every integer size and corner (tested).
What is not done: the L-approach of Birgin, Lobato and Morabito [3]_. ``(49, 28, 8, 3)``
gets 56, not the optimal 57: no recursive five-block pattern holds 57 (the integer
search also stops at 56). Where a pinwheel search would exceed ``FIVE_BLOCK_BUDGET``
corner pairs in one cell (boxes under about a tenth of the floor width) that cell keeps
its guillotine and smaller-pinwheel answer.

Every pattern class is closed under growing the rectangle and shrinking the box, so the
count is monotone in both: a larger floor never holds fewer, a larger box never more
(within the pinwheel budget; the property tests check it).

References
----------
.. [1] Beasley, J. E. (1985). Algorithms for unconstrained two-dimensional guillotine
   cutting. J. Oper. Res. Soc. 36(4), 297-306. doi:10.1057/jors.1985.51
.. [2] Morabito, R. and Morales, S. (1998). A simple and effective recursive procedure
   for the manufacturer's pallet loading problem. J. Oper. Res. Soc. 49(8), 819-828.
   doi:10.1057/palgrave.jors.2600588
.. [3] Birgin, E. G., Lobato, R. D. and Morabito, R. (2010). An effective recursive
   partitioning approach for the packing of identical rectangles in a rectangle.
   J. Oper. Res. Soc. 61(2), 306-320. doi:10.1057/jors.2008.141
.. [4] Scheithauer, G. and Terno, J. (1996). The G4-heuristic for the pallet loading
   problem. J. Oper. Res. Soc. 47(4), 511-522 (raster points).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Most pinwheels (pairs of length corners times pairs of width corners) searched in one
# cell: a few tens of ms. Above it (boxes under a tenth of the floor width) the guillotine
# answer stands; such floors hold hundreds of boxes and lose at most a few per cent.
FIVE_BLOCK_BUDGET = 200_000

# Decision codes stored per table cell, to rebuild the pattern.
_HOMOGENEOUS, _CUT_LENGTH, _CUT_WIDTH, _FIVE_BLOCK = 0, 1, 2, 3


def raster_points(limit: int, sizes: tuple[int, ...]) -> np.ndarray:
    """Every sum of non-negative multiples of ``sizes`` that is at most ``limit``, sorted.

    A packing pushed towards its origin puts every box at such a position [4]_, so these
    are the only cut positions and sub-rectangle sizes a search needs.

    Examples
    --------
    >>> raster_points(10, (3, 4)).tolist()
    [0, 3, 4, 6, 7, 8, 9, 10]
    """
    reachable = np.zeros(limit + 1, dtype=bool)
    reachable[0] = True
    for size in sorted(set(sizes)):
        for start in range(size, limit + 1):
            reachable[start] |= reachable[start - size]
    return np.flatnonzero(reachable)


def largest_at_most(points: np.ndarray, values) -> np.ndarray:
    """Index of the largest raster point at most each value (values >= 0)."""
    return np.searchsorted(points, values, side="right") - 1


@dataclass(frozen=True)
class FloorTable:
    """Best counts for every raster sub-rectangle of a floor, with the decisions taken.

    ``count[i, j]`` is the best count in ``xs[i] x ys[j]``; ``decision`` and ``argument``
    say how it was reached, for :func:`floor_placements`.
    """

    xs: np.ndarray
    ys: np.ndarray
    box: tuple[int, int]
    count: np.ndarray
    decision: np.ndarray
    argument: np.ndarray  # (n, m, 4) ints: cut index, or pinwheel corners x1, x2, y1, y2


def homogeneous(x, y, box: tuple[int, int]):
    """Boxes in one block of a single orientation: the better way round."""
    l, w = box
    return np.maximum((x // l) * (y // w), (x // w) * (y // l))


def area_bound(x, y, box: tuple[int, int]):
    """No more boxes than floor area over box area (use raster-reduced sides)."""
    return (np.asarray(x) * np.asarray(y)) // (box[0] * box[1])


@lru_cache(maxsize=4096)
def floor_table(length: int, width: int, box: tuple[int, int], pinwheel_length: int | None = None) -> FloorTable:
    """Solve every raster sub-rectangle of ``length x width`` for boxes ``box``.

    Parameters
    ----------
    length, width : int
        Floor sides in resolution units. [mm]
    box : tuple of two ints
        Box sides, in either order. [mm]
    pinwheel_length : int, optional
        Longest sub-rectangle that tries five-block patterns (at every width);
        default the whole length, 0 for the guillotine optimum alone. [mm]

    Returns
    -------
    FloorTable
    """
    sizes = tuple(box)
    xs, ys = raster_points(length, sizes), raster_points(width, sizes)
    count = homogeneous(xs[:, None], ys[None, :], box).astype(np.int64)
    bound = area_bound(xs[:, None], ys[None, :], box)
    decision = np.full(count.shape, _HOMOGENEOUS, dtype=np.int8)
    argument = np.zeros(count.shape + (4,), dtype=np.int64)
    x_rest = [largest_at_most(xs, xs[i] - xs[1 : _half(xs, i)]) for i in range(len(xs))]
    y_rest = [largest_at_most(ys, ys[j] - ys[1 : _half(ys, j)]) for j in range(len(ys))]
    pinwheel_length = length if pinwheel_length is None else pinwheel_length
    for i in range(1, len(xs)):
        _best_length_cuts(count, decision, argument, i, x_rest[i])
        # A pinwheel's blocks are all shorter than the cell, so the columns before i
        # (already optimal in both classes) are all it needs; cells at their bound stop.
        if xs[i] <= pinwheel_length:
            for j in np.flatnonzero(count[i] < bound[i]).tolist():
                _best_five_block(count, decision, argument, xs, ys, i, j)
        _best_width_cuts(count, decision, argument, i, y_rest, bound[i])
    return FloorTable(xs, ys, tuple(box), count, decision, argument)


def _half(points: np.ndarray, index: int) -> int:
    """End of the cut positions up to half of ``points[index]`` (the rest is symmetric)."""
    return int(np.searchsorted(points, points[index] / 2, side="right"))


def _best_length_cuts(count, decision, argument, i, x_rest) -> None:
    """Improve every cell of column i by one cut across the length (all widths at once)."""
    if not len(x_rest):
        return
    along = count[1 : 1 + len(x_rest), :] + count[x_rest, :]
    k = np.argmax(along, axis=0)
    best = along[k, np.arange(along.shape[1])]
    better = best > count[i]
    count[i, better], decision[i, better] = best[better], _CUT_LENGTH
    argument[i, better, 0] = k[better] + 1


def _best_width_cuts(count, decision, argument, i, y_rest, bound) -> None:
    """Improve column i, narrowest first, by one cut across the width.

    Plain integers: the column is short and each cell needs the cells below it.
    """
    column = count[i].tolist()
    for j in range(2, len(column)):
        if column[j] >= bound[j]:
            continue
        best, cut = column[j], 0
        for m, rest in enumerate(y_rest[j].tolist(), start=1):
            if column[m] + column[rest] > best:
                best, cut = column[m] + column[rest], m
        if cut:
            column[j] = count[i, j] = best
            decision[i, j], argument[i, j, 0] = _CUT_WIDTH, cut


def _corners(points: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Inner corners ``c1 < c2`` of a pinwheel along a side of length ``points[n]``.

    ``c1`` is a raster point and ``c2`` a side minus a raster point: pushing ``c1``
    down to a raster point, or ``c2`` up until ``side - c2`` is one, only widens the
    blocks whose count can change, so these pairs lose nothing.
    """
    near = points[1:n]
    far = points[n] - near[::-1]
    first, second = np.nonzero(near[:, None] < far[None, :])
    return near[first], far[second]


def _best_five_block(count, decision, argument, xs, ys, i, j) -> None:
    """Improve cell (i, j) by the best pinwheel of five blocks.

    With inner corners ``x1 < x2`` and ``y1 < y2`` the blocks are ``x1 x y2`` at the
    origin, ``(L - x1) x y1`` beside it, ``(L - x2) x (W - y1)`` opposite, ``x2 x (W - y2)``
    above, and ``(x2 - x1) x (y2 - y1)`` in the middle; each holds the best pattern of
    its raster-reduced size (count[] of smaller cells, themselves guillotine or
    pinwheel: the recursive five-block algorithm [2]_). The mirror pinwheel is the
    same set of block sizes, so one handedness is enough.
    """
    x1, x2 = _corners(xs, i)
    # Turning a pinwheel half round maps (x1, x2) to (L - x2, L - x1) with the same blocks.
    half = x1 + x2 <= xs[i]
    x1, x2 = x1[half], x2[half]
    y1, y2 = _corners(ys, j)
    if not len(x1) or not len(y1) or len(x1) * len(y1) > FIVE_BLOCK_BUDGET:
        return
    total = sum(
        count[np.ix_(largest_at_most(xs, dx), largest_at_most(ys, dy))]
        for dx, dy in _block_sizes(xs[i], ys[j], x1, x2, y1, y2)
    )
    p, q = np.unravel_index(int(np.argmax(total)), total.shape)
    if total[p, q] > count[i, j]:
        count[i, j], decision[i, j] = total[p, q], _FIVE_BLOCK
        argument[i, j] = (x1[p], x2[p], y1[q], y2[q])


def _block_sizes(length, width, x1, x2, y1, y2):
    """Sides of the five blocks of a pinwheel, in the order of :func:`_block_origins`."""
    return (
        (x1, y2),
        (length - x1, y1),
        (length - x2, width - y1),
        (x2, width - y2),
        (x2 - x1, y2 - y1),
    )


def _block_origins(x1, x2, y1, y2):
    """Lower-left corners of the five blocks of a pinwheel."""
    return ((0, 0), (x1, 0), (x2, y1), (0, y2), (x1, y1))


def floor_count(length: int, width: int, box: tuple[int, int]) -> int:
    """The best count in ``length x width`` over both pattern classes.

    Examples
    --------
    A pinwheel of four boxes round a hole beats every guillotine pattern:

    >>> floor_count(5, 5, (3, 2))
    4
    >>> int(floor_table(5, 5, (3, 2), pinwheel_length=0).count[-1, -1])
    3
    """
    table = floor_table(length, width, _sorted(box))
    return int(table.count[-1, -1])


def floor_bound(length: int, width: int, box: tuple[int, int]) -> int:
    """Raster area bound: the floor reduced to its largest raster sides, over box area."""
    sizes = tuple(box)
    return int(area_bound(raster_points(length, sizes)[-1], raster_points(width, sizes)[-1], box))


def _sorted(box) -> tuple[int, int]:
    return tuple(sorted(int(side) for side in box))


def floor_placements(table: FloorTable, i: int | None = None, j: int | None = None):
    """The rectangles of the best pattern in cell (i, j) (default: the whole floor).

    Returns
    -------
    list of (x, y, dx, dy) tuples in resolution units, origin at the floor's corner.
    """
    i = len(table.xs) - 1 if i is None else i
    j = len(table.ys) - 1 if j is None else j
    placed: list[tuple[int, int, int, int]] = []
    _place(table, i, j, 0, 0, placed)
    return placed


def _place(table: FloorTable, i, j, x0, y0, placed) -> None:
    xs, ys = table.xs, table.ys
    kind, arg = table.decision[i, j], table.argument[i, j]
    if kind == _HOMOGENEOUS:
        placed.extend(_block(xs[i], ys[j], table.box, x0, y0))
    elif kind == _CUT_LENGTH:
        k = arg[0]
        _place(table, k, j, x0, y0, placed)
        _place(table, largest_at_most(xs, xs[i] - xs[k]), j, x0 + xs[k], y0, placed)
    elif kind == _CUT_WIDTH:
        k = arg[0]
        _place(table, i, k, x0, y0, placed)
        _place(table, i, largest_at_most(ys, ys[j] - ys[k]), x0, y0 + ys[k], placed)
    else:
        x1, x2, y1, y2 = (int(v) for v in arg)
        sizes = _block_sizes(int(xs[i]), int(ys[j]), x1, x2, y1, y2)
        for (dx, dy), (ox, oy) in zip(sizes, _block_origins(x1, x2, y1, y2)):
            _place(table, largest_at_most(xs, dx), largest_at_most(ys, dy), x0 + ox, y0 + oy, placed)


def _block(length, width, box, x0, y0):
    """Placements of a homogeneous block in its better orientation."""
    l, w = box
    if (length // w) * (width // l) > (length // l) * (width // w):
        l, w = w, l
    return [
        (x0 + p * l, y0 + q * w, l, w)
        for p in range(int(length // l))
        for q in range(int(width // w))
    ]
