"""Sensitivity: Sobol indices on cases with known answers, and the tornado against an oracle."""

import json

import numpy as np
import pytest

from cli_helpers import run
from estimator.catalog import load_catalog
from estimator.errors import InputError
from estimator.intervals import interval
from estimator.parameters import Override, apply_overrides, build_scenario
from estimator.sensitivity import analyse, central_values, check_draws, sobol, uncertain_ranges

CATALOG = load_catalog()
SPACE_PARAMETERS = {"container.interior_length", "container.interior_width", "container.interior_height",
                    "crate.length", "crate.width", "crate.height", "load.clearance"}
MASS_PARAMETERS = {"container.payload", "load.fraction", "crate.gross_mass"}


def additive(values):
    """Y = 3 x1 + x2, x3 ignored."""
    return 3 * values["x1"] + values["x2"]


def test_additive_model_matches_its_analytic_indices():
    # x1 ~ U(0, 1), x2 ~ U(0, 2): Var(3 x1) = 9/12, Var(x2) = 4/12, so S1 = 9/13, S2 = 4/13,
    # and with no interactions the total indices equal the first-order ones.
    indices = sobol(additive, {"x1": (0.0, 1.0), "x2": (0.0, 2.0), "x3": (5.0, 6.0)}, 2**12,
                    np.random.default_rng(1))
    for name, expected in (("x1", 9 / 13), ("x2", 4 / 13), ("x3", 0.0)):
        first, total = indices[name]
        assert first.value == pytest.approx(expected, abs=0.03)
        assert total.value == pytest.approx(expected, abs=0.03)
        assert first.low - 0.01 <= expected <= first.high + 0.01


def test_ignored_parameter_has_exactly_zero_total_index():
    first, total = sobol(additive, {"x1": (0.0, 1.0), "x2": (0.0, 2.0), "x3": (5.0, 6.0)}, 2**8,
                         np.random.default_rng(2))["x3"]
    assert total.value == 0.0 and first.value == 0.0


def scenario(munition, round_name, *overrides):
    base = build_scenario(CATALOG, "20ft", munition, round_name, 1)
    return apply_overrides(base, list(overrides))


def test_space_parameters_do_not_matter_when_mass_always_binds():
    # 5-8 t of payload holds at most 8000 / 52 = 153 projectiles, far below the 266 that
    # the space holds even at the pessimistic corner: mass binds everywhere.
    light = scenario("152mm-shell", "projectile", Override("container.payload", 5000.0, 8000.0))
    result = analyse(light, 2**10, np.random.default_rng(3))
    by_name = {p.name: p for p in result.parameters}
    for name in SPACE_PARAMETERS:
        assert abs(by_name[name].total_order.value) < 1e-9 and by_name[name].tornado.swing == 0
    assert sum(by_name[name].first_order.value for name in MASS_PARAMETERS) == pytest.approx(1, abs=0.1)


def test_mass_parameters_do_not_matter_when_space_always_binds():
    heavy = scenario("122mm-rocket", "complete", Override("container.payload", 200_000.0, 200_000.0))
    result = analyse(heavy, 2**10, np.random.default_rng(4))
    by_name = {p.name: p for p in result.parameters}
    assert "container.payload" not in by_name  # a single value is not uncertain
    for name in ("load.fraction", "crate.gross_mass"):
        assert abs(by_name[name].total_order.value) < 1e-9 and by_name[name].tornado.swing == 0


@pytest.mark.parametrize("munition, round_name", [("152mm-shell", "complete"), ("122mm-shell", "projectile")])
def test_tornado_matches_one_parameter_at_a_time_through_interval(munition, round_name):
    """Oracle: fix every parameter at its centre, then one at its end, and ask interval()."""
    base = scenario(munition, round_name)
    central = central_values(base)
    result = analyse(base, 2**4, np.random.default_rng(5))
    for parameter in result.parameters:
        for end, got in ((parameter.low, parameter.tornado.at_low), (parameter.high, parameter.tornado.at_high)):
            fixed = {**central, parameter.name: end}
            point = apply_overrides(base, [Override(n, v, v) for n, v in fixed.items()])
            low, high = interval(point).per_container
            assert low == high == got


def test_tornado_moves_in_the_direction_of_each_effect():
    base = scenario("152mm-shell", "complete")
    for parameter in analyse(base, 2**4, np.random.default_rng(6)).parameters:
        effect = base.parameters[parameter.name].effect
        assert (parameter.tornado.at_high - parameter.tornado.at_low) * effect >= 0


def test_only_uncertain_parameters_the_count_uses_are_studied():
    ranges = uncertain_ranges(scenario("152mm-shell", "complete"))
    # The door now decides whether a package is loaded at all (model.door_blocks).
    assert "container.door_width" in ranges and "container.tare" not in ranges
    assert "crate.items" not in ranges and "fleet.containers" not in ranges
    assert all(low < high for low, high in ranges.values())


@pytest.mark.parametrize("draws, suggestion", [(1000, "512 or 1024"), (3, "2 or 4")])
def test_draws_must_be_a_power_of_two(draws, suggestion):
    with pytest.raises(InputError, match=suggestion):
        check_draws(draws)


def sensitivity_json(*args):
    result = run("sensitivity", "--munition", "152mm-shell", "--round", "projectile", "--draws", "64",
                 "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_same_seed_same_output_and_another_seed_another():
    assert sensitivity_json("--seed", "7") == sensitivity_json("--seed", "7")
    assert sensitivity_json("--seed", "7")["results"] != sensitivity_json("--seed", "8")["results"]


def test_json_lists_every_uncertain_parameter_largest_swing_first():
    data = sensitivity_json()
    assert (data["draws"], data["seed"], data["confidence_level"]) == (64, 20231102, 0.95)
    swings = [r["tornado"]["swing"] for r in data["results"]]
    assert swings == sorted(swings, reverse=True)
    names = {r["parameter"] for r in data["results"]}
    assert names == set(uncertain_ranges(scenario("152mm-shell", "projectile")))
    for record in data["results"]:
        assert record["low"] < record["high"]
        for key in ("first_order", "total_order"):
            assert set(record[key]) == {"index", "low", "high"}


def test_set_is_applied_before_the_analysis():
    data = sensitivity_json("--set", "container.payload=5t..8t")
    by_name = {r["parameter"]: r for r in data["results"]}
    assert by_name["crate.length"]["tornado"]["swing"] == 0
    assert by_name["container.payload"]["high"] == 8000.0


def test_bad_draws_is_one_line_exit_2():
    result = run("sensitivity", "--draws", "1000")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "1000" in result.stderr
