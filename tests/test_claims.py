"""Claim checks: each alternative against every matching family and round definition."""

import csv
import io
import json
import re
from pathlib import Path
from dataclasses import replace

import numpy as np
from hypothesis import given, strategies as st

from cli_helpers import run
from estimator.catalog import Alternative, load_catalog
from estimator.claims import ABOVE, BAND, BELOW, BEYOND, WITHIN, check_claim, check_claims

CATALOG = load_catalog()
DRAWS = 5_000


def check(claim_id, draws=DRAWS, seed=1):
    return check_claim(CATALOG, CATALOG.claims[claim_id], [], draws, np.random.default_rng(seed))


def any_munition_checks():
    """Every munition and round checked against one 'any' alternative of the Yonhap claim."""
    claim = replace(CATALOG.claims["yonhap-2023-11-02"], alternatives=(Alternative("any", 1, "about", ""),))
    return check_claim(CATALOG, claim, [], DRAWS, np.random.default_rng(2)).checks


ANY_CHECKS = any_munition_checks()


def test_yonhap_122mm_is_checked_against_rockets_and_howitzer_rounds():
    report = check("yonhap-2023-11-02")
    checked = {(c.index, c.interval.scenario.munition, c.interval.scenario.round) for c in report.checks}
    assert {(0, "122mm-shell", "projectile"), (0, "122mm-shell", "complete"),
            (0, "122mm-rocket", "complete")} <= checked
    assert {(1, "152mm-shell", "projectile"), (1, "152mm-shell", "complete")} <= checked
    assert not any(index == 1 and munition.startswith("122") for index, munition, _ in checked)


def test_implied_rounds_per_container_is_rounds_over_containers():
    report = check("yonhap-2023-11-02")
    implied = {c.index: c.implied_per_container for c in report.checks}
    assert implied == {0: 200_000 / 2_000, 1: 1_000_000 / 2_000}


def with_rounds(check, rounds):
    return replace(check, alternative=replace(check.alternative, rounds=rounds))


@given(st.integers(1, 10_000_000))
def test_corner_verdict_agrees_with_the_model_corners(rounds):
    for check in (with_rounds(c, rounds) for c in ANY_CHECKS):
        low, high = check.interval.total
        expected = BELOW if rounds < low else ABOVE if rounds > high else WITHIN
        assert check.corner_verdict == expected
        assert (check.corner_verdict == WITHIN) == (0 <= check.position <= 1)


@given(st.integers(1, 10_000_000))
def test_verdict_agrees_with_the_percentile_and_beyond_with_the_high_corner(rounds):
    for check in (with_rounds(c, rounds) for c in ANY_CHECKS):
        if rounds > check.interval.total[1]:
            assert check.verdict == BEYOND and check.percentile == 100
        elif check.percentile < BAND[0]:
            assert check.verdict == BELOW
        elif check.percentile > BAND[1]:
            assert check.verdict == ABOVE
        else:
            assert check.verdict == WITHIN
        if rounds < check.interval.total[0]:
            assert check.verdict == BELOW and check.percentile == 0


@given(st.integers(1, 10_000_000), st.integers(1, 10_000_000))
def test_percentile_never_falls_as_the_claim_grows(a, b):
    for check in ANY_CHECKS:
        assert with_rounds(check, min(a, b)).percentile <= with_rounds(check, max(a, b)).percentile


def test_verdicts_on_the_built_in_claims_do_not_depend_on_the_seed():
    def verdicts(seed):
        return [(c.claim.id, c.interval.scenario.munition, c.interval.scenario.round, c.verdict)
                for report in check_claims(CATALOG, [], 20_000, np.random.default_rng(seed))
                for c in report.checks]

    assert verdicts(1) == verdicts(2) == verdicts(3)


def test_ambiguous_122mm_claim_is_plausible_only_for_the_grad_rocket():
    report = check("yonhap-2023-11-02")
    assert [(c.interval.scenario.munition, c.interval.scenario.round) for c in report.fits(0)] == [
        ("122mm-rocket", "complete")]


def test_claims_without_rounds_report_capacity():
    report = check("shin-2024-03")
    assert not report.checks
    munitions = {result.scenario.munition for result in report.capacity}
    assert munitions == set(CATALOG.munitions)
    for result in report.capacity:
        assert result.interval.total[0] <= result.simulation.total.quantile(0.5) <= result.interval.total[1]


def test_every_claim_in_the_file_is_checked():
    reports = check_claims(CATALOG, [], 100, np.random.default_rng(0))
    assert [r.claim.id for r in reports] == list(CATALOG.claims)


def _span_numbers(text):
    """``'137.5..216.5'`` (or ``'228'``) as floats (low, high)."""
    low, _, high = text.replace(",", "").partition("..")
    return float(low), float(high or low)


def _check_table_rows(text):
    """Cells of every row of check's claim tables, in order, cut where the rule under the
    header leaves gaps (a sparkline can hold spaces)."""
    rows, columns = [], None
    for line in text.splitlines():
        if line.lstrip().startswith("---"):
            columns = [m.span() for m in re.finditer(r"-+", line)]
        elif columns and line.startswith("    ") and "percentile" in line:
            rows.append([line[start:end].strip() for start, end in columns[:-1]] + [line[columns[-1][0]:].strip()])
        elif not line.startswith("    "):
            columns = None
    return rows


