"""Crates by space: the layouts against a uniform grid and an exact integer program, and
their invariants (monotone, inside the walls, no overlaps, below every bound)."""

from functools import lru_cache
from itertools import combinations, permutations
from unittest import mock
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

import strategies as phys
from oracles import crates_by_layout, kit_rounds_by_space, milp_floor, monotone_map
from estimator.errors import InputError
from estimator.packing import (
    Layout, best_layout, check_door, count_by_length, crates_by_space, grid_layout,
    STANDING, _reduced_side, line_bound, searched_layouts, small_floor_optimum, upper_bound,
    whole_floor_layers,
)
from estimator import pallet_loading
from estimator.packing import fits, orientations, oriented_sides
from estimator.pallet_loading import barnes_bound, floor_count, floor_placements, floor_table, raster_points


def oracle_grid(interior, box, upright):
    """Slow, obvious: try every allowed orientation, count the grid, keep the best."""
    best = 0
    for order in permutations(range(3)):
        if upright and order[2] != 2:
            continue
        count = 1
        for axis in range(3):
            count *= interior[axis] // box[order[axis]]
        best = max(best, count)
    return best


# Small floors (sides 4-13) and boxes (sides 2-6): the integer program solves each in
# well under a second.
small_floors = st.tuples(st.integers(4, 13), st.integers(4, 13), st.integers(2, 6), st.integers(2, 6))


@settings(max_examples=40)
@given(small_floors)
def test_floor_count_is_the_optimum_on_small_floors(case):
    length, width, l, w = case
    assert floor_count(length, width, (l, w)) == milp_floor(length, width, (l, w))


def test_guillotine_gives_56_on_the_literature_floor():
    assert floor_table(49, 28, (8, 3), pinwheel_length=0).count[-1, -1] == 56


def slow_recursive_five_block(length, width, box):
    """Slow, obvious: guillotine cuts and pinwheels at every integer size and corner."""
    best = {}
    for x in range(length + 1):
        for y in range(width + 1):
            best[x, y] = slow_cuts_and_pinwheels(best, x, y, box)
    return best[length, width]


