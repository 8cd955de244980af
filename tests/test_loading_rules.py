"""Loading rules in the model: the layer cap per package, floor dunnage, and the door."""

import json
from itertools import permutations
import math

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

import strategies as phys
from cli_helpers import assert_one_line_error, run
from estimator.errors import InputError
from estimator.intervals import interval
from estimator.model import PackageArrays, check_door, rounds_per_container
from estimator.packing import _FIT_TOLERANCE, NO_LAYER_LIMIT, grid_count
from estimator.parameters import apply_overrides, build_scenario, parse_overrides

CATALOG = phys.CATALOG


# --- the layer cap in the uniform grid -----------------------------------------------


def oracle_grid(interior, box, upright, max_layers):
    """Slow, obvious: every orientation, each axis divided, the vertical count capped."""
    orders = [(0, 1, 2), (1, 0, 2)] if upright else list(permutations(range(3)))
    best = 0
    for order in orders:
        # In whole centimetres: 0.3 // 0.1 is 2.0 in floating point, yet three 10 cm boxes fit 30 cm.
        along = [round(interior[axis] * 100) // round(box[order[axis]] * 100) for axis in range(3)]
        if max_layers:
            along[2] = min(along[2], max_layers)
        best = max(best, along[0] * along[1] * along[2])
    return best


# Sides in whole centimetres, which the oracle divides exactly.
centimetres = st.integers(10, 300).map(lambda n: n / 100)


@given(st.tuples(centimetres, centimetres, centimetres), st.tuples(centimetres, centimetres, centimetres),
       st.booleans(), st.integers(0, 12))
@example((0.1, 0.1, 0.3), (0.1, 0.1, 0.1), False, 0)  # the oracle once floored 0.3 / 0.1 to 2
def test_grid_layer_cap_matches_the_oracle_in_every_orientation(interior, box, upright, max_layers):
    assert int(grid_count(interior, box, upright, max_layers)) == oracle_grid(interior, box, upright, max_layers)


@given(st.tuples(centimetres, centimetres, centimetres), st.tuples(centimetres, centimetres, centimetres),
       st.booleans(), st.integers(1, 12))
def test_grid_count_never_falls_when_more_layers_are_allowed(interior, box, upright, max_layers):
    capped = int(grid_count(interior, box, upright, max_layers))
    assert capped <= int(grid_count(interior, box, upright, max_layers + 1))
    assert capped <= int(grid_count(interior, box, upright, NO_LAYER_LIMIT))


def test_grid_layer_cap_picks_another_orientation_when_it_binds():
    # 152 crates stand 2 high on their 1.0 m side; capped at one layer the best floor
    # lays them on the 0.3 m side (77), not the 0.5 m side.
    assert int(grid_count((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), False, 1)) == 77


@given(phys.package(), st.integers(1, 6))
@example(PackageArrays(1.0, 1.0, 0.1 + 2e-17, 2.0, 1, 1, False), 1)  # 5.9 // 0.10000000000000002 is 58.0
def test_space_count_never_exceeds_layers_times_the_best_floor(part, max_layers):
    from dataclasses import replace

    capped = replace(part, max_layers=np.int64(max_layers))
    interior = (5.9, 2.35, 2.39)
    by_space = int(rounds_per_container(1e9, 1.0, interior, [capped]).crates_by_space[0])
    sides = (float(part.length_m), float(part.width_m), float(part.height_m))

    def fit(room, side):  # as the model counts them: a side that fits but for float rounding fits
        return math.floor(room / side * (1 + _FIT_TOLERANCE))

    best_floor = max(fit(interior[0], sides[a]) * fit(interior[1], sides[b])
                     for a in range(3) for b in range(3) if a != b)
    assert by_space <= max_layers * best_floor


# --- max_layers through the catalog and --set -----------------------------------------


def test_set_max_layers_lowers_the_grad_space_count_and_only_it():
    base = build_scenario(CATALOG, "20ft", "122mm-rocket", "complete", 1)
    capped = apply_overrides(base, parse_overrides(["crate.max_layers=3"], CATALOG))
    assert "crate.max_layers" not in base.parameters
    assert capped.parameters["crate.max_layers"].low == 3
    before, after = interval(base), interval(capped)
    assert after.rounds_by_space[1] < before.rounds_by_space[1]
    assert after.rounds_by_mass == before.rounds_by_mass


def test_user_file_max_layers_is_read_and_used(tmp_path):
    def by_space(extra):
        path = tmp_path / "layers.toml"
        path.write_text(phys_corpus_munition() + extra + ROUND_TABLE, encoding="utf-8")
        result = run("estimate", "--containers", "1", "--munition", "test-shell", "--assumptions", str(path),
                     "--format", "json", "--draws", "200")
        assert result.exit_code == 0, result.stderr
        (record,) = json.loads(result.stdout)["results"]
        return record["by_space"]

    capped = by_space('max_layers = { value = 2, unit = "1", source = "test" }\n')
    # Two layers, each at most the floor area of the largest 20 ft interior over the
    # smallest footprint (0.2 x 0.2 m, the crate on end).
    assert capped["high"] <= 2 * int(5.900 * 2.352 / (0.2 * 0.2))
    assert capped["high"] < by_space("")["high"]


def phys_corpus_munition(sides=("[0.75, 1.0]", "[0.2, 0.3]", "[0.2, 0.3]"), upright="false"):
    return "\n".join([
        "[munition.test-shell]", 'name = "test shell"', 'calibre = "99mm"', 'family = "test"',
        "[munition.test-shell.packages.crate]", 'description = "test crate"', f"upright = {upright}",
        'upright_source = "test"', 'items = { value = 1, unit = "1", source = "test" }',
        'gross_mass = { value = [52, 76], unit = "kg", source = "test" }',
        *(f'{side} = {{ value = {value}, unit = "m", source = "test" }}'
          for side, value in zip(("length", "width", "height"), sides)), "",
    ])


ROUND_TABLE = '[munition.test-shell.rounds.projectile]\nkit = [{ package = "crate", items_per_round = 1 }]\n'


def test_max_layers_of_zero_or_a_fraction_is_refused_on_the_command_line():
    assert_one_line_error(run("estimate", "--containers", "1", "--set", "crate.max_layers=0"),
                          "crate.max_layers", "above zero")
    assert_one_line_error(run("estimate", "--containers", "1", "--set", "crate.max_layers=2.5"),
                          "crate.max_layers", "whole number")


# --- dunnage --------------------------------------------------------------------------


def test_dunnage_may_be_zero_but_not_negative():
    assert run("estimate", "--containers", "1", "--draws", "10", "--set", "load.dunnage_height=0m").exit_code == 0
    assert_one_line_error(run("estimate", "--containers", "1", "--set", "load.dunnage_height=-1cm"),
                          "load.dunnage_height", "zero or more")


def test_more_dunnage_never_gives_more_rounds():
    base = build_scenario(CATALOG, "20ft", "122mm-rocket", "complete", 1)
    thick = apply_overrides(base, parse_overrides(["load.dunnage_height=0.5m"], CATALOG))
    assert interval(thick).rounds_by_space[1] < interval(base).rounds_by_space[1]


# --- the door -------------------------------------------------------------------------


def test_package_that_cannot_pass_the_door_is_one_line_naming_package_sizes_and_door():
    result = run("estimate", "--containers", "1", "--munition", "152mm-shell", "--round", "projectile",
                 "--set", "crate.width=2.4m", "--set", "crate.height=2.4m")
    assert_one_line_error(result, "package 'crate' of 152mm-shell at its smallest (0.75 x 2.4 x 2.4 m)",
                          "door of 20ft at its largest (2.345 x 2.28 m", "expected two of its sides to fit the door")


@pytest.mark.parametrize("command", [["check"], ["need", "--rounds", "1000", "--munition", "152mm-shell"],
                                     ["sensitivity", "--munition", "152mm-shell", "--draws", "8"]])
def test_door_error_reaches_every_model_command(command):
    result = run(*command, "--set", "crate.width=2.4m", "--set", "crate.height=2.4m")
    assert_one_line_error(result, "cannot pass the door")


def test_part_of_a_range_that_cannot_pass_the_door_counts_zero_at_that_corner():
    # Heights 2.0-2.4 m: the smallest crate stands through the door, the largest cannot.
    result = run("estimate", "--containers", "1", "--munition", "152mm-shell", "--round", "projectile",
                 "--set", "crate.width=2.0..2.4m", "--set", "crate.height=2.3..2.4m", "--format", "json",
                 "--draws", "200")
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)["results"]
    assert record["by_space"]["low"] == 0
    assert record["by_space"]["high"] > 0


