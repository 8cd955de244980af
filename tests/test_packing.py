"""Crates by space: the vectorised grid against a slow oracle, and its invariants."""

from itertools import permutations
import math

import numpy as np
from hypothesis import given, strategies as st

import strategies as phys
from estimator.packing import crates_by_space


def oracle_grid(interior, box, upright):
    """Slow, obvious: try every allowed orientation, count the grid, keep the best."""
    best = 0
    for order in permutations(range(3)):
        if upright and order[2] != 2:
            continue
        count = 1
        for axis in range(3):
            count *= math.floor(interior[axis] / box[order[axis]] * (1 + 1e-9))
        best = max(best, count)
    return best


interiors = st.tuples(phys.interior_length, phys.interior_side, phys.interior_side)
boxes = st.tuples(phys.package_side, phys.package_side, phys.package_side)


@given(interiors, boxes, st.booleans())
def test_grid_matches_oracle(interior, box, upright):
    assert int(crates_by_space(interior, box, upright)) == oracle_grid(interior, box, upright)


@given(interiors, boxes, st.booleans())
def test_packed_volume_never_exceeds_interior(interior, box, upright):
    count = int(crates_by_space(interior, box, upright))
    assert count * np.prod(box) <= np.prod(interior) * (1 + 1e-8)


@given(interiors, boxes, st.booleans(), st.integers(0, 2), st.floats(1.0, 2.0))
def test_larger_interior_never_holds_fewer(interior, box, upright, axis, factor):
    grown = list(interior)
    grown[axis] *= factor
    assert crates_by_space(grown, box, upright) >= crates_by_space(interior, box, upright)


@given(interiors, boxes, st.booleans(), st.integers(0, 2), st.floats(1.0, 2.0))
def test_larger_box_never_fits_more(interior, box, upright, axis, factor):
    grown = list(box)
    grown[axis] *= factor
    assert crates_by_space(interior, grown, upright) <= crates_by_space(interior, box, upright)


@given(interiors, boxes)
def test_upright_never_fits_more_than_free(interior, box):
    assert crates_by_space(interior, box, True) <= crates_by_space(interior, box, False)


def test_vectorised_over_arrays():
    lengths = np.array([0.5, 1.0, 2.0])
    counts = crates_by_space((5.9, 2.35, 2.39), (lengths, 0.4, 0.3), upright=True)
    assert counts.shape == (3,)
    assert list(counts) == [oracle_grid((5.9, 2.35, 2.39), (l, 0.4, 0.3), True) for l in lengths]