def slow_cuts_and_pinwheels(best, x, y, box):
    """Best count of x x y from one block, one cut or one pinwheel of the smaller sizes in ``best``."""
    l, w = box
    found = max((x // l) * (y // w), (x // w) * (y // l))
    found = max([found] + [best[k, y] + best[x - k, y] for k in range(1, x)])
    found = max([found] + [best[x, k] + best[x, y - k] for k in range(1, y)])
    for x1, x2 in combinations(range(1, x), 2):
        for y1, y2 in combinations(range(1, y), 2):
            found = max(found, best[x1, y2] + best[x - x1, y1] + best[x - x2, y - y1]
                        + best[x2, y - y2] + best[x2 - x1, y2 - y1])
    return found


@settings(max_examples=25, deadline=None)
@given(st.tuples(st.integers(4, 12), st.integers(4, 12), st.integers(2, 5), st.integers(2, 5)))
@example((11, 10, 4, 3))  # needs a pinwheel nested in a smaller rectangle
def test_raster_corners_lose_no_pinwheel_of_the_integer_recursion(case):
    length, width, l, w = case
    assert floor_count(length, width, (l, w)) == slow_recursive_five_block(length, width, (l, w))


@settings(max_examples=25, deadline=None)
@given(st.tuples(st.integers(8, 22), st.integers(8, 22), st.integers(2, 8), st.integers(2, 8)))
def test_recursive_five_block_lies_between_guillotine_and_the_optimum(case):
    length, width, l, w = case
    guillotine = int(floor_table(length, width, (l, w), pinwheel_length=0).count[-1, -1])
    assert guillotine <= floor_count(length, width, (l, w)) <= milp_floor(length, width, (l, w))


def test_nested_pinwheel_reaches_the_optimum_where_one_at_full_width_cannot():
    # 9 boxes of 4 x 3 in 11 x 10 need a pinwheel inside a smaller rectangle.
    assert floor_count(11, 10, (4, 3)) == 9 == milp_floor(11, 10, (4, 3))


@settings(max_examples=40)
@given(st.tuples(st.integers(4, 30), st.integers(4, 30), st.integers(2, 8), st.integers(2, 8)))
def test_floor_placements_are_the_count_inside_and_disjoint(case):
    length, width, l, w = case
    table = floor_table(length, width, tuple(sorted((l, w))))
    boxes = [(x, y, 0, dx, dy, 1) for x, y, dx, dy in floor_placements(table)]
    assert len(boxes) == table.count[-1, -1]
    assert all(sorted((dx, dy)) == sorted((l, w)) for _, _, _, dx, dy, _ in boxes)
    assert_disjoint_and_inside(boxes, (length, width, 1))


def test_literature_floor_reaches_its_optimum_57_by_default():
    # Five-block alone stops at 56; the whole-floor L-approach places 57.
    assert floor_count(49, 28, (8, 3)) == 57
    floor = pallet_loading.whole_floor(49, 28, (3, 8))
    boxes = [(x, y, 0, dx, dy, 1) for x, y, dx, dy in floor_placements(floor)]
    assert len(boxes) == 57
    assert_disjoint_and_inside(boxes, (49, 28, 1))


def test_layers_of_the_literature_floor_hold_57_each_in_a_3d_layout():
    # 49 x 28 (x 3 per layer) in centimetres; every class reading table cells gives 56.
    for height, layers in ((30, 1), (65, 2)):
        layout = best_layout((490, 280, height), (80, 30, 30), upright=True)
        boxes = layout.placements()
        assert layout.count == len(boxes) == 57 * layers
        assert_disjoint_and_inside(boxes, (490, 280, height))
        assert_boxes_are_the_package(boxes, (80, 30, 30), upright=True)


def test_whole_floor_class_gives_nothing_beyond_its_budget():
    # A 20 ft floor has thousands of raster points for a 0.75 x 0.40 m crate.
    assert not pallet_loading.whole_floor_searched(5890, 2350, (400, 750))
    assert whole_floor_layers((5890, 2350, 2390), (750, 400, 350), False, 0) == (0, [])


@pytest.fixture
def l_approach_budget(monkeypatch):
    """Set the L-approach's budgets for one test; floor tables cached under either
    budget are dropped before and after."""
    def admit(cells, side=64, whole_cells=None, steps=None):
        pallet_loading.clear_floor_tables()
        monkeypatch.setattr(pallet_loading, "L_APPROACH_CELLS", cells)
        monkeypatch.setattr(pallet_loading, "L_APPROACH_SIDE", side)
        if whole_cells is not None:
            monkeypatch.setattr(pallet_loading, "WHOLE_FLOOR_CELLS", whole_cells)
        if steps is not None:
            monkeypatch.setattr(pallet_loading, "WHOLE_FLOOR_STEPS", steps)
    yield admit
    pallet_loading.clear_floor_tables()


def test_l_approach_in_every_cell_reaches_57_on_the_literature_floor_when_its_grid_is_admitted(l_approach_budget):
    # 43 x 22 raster points, every cell below Barnes's bound searched: seconds.
    l_approach_budget(0, whole_cells=0)
    assert floor_count(49, 28, (8, 3)) == 56
    l_approach_budget(43 * 22, whole_cells=0)
    table = floor_table(49, 28, (3, 8))
    boxes = [(x, y, 0, dx, dy, 1) for x, y, dx, dy in floor_placements(table)]
    assert table.count[-1, -1] == len(boxes) == 57
    assert_disjoint_and_inside(boxes, (49, 28, 1))


def test_whole_floor_search_stops_at_its_step_budget_without_claiming_the_optimum(l_approach_budget):
    l_approach_budget(0, steps=10)
    floor = pallet_loading.whole_floor(49, 28, (3, 8))
    assert floor.count[-1, -1] == 56 and not floor.final[-1, -1]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.tuples(st.integers(6, 16), st.integers(6, 14), st.integers(2, 3), st.integers(3, 5)))
@example((49, 28, 3, 8))  # the whole-floor search turns 56 into 57
def test_whole_floor_lies_between_its_table_and_barnes_bound_and_places_its_count(l_approach_budget, monkeypatch,
                                                                                  case):
    # No cell of the table tries the L-approach, so the whole floor's search does all of it
    # (the budgets are set once for every example). The optimum: see the small-floor tests.
    l_approach_budget(0)
    monkeypatch.setattr(pallet_loading, "programme_pays", lambda: False)  # the search, not the programme's proof
    length, width, w, l = case
    floor = pallet_loading.whole_floor(length, width, (w, l))
    table = floor_table(length, width, (w, l))
    assert table.count[-1, -1] <= floor.count[-1, -1] <= barnes_bound(length, width, (w, l))
    boxes = [(x, y, 0, dx, dy, 1) for x, y, dx, dy in floor_placements(floor)]
    assert len(boxes) == floor.count[-1, -1] == floor_count(length, width, (l, w))
    assert_disjoint_and_inside(boxes, (length, width, 1))


def test_floor_pinwheel_reaches_the_optimum_where_guillotine_cannot():
    # The classic pinwheel: four 3 x 2 boxes around a 1 x 1 hole.
    assert floor_table(5, 5, (3, 2), pinwheel_length=0).count[-1, -1] == 3
    assert floor_count(5, 5, (3, 2)) == 4 == milp_floor(5, 5, (3, 2))


def assert_disjoint_and_inside(boxes, interior):
    for x, y, z, dx, dy, dz in boxes:
        assert min(x, y, z) >= 0
        assert x + dx <= interior[0] and y + dy <= interior[1] and z + dz <= interior[2]
    for a, b in combinations(boxes, 2):
        overlap = all(a[k] < b[k] + b[k + 3] and b[k] < a[k] + a[k + 3] for k in range(3))
        assert not overlap, (a, b)


mm_interiors = st.tuples(st.integers(1000, 6000), st.integers(1000, 2400), st.integers(1000, 2400))
mm_boxes = st.tuples(st.integers(300, 1500), st.integers(300, 1500), st.integers(300, 1500))


def every_class(interior, box, upright, max_layers=0):
    """The best layout and the best of each class it is chosen from, as Layouts."""
    found = {"best": best_layout(interior, box, upright, max_layers),
             "grid": (*grid_layout(interior, box, upright, max_layers), (0, 1, 2))}
    found.update(searched_layouts(interior, box, upright, max_layers))
    found["whole floors"] = (*whole_floor_layers(interior, box, upright, max_layers), STANDING)
    return {
        name: layout if isinstance(layout, Layout) else
        Layout(interior, box, upright, max_layers, layout[0], 0, 0, tuple(layout[1]), layout[2])
        for name, layout in found.items()
    }


def assert_boxes_are_the_package(boxes, box, upright):
    for x, y, z, dx, dy, dz in boxes:
        assert sorted((dx, dy, dz)) == sorted(box)
        if upright:
            assert dz == box[2]


@settings(max_examples=30)
@given(mm_interiors, mm_boxes, st.booleans())
@example((12010, 2340, 2380), (786, 1435, 1665), False)  # lanes of different standing sides
@example((12010, 2340, 2380), (323, 1705, 1936), False)  # tiers of whole-length floors
@example((12010, 2340, 2380), (894, 1313, 2469), False)  # cross-section pinwheels, turned
def test_layout_boxes_lie_inside_and_never_overlap_in_every_class(interior, box, upright):
    for name, layout in every_class(interior, box, upright).items():
        boxes = layout.placements()
        assert len(boxes) == layout.count, name
        assert_disjoint_and_inside(boxes, interior)
        assert_boxes_are_the_package(boxes, box, upright)


@settings(max_examples=30)
@given(mm_interiors, mm_boxes, st.booleans())
@example((1201, 1000, 1000), (300, 300, 601), False)  # 18 by whole floors, 17 by every other class
def test_best_layout_is_the_best_of_every_class(interior, box, upright):
    counts = {name: layout.count for name, layout in every_class(interior, box, upright).items()}
    assert counts.pop("best") == max(counts.values())


def test_raster_points_match_a_slow_loop():
    def slow(limit, sizes):
        reachable = [True] + [False] * limit
        for total in range(1, limit + 1):
            reachable[total] = any(total >= s and reachable[total - s] for s in sizes)
        return [n for n, ok in enumerate(reachable) if ok]

    for limit, sizes in [(0, (3,)), (10, (3, 4)), (97, (7, 11, 13)), (250, (60, 61)), (300, (301,)), (64, (1,))]:
        assert raster_points(limit, sizes).tolist() == slow(limit, sizes)


# Cases where an earlier class of layouts (slices at most twice the width long) held
# fewer than py3dbp: 44, 29 and 57 packages (NOTES.md, packing section).
PY3DBP_WINS = [((12030, 2340, 2690), (1000, 1177, 1192)), ((12010, 2340, 2380), (786, 1435, 1665)),
               ((12010, 2340, 2380), (323, 1705, 1936))]


@pytest.mark.parametrize("interior, box", PY3DBP_WINS)
def test_never_fewer_than_py3dbp_where_it_once_won(interior, box):
    py3dbp = pytest.importorskip("py3dbp")
    theirs = 0
    for order in set(permutations(box)):
        packer = py3dbp.Packer()
        packer.add_bin(py3dbp.Bin("container", *interior, 1e12))
        for k in range(best_layout(interior, box, False).bound):
            packer.add_item(py3dbp.Item(f"box{k}", *order, 1))
        packer.pack(number_of_decimals=0)
        theirs = max(theirs, len(packer.bins[0].items))
    assert best_layout(interior, box, False).count >= theirs


@settings(max_examples=60)
@given(mm_interiors, mm_boxes, st.booleans())
def test_count_lies_between_the_uniform_grid_and_every_bound(interior, box, upright):
    layout = best_layout(interior, tuple(sorted(box[:2])) + box[2:] if upright else tuple(sorted(box)), upright)
    assert oracle_grid(interior, box, upright) <= layout.count <= layout.bound <= layout.volume_bound


interiors = st.tuples(phys.interior_length, phys.interior_side, phys.interior_side)


def oracle_grid_m(interior, box, upright):
    """Slow, obvious grid in metres, with the model's relative fit tolerance."""
    best = 0
    for order in permutations(range(3)):
        if upright and order[2] != 2:
            continue
        best = max(best, math.prod(math.floor(interior[a] / box[order[a]] * (1 + 1e-9)) for a in range(3)))
    return best


@given(interiors, st.tuples(phys.package_side, phys.package_side, phys.package_side), st.booleans())
def test_model_grid_matches_oracle(interior, box, upright):
    assert int(crates_by_space(interior, box, upright)) == oracle_grid_m(interior, box, upright)

# Boxes from 0.3 m: the smallest artillery crate side is about 0.14 m, but floors of
# thousands of boxes make each example take seconds; benchmarks/ covers smaller ones.
boxes = st.tuples(st.floats(0.3, 3.5), st.floats(0.3, 3.5), st.floats(0.3, 3.5))


@settings(max_examples=40)
@given(interiors, boxes, st.booleans(), st.integers(0, 2), st.floats(1.0, 2.0))
def test_larger_interior_never_holds_fewer_and_larger_box_never_fits_more(interior, box, upright, axis, factor):
    assert phys.monotonicity_breaks(crates_by_layout, interior, box, upright, axis, factor) == []


@settings(max_examples=40)
@given(interiors, boxes)
def test_upright_never_fits_more_than_free(interior, box):
    assert crates_by_layout(interior, box, True) <= crates_by_layout(interior, box, False)


@settings(max_examples=40)
@given(interiors, boxes, st.booleans())
def test_packed_volume_never_exceeds_interior(interior, box, upright):
    count = int(crates_by_layout(interior, box, upright))
    assert count * np.prod(box) <= np.prod(interior) * (1 + 1e-8)


@settings(max_examples=30)
@given(interiors, boxes, st.integers(1, 3))
def test_layer_cap_never_fits_more_and_is_respected_in_every_class(interior, box, cap):
    room = (int(interior[0] * 1000), int(interior[1] * 1000), int(interior[2] * 1000))
    package = tuple(sorted(math.ceil(s * 1000) for s in box))
    assert best_layout(room, package, False, cap).count <= int(crates_by_layout(interior, box, False))
    for name, layout in every_class(room, package, False, cap).items():
        boxes = layout.placements()
        for x, y, _, dx, dy, _ in boxes:  # the vertical line through each box's centre
            centre = (x + dx / 2, y + dy / 2)
            assert sum(b[0] < centre[0] < b[0] + b[3] and b[1] < centre[1] < b[1] + b[4] for b in boxes) <= cap, name


def test_vectorised_over_arrays_matches_one_at_a_time():
    lengths = np.array([0.5, 0.74, 1.0, 2.0, 0.74])
    counts = crates_by_layout((5.9, 2.35, 2.39), (lengths, 0.4, 0.3), upright=True)
    assert counts.shape == (5,)
    assert list(counts) == [int(crates_by_layout((5.9, 2.35, 2.39), (l, 0.4, 0.3), True)) for l in lengths]


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=60))
def test_monotone_map_matches_calling_every_point(points):
    keys = np.array(points)
    def value(key):  # non-decreasing in the first, non-increasing in the second
        return key[0] // 3 - key[1] // 4
    got = monotone_map(keys, np.array([1, -1]), value)
    assert list(got) == [value(tuple(p)) for p in points]


