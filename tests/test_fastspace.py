"""The model's space limit by layouts (fastspace.py) against packing.best_layout one case at
a time, and its invariants: never below the grid, monotone, vectorised = one at a time."""

import functools
import json
import math

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

import strategies as phys
from oracles import kit_rounds_by_space
from estimator.errors import InputError
from estimator import fastspace
from estimator.fastspace import MODEL_RESOLUTION_M, kit_rounds, layout_counts
from estimator.intervals import interval
from estimator import model
from estimator.model import evaluate, usable_interior
from estimator.packing import best_layout, count_by_length, grid_count, kit_rounds_by_grid
from estimator.parameters import apply_overrides, build_scenario, parse_overrides
from estimator.uncertainty import sample_values, simulate

STEP_MM = round(MODEL_RESOLUTION_M * 1000)
# Sides from 0.3 m and interiors up to 3 m keep each layout under a second; the catalog
# sizes are covered by the oracle test below and by benchmarks/packing.py.
small_interiors = st.tuples(st.floats(0.5, 3.0), st.floats(0.5, 2.4), st.floats(0.5, 2.4))
boxes = st.tuples(st.floats(0.3, 1.2), st.floats(0.3, 1.2), st.floats(0.3, 1.2))


def oracle_count(interior, box, upright, max_layers=0):
    """One case, obviously: round (interior down, box up, to whole centimetres), lay it out,
    keep the better of that and the grid at the exact sizes."""
    inside = tuple(math.floor(side / MODEL_RESOLUTION_M + 1e-6) * STEP_MM for side in interior)
    sides = [math.ceil(side / MODEL_RESOLUTION_M - 1e-6) * STEP_MM for side in box]
    sides = tuple(sorted(sides[:2]) + [sides[2]]) if upright else tuple(sorted(sides))
    # Profiles over the length cover every class but the whole floors (searched per floor).
    laid_out = best_layout(inside, sides, upright, max_layers, whole_floors=False).count if min(inside) > 0 else 0
    return max(laid_out, int(grid_count(interior, box, upright, max_layers)))


@settings(max_examples=25)
@given(st.tuples(phys.interior_length, phys.interior_side, phys.interior_side),
       st.tuples(st.floats(0.3, 3.0), st.floats(0.3, 3.0), st.floats(0.3, 3.0)), st.booleans())
def test_layout_count_equals_best_layout_at_the_resolution(interior, box, upright):
    assert int(layout_counts(interior, box, upright)) == oracle_count(interior, box, upright)


@settings(max_examples=25)
@given(small_interiors, boxes, st.booleans(), st.integers(1, 3))
@example((2.0, 2.0625, 1.375), (1.0, 0.5234375, 0.375), False, 3)  # profile longer than the draw
def test_layer_cap_is_counted_as_best_layout_counts_it(interior, box, upright, cap):
    assert int(layout_counts(interior, box, upright, cap)) == oracle_count(interior, box, upright, cap)


@settings(max_examples=40)
@given(small_interiors, boxes, st.booleans())
def test_layout_count_never_below_the_grid(interior, box, upright):
    assert layout_counts(interior, box, upright) >= grid_count(interior, box, upright)


@settings(max_examples=40)
@given(small_interiors, boxes, st.booleans(), st.integers(0, 2), st.floats(1.0, 1.5))
def test_count_never_falls_when_interior_grows_nor_rises_when_a_package_side_grows(interior, box, upright, axis,
                                                                                   factor):
    assert phys.monotonicity_breaks(layout_counts, interior, box, upright, axis, factor) == []


@settings(max_examples=20)
@given(st.lists(st.tuples(small_interiors, boxes), min_size=1, max_size=8), st.booleans())
def test_vectorised_equals_one_at_a_time(cases, upright):
    interior = [np.array([c[0][axis] for c in cases]) for axis in range(3)]
    box = [np.array([c[1][axis] for c in cases]) for axis in range(3)]
    counts = layout_counts(interior, box, upright)
    assert counts.tolist() == [oracle_count(i, b, upright) for i, b in cases]


