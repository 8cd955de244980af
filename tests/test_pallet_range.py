"""The range on pallets (``intervals.palletised_interval``): crate sides searched over their
1 cm grid, the rest at corners. No draw and no point of the parameter box falls outside
it; it equals a slow search crate size by crate size; loose crates keep their corners."""

import json
from itertools import product
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

import strategies as phys
from estimator.fastspace import MODEL_RESOLUTION_M
from estimator.intervals import (
    CORNERS, GRID_SEARCH, KIT_BOUNDS, corner_values, deck_steps, interval, palletised_interval,
)
from estimator.model import evaluate, fleet_total
from estimator.pallet_model import crates_per_layer, grid_per_layer
from estimator.uncertainty import sample_values
from test_pallet_model import run, scenario_on

CATALOG = phys.CATALOG

# Narrow crate ranges (whole centimetres, a span of 0-3 cm per side) around sizes of the
# catalog's 152 mm crates, so that a test sees a few dozen crate sizes on the small EUR
# deck (each new footprint costs a floor search) and yet the whole-layer steps: a crate
# 1 cm smaller fills a layer with more crates, which may then outweigh the load mass.
starts = st.tuples(st.integers(60, 98), st.integers(18, 48), st.integers(18, 28))
spans = st.tuples(*[st.integers(0, 3)] * 3)
# Light to heavy crates, and the pallet's load mass from a few crates' worth to EUR's own.
crate_masses = st.tuples(st.integers(20, 90), st.integers(0, 30))
load_masses = st.tuples(st.integers(300, 1500), st.integers(0, 500))
# Stack loads from one light unit load to EUR's 4,000 kg and beyond.
stack_loads = st.tuples(st.integers(300, 6000), st.integers(0, 3000))


def crate_settings(package, start, span, mass):
    sides = [f"{package}.{side}={low}..{low + extra}cm" for side, low, extra in
             zip(("length", "width", "height"), start, span)]
    return [*sides, f"{package}.gross_mass={mass[0]}..{mass[0] + mass[1]}kg"]


def box_points(scenario, rng, n):
    """``n`` points of the parameter box: each parameter at its low end, its high end or
    anywhere between, independently (the corners' neighbourhoods, where draws are rare)."""
    points = {}
    for name, p in scenario.parameters.items():
        pick = rng.integers(0, 3, size=n)
        between = rng.uniform(p.low, p.high, size=n)
        value = np.where(pick == 0, p.low, np.where(pick == 1, p.high, between))
        points[name] = np.round(value) if p.integer else value
    return points


def assert_within(scenario, result, values):
    capacity = evaluate(values, scenario)
    rounds = np.ravel(capacity.rounds)
    assert result.per_container[0] <= rounds.min() and rounds.max() <= result.per_container[1]
    for found, ends in ((capacity.rounds_by_mass, result.rounds_by_mass),
                        (capacity.rounds_by_space, result.rounds_by_space)):
        assert ends[0] <= np.min(found) and np.max(found) <= ends[1]
    totals = fleet_total(values["fleet.containers"], values["fleet.share"], capacity.rounds)
    assert result.total[0] <= np.min(totals) and np.max(totals) <= result.total[1]


@settings(max_examples=15, deadline=None)
@given(starts, spans, crate_masses, load_masses, st.integers(0, 2**32 - 1), st.sampled_from(["20ft", "40ft-hc"]))
# Found on main's corners: 0.75 x 0.20 x 0.21 m loads 536 (corner 0.75 x 0.20 x 0.20: 533).
@example((75, 20, 20), (0, 0, 1), (52, 24), (1000, 500), 0, "20ft")
# Found by hypothesis: a crate with no unit load at the pessimistic corner counts no tare
# by mass there, a better point builds unit loads and pays it.
@example((60, 18, 18), (1, 0, 2), (21, 30), (300, 1), 0, "20ft")
def test_no_draw_or_point_of_the_box_falls_outside_the_pallet_range(start, span, mass, load_mass, seed, container):
    scenario = scenario_on("152mm-shell", "projectile", [
        "load.pallet=EUR", *crate_settings("crate", start, span, mass),
        f"pallet.max_load_mass={load_mass[0]}..{load_mass[0] + load_mass[1]}kg"], container)
    result = interval(scenario)
    assert result.range_method == GRID_SEARCH
    rng = np.random.default_rng(seed)
    assert_within(scenario, result, sample_values(scenario, 300, rng))
    assert_within(scenario, result, box_points(scenario, rng, 300))


