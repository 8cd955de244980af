"""Claim checks: each alternative against every matching family and round definition."""

from dataclasses import replace

import pytest
from hypothesis import given, strategies as st

from estimator.catalog import Alternative, load_catalog
from estimator.claims import ABOVE, BELOW, WITHIN, check_claim, check_claims

CATALOG = load_catalog()


def test_yonhap_122mm_is_checked_against_rockets_and_howitzer_rounds():
    report = check_claim(CATALOG, CATALOG.claims["yonhap-2023-11-02"], [])
    checked = {(c.index, c.interval.scenario.munition, c.interval.scenario.round) for c in report.checks}
    assert {(0, "122mm-shell", "projectile"), (0, "122mm-shell", "complete"),
            (0, "122mm-rocket", "complete")} <= checked
    assert {(1, "152mm-shell", "projectile"), (1, "152mm-shell", "complete")} <= checked
    assert not any(index == 1 and munition.startswith("122") for index, munition, _ in checked)


def test_implied_rounds_per_container_is_rounds_over_containers():
    report = check_claim(CATALOG, CATALOG.claims["yonhap-2023-11-02"], [])
    implied = {c.index: c.implied_per_container for c in report.checks}
    assert implied == {0: 200_000 / 2_000, 1: 1_000_000 / 2_000}


@given(st.integers(1, 10_000_000))
def test_verdict_agrees_with_the_model_totals(rounds):
    claim = CATALOG.claims["yonhap-2023-11-02"]
    claim = replace(claim, alternatives=(Alternative("any", rounds, "about", ""),))
    for check in check_claim(CATALOG, claim, []).checks:
        low, high = check.interval.total
        expected = BELOW if rounds < low else ABOVE if rounds > high else WITHIN
        assert check.verdict == expected
        assert (check.verdict == WITHIN) == (0 <= check.position <= 1)


def test_claims_without_rounds_report_capacity():
    report = check_claim(CATALOG, CATALOG.claims["shin-2024-03"], [])
    assert not report.checks
    munitions = {iv.scenario.munition for iv in report.capacity}
    assert munitions == set(CATALOG.munitions)
    for iv in report.capacity:
        assert iv.total[0] <= iv.total[1]


def test_every_claim_in_the_file_is_checked():
    reports = check_claims(CATALOG, [])
    assert [r.claim.id for r in reports] == list(CATALOG.claims)