def test_draws_sharing_width_height_and_package_share_one_profile_along_the_length():
    lengths = np.linspace(0.5, 5.9, 25)
    counts = layout_counts((lengths, 2.3, 2.3), (0.9, 0.25, 0.25), False)
    assert counts.tolist() == [oracle_count((length, 2.3, 2.3), (0.9, 0.25, 0.25), False) for length in lengths]


def test_sizes_beyond_the_layout_limit_fall_back_to_the_grid():
    interior, box = (5.9, 2.35, 2.39), (0.05, 0.05, 0.05)
    assert int(layout_counts(interior, box, False)) == int(grid_count(interior, box, False))


@settings(max_examples=15)
@given(st.floats(1.0, 3.0), st.lists(boxes, min_size=2, max_size=2), st.integers(1, 2), st.integers(1, 2))
def test_kit_rounds_equal_the_split_at_the_resolution_and_fit(length, parts, k1, k2):
    interior = (np.array([length, length * 0.8]), 1.2, 1.1)
    got = kit_rounds(interior, parts, [False, False], [k1, k2], [1, 1])
    rounded = [np.floor(np.asarray(s) / MODEL_RESOLUTION_M + 1e-6) * MODEL_RESOLUTION_M for s in interior]
    up = [tuple(math.ceil(s / MODEL_RESOLUTION_M - 1e-6) * MODEL_RESOLUTION_M for s in box) for box in parts]
    # The split at the resolution, never below the split of uniform grids at the exact sizes.
    expected = np.maximum(kit_rounds_by_space(rounded, up, [False, False], [k1, k2], [1, 1]),
                          kit_rounds_by_grid(interior, parts, [False, False], [k1, k2], [1, 1], [0, 0]))
    assert got.tolist() == expected.tolist()
    for rounds, side in zip(got.tolist(), interior[0]):
        volume = sum(math.ceil(rounds / k) * np.prod(box) for k, box in zip((k1, k2), parts))
        assert volume <= side * 1.2 * 1.1 * (1 + 1e-8)


def _layout_scenario(munition, round_name):
    scenario = build_scenario(phys.CATALOG, "20ft", munition, round_name, 1)
    return apply_overrides(scenario, parse_overrides(["load.packing=layout"], phys.CATALOG))


@pytest.mark.parametrize("round_name", ["projectile", "complete"])
def test_model_with_layouts_never_below_the_grid_model_at_the_corners(round_name):
    layout = _layout_scenario("152mm-shell", round_name)
    grid = build_scenario(phys.CATALOG, "20ft", "152mm-shell", round_name, 1)
    assert layout.packing == "layout" and grid.packing == "grid"
    low, high = interval(layout).rounds_by_space
    assert low <= high
    if round_name == "projectile":  # one package type: the layout count includes the grid
        grid_low, grid_high = interval(grid).rounds_by_space
        assert low >= grid_low and high >= grid_high


def test_model_with_layouts_counts_the_kit_by_its_split():
    scenario = _layout_scenario("152mm-shell", "complete")
    values = {name: np.float64(p.low + p.high) / 2 for name, p in scenario.parameters.items()}
    capacity = evaluate(values, scenario)
    usable = usable_interior(values)
    boxes = [tuple(values[f"{p}.{s}"] for s in ("length", "width", "height")) for p in ("crate", "charge_crate")]
    items = [int(values["crate.items"]), int(values["charge_crate.items"])]
    assert int(capacity.rounds_by_space) == int(kit_rounds(usable, boxes, [False, False], items, [1, 1]))


def test_packing_setting_refuses_an_unknown_value():
    with pytest.raises(InputError, match="load.packing=best: expected one of grid, layout"):
        parse_overrides(["load.packing=best"], phys.CATALOG)


def _no_solver(*args, **kwargs):
    raise AssertionError("a profile was computed instead of read from the cache")


def test_persistent_cache_gives_the_same_counts_without_solving(tmp_path, monkeypatch):
    monkeypatch.delenv("ESTIMATOR_NO_CACHE")
    monkeypatch.setenv("ESTIMATOR_CACHE_DIR", str(tmp_path))
    interior, box = (np.array([2.0, 2.6]), 1.2, 1.1), (0.5, 0.35, 0.3)
    fastspace.clear_profiles()
    first = layout_counts(interior, box, False)
    assert fastspace.cache_path().is_file()
    fastspace.clear_profiles()
    monkeypatch.setattr(fastspace.count_by_length, "__wrapped__", _no_solver)
    assert layout_counts(interior, box, False).tolist() == first.tolist()