@settings(max_examples=8, deadline=None)
@given(starts, spans, crate_masses, starts, spans, crate_masses, st.integers(0, 2**32 - 1),
       st.sampled_from(["20ft", "40ft-hc"]), stack_loads)
@example((75, 20, 20), (0, 1, 1), (52, 24), (60, 35, 18), (1, 1, 0), (32, 29), 0, "20ft", (4000, 0))
# Found on main's corners: the kit count reaches 128 inside the box, the low corner 138.
@example((80, 35, 22), (1, 0, 2), (86, 6), (91, 23, 18), (2, 0, 3), (43, 17), 0, "20ft", (4000, 0))
def test_no_draw_or_point_of_the_box_falls_outside_the_kit_range_on_pallets(
        start, span, mass, charge_start, charge_span, charge_mass, seed, container, stack_load):
    scenario = scenario_on("152mm-shell", "complete", [
        "load.pallet=EUR", *crate_settings("crate", start, span, mass),
        *crate_settings("charge_crate", charge_start, charge_span, charge_mass),
        f"pallet.stack_load={stack_load[0]}..{sum(stack_load)}kg"], container)
    result = interval(scenario)
    assert result.range_method in (GRID_SEARCH, KIT_BOUNDS)
    rng = np.random.default_rng(seed)
    assert_within(scenario, result, sample_values(scenario, 300, rng))
    assert_within(scenario, result, box_points(scenario, rng, 300))


def test_kit_by_mass_without_unit_loads_is_inside_the_range():
    # A pallet base so tall at its high end that no unit load is built there: by mass then
    # counts the crates without tare and may exceed by mass at a better point (hypothesis
    # found base height 1 -> 1.5 m giving 166 -> 250), which the kit range must still hold.
    scenario = scenario_on("152mm-shell", "complete", [
        "load.pallet=EUR", "crate.length=75..76cm", "crate.width=20..21cm", "crate.height=20cm",
        "charge_crate.length=60cm", "charge_crate.width=35cm", "charge_crate.height=18..19cm",
        "pallet.base_height=0.1..2.3m"])
    without_loads = evaluate({**corner_values(scenario), "pallet.base_height": np.float64(2.3)}, scenario)
    assert int(without_loads.rounds_by_space[0]) == 0 < int(without_loads.rounds_by_mass[0])
    result = interval(scenario)
    assert_within(scenario, result, box_points(scenario, np.random.default_rng(7), 300))


def test_the_463l_reproduction_draws_lie_within_the_range():
    # The reproduction, narrowed to crate sizes near the high end (cold floor
    # searches on the 463L deck are slow): corners gave 140, a 0.75 x 0.22 x 0.29 m crate 174.
    scenario = scenario_on("152mm-shell", "projectile", ["load.pallet=463L", "crate.length=75..76cm",
                                                         "crate.width=20..22cm", "crate.height=28..29cm"])
    result = interval(scenario)
    rounds = evaluate(sample_values(scenario, 2000, np.random.default_rng(4)), scenario).rounds
    assert rounds.max() <= result.per_container[1]
    assert result.per_container[1] == 174


# --- the search equals a slow one, crate size by crate size ----------------------------


def crate_sizes(scenario, package):
    """Every crate size at whole centimetres in the package's ranges. [m]"""
    sides = [range(round(scenario.parameters[f"{package}.{side}"].low * 100),
                   round(scenario.parameters[f"{package}.{side}"].high * 100) + 1)
             for side in ("length", "width", "height")]
    return [tuple(cm / 100 for cm in size) for size in product(*sides)]


def slow_ends(scenario):
    """The fewest rounds at the pessimistic corner and the most at the optimistic one,
    one combination of crate sizes at a time."""
    corners = corner_values(scenario)
    per_part = [crate_sizes(scenario, part.package) for part in scenario.kit]
    low, high = None, None
    for sizes in product(*per_part):
        values = dict(corners)
        for part, size in zip(scenario.kit, sizes):
            for side, value in zip(("length", "width", "height"), size):
                values[f"{part.package}.{side}"] = np.float64(value)
        rounds = evaluate(values, scenario).rounds
        low = int(rounds[0]) if low is None else min(low, int(rounds[0]))
        high = int(rounds[1]) if high is None else max(high, int(rounds[1]))
    return low, high