def test_upright_package_is_refused_at_the_door_when_only_lying_down_would_pass(tmp_path):
    path = tmp_path / "tall.toml"
    path.write_text(phys_corpus_munition(("0.5", "0.5", "2.62"), "true") + ROUND_TABLE, encoding="utf-8")
    result = run("estimate", "--containers", "1", "--container", "40ft-hc", "--munition", "test-shell",
                 "--assumptions", str(path))
    assert_one_line_error(result, "package 'crate' of test-shell", "kept upright",
                          "expected its height and one other side to fit the door")
    path.write_text(phys_corpus_munition(("0.5", "0.5", "2.62"), "false") + ROUND_TABLE, encoding="utf-8")
    result = run("estimate", "--containers", "1", "--container", "40ft-hc", "--munition", "test-shell",
                 "--assumptions", str(path), "--draws", "10")
    assert result.exit_code == 0, result.stderr


def test_check_door_passes_every_builtin_scenario():
    for scenario in phys.SCENARIOS:
        check_door(scenario)


def test_check_door_raises_input_error_for_a_huge_crate():
    base = build_scenario(CATALOG, "20ft", "122mm-rocket", "complete", 1)
    huge = apply_overrides(base, parse_overrides(["crate.width=3m", "crate.height=3m"], CATALOG))
    with pytest.raises(InputError, match="cannot pass the door"):
        check_door(huge)