def test_door_refuses_a_package_that_cannot_pass():
    with pytest.raises(InputError, match=r"^package crate \(2.5 x 2.5 x 2.5 m\) cannot pass the door \(2.34 x 2.28 m, "
                                         r"width x height\) in any orientation; expected two of its sides to fit"):
        check_door(2.34, 2.28, (2.5, 2.5, 2.5), False, "package crate")
    with pytest.raises(InputError, match=r"\(1 x 1 x 2.3 m\) .* kept upright; expected its height and one other side"):
        check_door(2.34, 2.28, (1.0, 1.0, 2.3), True, "package crate")
    check_door(2.34, 2.28, (1.0, 1.0, 2.3), False, "package crate")


@settings(max_examples=30)
@given(st.floats(2.0, 6.0), boxes, boxes, st.integers(1, 3), st.integers(1, 3))
def test_kit_split_is_feasible_and_never_beats_either_part_alone(length, first, second, k1, k2):
    interior = (length, 2.35, 2.39)
    rounds = int(kit_rounds_by_space(interior, [first, second], [False, False], [k1, k2], [1, 1]))
    alone = [int(crates_by_layout(interior, box, False)) for box in (first, second)]
    assert rounds <= min(alone[0] * k1, alone[1] * k2)
    volume = math.ceil(rounds / k1) * np.prod(first) + math.ceil(rounds / k2) * np.prod(second)
    assert volume <= np.prod(interior) * (1 + 1e-8)