def test_unreadable_cache_is_ignored_and_replaced(tmp_path, monkeypatch):
    monkeypatch.delenv("ESTIMATOR_NO_CACHE")
    monkeypatch.setenv("ESTIMATOR_CACHE_DIR", str(tmp_path))
    fastspace.cache_path().write_bytes(b"not a cache")
    fastspace.clear_profiles()
    assert int(layout_counts((2.0, 1.2, 1.1), (0.5, 0.35, 0.3), False)) == oracle_count(
        (2.0, 1.2, 1.1), (0.5, 0.35, 0.3), False)
    fastspace.clear_profiles()
    with np.load(fastspace.cache_path()) as data:
        assert len(data["keys"]) == 1


def test_cache_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("ESTIMATOR_NO_CACHE", "1")
    assert fastspace.cache_path() is None


def _estimate_json(*settings):
    from click.testing import CliRunner

    from cli import cli

    args = ["estimate", "--containers", "10", "--munition", "122mm-rocket", "--draws", "20", "--format", "json"]
    result = CliRunner().invoke(cli, args + [f"--set={s}" for s in settings], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["results"][0]


def test_estimate_with_layouts_reports_its_packing_and_never_fewer_by_space():
    grid, layout = _estimate_json(), _estimate_json("load.packing=layout")
    assert (grid["packing"], layout["packing"]) == ("grid", "layout")
    assert layout["by_space"]["low"] >= grid["by_space"]["low"]
    assert layout["by_space"]["high"] >= grid["by_space"]["high"]


def test_bad_packing_setting_is_one_line_and_exit_2():
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["estimate", "--containers", "1", "--set", "load.packing=tight"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --set load.packing=tight: expected one of grid, layout"]


@settings(max_examples=15)
@given(st.floats(1.0, 3.0), st.floats(1.0, 1.5), st.lists(boxes, min_size=2, max_size=2))
def test_kit_rounds_never_fall_when_the_container_grows(length, factor, parts):
    small = kit_rounds((length, 1.2, 1.1), parts, [False, True], [1, 2], [1, 1])
    large = kit_rounds((length * factor, 1.2 * factor, 1.1 * factor), parts, [False, True], [1, 2], [1, 1])
    assert large >= small


ROCKET = _layout_scenario("122mm-rocket", "complete")


@settings(max_examples=30)
@given(st.data(), st.sampled_from(sorted(ROCKET.parameters)), st.floats(1.0, 1.3))
def test_model_with_layouts_moves_with_each_parameters_effect(data, name, factor):
    values = {n: np.float64(data.draw(st.floats(p.low, p.high))) for n, p in ROCKET.parameters.items()}
    values["crate.items"] = np.float64(round(values["crate.items"]))
    moved = dict(values, **{name: np.float64(values[name] * factor)})
    if name in ("load.fraction", "fleet.share"):
        moved[name] = np.float64(min(moved[name], 1.0))
    if name.endswith(".items"):
        moved[name] = np.float64(np.ceil(moved[name]))
    before, after = (int(evaluate(v, ROCKET).rounds) for v in (values, moved))
    effect = ROCKET.parameters[name].effect
    assert after >= before if effect > 0 else after <= before if effect < 0 else after == before


def test_rows_where_the_grid_reaches_the_volume_bound_solve_no_profile():
    # 0.5 m cubes fill 2 x 1 x 1 m exactly; 0.52 m ones leave room a layout might use.
    fastspace.clear_profiles()
    assert int(layout_counts((2.0, 1.0, 1.0), (0.5, 0.5, 0.5), False)) == 16
    assert fastspace.profiles_kept() == 0
    interior, box = (np.array([2.0, 2.0]), 1.0, 1.0), (np.array([0.5, 0.52]), 0.5, 0.5)
    counts = layout_counts(interior, box, False)
    assert counts.tolist() == [oracle_count((2.0, 1.0, 1.0), (side, 0.5, 0.5), False) for side in (0.5, 0.52)]
    assert fastspace.profiles_kept() == 1


def test_a_slightly_longer_container_reads_the_profile_already_solved(monkeypatch):
    solved = []

    def solve(*args):
        solved.append(args)
        return count_by_length.__wrapped__(*args)

    fastspace.clear_profiles()
    monkeypatch.setattr(fastspace, "count_by_length", functools.lru_cache(solve))  # fastspace calls __wrapped__
    shorter, longer = (5.70, 2.3, 2.3), (5.71, 2.3, 2.3)
    assert int(layout_counts(shorter, (0.9, 0.25, 0.25), False)) == oracle_count(shorter, (0.9, 0.25, 0.25), False)
    assert int(layout_counts(longer, (0.9, 0.25, 0.25), False)) == oracle_count(longer, (0.9, 0.25, 0.25), False)
    assert len(solved) == 1


def test_a_shorter_draw_after_a_profile_solved_from_a_longer_shortest_length_gets_its_own_count():
    # In 12 m the lanes exceed their budget, at 10.74 m they do not: the first profile
    # leaves the shorter lengths unsolved, the second draw must solve them.
    fastspace.clear_profiles()
    box = (0.29, 0.38, 0.66)
    for length in (12.0, 10.74):
        interior = (length, 2.19, 2.29)
        assert int(layout_counts(interior, box, False, 3)) == oracle_count(interior, box, False, 3)


SHELLS = {munition: _layout_scenario(munition, "projectile") for munition in ("152mm-shell", "122mm-shell")}


@settings(max_examples=10)
@given(st.sampled_from(sorted(SHELLS)), st.integers(0, 2**32 - 1), st.integers(-1, 2))
def test_layouts_only_where_space_may_bind_give_the_same_rounds_and_binding(munition, seed, extra_crates):
    # Loads whose mass allows the grid's crates plus extra_crates: the short cut's edge.
    scenario = SHELLS[munition]
    values = sample_values(scenario, 20, np.random.default_rng(seed))
    part = model.kit_arrays(values, scenario)[0]
    grid = model.crates_by_space(usable_interior(values), model.part_sides(part), part.upright, part.max_layers)
    crates = np.maximum(grid + extra_crates, 0) + 0.5
    values["load.fraction"] = crates * part.gross_mass_kg / values["container.payload"]
    exact, short = (evaluate(values, scenario, exact_space=e) for e in (True, False))
    assert short.rounds.tolist() == exact.rounds.tolist()
    assert short.mass_binds.tolist() == exact.mass_binds.tolist()
    # Where the layout was left out, by space is the grid's: below the layout, at or above mass.
    skipped = short.rounds_by_space != exact.rounds_by_space
    assert np.all(short.rounds_by_space[skipped] < exact.rounds_by_space[skipped])
    assert np.all(short.rounds_by_space[skipped] >= short.rounds_by_mass[skipped])


def _record_where_layouts_are_asked(monkeypatch) -> list:
    """The model's layout counts, recording each call's ``needed`` (one flag a draw)."""
    asked = []

    def recording(*args, needed=True, **kwargs):
        asked.append(np.broadcast_to(needed, np.broadcast_shapes(np.shape(needed), np.shape(args[0][0]))).copy())
        return layout_counts(*args, needed=needed, **kwargs)

    monkeypatch.setattr(model, "layout_counts", recording)
    return asked


def test_monte_carlo_lays_out_only_the_draws_where_space_may_bind(monkeypatch):
    asked = _record_where_layouts_are_asked(monkeypatch)
    simulation = simulate(SHELLS["152mm-shell"], 200, np.random.default_rng(7))
    laid_out = np.concatenate(asked)
    assert len(laid_out) == 200
    # Mass binds in most draws of the catalog's 152 mm projectiles, by the grid already in
    # most of those: they need no layout. Every draw bound by space was laid out.
    space_bound = round((1 - simulation.mass_share) * 200)
    assert space_bound <= laid_out.sum() < 100


def test_a_kit_lays_out_its_types_alone_only_where_its_split_does_not_apply(monkeypatch):
    scenario = _layout_scenario("152mm-shell", "complete")
    values = sample_values(scenario, 10, np.random.default_rng(3))
    exact = evaluate(values, scenario)
    asked = _record_where_layouts_are_asked(monkeypatch)
    short = evaluate(values, scenario, exact_space=False)
    for field in ("rounds", "mass_binds", "rounds_by_mass"):
        assert getattr(short, field).tolist() == getattr(exact, field).tolist()
    # By space is the split; where not searched, the grids' split, which reaches the mass.
    skipped = short.rounds_by_space != exact.rounds_by_space
    assert np.all(short.rounds_by_space[skipped] < exact.rounds_by_space[skipped])
    assert np.all(short.rounds_by_space[skipped] >= short.rounds_by_mass[skipped])
    assert len(asked) == 2 and not np.concatenate(asked).any()


def _grids_split_every_millimetre(interior_mm, boxes_mm, uprights, items, layers):
    """The best split of the length between two uniform grids, trying every whole
    millimetre: the definition, where every size is whole millimetres."""
    length, width, height = interior_mm
    best = 0
    for first in range(length + 1):
        rounds = [int(grid_count((along / 1000, width / 1000, height / 1000), [s / 1000 for s in box], upright, cap)) * k
                  for along, box, upright, k, cap in zip((first, length - first), boxes_mm, uprights, items, layers)]
        best = max(best, min(rounds))
    return best


whole_mm_boxes = st.tuples(*[st.integers(150, 700)] * 3)
two = functools.partial(st.lists, min_size=2, max_size=2)


@settings(max_examples=15)
@given(st.integers(500, 2500), two(whole_mm_boxes), two(st.booleans()), two(st.integers(1, 3)), two(st.integers(0, 2)))
def test_the_grids_split_of_a_kit_is_the_best_over_every_millimetre(length, boxes_mm, uprights, items, layers):
    interior = (length, 1100, 900)
    got = kit_rounds_by_grid([side / 1000 for side in interior], [[s / 1000 for s in box] for box in boxes_mm],
                             uprights, items, [1, 1], layers)
    assert int(got) == _grids_split_every_millimetre(interior, boxes_mm, uprights, items, layers)


def test_a_kit_is_searched_only_where_the_grids_split_falls_short_of_enough():
    interior, boxes = (np.array([5.8, 5.9]), 2.3, 2.3), [(0.9, 0.25, 0.25), (0.5, 0.3, 0.3)]
    by_grid = kit_rounds_by_grid(interior, boxes, [False, False], [2, 4], [1, 1], [0, 0])
    fastspace.clear_profiles()
    assert kit_rounds(interior, boxes, [False, False], [2, 4], [1, 1], enough=by_grid).tolist() == by_grid.tolist()
    assert fastspace.profiles_kept() == 0
    searched = kit_rounds(interior, boxes, [False, False], [2, 4], [1, 1], enough=by_grid + 1)
    assert searched.tolist() == kit_rounds(interior, boxes, [False, False], [2, 4], [1, 1]).tolist()
    assert fastspace.profiles_kept() == 1  # one profile over the length serves both lengths


def test_a_floor_far_wider_than_a_container_is_counted_by_the_grid():
    # What explain's doubled widths asked of the 152 mm kit: 18.7 m wide, out of memory.
    wide, box = (5.88, 18.7, 2.39), (0.73, 0.43, 0.23)
    fastspace.clear_profiles()
    assert int(layout_counts(wide, box, False)) == int(grid_count(wide, box, False))
    assert fastspace.profiles_kept() == 0
    assert int(kit_rounds(wide, [box, (0.9, 0.25, 0.25)], [False, False], [2, 1], [1, 1])) == -1


def test_an_infinite_package_side_is_not_laid_out():
    # packing.layout_applies took it (its volume ratio is 0): rounded to whole millimetres
    # it overflowed int64 (to 0 mm, a RuntimeWarning), and before the workers' stop such
    # a package's profile ended in a ZeroDivisionError. Found by this review's fuzzing.
    import warnings

    import numpy as np

    from estimator.fastspace import layout_counts
    from estimator.packing import layout_applies

    lengths = np.array([np.inf, 0.875])
    assert layout_applies((5.9, 2.35, 2.39), [(lengths, 0.25, 0.25)]).tolist() == [False, True]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts = layout_counts((5.9, 2.35, 2.39), (lengths, 0.25, 0.25), False)
    assert counts.tolist() == [0, layout_counts((5.9, 2.35, 2.39), (0.875, 0.25, 0.25), False)]
