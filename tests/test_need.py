"""need is the inverse of estimate, to the container, at the corners and draw by draw."""

import re

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

from cli_helpers import assert_one_line_error, run
from estimator.catalog import MAX_ROUNDS, load_catalog
from estimator.counts import MAX_COUNT
from estimator.errors import InputError
from estimator.intervals import interval
from estimator.model import fleet_total
from estimator.need import NEVER, containers_needed, need
from estimator.parameters import build_scenario
from estimator.uncertainty import estimate

CATALOG = load_catalog()
KINDS = [(m.id, r) for m in CATALOG.munitions.values() for r in m.rounds]
kinds = st.sampled_from(KINDS)
rounds = st.integers(1, 5_000_000)
# fleet.share is any number above 0 up to 1 (--set takes 1e-300): shares so small that more
# than MAX_COUNT containers would be needed must be refused, not wrapped round int64.
shares = st.floats(1e-300, 1.0)


@given(st.one_of(rounds, st.integers(1, MAX_ROUNDS)), shares, st.integers(0, 2_000))
@example(1000, 1e-20, 544)  # wrapped round int64 and answered 2
@example(1000, 1e-16, 228)  # answered 4.4e16, above MAX_COUNT
@example(10**15, 1e-3, 1)  # 10^18 containers
@example(10**15, 0.1, 111)  # a large answer, where fleet_total's old allowance (1e-12 relative) spanned many containers
def test_containers_needed_is_the_least_number_that_carries_the_rounds(wanted, share, per_container):
    try:
        needed = int(containers_needed(wanted, share, per_container))
    except InputError:
        assert fleet_total(MAX_COUNT, share, per_container) < wanted
        return
    if needed == NEVER:
        assert per_container == 0
        return
    assert 1 <= needed <= MAX_COUNT
    assert fleet_total(needed, share, per_container) >= wanted
    assert needed == 1 or fleet_total(needed - 1, share, per_container) < wanted


@pytest.mark.parametrize("share", ["1e-20", "1e-300", "1e-16", "1e-18"])
def test_need_refuses_more_containers_than_it_counts_exactly_in_one_line(share):
    result = run("need", "--rounds", "1000", "--munition", "152mm-shell", "--round", "projectile",
                 "--set", f"fleet.share={share}", "--draws", "100")
    assert_one_line_error(result, "fleet.share", "1,000 rounds", "containers")


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


@pytest.mark.parametrize("munition, round_name", [("152mm-shell", "projectile"), ("122mm-rocket", "complete")])
def test_the_share_a_refusal_names_is_then_counted(munition, round_name):
    """The hint is the share at which the scenario's every draw can be counted: the
    pessimistic corner's, not the optimistic one's (which was refused in turn)."""
    base = ["need", "--rounds", "1000000", "--munition", munition, "--round", round_name, "--draws", "100"]
    refused = run(*base, "--set", "fleet.share=1e-20")
    assert_one_line_error(refused, f"{munition} {round_name}: ", "at least")
    hint = float(re.search(r"at least ([0-9.e+-]+)", refused.stderr).group(1))
    assert run(*base, "--set", f"fleet.share={hint * 1.01}").exit_code == 0


def test_a_share_too_small_for_a_float_quotient_is_one_line():
    result = run("need", "--rounds", "1000000000000000", "--munition", "152mm-shell", "--round", "projectile",
                 "--set", "fleet.share=5e-324", "--draws", "100")
    assert_one_line_error(result, "more than 1e308 containers")