def test_barnes_bound_is_57_where_area_and_integer_optimum_agree():
    assert barnes_bound(49, 28, (8, 3)) == 57
    # The pinwheel floor: 25 cells, strips of 3 leave at least 1, so 4 boxes of 6.
    assert barnes_bound(5, 5, (3, 2)) == 4 == milp_floor(5, 5, (3, 2))


@settings(max_examples=40, deadline=None)
@given(small_floors)
def test_barnes_bound_never_falls_below_the_optimum(case):
    length, width, l, w = case
    assert milp_floor(length, width, (l, w)) <= int(barnes_bound(length, width, tuple(sorted((l, w)))))


def slow_l_pieces(length, width, box):
    """Slow, obvious L-approach over every integer size and cut.

    Returns the best count of every rectangle up to ``length x width`` (guillotine cuts,
    pinwheels, staircase cuts into two L-pieces) and a function giving the best count of
    the L-piece (X, Y, x, y): the X x Y rectangle less its top-right corner from (x, y).
    """
    rect = {}

    def area(a, b):
        return rect[a, b] if a and b else 0

    @lru_cache(maxsize=None)
    def piece(X, Y, x, y):
        if x == 0:
            return area(X, y)
        if y == 0:
            return area(x, Y)
        if x >= X or y >= Y:
            return area(X, Y)
        flip = lambda a, b, c, d: piece(b, a, d, c)  # noqa: E731 (the transposed piece)
        return max(l_cuts(X, Y, x, y, piece, area) + l_cuts(Y, X, y, x, flip, lambda a, b: area(b, a)))

    def l_cuts(X, Y, x, y, L, R):
        found = [R(a, Y) + L(X - a, Y, x - a, y) for a in range(1, x)]
        found += [L(a, Y, x, y) + R(X - a, y) for a in range(x, X)]
        found += [L(X, Y, x, b) + R(X - x, y - b) for b in range(1, y)]
        for b in range(1, y):
            found += [L(X, Y, a, b) + L(X - a, Y - b, x - a, y - b) for a in range(1, x)]
            found += [L(x, Y, a, Y - b) + L(X - a, y, X - x, b) for a in range(1, x)]
            found += [L(c, Y - b, x, y - b) + L(X, y, X - c, b) for c in range(x, X)]
            found += [L(c, Y, x, b) + L(X - x, y, X - c, y - b) for c in range(x + 1, X)]
        return found

    for x in range(length + 1):
        for y in range(width + 1):
            rect[x, y] = found = slow_cuts_and_pinwheels(rect, x, y, box)
            staircase = [piece(k2, y, k1, y - b) + piece(x - k1, y, x - k2, b)
                         for k2 in range(1, x) for k1 in range(k2) for b in range(1, y)]
            staircase += [piece(x, k2, x - b, k1) + piece(x, y - k1, b, y - k2)  # the transposed cut
                          for k2 in range(1, y) for k1 in range(k2) for b in range(1, x)]
            rect[x, y] = max([found] + staircase)
    return rect, piece


