"""What would it take: the solver's value, put back into the model, meets the claim, and
a value a little closer to the median does not."""

import json

import numpy as np
from click.testing import CliRunner
from hypothesis import given, strategies as st

from cli import cli
from estimator.catalog import load_catalog
from estimator.explain import FIXED, MAX_DOUBLINGS, median_values, meets, solve_parameter, total_at, what_would_it_take
from estimator.parameters import build_scenario

CATALOG = load_catalog()
SCENARIOS = [
    build_scenario(CATALOG, "20ft", munition.id, round_name, 2000)
    for munition in CATALOG.munitions.values()
    for round_name in munition.rounds
]


@st.composite
def problems(draw):
    """A scenario, one parameter that affects the count, and a claim from 1/5 to 3x the median answer."""
    scenario = draw(st.sampled_from(SCENARIOS))
    names = [n for n, p in scenario.parameters.items() if p.effect != 0 and n not in FIXED]
    base = median_values(scenario)
    claimed = int(total_at(scenario, base) * draw(st.floats(0.2, 3.0)))
    return scenario, base, draw(st.sampled_from(names)), claimed


@given(problems())
def test_solver_answer_put_back_into_the_model_meets_the_claim(problem):
    scenario, base, name, claimed = problem
    median_total = total_at(scenario, base)
    if claimed == median_total:
        return
    more = claimed > median_total
    value = solve_parameter(scenario, base, name, claimed, more)
    parameter = scenario.parameters[name]
    if value is None:
        # Unreachable: not even the farthest step of the search (or the physical limit) meets it.
        upward = (parameter.effect > 0) == more
        share = parameter.dimension == "dimensionless" and not parameter.integer
        if (upward and share) or (not upward and parameter.integer):
            far = 1.0
        else:
            far = float(base[name]) * 2.0 ** (MAX_DOUBLINGS if upward else -MAX_DOUBLINGS)
        assert not meets(total_at(scenario, {**base, name: np.float64(far)}), claimed, more)
        return
    assert meets(total_at(scenario, {**base, name: np.float64(value)}), claimed, more)
    # The least change: a value a little nearer the median does not meet the claim.
    nearer = value - np.sign(value - float(base[name])) * (1.0 if parameter.integer else 1e-5 * abs(value))
    assert not meets(total_at(scenario, {**base, name: np.float64(nearer)}), claimed, more)
    if parameter.integer:
        assert value == int(value) and value >= 1


def test_the_152mm_complete_claim_needs_values_outside_every_sourced_range():
    scenario = build_scenario(CATALOG, "20ft", "152mm-shell", "complete", 2000)
    explanation = what_would_it_take(scenario, 1_000_000)
    assert explanation.median_total < 1_000_000
    assert not any(r.within_range for r in explanation.requirements)


def test_a_claim_just_above_the_median_is_met_inside_the_payload_range():
    scenario = build_scenario(CATALOG, "20ft", "152mm-shell", "projectile", 2000)
    base = median_values(scenario)
    claimed = total_at(scenario, base) + 2_000
    payload = {r.parameter.name: r for r in what_would_it_take(scenario, claimed).requirements}["container.payload"]
    assert payload.value > base["container.payload"] and payload.within_range


def test_explain_adds_what_would_it_take_to_claims_outside_the_band_and_not_met_only():
    result = CliRunner().invoke(cli, ["check", "--explain", "--draws", "2000", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)["claims"]
    met_lower_bound = [r for r in records if r["verdict"] == "below" and r["rounds_qualifier"] == "over"]
    assert met_lower_bound  # Yonhap's "over 200,000 x 122mm" against D-30 shells
    for record in records:
        outside = record["verdict"] != "within"
        assert ("what_would_it_take" in record) == (outside and record not in met_lower_bound)
        for parameter in record.get("what_would_it_take", {}).get("parameters", []):
            inside = parameter["value"] is not None and parameter["low"] <= parameter["value"] <= parameter["high"]
            assert parameter["within_range"] == inside


def test_each_value_found_comes_with_the_total_the_model_then_gives_which_meets_the_claim():
    scenario = build_scenario(CATALOG, "20ft", "122mm-rocket", "complete", 2000)
    base = median_values(scenario)
    claimed = total_at(scenario, base) - 30_000  # fewer rounds: some parameter must shrink the count
    explanation = what_would_it_take(scenario, claimed)
    found = [r for r in explanation.requirements if r.value is not None]
    assert found
    for requirement in found:
        at_value = total_at(scenario, {**base, requirement.parameter.name: np.float64(requirement.value)})
        assert requirement.total == at_value <= claimed
    assert all(r.total is None for r in explanation.requirements if r.value is None)