def test_check_table_agrees_with_its_json_and_verdict_when_fleet_share_is_below_one():
    # Was: the table's model column was per container of the munition (228..544) beside
    # likely figures per container shipped (137.5..216.5), and 500 marked beyond.
    args = ["check", "--set", "fleet.share=0.5", "--draws", "2000"]
    rows = _check_table_rows(run(*args).stdout)
    records = json.loads(run(*args, "--format", "json").stdout)["claims"]
    assert len(rows) == len(records) > 0
    for cells, record in zip(rows, records):
        munition, round_name, model, likely, _binding, verdict = cells
        assert (munition, round_name) == (record["munition"], record["round"])
        low, high = _span_numbers(model)
        assert (low, high) == (record["model"]["low"], record["model"]["high"])
        p5_p95, p50 = re.match(r"(\S+) \(p50 ([\d,.]+)\)", likely).groups()
        assert _span_numbers(p5_p95) == (record["model"]["p5"], record["model"]["p95"])
        assert low <= record["model"]["p5"] <= float(p50.replace(",", "")) <= record["model"]["p95"] <= high
        assert verdict.startswith(record["verdict"] + ",")
        assert (record["verdict"] == BEYOND) == (record["implied_per_container"] > high)


def test_claim_records_carry_their_attribution_and_the_table_its_note():
    result = run("check", "--draws", "200", "--format", "json")
    document = json.loads(result.stdout)
    catalog = load_catalog()
    for record in document["claims"] + document["context"]:
        claim = catalog.claims[record["id"]]
        assert (record["who"], record["date"], record["source"], record["note"]) == (
            claim.who, claim.date.isoformat(), claim.source, claim.note)
    table = run("check", "--draws", "200").stdout
    assert "the container count is Kyodo's figure" in table  # NIS's caveat, from its note


def test_an_over_figure_below_the_band_is_said_to_hold_as_a_lower_bound():
    args = ["check", "--draws", "2000", "--round", "projectile"]
    document = json.loads(run(*args, "--format", "json").stdout)
    for record in document["claims"]:
        expected = record["verdict"] == "below" and record["rounds_qualifier"] in ("over", "more than")
        assert record["holds_as_lower_bound"] == expected
    assert any(r["holds_as_lower_bound"] for r in document["claims"])  # Yonhap's 122mm against D-30 shells
    table = run(*args).stdout
    assert 'as a lower bound ("over") it holds for 122mm-shell projectile, which could carry more' in table
    everything = run("check", "--draws", "2000").stdout  # where the rocket fits, the sentence follows "fits"
    assert ('fits: 122mm-rocket complete (space-bound); as a lower bound ("over") it holds for 122mm-shell '
            'projectile, 122mm-shell complete, which could carry more') in everything


def test_a_munition_the_round_filter_leaves_out_is_named_under_the_claim():
    projectiles = run("check", "--draws", "200", "--round", "projectile").stdout
    # Yonhap's "122mm" names the Grad too, which has no projectile round
    assert "which could carry more; left out by --round: 122mm-rocket (no such round)" in projectiles
    assert "left out" not in run("check", "--draws", "200").stdout


def test_a_munition_that_carries_none_is_said_to_under_the_claim():
    on_pallets = run("check", "--draws", "200", "--pallet", "EUR").stdout
    # the 3 m Grad crate fits no EUR deck: "beyond" alone would read as a claim too high
    assert "122mm-rocket complete carries none at any corner (on EUR pallets: no unit load of its crates fits)" \
        in on_pallets
    assert "carries none" not in run("check", "--draws", "200").stdout


def test_check_csv_holds_every_claim_and_context_record_of_the_json_with_json_booleans():
    document = json.loads(run("check", "--draws", "200", "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(run("check", "--draws", "200", "--format", "csv").stdout)))
    assert [r["record"] for r in rows] == ["claim"] * len(document["claims"]) + ["context"] * len(document["context"])
    for row, record in zip(rows, document["claims"] + document["context"]):
        assert (row["id"], row["munition"], int(row["total_high"])) == (record["id"], record["munition"],
                                                                          record["total"]["high"])
    assert {r["plausible"] for r in rows if r["record"] == "claim"} <= {"true", "false"}


def test_a_multi_line_note_in_a_claims_file_is_one_line_in_the_table(tmp_path):
    text = (Path(__file__).parent / "data" / "good" / "claims.toml").read_text()
    claims = tmp_path / "claims.toml"
    claims.write_text(text.replace('container_source = "test corpus"\n',
                                   'container_source = "test corpus"\nnote = """First line,\n\tsecond line."""\n'))
    heavy = Path(__file__).parent / "data" / "good" / "heavy-box.toml"
    table = run("check", "--assumptions", str(heavy), "--claims", str(claims), "--draws", "100").stdout
    assert "First line, second line." in table and "\tsecond" not in table
