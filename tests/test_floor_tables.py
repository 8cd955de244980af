"""Floor tables and bounds made faster: each shortcut against the slow, obvious answer."""

from itertools import combinations
from unittest import mock
import math
import sys

import numpy as np
import pytest
from hypothesis import assume, example, given, settings, strategies as st

from estimator import packing, pallet_loading
from estimator.pallet_loading import (
    bar_waste, barnes_bound, clear_floor_tables, floor_placements, floor_table, largest_raster_point, line_bound,
    raster_lp_bound, raster_points, settled_final,
)
from oracles import milp_floor


@given(st.integers(0, 20_000), st.lists(st.integers(1, 5000), min_size=1, max_size=3))
@example(12010, [200, 201, 202])  # too many combinations: the array of raster points
@example(12030, [2650, 1981, 2038])  # three sizes, the combinations one by one
@example(5867, [2274, 1773, 1100])  # the bits of one integer
@example(2330, [2274, 1773, 1100])  # room for two: a single size beats every pair that fits
@example(2300, [1150, 1200])  # room for two: the smallest twice
@example(8192, [3, 5])  # the bits of one integer, at their longest side
@example(2340, [1981, 2038])  # two sizes: one loop
@example(2340, [1300, 1389, 1841])  # room for one box: the longest that fits
@example(1000, [1300, 1389])  # room for none: 0
@example(6000, [1200, 1389])  # the smallest alone reaches the end
@example(5867, [669])  # one size
def test_largest_raster_point_is_the_last_of_the_raster_points(limit, sizes):
    assert largest_raster_point(limit, tuple(sizes)) == raster_points(limit, tuple(sizes))[-1]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 500)), max_size=8),
       st.integers(1, 500), st.integers(1, 500))
def test_two_variable_programme_floor_equals_scipy_linprog(rows, x_cap, y_cap):
    from scipy.optimize import linprog

    rows = rows + [(1, 0, x_cap), (0, 1, y_cap)]  # bounded
    result = linprog([-1, -1], A_ub=[r[:2] for r in rows], b_ub=[r[2] for r in rows], bounds=(0, None))
    assert pallet_loading._two_variable_lp_floor(rows) == math.floor(-result.fun + 1e-7)


def case_by_case_waste(x, y, bar):
    """Barnes's least strip waste, case by case: a side shorter than a strip leaves the
    other side's remainder along all of it; else the better of the two corners."""
    r, s = x % bar, y % bar
    if x < bar:
        return x * (y if y < bar else s)
    if y < bar:
        return y * r
    return min(r * s, (bar - r) * (bar - s))


@given(st.integers(0, 300), st.integers(0, 300), st.integers(1, 60))
def test_bar_waste_equals_the_case_by_case_rule_for_integers_and_arrays(x, y, bar):
    assert bar_waste(x, y, bar) == case_by_case_waste(x, y, bar)
    assert bar_waste(np.array([x]), np.array([y]), bar)[0] == case_by_case_waste(x, y, bar)


@given(st.integers(0, 20_000), st.integers(0, 20_000), st.integers(1, 3000), st.integers(1, 3000))
def test_barnes_bound_on_plain_integers_equals_the_array_form(x, y, l, w):
    """The plain-integer path (floor_bound, the slice bounds) against the array path (floor tables)."""
    box = tuple(sorted((l, w)))
    plain = barnes_bound(x, y, box)
    assert type(plain) is int
    assert plain == barnes_bound(np.array([[x]]), np.array([[y]]), box)[0, 0]



def assert_every_cell_placed(table):
    """Every cell's pattern holds its count, inside the cell and without overlaps."""
    for i in range(len(table.xs)):
        for j in range(len(table.ys)):
            assert_cell_placed(table, i, j)