def l_piece_boxes_are_inside_and_disjoint(points, key, boxes):
    X, Y, x, y = (points[k] for k in key)
    for bx, by, dx, dy in boxes:
        inside_foot = bx + dx <= X and by + dy <= y
        inside_arm = bx + dx <= x and by + dy <= Y
        assert min(bx, by) >= 0 and (inside_foot or inside_arm), (key, (bx, by, dx, dy))
    assert_disjoint_and_inside([(bx, by, 0, dx, dy, 1) for bx, by, dx, dy in boxes], (X, max(Y, y), 1))


small_l_floors = st.tuples(st.integers(5, 10), st.integers(5, 10), st.integers(2, 3), st.integers(3, 5))


def small_l_search(case):
    """A small floor's table, its raster points, a fresh L-piece search on it, every
    L-piece key, and the slow integer L-approach's count of an L-piece (by sides)."""
    length, width, w, l = case
    table = floor_table(length, width, (w, l))
    points = (table.xs if len(table.xs) >= len(table.ys) else table.ys).tolist()
    _, slow = slow_l_pieces(length, width, (l, w))
    search = pallet_loading._LSearch(table.xs, table.ys, table.count, (w, l), table.final)
    keys = [(X, Y, x, y) for X in range(2, len(table.xs)) for Y in range(2, len(table.ys))
            for x in range(1, X) for y in range(1, Y)]
    return table, points, search, keys, slow


@settings(max_examples=12, deadline=None)
@given(small_l_floors)
def test_l_piece_search_equals_the_slow_integer_l_approach_and_places_its_count(case):
    table, points, search, keys, slow = small_l_search(case)
    for key in keys:
        best = slow(*(points[k] for k in key))
        assert search.reach(key, best) and not search.reach(key, best + 1)
        with_cuts = pallet_loading.FloorTable(table.xs, table.ys, table.box, table.count, table.decision,
                                              table.argument, search.cuts)
        boxes = pallet_loading._piece_boxes(with_cuts, key)
        assert len(boxes) == best
        l_piece_boxes_are_inside_and_disjoint(points, key, boxes)


