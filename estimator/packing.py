"""Crates by space: how many identical boxes fit in a container interior.

The count is the best axis-aligned uniform grid over the allowed orientations of the box:
all six for a box that may lie on any face, the two rotations about the vertical axis for
one that must stay upright. A uniform grid is a lower bound on the best packing; it is
kept behind :func:`crates_by_space` so that a better packer can replace it.

All inputs are plain float arrays in metres that broadcast together; the result is an
integer array. The count never falls when the interior grows or the box shrinks, because
each grid term ``floor(interior / box)`` has that property and a maximum keeps it.

References
----------
.. [1] US Army subcourse MM0156, Computing Ammunition Data: outloading is limited by
   either volume ("cube out") or weight ("weight out").
   armymunitions.tpub.com/mm0156a/Computing-Ammunition-Data-6.htm
"""

from __future__ import annotations

from itertools import permutations

import numpy as np

from estimator.counts import whole_counts

# Box axes (length, width, height) mapped onto container axes (length, width, height).
ALL_ORIENTATIONS = tuple(permutations(range(3)))
UPRIGHT_ORIENTATIONS = ((0, 1, 2), (1, 0, 2))

# Relative slack on each grid division, so that a box of exactly half the interior
# counts twice despite rounding in unit conversion (1e-9 of 6 m is 6 nm).
_FIT_TOLERANCE = 1e-9


def orientations(upright: bool) -> tuple[tuple[int, int, int], ...]:
    """The allowed orientations of a box: rotations about the vertical only if upright."""
    return UPRIGHT_ORIENTATIONS if upright else ALL_ORIENTATIONS


def grid_count(interior_m, box_m, upright: bool) -> np.ndarray:
    """Boxes in the best uniform grid over the allowed orientations.

    Parameters
    ----------
    interior_m : sequence of three arrays
        Interior length, width and height. [m]
    box_m : sequence of three arrays
        Box length, width and height; the height is the axis kept vertical when
        ``upright``. [m]
    upright : bool
        Whether the box must keep its height axis vertical.

    Returns
    -------
    numpy.ndarray of int64
        The number of boxes, broadcast over the inputs.

    Examples
    --------
    >>> int(grid_count((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), upright=False))
    154
    """
    interior = [np.asarray(side, dtype=float) for side in interior_m]
    box = [np.asarray(side, dtype=float) for side in box_m]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # refused below
        best = _best_grid(interior, box, upright)
    return whole_counts(best, "crates by space per container")


def _best_grid(interior, box, upright: bool) -> np.ndarray:
    best = None
    for order in orientations(upright):
        # Counted in floats (exact below 2**53) and checked once, so huge counts are
        # refused instead of wrapping round in int64.
        count = np.ones(np.broadcast_shapes(*(a.shape for a in interior + box)))
        for axis in range(3):
            count = count * np.floor(interior[axis] / box[order[axis]] * (1 + _FIT_TOLERANCE))
        count = np.where(np.isnan(count), 0.0, count)  # 0 along one axis times inf along another
        best = count if best is None else np.maximum(best, count)
    return best


def crates_by_space(interior_m, box_m, upright: bool) -> np.ndarray:
    """How many crates fit in the interior: the packing the model uses.

    See :func:`grid_count` for the parameters; this is the one entry point the model
    calls, so a better packer changes only this function.
    """
    return grid_count(interior_m, box_m, upright)