def assert_cell_placed(table, i, j):
    """Cell (i, j)'s pattern holds its count, inside the cell and without overlaps."""
    length, width = int(table.xs[i]), int(table.ys[j])
    boxes = floor_placements(table, i, j)
    assert len(boxes) == table.count[i, j], (i, j)
    for x, y, dx, dy in boxes:
        assert x >= 0 and y >= 0 and x + dx <= length and y + dy <= width
        assert sorted((dx, dy)) == sorted(table.box)
    for a, b in combinations(boxes, 2):
        assert not (a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3])


floors = st.tuples(st.integers(4, 40), st.integers(4, 40), st.integers(2, 9), st.integers(2, 9))


@settings(max_examples=40, deadline=None)
@given(floors)
@example((23, 17, 5, 3))  # cells narrower than long, taken turned
def test_every_cell_places_its_count_inside_and_disjoint(case):
    length, width, l, w = case
    clear_floor_tables()
    assert_every_cell_placed(floor_table(length, width, (l, w), pinwheel_length=width))


def test_cells_narrower_than_long_are_taken_from_the_same_floors_turned():
    clear_floor_tables()
    table = floor_table(23, 17, (3, 5), pinwheel_length=17)
    assert (table.decision == pallet_loading._TURNED).any()
    square = min(len(table.xs), len(table.ys))
    assert (table.count[:square, :square] == table.count[:square, :square].T).all()


def fresh_counts(length, width, box):
    clear_floor_tables()
    table = floor_table(length, width, box, pinwheel_length=width)
    return table.xs.copy(), table.count.copy()


@settings(max_examples=30, deadline=None)
@given(floors, st.floats(0.1, 1.0), st.booleans())
def test_floors_of_one_width_solved_in_either_order_equal_their_own_tables(case, share, longer_first):
    length, width, l, w = case
    lengths = [max(int(length * share), 1), length + width]
    fresh = [fresh_counts(side, width, (l, w)) for side in lengths]
    clear_floor_tables()
    order = [1, 0] if longer_first else [0, 1]
    shared = {k: floor_table(lengths[k], width, (l, w), pinwheel_length=width) for k in order}
    for k in order:
        assert shared[k].xs.tolist() == raster_points(lengths[k], (l, w)).tolist() == fresh[k][0].tolist()
        assert (shared[k].count == fresh[k][1]).all()
        assert_every_cell_placed(shared[k])


@settings(max_examples=30, deadline=None)
@given(floors)
def test_line_bound_of_every_cell_never_falls_below_its_count(case):
    length, width, l, w = case
    clear_floor_tables()
    table = floor_table(length, width, (l, w))
    for i, x in enumerate(table.xs.tolist()):
        for j, y in enumerate(table.ys.tolist()):
            assert line_bound(x, y, (l, w)) >= table.count[i, j]


def unshared_table(length, width, box):
    """The table of one floor solved on its own, with no square table shared."""
    return pallet_loading._FloorSolver(max(length, 2 * width), width, box, width).table(length)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(4, 40), min_size=2, max_size=4), st.integers(2, 9), st.integers(2, 9),
       st.sampled_from([0.5, 1.0, 2.0, 3.0]), st.booleans())
def test_floors_of_several_widths_sharing_one_square_table_equal_their_own_tables(widths, l, w, share, widest_first):
    clear_floor_tables()
    for width in sorted(widths, reverse=widest_first):
        length = max(int(width * share), 1)
        shared = floor_table(length, width, (l, w), pinwheel_length=width)
        own = unshared_table(length, width, (l, w))
        assert shared.xs.tolist() == own.xs.tolist()
        assert (shared.count == own.count).all() and (settled_final(shared) == settled_final(own)).all()
        assert_every_cell_placed(shared)
    assert pallet_loading.square_tables_kept() == 1


def test_square_tables_kept_stay_within_their_bound():
    clear_floor_tables()
    for l in range(2, pallet_loading._MOST_SQUARES + 12):
        floor_table(12, 12, (l, 1), pinwheel_length=12)
    assert pallet_loading.square_tables_kept() == pallet_loading._MOST_SQUARES