@given(phys.package(), st.floats(0.5, 3.0), st.floats(0.5, 3.0))
def test_larger_door_never_gives_fewer_crates(part, width, height):
    interior = (12.0, 2.35, 2.7)
    small = rounds_per_container(1e9, 1.0, interior, [part], (width, height)).crates_by_space[0]
    large = rounds_per_container(1e9, 1.0, interior, [part], (width * 1.2, height * 1.2)).crates_by_space[0]
    assert int(small) <= int(large)
    assert int(small) <= int(rounds_per_container(1e9, 1.0, interior, [part]).crates_by_space[0])


def test_package_arrays_default_to_no_layer_limit():
    part = PackageArrays(np.float64(1), np.float64(1), np.float64(1), np.float64(1), np.int64(1), 1, False)
    assert part.max_layers == NO_LAYER_LIMIT


# --- a clearance that leaves no room ------------------------------------------------------

@pytest.mark.parametrize("command", [["estimate", "--containers", "5"], ["check"], ["need", "--rounds", "1000"],
                                     ["estimate", "--containers", "5", "--pallet", "EUR"]])
def test_a_clearance_that_leaves_no_room_is_refused_naming_it(command):
    # A unit slip (3 m for 3 cm) answered 0 rounds everywhere, bound by space.
    result = run(*command, "--set", "load.clearance=3m")
    assert_one_line_error(result, "load.clearance 3 m leaves no room in the interior of 20ft",
                          "expected a clearance below")


def test_floor_dunnage_counts_towards_the_room_the_clearance_leaves():
    result = run("estimate", "--containers", "5", "--set", "load.clearance=2.2m", "--set", "load.dunnage_height=0.2m")
    assert_one_line_error(result, "load.clearance 2.2 m and 0.2 m of floor dunnage", "height at its largest")


def test_a_clearance_range_that_leaves_room_at_its_low_end_is_counted():
    result = run("estimate", "--containers", "5", "--munition", "152mm-shell", "--round", "projectile",
                 "--set", "load.clearance=0.02..3m", "--format", "json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)["results"][0]
    assert record["per_container"]["low"] == 0 < record["per_container"]["high"]


@pytest.mark.parametrize("unit, per_metre", [("ft", 1 / 0.3048), ("in", 1 / 0.0254), ("cm", 100.0), ("mm", 1000.0)])
def test_a_package_the_size_of_the_door_passes_it_in_whatever_unit_the_door_is_typed(unit, per_metre):
    # 1 m typed as 3.280839895013123 ft converts back to 0.9999999999999998 m (hypothesis
    # found the model counting 0 crates there and 1 with the door in metres).
    from estimator.packing import passes_door
    from estimator.pallet_model import PalletArrays, pallet_passes_door
    from estimator.units import parse_si

    door = parse_si(f"{1.0 * per_metre!r} {unit}", "length", "container.door_width")
    assert passes_door(door, door, (1.0, 1.0, 3.0), upright=False)
    assert not passes_door(door, door, (1.0 + 1e-6, 1.0, 3.0), upright=False)
    pallet = PalletArrays(*(np.float64(v) for v in (1.2, 1.0, 1.2, 1.0, 0.15, 25.0, 1.8, 1000.0)), None)
    assert pallet_passes_door(door, pallet)
