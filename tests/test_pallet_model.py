"""Pallets in the model (``load.pallet``, ``--pallet``): the vectorised count equals
``pallets.pack_pallets`` case by case, never exceeds the loose-crate space bound or the
payload (tare included), grows with the container; kits stay feasible; the commands."""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, example, given, settings, strategies as st

import strategies as phys
from cli_helpers import run
from estimator import explain
from estimator.claims import scenarios_for
from estimator.errors import InputError
from estimator.fastspace import rounded_box_mm, rounded_interior_mm
from estimator.intervals import interval
from estimator.model import evaluate
from estimator.packing import RESOLUTION_M, upper_bound
from estimator.pallet_model import (
    Builds, KitPart, PalletArrays, builds_in, container_for_pallets, crates_by_mass, kit_rounds_on_pallets,
    palletised_crates,
)
from estimator.pallets import pack_pallets, pallet_spec
from estimator.parameters import apply_overrides, parse_overrides
from estimator.uncertainty import sample_values
from test_pallets import pallet_file

CATALOG = phys.CATALOG
# Each built-in pallet at both corners of its ranges, with and without stacking.
SPECS = [replace(pallet_spec(p, optimistic), stack_load_kg=stack)
         for p in CATALOG.pallets.values() for optimistic in (False, True)
         for stack in (pallet_spec(p, optimistic).stack_load_kg, None)]
EUR = next(spec for spec in SPECS if spec.id == "EUR")
ENOUGH_PAYLOAD_KG = 1e9  # so that only space limits

# Interiors from a short box to a 40 ft one (the 463L needs 2.24 m of width); crates
# from a cartridge box to a long shell crate; doors from too narrow to pass everything.
interiors = st.tuples(st.floats(1.5, 12.1), st.floats(1.5, 2.45), st.floats(0.8, 2.7))
doors = st.tuples(st.floats(0.7, 2.45), st.floats(0.8, 2.7))
# Crate sides at whole centimetres: the model counts at that resolution anyway, and
# examples then share floor counts (the slow part), so more of them run. From 0.2 m, about
# the smallest catalog crate side: a floor count of hundreds of smaller boxes on a 463L
# deck takes seconds.
crates = st.tuples(st.integers(20, 130), st.integers(20, 90), st.integers(20, 80)).map(
    lambda sides: tuple(side / 100 for side in sides))
crate_masses = st.floats(5.0, 300.0)
layer_caps = st.sampled_from([0, 0, 1, 2, 3, 5])


def arrays_of(spec) -> PalletArrays:
    """The pallet numbers of a PalletSpec as the model takes them."""
    return PalletArrays(spec.length_m, spec.width_m, spec.deck_length_m, spec.deck_width_m, spec.base_height_m,
                        spec.tare_kg, spec.max_load_height_m, spec.max_load_mass_kg, spec.stack_load_kg)


def rounded_m(interior, door, crate):
    """The sizes the model counts at: interior and door down to 1 cm, crate up. [m]"""
    down = [float(rounded_interior_mm(side)) * RESOLUTION_M for side in interior]
    door_down = (door[0], float(rounded_interior_mm(door[1])) * RESOLUTION_M)
    up = [float(rounded_box_mm(side)) * RESOLUTION_M for side in crate]
    return down, door_down, up


def oracle_crates(interior, door, crate, mass, upright, spec, cap) -> int:
    """``pack_pallets`` one case at a time at the rounded sizes; 0 where it refuses."""
    interior, door, crate = rounded_m(interior, door, crate)
    try:
        return pack_pallets(interior, crate, mass, upright, spec, cap, door).crates
    except InputError:
        return 0


cases = st.tuples(interiors, doors, crates, crate_masses, layer_caps)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(SPECS), st.lists(cases, min_size=1, max_size=3), st.booleans())
@example(EUR, [((5.75, 2.2, 2.25), (2.33, 2.28), (0.8, 0.3, 0.3), 60.0, 0)], False)
def test_arrays_equal_pack_pallets_one_case_at_a_time(spec, batch, upright):
    columns = list(zip(*batch))
    interior = [np.array(side) for side in zip(*columns[0])]
    door = [np.array(side) for side in zip(*columns[1])]
    crate = [np.array(side) for side in zip(*columns[2])]
    loaded = palletised_crates(interior, door, crate, np.array(columns[3]), upright, arrays_of(spec),
                               ENOUGH_PAYLOAD_KG, np.array(columns[4]))
    for i, (case_interior, case_door, case_crate, mass, cap) in enumerate(batch):
        want = oracle_crates(case_interior, case_door, case_crate, mass, upright, spec, cap)
        assert int(loaded.by_space[i]) == want
        assert int(loaded.crates[i]) == want  # the payload never binds here


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(SPECS), interiors, crates, crate_masses, st.booleans(), layer_caps)
def test_palletised_count_never_exceeds_the_loose_crate_space_bound(spec, interior, crate, mass, upright, cap):
    loaded = palletised_crates(interior, (3.0, 3.0), crate, mass, upright, arrays_of(spec), ENOUGH_PAYLOAD_KG, cap)
    interior_mm = tuple(int(rounded_interior_mm(side)) for side in interior)
    crate_mm = tuple(int(rounded_box_mm(side)) for side in crate)
    assume(np.prod(interior_mm) / np.prod(crate_mm) < 5000)  # upper_bound's own reach
    assert int(loaded.by_space) <= upper_bound(interior_mm, crate_mm, upright, cap)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(SPECS), interiors, crates, crate_masses, st.booleans(), st.floats(500.0, 40_000.0))