def solved_arrays(length, width, box, pinwheel_length, plain_cuts):
    """Every array of a floor's table (and its cuts), solved cold with the length cuts of
    columns up to ``plain_cuts`` cells times cuts in plain integers, the others over the
    arrays."""
    saved, pallet_loading.PLAIN_CUTS = pallet_loading.PLAIN_CUTS, plain_cuts
    try:
        clear_floor_tables()
        table = floor_table(length, width, box, pinwheel_length=pinwheel_length)
        return [table.xs, table.count, table.decision, table.argument, settled_final(table)], dict(table.cuts)
    finally:
        pallet_loading.PLAIN_CUTS = saved


@settings(max_examples=30, deadline=None)
@given(floors, st.sampled_from(["width", "length", "guillotine"]))
@example((40, 23, 3, 2), "width")  # long columns: both ways differ in speed, not in the table
def test_length_cuts_in_plain_integers_and_over_the_arrays_give_the_same_table(case, pinwheel):
    length, width, l, w = case
    pinwheel_length = {"width": width, "length": length, "guillotine": 0}[pinwheel]
    (plain, plain_cuts), (arrays, array_cuts) = (
        solved_arrays(length, width, (l, w), pinwheel_length, most) for most in (10**9, 0))
    assert all(a.shape == b.shape and (a == b).all() for a, b in zip(plain, arrays))
    assert plain_cuts == array_cuts


# --- the raster programme's bound (raster_lp_bound) -------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.tuples(st.integers(4, 13), st.integers(4, 13), st.integers(2, 6), st.integers(2, 6)))
@example((5, 5, 3, 2))  # a pinwheel of four round a hole: the programme gives 4 exactly
@example((11, 10, 4, 3))
def test_raster_programme_bound_is_never_below_the_optimum(case):
    length, width, l, w = case
    assert raster_lp_bound(length, width, (l, w)) >= milp_floor(length, width, (l, w))


def test_raster_programme_bound_proves_a_floor_that_barnes_leaves_open():
    # A cell the L-approach spent 20-30 ms on in vain (Monte Carlo, crate sides +-2.5 cm):
    # Barnes's bound says 14, the programme 13, which the table reaches.
    box = (230, 260)
    assert barnes_bound(950, 950, box) == 14
    assert raster_lp_bound(950, 950, box) == 13 == pallet_loading.floor_count(950, 950, box)


def tables_with_and_without_the_programme(length, width, box):
    """The floor table (and whole floor) solved with the programme's bound always, and never."""
    solved = []
    for pays in (True, False):
        clear_floor_tables()
        with mock.patch.object(pallet_loading, "programme_pays", lambda: pays):
            table = floor_table(length, width, box)
            whole = pallet_loading.whole_floor(length, width, box)
        solved.append((table.count.copy(), table.decision.copy(), int(whole.count[-1, -1])))
    clear_floor_tables()
    return solved


@settings(max_examples=15, deadline=None)
@given(st.tuples(st.integers(6, 24), st.integers(6, 20), st.integers(2, 9), st.integers(2, 9)))
@example((23, 17, 5, 3))
def test_the_programme_bound_changes_no_cell_of_a_table(case):
    length, width, l, w = case
    (count, decision, whole), (plain_count, plain_decision, plain_whole) = tables_with_and_without_the_programme(
        length, width, tuple(sorted((l, w))))
    assert (count == plain_count).all() and (decision == plain_decision).all() and whole == plain_whole


def test_the_programme_bound_keeps_the_l_approach_cells_it_cannot_prove(monkeypatch):
    # With every cell of (49, 28, 8, 3) searched, the L-approach turns the table's 56 into
    # 57 in the last cell; the programme (57 there) must leave that search to run.
    monkeypatch.setattr(pallet_loading, "L_APPROACH_CELLS", 43 * 22)
    monkeypatch.setattr(pallet_loading, "L_APPROACH_SIDE", 64)
    (count, decision, whole), (plain_count, plain_decision, _) = tables_with_and_without_the_programme(49, 28, (3, 8))
    assert count[-1, -1] == plain_count[-1, -1] == whole == 57
    assert (count == plain_count).all() and (decision == plain_decision).all()