@settings(max_examples=6, deadline=None)
@given(starts, st.tuples(*[st.integers(0, 2)] * 3), crate_masses, load_masses)
@example((75, 20, 20), (0, 0, 1), (52, 24), (1000, 500))
def test_grid_search_equals_the_count_at_each_crate_size(start, span, mass, load_mass):
    scenario = scenario_on("152mm-shell", "projectile", [
        "load.pallet=EUR", *crate_settings("crate", start, span, mass),
        f"pallet.max_load_mass={load_mass[0]}..{load_mass[0] + load_mass[1]}kg"])
    assert interval(scenario).per_container == slow_ends(scenario)


@settings(max_examples=4, deadline=None)
@given(starts, st.tuples(st.integers(0, 1), st.integers(0, 1), st.just(0)), crate_masses,
       starts, st.tuples(st.integers(0, 1), st.just(0), st.integers(0, 1)), crate_masses)
def test_kit_bounds_hold_the_count_at_each_pair_of_crate_sizes(start, span, mass, charge_start, charge_span,
                                                                  charge_mass):
    scenario = scenario_on("152mm-shell", "complete", [
        "load.pallet=EUR", *crate_settings("crate", start, span, mass),
        *crate_settings("charge_crate", charge_start, charge_span, charge_mass)])
    result = interval(scenario)
    low, high = slow_ends(scenario)
    assert result.per_container[0] <= low and high <= result.per_container[1]
    if result.range_method == GRID_SEARCH:  # bounds the count reaches
        assert result.per_container == (low, high)


@pytest.mark.parametrize("deck", ["pallet.deck_length=1.183..1.2m", "pallet.deck_width=0.674..0.7m",
                                  "pallet.deck_length=1.1955..1.2m"])
def test_a_ranged_deck_searched_by_whole_centimetres_equals_every_millimetre(deck):
    # A crate 0.17 m wide: seven lie along 1.19 m, not along 1.18 m; four across 0.68 m.
    crate = ["load.pallet=EUR", "crate.length=34cm", "crate.width=17cm", "crate.height=25cm"]
    name, span = deck.split("=")
    low, high = (round(float(end.rstrip("m")) * 1000) for end in span.split(".."))
    result = palletised_interval(scenario_on("152mm-shell", "projectile", crate + [deck]))
    slow = [interval(scenario_on("152mm-shell", "projectile", crate + [f"{name}={mm}mm"])).per_container
            for mm in range(low, high + 1)]
    assert result.per_container == (min(low for low, _ in slow), max(high for _, high in slow))


@given(st.integers(500, 1300), st.integers(0, 60))
@example(1183, 17)
@example(1190, 10)  # the low end on a whole step
def test_every_deck_in_the_range_shares_its_whole_step_with_a_searched_one(low, span):
    steps = deck_steps(SimpleNamespace(low=low / 1000, high=(low + span) / 1000))
    assert steps[0] == low and steps[-1] <= low + span and np.all(np.diff(steps) > 0)
    step = round(MODEL_RESOLUTION_M / 0.001)  # the searched crate sides' step [mm]
    for mm in range(low, low + span + 1):
        searched = steps[steps <= mm].max()
        assert searched // step == mm // step


