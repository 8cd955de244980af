"""Tables, JSON and CSV for each command. Rendering computes nothing.

Each command's results become plain records (dicts) once, in :func:`estimate_records`,
:func:`check_records` and :func:`assumption_records`; JSON prints the records, CSV
flattens them, and the table lays them out for people. The JSON contract is documented in
README.md and kept stable: keys are only ever added.
"""

from __future__ import annotations

import csv
import io
import json

from estimator import __version__

FORMATS = ("table", "json", "csv")


def _low_high(pair) -> dict:
    return {"low": pair[0], "high": pair[1]}


def _span(low, high, fmt="{:,}") -> str:
    return fmt.format(low) if low == high else f"{fmt.format(low)}..{fmt.format(high)}"


def _binding_text(binding) -> str:
    return binding[0] if binding[0] == binding[1] else f"{binding[0]}..{binding[1]}"


def _binding_sentence(binding) -> str:
    if binding[0] == binding[1]:
        return f"{binding[0]}-bound"
    return f"{binding[0]}-bound at the low end, {binding[1]}-bound at the high end"


def _verdict_text(check) -> str:
    if check.verdict != "within":
        return check.verdict
    return f"within, {check.position:.0%} up the range"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def _csv(records: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().rstrip("\n")


def _json(payload: dict, provenance: dict | None = None) -> str:
    return json.dumps({"version": __version__, **(provenance or {}), **payload}, indent=2, ensure_ascii=False)


def provenance_of(catalog, seed: int | None = None) -> dict:
    """What a JSON output was computed from: the seed and the data files with digests.

    ``seed`` stays None for answers that draw no random numbers.
    """
    return {
        "seed": seed,
        "assumptions_sha256": catalog.sha256,
        "assumption_files": [{"role": f.role, "file": f.name, "sha256": f.sha256} for f in catalog.files],
    }


def _flatten(record: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}_"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# --- estimate ------------------------------------------------------------------------


def estimate_records(intervals) -> list[dict]:
    """One record per scenario: the JSON ``results`` list."""
    return [
        {
            "munition": iv.scenario.munition,
            "round": iv.scenario.round,
            "container": iv.scenario.container,
            "containers": int(iv.scenario.parameters["fleet.containers"].low),
            "per_container": _low_high(iv.per_container),
            "total": _low_high(iv.total),
            "binding": _low_high(iv.binding),
            "by_mass": _low_high(iv.rounds_by_mass),
            "by_space": _low_high(iv.rounds_by_space),
        }
        for iv in intervals
    ]


def render_estimate(intervals, fmt: str, provenance: dict | None = None) -> str:
    records = estimate_records(intervals)
    if fmt == "json":
        return _json({"results": records}, provenance)
    if fmt == "csv":
        return _csv([_flatten(r) for r in records])
    header = ["munition", "round", "container", "containers", "per container", "total",
              "binding", "by mass", "by space"]
    rows = [
        [r["munition"], r["round"], r["container"], f"{r['containers']:,}",
         _span(*r["per_container"].values()), _span(*r["total"].values()),
         _binding_text(list(r["binding"].values())), _span(*r["by_mass"].values()),
         _span(*r["by_space"].values())]
        for r in records
    ]
    note = ("Ranges run from the pessimistic to the optimistic corner of every assumption; "
            "binding is the limit at each corner. Sources: estimator assumptions.")
    return _table(header, rows) + "\n\n" + note


# --- check ---------------------------------------------------------------------------


def check_records(reports) -> tuple[list[dict], list[dict]]:
    """The JSON ``claims`` list (one record per alternative, munition and round) and the
    ``context`` list (capacity of claims that state containers only)."""
    claims, context = [], []
    for report in reports:
        claim = report.claim
        for check in report.checks:
            low, high = check.model_per_container
            claims.append({
                "id": claim.id,
                "alternative": check.index,
                "claimed_munition": check.alternative.munition,
                "munition": check.interval.scenario.munition,
                "round": check.interval.scenario.round,
                "container": claim.container,
                "containers": claim.containers,
                "containers_qualifier": claim.containers_qualifier,
                "rounds": check.alternative.rounds,
                "rounds_qualifier": check.alternative.qualifier,
                "implied_per_container": round(check.implied_per_container, 3),
                "model": {"low": round(low, 3), "high": round(high, 3)},
                "total": _low_high(check.interval.total),
                "binding": _low_high(check.interval.binding),
                "verdict": check.verdict,
                "position": round(check.position, 4),
            })
        for iv in report.capacity:
            context.append({
                "id": claim.id,
                "munition": iv.scenario.munition,
                "round": iv.scenario.round,
                "container": claim.container,
                "containers": claim.containers,
                "containers_qualifier": claim.containers_qualifier,
                "per_container": _low_high(iv.per_container),
                "total": _low_high(iv.total),
                "binding": _low_high(iv.binding),
            })
    return claims, context


def render_check(reports, fmt: str, provenance: dict | None = None) -> str:
    claims, context = check_records(reports)
    if fmt == "json":
        return _json({"claims": claims, "context": context}, provenance)
    if fmt == "csv":
        return _csv([_flatten(r) for r in claims])
    return "\n\n".join(_claim_block(report) for report in reports)


def _claim_block(report) -> str:
    claim = report.claim
    head = (f"{claim.id}: {claim.who}, {claim.date:%d %b %Y}\n"
            f"  {claim.containers_qualifier} {claim.containers:,} containers ({claim.container})")
    if not claim.alternatives:
        rows = [[iv.scenario.munition, iv.scenario.round, _span(*iv.per_container),
                 _span(*iv.total), _binding_text(iv.binding)] for iv in report.capacity]
        table = _table(["munition", "round", "per container", "could carry in total", "binding"], rows)
        return f"{head}; no round count stated. {claim.note}\n" + _indent(table)
    parts = [head + "; " + " OR ".join(
        f"{a.qualifier} {a.rounds:,} x {a.munition}" for a in claim.alternatives)]
    for index, alternative in enumerate(claim.alternatives):
        checks = [c for c in report.checks if c.index == index]
        implied = alternative.rounds / claim.containers
        rows = [[c.interval.scenario.munition, c.interval.scenario.round,
                 _span(*c.interval.per_container), _binding_text(c.interval.binding), _verdict_text(c)]
                for c in checks]
        table = _table(["munition", "round", "model per container", "binding", "verdict"], rows)
        parts.append(f"  {alternative.qualifier} {alternative.rounds:,} x {alternative.munition}"
                     f" -> {implied:,.1f} rounds per container"
                     + (f"  ({alternative.note})" if alternative.note else ""))
        parts.append(_indent(table, 4))
        parts.append("    " + _fits_sentence(report.fits(index), checks))
    return "\n".join(parts)


def _fits_sentence(fits, checks) -> str:
    if fits:
        return "fits: " + "; ".join(
            f"{c.interval.scenario.munition} {c.interval.scenario.round} "
            f"({_binding_sentence(c.interval.binding)})" for c in fits)
    verdicts = sorted({c.verdict for c in checks})
    return "fits no munition and round definition (" + ", ".join(
        f"{v} for " + ", ".join(f"{c.interval.scenario.munition} {c.interval.scenario.round}"
                                for c in checks if c.verdict == v) for v in verdicts) + ")"


def _indent(text: str, spaces: int = 2) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


# --- assumptions -----------------------------------------------------------------------


def assumption_records(catalog) -> list[dict]:
    """Every sourced number: scope (container, munition or loading), name, range, source."""
    from estimator.units import SI_UNITS, registry

    def record(scope, name, number):
        def shown(value):
            if number.dimension == "dimensionless":
                return value
            unit = number.unit
            return round(float(registry().Quantity(value, SI_UNITS[number.dimension]).to(unit).magnitude), 6)
        return {
            "scope": scope, "name": name, "low": shown(number.low), "high": shown(number.high),
            "unit": number.unit, "source": number.source or "", "derived": number.derived or "",
            "unverified": number.unverified,
        }

    records = []
    for container in catalog.containers.values():
        records += [record(container.id, f"container.{k}", n) for k, n in container.numbers.items()]
    for munition in catalog.munitions.values():
        for package in munition.packages.values():
            records += [record(munition.id, f"{package.id}.{k}", n) for k, n in package.numbers.items()]
    records += [record("loading", name, n) for name, n in catalog.loading.items()]
    return records


def render_assumptions(catalog, fmt: str, provenance: dict | None = None) -> str:
    records = assumption_records(catalog)
    if fmt == "json":
        return _json({"parameters": records}, provenance)
    if fmt == "csv":
        return _csv(records)
    rows = [[r["scope"], r["name"], _span(r["low"], r["high"], "{:g}"), r["unit"],
             ("UNVERIFIED " if r["unverified"] else "") + _shorten(r["source"] or "derived: " + r["derived"])]
            for r in records]
    return _table(["scope", "name", "value", "unit", "source"], rows) + (
        "\n\nFull sources: estimator assumptions --format json")


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