def test_programme_pays_once_the_searches_cost_its_import(monkeypatch):
    monkeypatch.delitem(sys.modules, "scipy.optimize", raising=False)
    monkeypatch.setitem(pallet_loading._SEARCHED, "steps", pallet_loading.PROGRAMME_AFTER_STEPS - 1)
    assert not pallet_loading.programme_pays()
    monkeypatch.setitem(pallet_loading._SEARCHED, "steps", pallet_loading.PROGRAMME_AFTER_STEPS)
    assert pallet_loading.programme_pays()


class _Stopped:
    """What linprog returns when it stops without an optimum (status 4), or with duals
    of no use (``dual`` in every row)."""

    def __init__(self, rows, status, dual):
        self.status = status
        self.ineqlin = type("Duals", (), {"marginals": np.full(rows, dual)})()


@pytest.mark.parametrize("status, dual", [(4, 0.0), (0, np.nan), (0, -np.inf), (0, 0.0)])
def test_raster_programme_bound_falls_back_to_the_area_bound_without_usable_duals(status, dual):
    import scipy.optimize

    def stopped(c, A_ub, b_ub, **_):
        return _Stopped(len(b_ub), status, dual)

    with mock.patch.object(scipy.optimize, "linprog", stopped):
        assert raster_lp_bound(950, 950, (230, 260)) == 950 * 950 // (230 * 260)


# --- pinwheel corner pairs dropped as dominated -----------------------------------------


def contained(blocks):
    """``contained[p, q]``: pair q's blocks all contain pair p's, and q differs or comes first."""
    sides = np.stack(blocks, axis=1)
    covers = (sides[None, :, :] >= sides[:, None, :]).all(axis=2)
    larger = (sides[None, :, :] > sides[:, None, :]).any(axis=2)
    return covers & (larger | np.tri(len(sides), k=-1, dtype=bool))


@settings(max_examples=60, deadline=None)
@given(st.integers(4, 200), st.integers(5, 60), st.integers(5, 60), st.booleans())
@example(235, 25, 26, True)
def test_pinwheel_pairs_kept_are_exactly_those_no_other_pair_contains(side, l, w, half):
    points = raster_points(side, (l, w))
    c1, c2, near, far = pallet_loading._corners(points, len(points) - 1)
    if half:  # along the length only one handedness is tried
        near, far, c1, c2 = (a[c1 + c2 <= points[-1]] for a in (near, far, c1, c2))
    blocks = pallet_loading._pinwheel_blocks(points, points[-1], c1, c2)
    kept = pallet_loading._undominated(near, far, blocks)
    others = contained(blocks)
    assert not others[kept].any(axis=1).any()  # no kept pair is contained
    assert others[~kept][:, kept].any(axis=1).all()  # every dropped pair is, by one kept


@settings(max_examples=30, deadline=None)
@given(floors)
@example((16, 16, 7, 2))  # pinwheels in 5 cells; dropping every other pair loses some
@example((13, 28, 5, 3))
def test_dropping_contained_pinwheel_pairs_changes_no_count_of_a_table(case):
    length, width, l, w = case
    pruned = fresh_counts(length, width, (l, w))[1]
    with mock.patch.object(pallet_loading, "_undominated", lambda near, far, blocks: np.ones(len(near), bool)):
        every_pair = fresh_counts(length, width, (l, w))[1]
    assert (pruned == every_pair).all()
    # what the dropping rests on: a larger cell never holds fewer
    assert (np.diff(pruned, axis=0) >= 0).all() and (np.diff(pruned, axis=1) >= 0).all()


