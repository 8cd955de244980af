"""Monte Carlo: distributions stay in their ranges, percentiles are exact and lie between
the interval corners, and the same seed gives the same answer."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, strategies as st

import strategies as phys
from oracles import LAYOUT_RANGES, growing_with_the_crate
from estimator.catalog import load_catalog
from estimator.intervals import interval
from estimator.parameters import Parameter, build_scenario
from estimator.uncertainty import Tally, chunk_sizes, parameter_median, sample_parameter, simulate, summary

CATALOG = load_catalog()
SCENARIOS = [
    build_scenario(CATALOG, "20ft", munition.id, round_name, 2000)
    for munition in CATALOG.munitions.values()
    for round_name in munition.rounds
]
scenarios = st.sampled_from(SCENARIOS)


@st.composite
def parameters(draw, integer=None):
    """A parameter with a random range and distribution (mode inside the range)."""
    integer = draw(st.booleans()) if integer is None else integer
    if integer:
        low = draw(st.integers(1, 20))
        high = draw(st.integers(low, low + 20))
    else:
        low = draw(st.floats(0.01, 1_000.0))
        high = low * draw(st.floats(1.0, 100.0))
    dist = draw(st.sampled_from(["uniform", "triangular", "pert", "lognormal90"]))
    if low == high:
        dist = "uniform"
    mode = draw(st.floats(float(low), float(high))) if dist in ("triangular", "pert") else None
    return Parameter("x.y", float(low), float(high), "dimensionless", "1", +1, integer, "test", False, dist, mode)


@given(parameters(), st.integers(1, 2_000), st.integers(0, 2**32))
def test_draws_stay_in_the_range_and_integers_stay_whole(parameter, n, seed):
    draws = np.broadcast_to(sample_parameter(parameter, n, np.random.default_rng(seed)), (n,))
    assert np.all(draws >= parameter.low) and np.all(draws <= parameter.high)
    if parameter.integer:
        assert np.all(draws == np.rint(draws))


@given(parameters(integer=False))
def test_median_formula_agrees_with_the_sample_median(parameter):
    draws = np.broadcast_to(sample_parameter(parameter, 40_000, np.random.default_rng(5)), (40_000,))
    spread = parameter.high - parameter.low
    assert parameter_median(parameter) == pytest.approx(np.median(draws), abs=0.02 * spread + 1e-12)


@pytest.mark.parametrize("dist, mode, expected_mean", [
    ("uniform", None, 15.0),
    ("triangular", 12.0, (10 + 12 + 20) / 3),
    ("pert", 12.0, (10 + 4 * 12 + 20) / 6),
])
def test_distribution_means_match_their_formulas(dist, mode, expected_mean):
    parameter = Parameter("x.y", 10.0, 20.0, "dimensionless", "1", +1, False, "test", False, dist, mode)
    draws = sample_parameter(parameter, 200_000, np.random.default_rng(3))
    assert draws.mean() == pytest.approx(expected_mean, abs=0.05)


def test_lognormal90_is_its_interval_truncated_around_the_geometric_mean():
    parameter = Parameter("x.y", 10.0, 40.0, "dimensionless", "1", +1, False, "test", False, "lognormal90")
    draws = sample_parameter(parameter, 200_000, np.random.default_rng(3))
    assert np.median(draws) == pytest.approx(20.0, rel=0.01)
    # Within a 90 % interval truncated to itself, the 5 % / 95 % of the whole lognormal
    # are 0.0556 / 0.9444 of what is left: 1.2816 standard deviations of log from the median.
    sigma = np.log(4) / (2 * 1.6448536269514722)
    assert np.quantile(draws, 0.0556) == pytest.approx(20 * np.exp(-1.2816 * sigma), rel=0.01)


def test_integer_uniform_draws_reach_every_whole_number_of_the_range():
    parameter = Parameter("c.items", 1.0, 4.0, "dimensionless", "1", +1, True, "test", False)
    draws = sample_parameter(parameter, 10_000, np.random.default_rng(0))
    assert set(np.unique(draws)) == {1.0, 2.0, 3.0, 4.0}


@given(st.lists(st.integers(-50, 1_000), min_size=1, max_size=300), st.floats(0.0, 1.0))
def test_tally_quantile_is_numpys_inverted_cdf(draws, q):
    assert Tally.of(draws).quantile(q) == int(np.quantile(draws, q, method="inverted_cdf"))


@given(st.lists(st.integers(0, 100), min_size=1, max_size=300), st.integers(1, 50))
def test_merging_chunk_tallies_is_exact(draws, chunk):
    chunks = [draws[i:i + chunk] for i in range(0, len(draws), chunk)]
    merged = Tally.merge([Tally.of(c) for c in chunks])
    whole = Tally.of(draws)
    assert np.array_equal(merged.values, whole.values) and np.array_equal(merged.counts, whole.counts)
    assert merged.mean() == pytest.approx(np.mean(draws))


@given(st.lists(st.integers(0, 100), min_size=1, max_size=300), st.integers(-5, 105))
def test_percentile_of_counts_draws_below_and_half_of_those_equal(draws, x):
    draws_array = np.array(draws)
    expected = (np.sum(draws_array < x) + np.sum(draws_array == x) / 2) / len(draws)
    assert Tally.of(draws).percentile_of(x) == pytest.approx(expected)


@given(st.integers(1, 10_000), st.integers(1, 3_000))
def test_chunk_sizes_add_up_and_stay_under_the_chunk(draws, chunk):
    sizes = chunk_sizes(draws, chunk)
    assert sum(sizes) == draws and all(0 < s <= chunk for s in sizes)


def with_ranges(scenario, ranges):
    params = {name: replace(p, low=float(ranges[name][0]), high=float(ranges[name][1]))
              for name, p in scenario.parameters.items()}
    params = {name: replace(p, low=np.rint(p.low), high=np.rint(p.high)) if p.integer else p
              for name, p in params.items()}
    return replace(scenario, parameters=params)


@st.composite
def random_scenarios(draw):
    scenario = draw(scenarios)
    return with_ranges(scenario, draw(phys.scenario_ranges(scenario)))


@given(random_scenarios(), st.integers(0, 2**32), st.integers(1, 400))
def test_percentiles_lie_between_the_corners_and_are_ordered(scenario, seed, draws):
    corners = interval(scenario)
    result = simulate(scenario, draws, np.random.default_rng(seed), chunk=150)
    for tally, (low, high) in ((result.per_container, corners.per_container), (result.total, corners.total)):
        stats = summary(tally)
        assert low <= stats["p5"] <= stats["p50"] <= stats["p95"] <= high
        assert low <= stats["mean"] <= high
        assert tally.n == draws
    assert 0.0 <= result.mass_share <= 1.0


@given(scenarios, st.integers(0, 2**32))
def test_more_draws_never_move_outside_the_corners(scenario, seed):
    corners = interval(scenario)
    rng = np.random.default_rng(seed)
    for draws in (10, 1_000, 20_000):
        result = simulate(scenario, draws, rng)
        assert corners.per_container[0] <= result.per_container.values[0]
        assert result.per_container.values[-1] <= corners.per_container[1]
        assert corners.total[0] <= result.total.values[0] and result.total.values[-1] <= corners.total[1]


def test_same_seed_gives_the_same_simulation():
    def run(seed):
        result = simulate(SCENARIOS[1], 5_000, np.random.default_rng(seed), chunk=1_500)
        return result.per_container.values.tolist(), result.per_container.counts.tolist(), result.mass_share

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_tallies_held_at_once_do_not_grow_with_the_draws(monkeypatch):
    # Memory for 10^11 draws must not be 1,000 times that for 10^8: the chunks' tallies are
    # merged as they come, never all kept until the end.
    import estimator.uncertainty as uncertainty

    held = []
    merge = Tally.merge.__func__

    def counting_merge(cls, tallies):
        tallies = list(tallies)
        held.append(len(tallies))
        return merge(cls, tallies)

    monkeypatch.setattr(Tally, "merge", classmethod(counting_merge))
    most = []
    for chunks in (200, 2_000):
        held.clear()
        simulate(SCENARIOS[0], chunks * 5, np.random.default_rng(1), chunk=5)
        most.append(max(held))
    assert most[1] == most[0] < 200


def test_simulation_over_many_chunks_tallies_every_draw_exactly():
    from estimator.uncertainty import draw_chunks, scenario_rng

    scenario, draws, chunk = SCENARIOS[0], 3_000, 7  # 429 chunks: many merges of merged tallies
    result = simulate(scenario, draws, np.random.default_rng(5), chunk=chunk)
    rounds = np.concatenate([capacity.rounds.copy() for _, capacity in draw_chunks(
        scenario, draws, scenario_rng(np.random.default_rng(5), scenario), chunk)])
    expected = Tally.of(rounds)
    assert result.per_container.values.tolist() == expected.values.tolist()
    assert result.per_container.counts.tolist() == expected.counts.tolist()


def test_histogram_counts_every_draw_in_whole_number_bins():
    tally = Tally.of([3, 3, 4, 10, 17, 17, 17])
    edges, counts = tally.histogram(3, 17, bins=4)
    assert edges == [3, 7, 11, 15, 19] and counts == [3, 1, 0, 3]


@given(st.lists(st.integers(-10**12, 10**12), min_size=1, max_size=50) | st.lists(st.integers(0, 300), min_size=1, max_size=300))
def test_tally_by_counting_and_by_sorting_agree(draws):
    values, counts = np.unique(draws, return_counts=True)
    tally = Tally.of(draws)
    assert tally.values.tolist() == values.tolist() and tally.counts.tolist() == counts.tolist()


# --- per-container variation --------------------------------------------------------


@given(parameters(), st.integers(1, 64))
def test_quantile_points_are_the_distributions_quantiles(parameter, k):
    from estimator.uncertainty import quantile_points

    points = quantile_points(parameter, k, np.random.default_rng(4))
    assert np.all(np.diff(points) >= 0) and points[0] >= parameter.low and points[-1] <= parameter.high
    draws = np.broadcast_to(sample_parameter(parameter, 50_000, np.random.default_rng(5)), (50_000,))
    u = (np.arange(k) + 0.5) / k
    tolerance = 0.03 * (parameter.high - parameter.low) + (1 if parameter.integer else 1e-9)
    assert np.allclose(points, np.quantile(draws, u), atol=tolerance)


@st.composite
def per_container_scenarios(draw):
    from estimator.parameters import vary_per_container

    scenario = draw(random_scenarios())
    names = draw(st.lists(st.sampled_from(sorted(set(scenario.parameters) - {"fleet.containers"})),
                          max_size=4, unique=True))
    return vary_per_container(scenario, names, CATALOG)


@given(per_container_scenarios(), st.integers(0, 2**32), st.integers(1, 300))
def test_per_container_totals_stay_between_the_corners(scenario, seed, draws):
    corners = interval(scenario)
    total = simulate(scenario, draws, np.random.default_rng(seed), chunk=100).total
    assert corners.total[0] <= total.values[0] and total.values[-1] <= corners.total[1]


def test_per_container_variation_keeps_the_mean_and_narrows_the_total():
    from estimator.parameters import vary_per_container

    shared = SCENARIOS[0]  # 152mm-shell projectile, 2,000 boxes
    varying = vary_per_container(shared, ["load.fraction", "crate.gross_mass"], CATALOG)
    a, b = (simulate(s, 40_000, np.random.default_rng(9)).total for s in (shared, varying))
    assert b.mean() == pytest.approx(a.mean(), rel=0.01)
    assert b.quantile(0.95) - b.quantile(0.05) < 0.8 * (a.quantile(0.95) - a.quantile(0.05))


def test_a_single_container_per_container_total_matches_the_shared_spread_roughly():
    """With one box, per-container and shared draws describe the same thing."""
    from estimator.parameters import vary_per_container

    one = build_scenario(CATALOG, "20ft", "152mm-shell", "projectile", 1)
    varying = vary_per_container(one, ["load.fraction"], CATALOG)
    a, b = (simulate(s, 40_000, np.random.default_rng(9)).total for s in (one, varying))
    assert b.mean() == pytest.approx(a.mean(), rel=0.01)
    assert abs(b.quantile(0.5) - a.quantile(0.5)) <= 0.03 * a.quantile(0.5)


# --- load.packing=layout: ranges of a count that need not be monotone ---------------------

# The stand-in count that grows with the crate (tests/oracles.py).

@pytest.fixture
def not_monotone(monkeypatch):
    import estimator.model

    monkeypatch.setattr(estimator.model, "layout_counts", growing_with_the_crate)


def layout_scenario():
    from estimator.parameters import apply_overrides, parse_overrides

    scenario = build_scenario(CATALOG, "20ft", "152mm-shell", "projectile", 2000)
    return apply_overrides(scenario, parse_overrides(LAYOUT_RANGES, CATALOG))


def test_layout_corners_come_fewest_first_with_their_binding(not_monotone):
    from estimator.intervals import LAYOUT_CORNERS

    corners = interval(layout_scenario())
    assert corners.range_method == LAYOUT_CORNERS
    assert corners.per_container == (210, 214)  # 48 + 100 + 62 cm, and 48 + 102 + 64 cm at the pessimistic corner
    assert corners.total == (420_000, 428_000) and corners.rounds_by_space == (210, 214)
    assert corners.binding == ("space", "space")


def test_layout_estimate_range_holds_every_draw(not_monotone):
    from estimator.intervals import LAYOUT_DRAWS
    from estimator.uncertainty import estimate

    result = estimate(layout_scenario(), 2000, np.random.default_rng(7))
    per, drawn = result.interval.per_container, result.simulation.per_container.values
    assert result.interval.range_method == LAYOUT_DRAWS
    assert per[0] <= drawn.min() and drawn.max() <= per[1]
    assert result.interval.total[0] <= result.simulation.total.values.min()
    assert result.simulation.total.values.max() <= result.interval.total[1]


def test_layout_need_range_holds_every_draw(not_monotone):
    from estimator.need import need

    found = need(layout_scenario(), 100_000, 2000, np.random.default_rng(7))
    assert found.containers[0] <= found.draws.values.min() and found.draws.values.max() <= found.containers[1]
    assert found.interval.per_container[0] <= found.interval.per_container[1]


def test_grid_ranges_stay_at_the_corners():
    from estimator.intervals import CORNERS
    from estimator.uncertainty import estimate

    scenario = build_scenario(CATALOG, "20ft", "152mm-shell", "projectile", 2000)
    assert estimate(scenario, 200, np.random.default_rng(7)).interval == interval(scenario)
    assert interval(scenario).range_method == CORNERS