def test_crates_and_their_pallets_never_weigh_more_than_the_usable_payload(spec, interior, crate, mass, upright,
                                                                          usable_kg):
    loaded = palletised_crates(interior, (3.0, 3.0), crate, mass, upright, arrays_of(spec), usable_kg)
    crates_shipped, pallets = int(loaded.crates), int(loaded.pallets)
    assert crates_shipped * mass + pallets * spec.tare_kg <= usable_kg * (1 + 1e-12)
    assert crates_shipped <= int(loaded.by_space) and crates_shipped <= int(loaded.by_mass)
    if crates_shipped:
        assert pallets >= 1


def slow_crates_by_mass(usable_kg, crate_kg, tare_kg, per_pallet) -> int:
    """Count crates one at a time, adding a pallet whenever the last one is full."""
    crates = 0
    while True:
        pallets = -(-(crates + 1) // per_pallet)
        if (crates + 1) * crate_kg + pallets * tare_kg > usable_kg * (1 + 1e-12):
            return crates
        crates += 1


@settings(max_examples=150, deadline=None)
@given(st.floats(0.0, 5_000.0), st.floats(5.0, 300.0), st.floats(0.0, 200.0), st.integers(1, 60))
@example(1000.0, 60.0, 25.0, 8)
@example(1010.0, 60.0, 25.0, 8)
def test_mass_limit_counts_the_tare_of_every_pallet_begun(usable_kg, crate_kg, tare_kg, per_pallet):
    assert int(crates_by_mass(usable_kg, crate_kg, tare_kg, per_pallet)) == slow_crates_by_mass(
        usable_kg, crate_kg, tare_kg, per_pallet)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(SPECS), interiors, crates, crate_masses, st.booleans(), st.integers(0, 2),
       st.floats(1.0, 1.6), st.floats(2_000.0, 40_000.0))
def test_count_never_falls_when_the_container_grows(spec, interior, crate, mass, upright, axis, factor, usable_kg):
    def count(sides):
        return int(palletised_crates(sides, (3.0, 3.0), crate, mass, upright, arrays_of(spec), usable_kg).crates)

    grown = list(interior)
    grown[axis] *= factor
    assert count(grown) >= count(interior)


def test_pallet_that_cannot_pass_the_door_loads_nothing():
    eur = arrays_of(EUR)
    interior, crate = (5.75, 2.2, 2.25), (0.8, 0.3, 0.3)
    passes = palletised_crates(interior, (0.8, 2.28), crate, 60.0, False, eur, ENOUGH_PAYLOAD_KG)
    blocked = palletised_crates(interior, (0.79, 2.28), crate, 60.0, False, eur, ENOUGH_PAYLOAD_KG)
    assert int(passes.crates) > 0 and int(blocked.crates) == 0


# --- kits ----------------------------------------------------------------------------


