"""need is the inverse of estimate, to the container, at the corners and draw by draw."""

import numpy as np
from hypothesis import given, strategies as st

from estimator.catalog import load_catalog
from estimator.intervals import interval
from estimator.model import fleet_total
from estimator.need import NEVER, containers_needed, need
from estimator.parameters import build_scenario
from estimator.uncertainty import estimate

CATALOG = load_catalog()
KINDS = [(m.id, r) for m in CATALOG.munitions.values() for r in m.rounds]
kinds = st.sampled_from(KINDS)
rounds = st.integers(1, 5_000_000)


@given(rounds, st.floats(0.01, 1.0), st.integers(0, 2_000))
def test_containers_needed_is_the_least_number_that_carries_the_rounds(wanted, share, per_container):
    needed = int(containers_needed(wanted, share, per_container))
    if needed == NEVER:
        assert fleet_total(10**9, share, per_container) < wanted
        return
    assert fleet_total(needed, share, per_container) >= wanted
    assert needed == 1 or fleet_total(needed - 1, share, per_container) < wanted


def scenario(kind, containers=1):
    return build_scenario(CATALOG, "20ft", kind[0], kind[1], containers)


@given(kinds, rounds)
def test_need_and_estimate_are_inverse_at_the_corners(kind, wanted):
    result = need(scenario(kind), wanted, 10, np.random.default_rng(0))
    fewest, most = result.containers
    assert fewest <= most
    for containers, corner in ((fewest, 1), (most, 0)):
        assert interval(scenario(kind, containers)).total[corner] >= wanted
        if containers > 1:
            assert interval(scenario(kind, containers - 1)).total[corner] < wanted


@given(kinds, st.integers(1_000, 2_000_000), st.sampled_from([0.05, 0.5, 0.95]), st.integers(0, 1_000))
def test_need_percentiles_invert_the_estimate_draws_of_the_same_seed(kind, wanted, q, seed):
    draws = 2_000
    containers = need(scenario(kind), wanted, draws, np.random.default_rng(seed)).draws.quantile(q)

    def share_reaching(n):
        total = estimate(scenario(kind, n), draws, np.random.default_rng(seed)).simulation.total
        return total.counts[total.values >= wanted].sum() / draws

    assert share_reaching(containers) >= q
    assert containers == 1 or share_reaching(containers - 1) < q
