"""Invariants of the capacity model, proved with hypothesis.

The interval answer is only valid if the count is monotone in every parameter in the
direction its ``effect`` states; these tests prove that, and that no answer ever needs
more mass or space than the container has.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given, strategies as st

import strategies as phys
from estimator.intervals import interval
from estimator.model import (
    PackageArrays, evaluate, fleet_total, max_whole_rounds, packages_needed, rounds_per_container, usable_interior,
)
from estimator.parameters import build_scenario
from estimator.units import parse_si

CATALOG = phys.CATALOG
scenarios = st.sampled_from(phys.SCENARIOS)


def oracle_max_rounds(capacity, costs, parts):
    """Slow, obvious: count up until the next round no longer fits."""
    rounds = 0
    while sum(int(packages_needed(rounds + 1, p)) * c for c, p in zip(costs, parts)) <= capacity * (1 + 1e-12):
        rounds += 1
    return rounds


# Found by hypothesis: a capacity a hair below one package's mass, inside the tolerance.
_HAIR_BELOW = [PackageArrays(np.float64(1.0), np.float64(1.0), np.float64(1.0), np.float64(2.0), np.int64(1), 1, False)]


@example(1.9999999999997726, _HAIR_BELOW)
@given(st.floats(1.0, 2_000.0), phys.kits)
@example(1.9999999999997726, [PackageArrays(np.float64(1.0), np.float64(1.0), np.float64(1.0), np.float64(2.0),
                                            np.int64(1), 1, False)])
def test_max_whole_rounds_matches_oracle(capacity, kit):
    costs = [float(p.gross_mass_kg) for p in kit]
    assert int(max_whole_rounds(capacity, costs, kit)) == oracle_max_rounds(capacity, costs, kit)


@given(phys.payload, phys.load_fraction, phys.interior_length, phys.interior_side, phys.interior_side, phys.kits)
def test_mass_limit_never_exceeded(payload, fraction, length, width, height, kit):
    capacity = rounds_per_container(payload, fraction, (length, width, height), kit)
    rounds = int(capacity.rounds)
    shipped_kg = sum(int(packages_needed(rounds, p)) * float(p.gross_mass_kg) for p in kit)
    assert shipped_kg <= payload * fraction * (1 + 1e-12)
    kit_mass_per_round = sum(float(p.gross_mass_kg) * p.items_per_round / int(p.items) for p in kit)
    assert rounds * kit_mass_per_round <= payload * fraction * (1 + 1e-12)


@given(phys.payload, phys.load_fraction, phys.interior_length, phys.interior_side, phys.interior_side, phys.kits)
def test_volume_never_exceeded(payload, fraction, length, width, height, kit):
    capacity = rounds_per_container(payload, fraction, (length, width, height), kit)
    rounds = int(capacity.rounds)
    volume = sum(
        int(packages_needed(rounds, p)) * float(p.length_m * p.width_m * p.height_m) for p in kit
    )
    assert volume <= length * width * height * (1 + 1e-8)


@given(phys.payload, phys.load_fraction, phys.interior_length, phys.interior_side, phys.interior_side, phys.kits)
def test_rounds_is_the_lower_of_the_two_limits(payload, fraction, length, width, height, kit):
    capacity = rounds_per_container(payload, fraction, (length, width, height), kit)
    assert capacity.rounds == min(capacity.rounds_by_mass, capacity.rounds_by_space)


def _moved(values, name, factor):
    moved = dict(values)
    moved[name] = np.float64(values[name] * factor)
    if name.endswith(".items"):
        moved[name] = np.float64(np.ceil(moved[name]))
    if name in ("load.fraction", "fleet.share"):
        moved[name] = np.float64(min(moved[name], 1.0))
    return moved


TWO_PART = build_scenario(CATALOG, "20ft", "152mm-shell", "complete", 2000)


def _assert_moves_with_effect(scenario, values, name, factor):
    effect = scenario.parameters[name].effect
    before = int(evaluate(values, scenario).rounds)
    after = int(evaluate(_moved(values, name, factor), scenario).rounds)
    if effect > 0:
        assert after >= before
    elif effect < 0:
        assert after <= before
    else:
        assert after == before


@pytest.mark.parametrize("name", sorted(TWO_PART.parameters))
@given(data=st.data(), factor=st.floats(1.0, 3.0))
def test_rounds_monotone_in_each_parameter(name, data, factor):
    values = data.draw(phys.scenario_values(TWO_PART))
    _assert_moves_with_effect(TWO_PART, values, name, factor)


@given(st.data(), scenarios, st.floats(1.0, 3.0))
def test_rounds_monotone_in_every_scenario(data, scenario, factor):
    values = data.draw(phys.scenario_values(scenario))
    name = data.draw(st.sampled_from(sorted(scenario.parameters)))
    _assert_moves_with_effect(scenario, values, name, factor)


def _with_ranges(scenario, ranges):
    from dataclasses import replace

    params = {
        name: replace(p, low=ranges[name][0], high=ranges[name][1])
        for name, p in scenario.parameters.items()
    }
    return replace(scenario, parameters=params)


@given(st.data(), scenarios)
def test_low_never_above_high_and_every_point_lies_between(data, scenario):
    ranged = _with_ranges(scenario, data.draw(phys.scenario_ranges(scenario)))
    result = interval(ranged)
    assert result.per_container[0] <= result.per_container[1]
    assert result.total[0] <= result.total[1]
    point = {
        name: np.float64(data.draw(st.floats(p.low, p.high)))
        for name, p in ranged.parameters.items()
    }
    for name in point:
        if name.endswith(".items"):
            point[name] = np.float64(np.round(point[name]))
    rounds = int(evaluate(point, ranged).rounds)
    assert result.per_container[0] <= rounds <= result.per_container[1]


@given(st.integers(1, 100_000), st.floats(0.01, 1.0), st.integers(0, 5_000))
def test_total_is_containers_times_share_times_per_container(containers, share, per_container):
    total = int(fleet_total(containers, share, np.int64(per_container)))
    assert total <= containers * share * per_container * (1 + 1e-9)
    assert total > containers * share * per_container - 1 - 1e-6


@given(st.integers(1, 10**12), st.integers(1, 1000), st.integers(0, 5_000))
@example(722_433_619_191, 207, 486)  # 0.982 of a round short of a whole one: two ulps added one
@example(10, 300, 1)  # 0.3 x 10 must give 3
def test_total_is_the_floor_of_the_exact_product_for_a_decimal_share(containers, thousandths, per_container):
    """No round is lost to the share's binary form (0.3) and none is added: a relative
    allowance of 1e-12 added 544 rounds to 10^12 boxes of 544, and two units in the last
    place one round to 722,433,619,191 boxes of 486 at 0.207."""
    exact = Fraction(thousandths, 1000) * containers * per_container
    assume(exact <= 2**49)
    assert int(fleet_total(containers, thousandths / 1000, np.int64(per_container))) == math.floor(exact)


@given(st.integers(1, 10**12), st.floats(1e-6, 1.0), st.integers(0, 5_000))
def test_total_is_the_floor_of_the_shares_shortest_decimal_times_the_boxes(containers, share, per_container):
    """Any share, typed or drawn, stands for the shortest decimal that reads back as it."""
    exact = Fraction(repr(share)) * containers * per_container
    assume(exact <= 2**49)
    assert int(fleet_total(containers, share, np.int64(per_container))) == math.floor(exact)


LENGTH_UNITS = [("m", 1.0), ("cm", 100.0), ("mm", 1000.0), ("ft", 1 / 0.3048), ("in", 1 / 0.0254)]
MASS_UNITS = [("kg", 1.0), ("t", 1e-3), ("lb", 1 / 0.45359237), ("g", 1000.0)]


def _off_boundaries(values, scenario):
    """True if nudging every value by 1e-7 changes nothing (no floor sits on an edge)."""
    base = evaluate(values, scenario)
    for factor in (1 - 1e-7, 1 + 1e-7):
        nudged = {n: (v if n.endswith(".items") else np.float64(v * factor)) for n, v in values.items()}
        if int(evaluate(nudged, scenario).rounds) != int(base.rounds):
            return False
    return True


@given(st.data(), scenarios)
def test_same_answer_whatever_units_the_inputs_come_in(data, scenario):
    values = data.draw(phys.scenario_values(scenario))
    assume(_off_boundaries(values, scenario))
    retyped = {}
    for name, value in values.items():
        dimension = scenario.parameters[name].dimension
        if dimension == "length":
            unit, factor = data.draw(st.sampled_from(LENGTH_UNITS))
        elif dimension == "mass":
            unit, factor = data.draw(st.sampled_from(MASS_UNITS))
        else:
            retyped[name] = value
            continue
        retyped[name] = np.float64(parse_si(f"{float(value) * factor!r} {unit}", dimension, name))
    assert int(evaluate(retyped, scenario).rounds) == int(evaluate(values, scenario).rounds)


@given(st.data(), scenarios)
def test_clearance_shrinks_every_interior_side_and_dunnage_the_height(data, scenario):
    values = data.draw(phys.scenario_values(scenario))
    sides = usable_interior(values)
    for side, name in zip(sides, ("length", "width", "height")):
        below = float(values["load.dunnage_height"]) if name == "height" else 0.0
        assert float(side) == pytest.approx(
            max(float(values[f"container.interior_{name}"] - values["load.clearance"]) - below, 0.0)
        )