def slow_colour_counts(X, Y, m, sign):
    """Cells of ``[0, X) x [0, Y)`` of each colour ``(p + sign q) mod m``, one by one."""
    counts = [0] * m
    for p in range(X):
        for q in range(Y):
            counts[(p + sign * q) % m] += 1
    return counts


@settings(max_examples=60)
@given(st.integers(0, 30), st.integers(1, 30), st.integers(1, 11))
def test_colour_counts_match_counting_every_cell(X, Y, m):
    plus, minus = pallet_loading._Colours((1, 1))._rectangle(X, Y, m)
    assert plus.tolist() == slow_colour_counts(X, Y, m, 1)
    assert minus.tolist() == slow_colour_counts(X, Y, m, -1)


@settings(max_examples=12, deadline=None)
@given(small_l_floors)
def test_l_piece_colour_and_corner_bounds_never_fall_below_the_slow_l_approach(case):
    table, points, search, keys, slow = small_l_search(case)
    assert table.final.all()  # every cell in budget: the corner bound applies everywhere
    for key in keys:
        best = slow(*(points[k] for k in key))
        assert search.colours.l_bound(*(points[k] for k in key)) >= best
        assert search._corner_bound(key) >= best


@settings(max_examples=8, deadline=None)
@given(st.tuples(st.integers(4, 9), st.integers(4, 9), st.integers(2, 3), st.integers(3, 5)))
def test_floor_count_equals_the_slow_integer_l_approach(case):
    length, width, w, l = case
    rect, _ = slow_l_pieces(length, width, (l, w))
    # The searches themselves, not the raster programme's proofs that skip them (which
    # change no count: tests/test_floor_tables.py).
    pallet_loading.clear_floor_tables()
    with mock.patch.object(pallet_loading, "programme_pays", lambda: False):
        assert floor_count(length, width, (l, w)) == rect[length, width]
    pallet_loading.clear_floor_tables()


@settings(max_examples=15, deadline=None)
@given(st.tuples(st.integers(6, 16), st.integers(6, 14), st.integers(2, 3), st.integers(3, 5)))
def test_staircase_patterns_place_their_count_inside_and_disjoint(case):
    # The L-approach improves no cell of floors this small, so every cell is given the
    # first staircase cut (either way round) that matches its count, and placed by it.
    length, width, w, l = case
    table = floor_table(length, width, (w, l))
    search = pallet_loading._LSearch(table.xs, table.ys, table.count, (w, l), table.final)
    decision = table.decision.copy()
    for i in range(1, len(table.xs)):
        for j in range(1, len(table.ys)):
            cut = search._first_cut((i, j, i, j), pallet_loading._rectangle_cuts, int(table.count[i, j]))
            if cut is not None:
                search.cuts[i, j, i, j] = cut
                decision[i, j] = pallet_loading._L_APPROACH
    staircases = pallet_loading.FloorTable(table.xs, table.ys, table.box, table.count, decision,
                                           table.argument, search.cuts)
    assert (decision == pallet_loading._L_APPROACH).any()
    for i in range(1, len(table.xs)):
        for j in range(1, len(table.ys)):
            boxes = floor_placements(staircases, i, j)
            assert len(boxes) == table.count[i, j]
            assert_disjoint_and_inside([(x, y, 0, dx, dy, 1) for x, y, dx, dy in boxes],
                                       (int(table.xs[i]), int(table.ys[j]), 1))


def milp_box(interior, box, upright, max_layers=0, time_limit=3.0):
    """Exact optimum in 3D: an integer program over raster positions.

    Returns the best packing found and the solver's bound on the optimum (equal when it
    finishes within ``time_limit`` seconds).

    Boxes pushed towards the corner sit at sums of box sides (raster points), and two
    boxes placed there overlap exactly when both cover the raster point at the lower
    corner of their intersection, so one constraint per raster point suffices.
    """
    import scipy.sparse as sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    turns = {tuple(box[o[a]] for a in range(3)) for o in permutations(range(3)) if not upright or o[2] == 2}
    turns = [t for t in turns if all(t[a] <= interior[a] for a in range(3))]
    if not turns:
        return 0, 0
    grid = [raster_points(interior[a], tuple({t[a] for t in turns})) for a in range(3)]
    spots = [(x, y, z, t) for t in turns for x in grid[0] if x + t[0] <= interior[0]
             for y in grid[1] if y + t[1] <= interior[1] for z in grid[2] if z + t[2] <= interior[2]]
    points = {p: n for n, p in enumerate((p, q, r) for p in grid[0] for q in grid[1] for r in grid[2])}
    columns = {c: n for n, c in enumerate((p, q) for p in grid[0] for q in grid[1])}
    rows, cols, stack_rows, stack_cols = [], [], [], []
    for k, (x, y, z, t) in enumerate(spots):
        inside = [[v for v in grid[a] if s <= v < s + t[a]] for a, s in enumerate((x, y, z))]
        for p in inside[0]:
            for q in inside[1]:
                rows += [points[p, q, r] for r in inside[2]]
                cols += [k] * len(inside[2])
                stack_rows.append(columns[p, q])
                stack_cols.append(k)
    constraints = [LinearConstraint(sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                                      shape=(len(points), len(spots))), 0, 1)]
    if max_layers:
        constraints.append(LinearConstraint(sparse.csr_matrix(
            (np.ones(len(stack_rows)), (stack_rows, stack_cols)), shape=(len(columns), len(spots))), 0, max_layers))
    result = milp(-np.ones(len(spots)), constraints=constraints, integrality=np.ones(len(spots)), bounds=Bounds(0, 1),
                  options={"time_limit": time_limit})
    return round(-result.fun), math.floor(-result.mip_dual_bound + 1e-6)