def kit_use(rounds, parts, choice, tare_kg):
    """Floor positions and kilograms that ``rounds`` take with these builds (crates per
    pallet, per floor position), or None when a part needs crates but has no build."""
    used_positions, used_kg = 0, 0.0
    for part, (per_pallet, per_position) in zip(parts, choice):
        crates = -(-rounds * part.items_per_round // int(part.items))
        if crates and not per_pallet:
            return None
        used_positions += -(-crates // per_position) if crates else 0
        used_kg += crates * float(part.crate_mass_kg) + (-(-crates // per_pallet) if crates else 0) * tare_kg
    return used_positions, used_kg


def scalar_builds(builds: Builds) -> Builds:
    return Builds([int(c) for c in builds.per_pallet], [int(s) for s in builds.per_position])


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(SPECS), st.tuples(st.floats(2.0, 6.0), st.floats(1.5, 2.4), st.floats(0.8, 2.4)),
       st.lists(st.tuples(crates, crate_masses, st.integers(1, 3), st.integers(1, 2)), min_size=2, max_size=2),
       st.floats(2_000.0, 30_000.0))
def test_kit_rounds_are_a_feasible_loading_and_each_limit_alone_is_the_best_of_every_build(
        spec, interior, kit, usable_kg):
    pallet = arrays_of(spec)
    container = container_for_pallets(interior, (3.0, 3.0), pallet)
    parts = [KitPart(scalar_builds(builds_in(container, crate, mass, False, pallet)), np.float64(mass),
                     np.int64(items), per_round) for crate, mass, items, per_round in kit]
    positions, room_kg = int(container.floor_positions), usable_kg * (1 + 1e-12)
    rounds, by_space, by_mass = (int(a) for a in kit_rounds_on_pallets(parts, positions, usable_kg, spec.tare_kg))
    pairs = [(a, b) for a in zip(parts[0].builds.per_pallet, parts[0].builds.per_position)
             for b in zip(parts[1].builds.per_pallet, parts[1].builds.per_position)]
    uses = {r: [kit_use(r, parts, pair, spec.tare_kg) for pair in pairs] for r in (rounds, by_space + 1, by_mass + 1)}
    assert rounds <= by_space and rounds <= by_mass
    # Some pair of builds loads the answer within the floor and the payload ...
    assert rounds == 0 or any(use and use[0] <= positions and use[1] <= room_kg for use in uses[rounds])
    # ... and no pair of builds (of all, not only those tried) passes either limit alone.
    assert not any(use and use[0] <= positions for use in uses[by_space + 1])
    if all(pair[0] for pair in pairs):  # every part has a build, so every crate is on a pallet
        assert not any(use and use[1] <= room_kg for use in uses[by_mass + 1])


def test_kit_on_pallets_loads_both_crate_types():
    # 152 mm complete rounds on EUR in a 20 ft box: projectile crates and charge crates on
    # their own unit loads, sharing the floor.
    scenario = scenario_on("152mm-shell", "complete", ["load.pallet=EUR"])
    low, high = interval(scenario).per_container
    assert 0 < low <= high


# --- scenarios and commands ----------------------------------------------------------


def scenario_on(munition, round_name, settings_text, container="20ft"):
    overrides = parse_overrides(settings_text, CATALOG)
    return next(s for s in scenarios_for(CATALOG, munition, container, 2000, overrides) if s.round == round_name)


@pytest.mark.parametrize("munition, round_name", [("152mm-shell", "projectile"), ("152mm-shell", "complete"),
                                                  ("122mm-shell", "projectile")])
def test_draws_lie_between_the_pallet_scenarios_corners(munition, round_name):
    scenario = scenario_on(munition, round_name, ["load.pallet=EUR"])
    low, high = interval(scenario).per_container
    rounds = evaluate(sample_values(scenario, 2000, np.random.default_rng(1)), scenario).rounds
    assert low <= rounds.min() and rounds.max() <= high


def test_heavier_pallets_never_carry_more_rounds():
    light = scenario_on("152mm-shell", "projectile", ["load.pallet=EUR", "pallet.tare=20kg"])
    heavy = scenario_on("152mm-shell", "projectile", ["load.pallet=EUR", "pallet.tare=400kg"])
    light_iv, heavy_iv = interval(light), interval(heavy)
    assert heavy_iv.rounds_by_mass[1] < light_iv.rounds_by_mass[1]
    assert heavy_iv.per_container[1] <= light_iv.per_container[1]


def test_pallet_parameters_join_the_scenario_and_dunnage_leaves_the_count():
    scenario = scenario_on("152mm-shell", "projectile", ["pallet.tare=30kg", "load.pallet=EUR"])
    assert scenario.pallet == "EUR"
    assert scenario.parameters["pallet.tare"].low == 30.0  # applied whatever the order
    assert scenario.parameters["load.dunnage_height"].effect == 0
    base = next(s for s in scenarios_for(CATALOG, "152mm-shell", "20ft", 2000, []) if s.round == "projectile")
    # none after EUR in one list of overrides (two --set of one name are refused when parsed)
    loose = apply_overrides(base, [*parse_overrides(["load.pallet=EUR"], CATALOG),
                                   *parse_overrides(["load.pallet=none"], CATALOG)])
    assert loose.pallet is None and not any(name.startswith("pallet.") for name in loose.parameters)
    assert loose.parameters["load.dunnage_height"].effect == -1


def test_explain_finds_what_the_pallet_tare_would_need():
    scenario = scenario_on("152mm-shell", "projectile", ["load.pallet=EUR"])
    base = explain.median_values(scenario)
    claimed = explain.total_at(scenario, base) - 20_000  # fewer rounds: a heavier pallet
    value = explain.solve_parameter(scenario, base, "pallet.tare", claimed, more=False)
    assert value is not None and value > base["pallet.tare"]
    assert explain.total_at(scenario, {**base, "pallet.tare": np.float64(value)}) <= claimed


def estimate_json(*args):
    result = run("estimate", "--containers", "2000", "--munition", "152mm-shell", "--round", "projectile",
                 "--draws", "200", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["results"][0]


def test_default_is_loose_crates_with_pallet_null_and_unchanged_figures():
    default = estimate_json()
    assert default["pallet"] is None
    assert estimate_json("--set", "load.pallet=none") == default
    on_pallets = estimate_json("--pallet", "EUR")
    assert on_pallets["pallet"] == "EUR"
    assert on_pallets["per_container"] != default["per_container"]


def test_pallet_option_equals_the_setting_wherever_it_stands():
    by_setting = estimate_json("--set", "load.pallet=EUR", "--set", "load.fraction=1")
    assert estimate_json("--pallet", "EUR", "--set", "load.fraction=1") == by_setting
    assert estimate_json("--set", "load.fraction=1", "--pallet", "EUR") == by_setting


@pytest.mark.parametrize("command", [
    ["estimate", "--containers", "10"], ["need", "--rounds", "1000"], ["check"],
    ["sweep", "--vary", "container.payload=20t..26t:2"], ["sensitivity", "--draws", "8"],
])
@pytest.mark.parametrize("args, fragment", [
    (["--pallet", "FOO"], "'FOO'"),
    (["--set", "load.pallet=euro"], "'euro'"),
    (["--set", "load.pallet=EUR..463L"], "not a range"),
    (["--set", "pallet.tare=30kg"], "no pallet chosen"),
])
def test_unknown_pallet_is_one_line_exit_2(command, args, fragment):
    result = run(*command, *args)
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0]


def test_user_pallet_from_an_assumptions_file_reaches_the_model(tmp_path):
    path = pallet_file(tmp_path, "half")
    record = estimate_json("--assumptions", path, "--pallet", "half")
    assert record["pallet"] == "half" and record["per_container"]["high"] > 0


def test_deck_set_beyond_the_base_is_one_line():
    result = run("estimate", "--containers", "1", "--pallet", "EUR", "--set", "pallet.deck_length=1.3m")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: pallet EUR: deck_length") and result.stderr.count("\n") == 1


def test_every_model_command_takes_the_pallet_option():
    outputs = {
        "need": run("need", "--rounds", "100000", "--munition", "152mm-shell", "--pallet", "EUR", "--draws", "100",
                    "--format", "json"),
        "check": run("check", "--pallet", "EUR", "--draws", "100", "--format", "json"),
        "sweep": run("sweep", "--vary", "pallet.tare=20kg..200kg:2", "--munition", "152mm-shell", "--pallet", "EUR",
                     "--format", "json"),
        "sensitivity": run("sensitivity", "--munition", "152mm-shell", "--round", "projectile", "--pallet", "EUR",
                           "--draws", "8", "--format", "json"),
    }
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.stderr)
    assert all(r["pallet"] == "EUR" for r in json.loads(outputs["need"].stdout)["results"])
    assert all(r["pallet"] == "EUR" for r in json.loads(outputs["check"].stdout)["claims"])
    assert all(r["pallet"] == "EUR" for r in json.loads(outputs["sweep"].stdout)["results"])
    swept = {r["point"]["pallet.tare"] for r in json.loads(outputs["sweep"].stdout)["results"]}
    assert swept == {20.0, 200.0}
    parameters = {r["parameter"] for r in json.loads(outputs["sensitivity"].stdout)["results"]}
    assert {"pallet.tare", "pallet.max_load_mass"} <= parameters


def test_stack_load_set_on_a_pallet_without_one_lets_unit_loads_stack():
    # 463L gives no stack_load (unit loads not stacked); --set adds one, and more room to
    # stack never loads fewer.
    alone = scenario_on("122mm-shell", "projectile", ["load.pallet=463L"], container="40ft-hc")
    stacked = scenario_on("122mm-shell", "projectile", ["load.pallet=463L", "pallet.stack_load=20t"],
                          container="40ft-hc")
    assert "pallet.stack_load" not in alone.parameters
    assert stacked.parameters["pallet.stack_load"].low == 20_000.0
    assert interval(stacked).rounds_by_space[1] > interval(alone).rounds_by_space[1]