# Crate footprints in whole centimetres (the searched grid) on decks up to EUR's.
@given(st.integers(300, 1200), st.integers(300, 800), st.integers(15, 60), st.integers(15, 60))
@example(1199, 799, 30, 20)  # 1 mm short of a whole step on both sides
def test_a_deck_holds_what_the_whole_centimetre_within_it_holds(length, width, side, other):
    footprint = (np.int64(10 * min(side, other)), np.int64(10 * max(side, other)))
    deck, within = (np.int64(length), np.int64(width)), (np.int64(length // 10 * 10), np.int64(width // 10 * 10))
    assert int(crates_per_layer(deck, footprint)) == int(crates_per_layer(within, footprint))
    assert int(grid_per_layer(deck, footprint)) == int(grid_per_layer(within, footprint))


def test_a_ranged_deck_is_searched_too():
    # A deck 1 mm shorter can carry a fuller layer no more; the search takes every deck.
    narrow = scenario_on("152mm-shell", "projectile", ["load.pallet=EUR", "crate.length=80cm", "crate.width=20cm",
                                                       "crate.height=20cm", "pallet.deck_length=1.198..1.2m"])
    result = palletised_interval(narrow)
    slow = [interval(scenario_on("152mm-shell", "projectile", [
        "load.pallet=EUR", "crate.length=80cm", "crate.width=20cm", "crate.height=20cm",
        f"pallet.deck_length={mm}mm"])).per_container for mm in (1198, 1199, 1200)]
    assert result.per_container == (min(low for low, _ in slow), max(high for _, high in slow))


# --- monotone in the rest: why corners suffice for them ---------------------------------


# Parameters the search holds at a corner; the crate and deck sides are searched.
SEARCHED = ("crate.length", "crate.width", "crate.height", "pallet.deck_length", "pallet.deck_width")
ON_EUR = scenario_on("152mm-shell", "projectile", ["load.pallet=EUR", "crate.length=75..80cm",
                                                   "crate.width=20..23cm", "crate.height=20..23cm"])
KIT_ON_EUR = scenario_on("152mm-shell", "complete", ["load.pallet=EUR", "crate.length=75..80cm",
                                                     "crate.width=20..23cm", "crate.height=20..23cm",
                                                     "charge_crate.length=60..63cm", "charge_crate.width=35..37cm",
                                                     "charge_crate.height=18..20cm"])


def moved(values, name, factor):
    return {**values, name: np.float64(values[name] * factor)}


@pytest.mark.parametrize("name", sorted(set(ON_EUR.parameters) - set(SEARCHED)))
@given(data=st.data(), factor=st.floats(1.0, 1.5))
@settings(max_examples=20, deadline=None)
def test_palletised_count_is_monotone_in_every_parameter_held_at_a_corner(name, data, factor):
    values = data.draw(phys.scenario_values(ON_EUR))
    before = int(evaluate(values, ON_EUR).rounds)
    after = int(evaluate(moved(values, name, factor), ON_EUR).rounds)
    effect = ON_EUR.parameters[name].effect
    assert (after >= before) if effect > 0 else (after <= before) if effect < 0 else after == before


@pytest.mark.parametrize("name", sorted(set(KIT_ON_EUR.parameters) - set(SEARCHED)
                                        - {"charge_crate.length", "charge_crate.width", "charge_crate.height"}))
@given(data=st.data(), factor=st.floats(1.0, 1.5))
@settings(max_examples=10, deadline=None)
def test_kit_limits_by_space_and_by_mass_are_monotone_in_every_parameter_held_at_a_corner(name, data, factor):
    # The kit bounds rest on these two (pallet_model.kit_extreme). By mass is monotone
    # only where the worse point builds unit loads: where it builds none, by mass counts
    # the crates without a pallet's tare (NOTES, "By mass alone"), which kit_extreme's
    # most-by-mass column covers (test_kit_by_mass_without_unit_loads_is_inside_the_range).
    values = data.draw(phys.scenario_values(KIT_ON_EUR))
    before, after = (evaluate(v, KIT_ON_EUR) for v in (values, moved(values, name, factor)))
    effect = KIT_ON_EUR.parameters[name].effect
    worse = before if effect > 0 else after
    limits = [(before.rounds_by_space, after.rounds_by_space)]
    if worse.rounds_by_space > 0:
        limits.append((before.rounds_by_mass, after.rounds_by_mass))
    for old, new in limits:
        assert (new >= old) if effect > 0 else (new <= old) if effect < 0 else new == old


# --- loose crates, and the output ----------------------------------------------------


@pytest.mark.parametrize("scenario", phys.SCENARIOS[::3], ids=lambda s: f"{s.container}-{s.munition}-{s.round}")
def test_loose_crates_keep_their_corners(scenario):
    values = corner_values(scenario)
    capacity = evaluate(values, scenario)
    result = interval(scenario)
    assert result.range_method == CORNERS
    assert result.per_container == tuple(int(r) for r in capacity.rounds)
    assert result.total == tuple(int(t) for t in fleet_total(values["fleet.containers"], values["fleet.share"],
                                                            capacity.rounds))
    assert result.rounds_by_mass == tuple(int(r) for r in capacity.rounds_by_mass)
    assert result.rounds_by_space == tuple(int(r) for r in capacity.rounds_by_space)


def test_output_says_how_the_range_was_found():
    def estimate(*args):
        result = run("estimate", "--containers", "10", "--munition", "152mm-shell", "--round", "projectile",
                     "--draws", "50", *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    loose = json.loads(estimate("--format", "json"))["results"][0]
    assert loose["range_method"] == CORNERS
    narrowed = ["--set", "crate.length=75..76cm", "--set", "crate.width=20..21cm", "--set", "crate.height=20cm"]
    on_eur = json.loads(estimate("--pallet", "EUR", *narrowed, "--format", "json"))["results"][0]
    assert on_eur["range_method"] == GRID_SEARCH
    table = estimate("--pallet", "EUR", *narrowed)
    assert "not guaranteed" not in table and "every crate size at 1 cm" in table


@settings(max_examples=40, deadline=None)
@given(st.integers(300, 1300), st.integers(300, 1300), st.integers(150, 700), st.integers(150, 700))
def test_one_grid_never_beats_the_floor_search_and_fits_where_it_does(length, width, side, other):
    # Builds skip the floor search where even the grid count outweighs the load mass.
    deck, footprint = (np.int64(length), np.int64(width)), (np.int64(min(side, other)), np.int64(max(side, other)))
    grid, best = int(grid_per_layer(deck, footprint)), int(crates_per_layer(deck, footprint))
    assert grid <= best and (grid > 0) == (best > 0)


def test_sweep_rows_on_pallets_equal_the_estimate_at_their_point():
    narrowed = ["--set", "crate.length=75..76cm", "--set", "crate.width=20..21cm", "--set", "crate.height=20..21cm"]
    swept = run("sweep", "--vary", "pallet.max_load_mass=900kg..1500kg:3", "--munition", "152mm-shell", "--round",
                "projectile", "--pallet", "EUR", *narrowed, "--format", "json")
    assert swept.exit_code == 0, swept.stderr
    for row in json.loads(swept.stdout)["results"]:
        mass = row["point"]["pallet.max_load_mass"]
        estimated = run("estimate", "--containers", "2000", "--munition", "152mm-shell", "--round", "projectile",
                        "--pallet", "EUR", *narrowed, "--set", f"pallet.max_load_mass={mass}kg", "--draws", "10",
                        "--format", "json")
        record = json.loads(estimated.stdout)["results"][0]
        assert row["range_method"] == record["range_method"] == GRID_SEARCH
        assert row["per_container"] == {key: record["per_container"][key] for key in ("low", "high")}


# --- the kit's low bound, as a lemma on builds ----------------------------------------

# One part's builds at a worse point Q: crates per pallet and tiers; at a better point P
# each keeps its crates per pallet and may gain tiers, and P may have more builds. A crate
# at P is lighter by less than its mass (a crate of no mass is refused as input).
builds_q = st.lists(st.tuples(st.integers(1, 30), st.integers(1, 3), st.integers(0, 2)), min_size=1, max_size=4)
builds_new = st.lists(st.tuples(st.integers(1, 40), st.integers(1, 5)), max_size=3)


def as_builds(pairs):
    from estimator.pallet_model import Builds

    return Builds([np.int64(c) for c, _ in pairs], [np.int64(c * tiers) for c, tiers in pairs])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(builds_q, builds_new, st.integers(20, 90), st.integers(0, 19), st.integers(1, 2)),
                min_size=2, max_size=2),
       st.integers(1, 30), st.integers(0, 10), st.floats(2_000, 30_000), st.floats(0, 5_000),
       st.floats(10, 40), st.floats(0, 10))
def test_kit_low_bound_never_exceeds_the_count_at_a_better_point(parts, floor, more_floor, usable, more_usable,
                                                                 tare, less_tare):
    from estimator.pallet_model import KitPart, kit_choices, kit_extreme, kit_rounds_on_pallets

    rows, at_p, masses = [], [], []
    for at_q, new, mass, lighter, items in parts:
        worse = [(c, tiers) for c, tiers, _ in at_q]
        better = [(c, tiers + gain) for c, tiers, gain in at_q] + new
        fewest = min(c for c, _ in better)  # fewest_per_layer: at most any build's crates
        row = kit_choices(as_builds(worse), np.int64(fewest)).astype(np.int64)
        row[5] = max(tiers for _, tiers in better)  # the most tiers, at a point no worse than P
        rows.append(row.reshape(1, -1))
        at_p.append(KitPart(as_builds(better), np.float64(mass - lighter), np.int64(items), 1))
        masses.append(float(mass))
    items = [int(part[4]) for part in parts]
    low = kit_extreme(rows, masses, items, [1, 1], floor, usable, tare, highest=False).bound
    count, _, _ = kit_rounds_on_pallets(at_p, floor + more_floor, usable + more_usable, tare - less_tare)
    assert low <= int(count)