# Small interiors (sides 5-13) and boxes (sides 2-7) in whole units: the integer program
# over raster positions solves each in well under a second.
small_rooms = st.tuples(st.integers(5, 13), st.integers(5, 13), st.integers(5, 13))
small_boxes = st.tuples(st.integers(2, 7), st.integers(2, 7), st.integers(2, 7))


@settings(max_examples=30, deadline=None)
@given(small_rooms, small_boxes, st.booleans(), st.integers(0, 2))
@example((11, 4, 4), (3, 3, 4), False, 0)
def test_count_never_above_the_exact_optimum_nor_the_bound_below_it(interior, box, upright, max_layers):
    box = tuple(sorted(box[:2])) + box[2:] if upright else tuple(sorted(box))
    layout = best_layout(interior, box, upright, max_layers)
    found, most = milp_box(interior, box, upright, max_layers)
    assert layout.count <= most and found <= layout.bound


@settings(max_examples=30, deadline=None)
@given(small_floors)
def test_line_bound_never_below_the_floor_optimum(case):
    length, width, l, w = case
    assert line_bound(length, width, (l, w)) >= milp_floor(length, width, (l, w))


@settings(max_examples=30, deadline=None)
@given(small_floors)
def test_small_floor_search_equals_the_integer_program_where_it_finishes(case):
    length, width, l, w = case
    exact = small_floor_optimum(length, width, (l, w))
    assert exact is None or exact == milp_floor(length, width, (l, w))


@settings(max_examples=15, deadline=None)
@given(mm_interiors, mm_boxes, st.booleans(), st.integers(0, 2), st.lists(st.floats(0.2, 1.0), min_size=1, max_size=3))
@example((12010, 2340, 2380), (786, 1435, 1665), False, 0, [1.0, 0.5])  # lanes
@example((12010, 2340, 2380), (894, 1313, 2469), False, 0, [1.0, 0.7])  # turned tiers
@example((2240, 2060, 1370), (380, 530, 1000), False, 3, [0.8929])  # the whole width dominated at 2000
@example((12000, 2190, 2290), (290, 380, 660), False, 3, [0.895])  # lanes within budget at 10740 only
@example((4008, 2106, 1000), (300, 300, 502), False, 0, [0.75])  # whole floors give 126 at 3006, profiles 123
def test_count_by_length_is_the_best_layout_at_every_length(interior, box, upright, cap, shares):
    """The profile is best_layout without the whole-floor class, which has no profile over
    the length (the model's layouts leave it out too: fastspace.py)."""
    box = tuple(sorted(box[:2])) + box[2:] if upright else tuple(sorted(box))
    profile = count_by_length(interior, box, upright, cap)
    for share in shares:
        length = int(interior[0] * share)
        assert profile[length] == best_layout((length,) + interior[1:], box, upright, cap, whole_floors=False).count


@given(st.tuples(st.integers(500, 13000), st.integers(500, 2700), st.integers(500, 2700)),
       st.tuples(st.integers(200, 3100), st.integers(200, 3100), st.integers(200, 3100)),
       st.booleans(), st.integers(0, 3))