@settings(max_examples=20, deadline=None)
@given(floors)
@example((16, 16, 7, 2))
def test_pinwheel_cells_searched_together_or_one_at_a_time_give_the_same_table(case):
    length, width, l, w = case
    clear_floor_tables()
    together = floor_table(length, width, (l, w), pinwheel_length=width)
    with mock.patch.object(pallet_loading, "PINWHEEL_GATHER", 1):  # every cell a group of its own
        clear_floor_tables()
        alone = floor_table(length, width, (l, w), pinwheel_length=width)
    for a, b in ((together.count, alone.count), (together.decision, alone.decision),
                 (together.argument, alone.argument)):
        assert (a == b).all()


def staircase(side, box):
    """Which combinations of the box's sides fit in ``side``: the most of the longer side
    beside each count of the shorter."""
    a, b = sorted(box)
    return tuple((side - i * a) // b for i in range(side // a + 1))


def equivalent_side(side, box, other_box, scale):
    """A side near ``scale x side`` in which the same combinations of ``other_box``'s
    sides fit as of ``box``'s in ``side``, or None."""
    wanted = staircase(side, box)
    return next((s for s in range(max(scale * side - 3 * scale, 1), scale * side + 3 * scale)
                 if staircase(s, other_box) == wanted), None)


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 14), st.integers(5, 12), st.integers(2, 4), st.integers(2, 5), st.integers(2, 3),
       st.integers(-1, 1), st.integers(-1, 1))
@example(13, 11, 3, 4, 2, 1, 0)
def test_instances_with_the_same_combinations_on_both_sides_hold_the_same_most_boxes(x, y, a, b, k, da, db):
    # Dowsland (1984): the optimum depends on the box only through which combinations of
    # its sides fit each side of the floor; the proven optima the tables share rest on it.
    other_box = (k * a + da, k * b + db)
    sides = [equivalent_side(side, (a, b), other_box, k) for side in (x, y)]
    assume(None not in sides)
    assert milp_floor(x, y, (a, b)) == milp_floor(sides[0], sides[1], other_box)


def tables_without_shared_optima(length, width, box):
    """The floor's table solved as if no other table had proven an optimum."""
    with mock.patch.object(pallet_loading, "_OPTIMA", _Forgetful()):
        clear_floor_tables()
        return floor_table(length, width, box, pinwheel_length=width)


class _Forgetful(dict):
    """A memo of optima that keeps nothing."""

    def __setitem__(self, key, value):
        pass


@settings(max_examples=30, deadline=None)
@given(st.integers(40, 120), st.integers(5, 14), st.integers(5, 14), st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2)), min_size=1, max_size=4))
@example(120, 9, 10, [(1, 0), (0, 1), (1, 1)])
def test_optima_shared_between_tables_change_no_count_and_no_settled_flag(side, a, b, shifts):
    # Near boxes share most classes (the Monte Carlo case); each table is compared with
    # the same table solved with nothing shared.
    boxes = [(a, b)] + [(max(a + da, 2), max(b + db, 2)) for da, db in shifts]
    alone = {box: tables_without_shared_optima(side * 2, side, box) for box in boxes}
    clear_floor_tables()
    shared = [floor_table(side * 2, side, box, pinwheel_length=side) for box in boxes]
    for box, table in zip(boxes, shared):
        assert (table.count == alone[box].count).all()
        assert (settled_final(table) == settled_final(alone[box])).all()
        assert_cell_placed(table, len(table.xs) - 1, len(table.ys) - 1)
    assert len(pallet_loading._OPTIMA) > 0


def test_a_table_after_an_equivalent_one_stops_at_the_optima_it_proved():
    # 0.23 x 0.24 m and 0.23 x 0.25 m crates on a 2.28 m square (resolution 1 cm): most
    # cells of the second are classes the first proved, and its counts are unchanged.
    clear_floor_tables()
    floor_table(228, 228, (23, 24), pinwheel_length=228)
    ids = pallet_loading.staircase_ids(raster_points(228, (23, 25)).tolist(), (23, 25))
    keys = {pallet_loading._class_key(p, q) for p in ids for q in ids}
    assert len(keys & pallet_loading._OPTIMA.keys()) > len(keys) // 2
    warm = floor_table(228, 228, (23, 25), pinwheel_length=228)
    cold = tables_without_shared_optima(228, 228, (23, 25))
    assert (warm.count == cold.count).all() and (settled_final(warm) == settled_final(cold)).all()