@example((12030, 2340, 2690), (1981, 2038, 2650), False, 0)
@example((5867, 2330, 2380), (1300, 1389, 1841), False, 0)
def test_plain_integer_grid_and_bounds_match_the_obvious_forms(interior, box, upright, max_layers):
    """The grid in plain integers is the best (count, orientation) over every grid (ties
    to the last orientation, as ``max`` over the tuples), and a bound stopped early at the
    grid's count (the cases the grid settles) is the bound computed in full."""
    length, width, height = interior
    limit = min(length, 2 * width)
    grids = [((length // box[a]) * (width // box[b])
              * (min(height // box[c], max_layers) if max_layers else height // box[c]), (a, b, c))
             for a, b, c in permutations(range(3)) if (not upright or c == 2) and box[a] <= limit]
    count, order = max(grids, default=(0, None))
    found, sections = grid_layout(interior, box, upright, max_layers)
    assert found == count
    if count:
        assert {(s.footprint, s.height) for s in sections} == {(tuple(sorted((box[order[0]], box[order[1]]))),
                                                                box[order[2]])}
        assert sum(s.count for s in sections) == count
    assert (upper_bound(interior, box, upright, max_layers, reached=count, exhaustive=False)
            == upper_bound(interior, box, upright, max_layers, exhaustive=False))


@given(st.integers(1, 13000), st.sets(st.integers(1, 3100), min_size=1, max_size=3))
@example(2340, {2154, 2363 - 200, 2050})  # room for one: the longest
def test_reduced_side_is_the_largest_raster_point_of_the_sides_that_fit(side, lying):
    lying = {size for size in lying if size <= side}
    assume(lying)
    assert _reduced_side(side, lying) == raster_points(side, tuple(lying))[-1]


# Sides up to 3.5 m in interiors up to 3 m across: often no orientation fits.
@given(st.tuples(*[st.integers(1, 3500)] * 3), st.tuples(*[st.integers(1, 3500)] * 3), st.booleans())
@example((3000, 2400, 2000), (1000, 1000, 2100), True)  # fits only lying down, which upright forbids
@example((2000, 2400, 2000), (2100, 1900, 2000), True)  # turned about the vertical: fits
def test_a_box_fits_exactly_when_some_allowed_orientation_fits(interior, box, upright):
    turns = [(box[a], box[b], box[c]) for a, b, c in orientations(upright)]
    assert list(oriented_sides(box, upright)) == turns
    assert fits(interior, box, upright) == any(all(map(int.__le__, turn, interior)) for turn in turns)
    if not fits(interior, box, upright):
        assert best_layout(interior, box, upright).count == 0


def slow_rows(positions, lengths, values):
    """The best row of pieces ending at each position, and the first piece that ends it
    (-1: the row one position shorter), one position at a time over every piece."""
    best, choice = [], []
    for p, end in enumerate(positions):
        reached, first = None, -1
        for k, length in enumerate(lengths):
            starts = [q for q in range(p + 1) if positions[q] <= end - length]
            if starts:
                total = best[starts[-1]] + values[k]
                if reached is None or total > reached:
                    reached, first = total, k
        shorter = best[-1] if best else 0
        best.append(max(shorter, reached if reached is not None else 0))
        choice.append(first if reached is not None and reached >= shorter and p > 0 else -1)
    return best, choice


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(3, 40), min_size=1, max_size=3), st.integers(0, 200),
       st.lists(st.integers(3, 90), min_size=1, max_size=6, unique=True), st.integers(1, 4), st.randoms())
def test_rows_of_several_columns_at_once_are_each_column_alone_and_the_slow_loop(sides, limit, lengths, columns, rng):
    from estimator.packing import _best_rows

    positions = raster_points(limit, tuple(sides))
    lengths = np.array(sorted(lengths), dtype=np.int64)
    values = np.sort(np.array([[rng.randint(0, 5) for _ in range(columns)] for _ in lengths]), axis=0)
    best, choice = _best_rows(positions, lengths, values)
    for m in range(columns):
        slow_best, slow_choice = slow_rows(positions.tolist(), lengths.tolist(), values[:, m].tolist())
        assert best[:, m].tolist() == slow_best
        assert choice.column(m).tolist() == slow_choice
        alone_best, alone_choice = _best_rows(positions, lengths, values[:, m : m + 1])
        assert (alone_best[:, 0] == best[:, m]).all() and (alone_choice.column(0) == choice.column(m)).all()


@settings(max_examples=25, deadline=None)
@given(mm_interiors, mm_boxes, st.booleans(), st.integers(0, 3))
@example((12010, 2330, 2380), (243, 1338, 1435), False, 91)  # cap 100 of 9 layers: was 108, not 130
def test_a_layer_cap_that_cannot_bind_counts_as_no_cap(interior, box, upright, above):
    box = tuple(sorted(box[:2])) + box[2:] if upright else tuple(sorted(box))
    cap = interior[2] // (box[2] if upright else box[0]) + above
    assume(cap > 0)
    capped, free = (best_layout(interior, box, upright, layers) for layers in (cap, 0))
    assert capped.count == free.count and capped.max_layers == cap
    assert (count_by_length(interior, box, upright, cap) == count_by_length(interior, box, upright, 0)).all()


def test_a_taller_container_never_holds_fewer_with_turned_tiers():
    # 1.435 x 1.338 x 0.243 m: 130 in the 40ft interior (turned tiers); the 40ft high
    # cube's taller cross-section was past the turned tiers' old budget and held 123.
    box = (243, 1338, 1435)
    low, high = best_layout((11990, 2320, 2360), box, False), best_layout((12010, 2320, 2670), box, False)
    assert low.count == 130 and high.count >= low.count