@given(st.integers(100, 3000), st.lists(st.integers(50, 900), min_size=1, max_size=3), st.integers(1, 5),
       st.integers(0, 2**32 - 1))
@example(2280, [230, 240], 3, 0)  # near-square crates: runs of about ten widths
def test_column_splits_by_runs_of_widths_equal_the_splits_width_by_width(width, sides, rows, seed):
    # The counts-only path improves widths less than the narrowest apart together; the
    # path that keeps its choices goes one width at a time.
    widths = raster_points(width, tuple(sides))
    best = np.random.default_rng(seed).integers(0, 60, size=(rows, len(widths)))
    best[:, 0] = 0  # nothing in no width
    together, _ = packing._best_columns(best, widths, choices=False)
    one_by_one, _ = packing._best_columns(best, widths, choices=True)
    assert (together == one_by_one).all()


def test_emptying_the_shared_optima_midway_changes_no_count():
    # Past the memo's size both dicts are emptied while a square table is half solved;
    # staircase ids are never given twice, so its later columns read no other table's
    # optima under its old ids.
    boxes = [(9, 10), (7, 8), (8, 9), (10, 11), (11, 12), (9, 11)]
    with mock.patch.object(pallet_loading, "_MOST_STAIRCASES", 25):
        clear_floor_tables()
        half = floor_table(30, 60, boxes[0], pinwheel_length=60)
        others = [floor_table(60, 60, box, pinwheel_length=60) for box in boxes[1:]]
        whole = floor_table(60, 60, boxes[0], pinwheel_length=60)
    for box, table in zip(boxes + [boxes[0]], [half] + others + [whole]):
        alone = tables_without_shared_optima(60, 60, box)
        assert (table.count == alone.count[: len(table.xs)]).all()


def test_a_table_shorter_pinwheels_than_its_width_settles_only_the_flags_it_copied():
    # Below its width, a table copies only the columns up to its pinwheel length from the
    # square table; the square's unsettled cells further along are not its cells (there
    # it solves guillotine cuts alone, flagged at Barnes's bound as without shared optima).
    def last_table(optima):
        with mock.patch.object(pallet_loading, "_OPTIMA", optima):
            clear_floor_tables()
            floor_table(20, 20, (3, 5))  # proves the optima the turned box's square table stops at
            square = floor_table(20, 20, (5, 3))
            return square, floor_table(40, 20, (5, 3), pinwheel_length=10)
    (square, shared), (_, alone) = last_table({}), last_table(_Forgetful())
    assert any(square.xs[i] > 10 for i, _ in square.unsettled)  # cells the short table solves itself
    assert (shared.count == alone.count).all() and (settled_final(shared) == settled_final(alone)).all()


@settings(max_examples=50)
@given(st.lists(st.integers(1, 60), min_size=1, max_size=3), st.integers(10, 400))
def test_corner_pairs_are_counted_as_many_as_built(sides, width):
    points = pallet_loading.raster_points(width, tuple(sides))
    for n in range(1, len(points)):
        built = len(pallet_loading._corners(points, n)[0])
        assert pallet_loading._corner_pairs(points, n, {}) == built


def test_no_pinwheel_blocks_are_built_across_cells_beyond_the_budget(monkeypatch):
    # A wide floor's widest cells have more corner pairs across than the budget allows:
    # their blocks were built (and kept) though never searched.
    monkeypatch.setattr(pallet_loading, "FIVE_BLOCK_BUDGET", 60)
    pallet_loading.clear_floor_tables()
    solver = pallet_loading._floor_solver(300, 120, (13, 7), 120)
    solver.table(300)
    built = [entry[0] for entry in solver.shared.y_blocks.values()] if solver.shared else []
    built += [entry[0] for entry in solver.y_blocks.values()]
    assert built and max(built) <= 60
    pallet_loading.clear_floor_tables()
