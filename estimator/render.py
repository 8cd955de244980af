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


def _distribution(pair, tally) -> dict:
    """Interval corners (``low``, ``high``) beside the Monte Carlo ``p5``, ``p50``, ``p95``, ``mean``."""
    from estimator.uncertainty import summary

    return {**_low_high(pair), **summary(tally)}


def _binding(binding, simulation) -> dict:
    """The binding limit at each corner, and the share of draws bound by each limit."""
    share = {limit: round(value, 4) for limit, value in simulation.binding_share.items()}
    return {**_low_high(binding), "share": share}


def _histogram(result) -> dict:
    """Draws of rounds per container in whole-number bins from the low to the high corner."""
    edges, counts = result.simulation.per_container.histogram(*result.interval.per_container)
    return {"of": "per_container", "edges": edges, "counts": counts}


SPARK = " ▁▂▃▄▅▆▇█"


def sparkline(counts) -> str:
    """One character per bin, its height the bin's share of the tallest bin (blank: none)."""
    tallest = max(counts) or 1
    return "".join(SPARK[0 if c == 0 else 1 + (c * (len(SPARK) - 2)) // tallest] for c in counts)


def _likely(record) -> str:
    """The table's Monte Carlo column: p5..p95, the median, and the shape."""
    per = record["per_container"]
    return f"{per['p5']:,}..{per['p95']:,} (p50 {per['p50']:,}) {sparkline(record['histogram']['counts'])}"


def _span(low, high, fmt="{:,}") -> str:
    return fmt.format(low) if low == high else f"{fmt.format(low)}..{fmt.format(high)}"


def _binding_text(binding) -> str:
    return binding[0] if binding[0] == binding[1] else f"{binding[0]}..{binding[1]}"


def _binding_sentence(binding) -> str:
    if binding[0] == binding[1]:
        return f"{binding[0]}-bound"
    return f"{binding[0]}-bound at the low end, {binding[1]}-bound at the high end"


def _verdict_text(check) -> str:
    return f"{check.verdict}, percentile {check.percentile:.1f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def _csv(records: list[dict], fieldnames: list[str] | None = None) -> str:
    """``records`` as CSV with a header row; ``fieldnames`` give the header when there may
    be no record to take it from."""
    buffer = io.StringIO()
    fieldnames = fieldnames if fieldnames is not None else list(records[0]) if records else []
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    # true/false as JSON writes them (Python would write True/False)
    writer.writerows({key: json.dumps(value) if isinstance(value, bool) else value for key, value in record.items()}
                     for record in records)
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
        elif isinstance(value, list):
            flat[f"{prefix}{key}"] = " ".join(str(item) for item in value)
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _packing(scenario, point: dict | None = None) -> str:
    """A record's ``packing`` (:func:`intervals.packing_used`; imported on use, as every
    model module here)."""
    from estimator.intervals import packing_used

    return packing_used(scenario, point)


# --- estimate ------------------------------------------------------------------------


def estimate_records(estimates) -> list[dict]:
    """One record per scenario: the JSON ``results`` list."""
    return [
        {
            "munition": e.scenario.munition,
            "round": e.scenario.round,
            "container": e.scenario.container,
            "containers": int(e.scenario.parameters["fleet.containers"].low),
            "per_container": _distribution(e.interval.per_container, e.simulation.per_container),
            "total": _distribution(e.interval.total, e.simulation.total),
            "binding": _binding(e.interval.binding, e.simulation),
            "by_mass": _low_high(e.interval.rounds_by_mass),
            "by_space": _low_high(e.interval.rounds_by_space),
            "histogram": _histogram(e),
            "packing": _packing(e.scenario),
            "pallet": e.scenario.pallet,
            "range_method": e.interval.range_method,
        }
        for e in estimates
    ]


def _corners(record: dict) -> str:
    return _span(record["low"], record["high"])


def _binding_with_share(binding: dict) -> str:
    """``space..mass (mass 41%)``: the limit at each corner and the share of draws bound by mass."""
    return f"{_binding_text([binding['low'], binding['high']])} (mass {binding['share']['mass']:.0%})"


def _results_json_or_csv(records: list[dict], fmt: str, provenance: dict | None, draws: int) -> str | None:
    """The ``results`` records as JSON (with provenance and draws) or CSV; None for the table."""
    if fmt == "json":
        return _json({"draws": draws, "results": records}, provenance)
    if fmt == "csv":
        return _csv([_flatten(r) for r in records])
    return None


def render_estimate(estimates, fmt: str, provenance: dict | None, draws: int, seed: int) -> str:
    records = estimate_records(estimates)
    if fmt != "table":
        return _results_json_or_csv(records, fmt, provenance, draws)
    header = ["munition", "round", "container", "containers", "per container", "likely (p5..p95, p50, shape)",
              "total", "total p5..p95", "binding", "by mass", "by space"]
    rows = [
        [r["munition"], r["round"], r["container"], f"{r['containers']:,}",
         _corners(r["per_container"]), _likely(r), _corners(r["total"]),
         f"{r['total']['p5']:,}..{r['total']['p95']:,}",
         _binding_with_share(r["binding"]),
         _corners(r["by_mass"]), _corners(r["by_space"])]
        for r in records
    ]
    note = ("Ranges run from the pessimistic to the optimistic corner of every assumption; "
            "binding is the limit at each corner, with the share of draws bound by mass. "
            f"Likely: {draws:,} draws (seed {seed}); the shape is a histogram over the range. "
            "Sources: estimator assumptions.")
    return _table(header, rows) + "\n\n" + note + _pallet_note(records)


# --- check ---------------------------------------------------------------------------


def check_records(reports, explanations=None) -> tuple[list[dict], list[dict]]:
    """The JSON ``claims`` list (one record per alternative, munition and round) and the
    ``context`` list (capacity of claims that state containers only).

    With ``explanations`` (``check --explain``), records of claims outside the central
    band gain ``what_would_it_take``."""
    claims, context = [], []
    for report in reports:
        claim = report.claim
        for check in report.checks:
            record = {
                "id": claim.id,
                **_attribution(claim),
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
                "model": _per_container_shipped(check, claim.containers),
                "total": _distribution(check.interval.total, check.simulation.total),
                "binding": _binding(check.interval.binding, check.simulation),
                "verdict": check.verdict,
                "position": round(check.position, 4),
                "percentile": round(check.percentile, 2),
                "corner_verdict": check.corner_verdict,
                "plausible": check.verdict == "within",
                "holds_as_lower_bound": check.exceeded_lower_bound,
                "histogram": _histogram(check),
                "packing": _packing(check.interval.scenario),
                "pallet": check.interval.scenario.pallet,
                "range_method": check.interval.range_method,
            }
            if explanations and check.key in explanations:
                record["what_would_it_take"] = explanation_record(explanations[check.key])
            claims.append(record)
        for result in report.capacity:
            context.append({
                "id": claim.id,
                **_attribution(claim),
                "munition": result.scenario.munition,
                "round": result.scenario.round,
                "container": claim.container,
                "containers": claim.containers,
                "containers_qualifier": claim.containers_qualifier,
                "per_container": _distribution(result.interval.per_container, result.simulation.per_container),
                "total": _distribution(result.interval.total, result.simulation.total),
                "binding": _binding(result.interval.binding, result.simulation),
                "packing": _packing(result.scenario),
                "pallet": result.scenario.pallet,
                "range_method": result.interval.range_method,
            })
    return claims, context


def _per_container_shipped(check, containers: int) -> dict:
    """The model's total divided by the claimed containers: corners and Monte Carlo summary."""
    total = _distribution(check.interval.total, check.simulation.total)
    return {key: round(value / containers, 3) for key, value in total.items()}


def explanation_record(explanation) -> dict:
    """What it would take, in the units of the data files (JSON ``what_would_it_take``)."""
    from estimator.units import from_si

    def shown(value, parameter):
        return None if value is None else float(f"{from_si(value, parameter.unit, parameter.dimension):.6g}")

    return {
        "claimed_total": explanation.claimed_total,
        "median_total": explanation.median_total,
        "parameters": [
            {
                "name": r.parameter.name,
                "unit": r.parameter.unit,
                "median": shown(r.median, r.parameter),
                "value": shown(r.value, r.parameter),
                "total": r.total,
                "low": shown(r.parameter.low, r.parameter),
                "high": shown(r.parameter.high, r.parameter),
                "within_range": r.within_range,
            }
            for r in explanation.requirements
        ],
    }


def render_check(reports, fmt: str, provenance: dict | None, draws: int, explanations=None) -> str:
    claims, context = check_records(reports, explanations)
    if fmt == "json":
        return _json({"draws": draws, "claims": claims, "context": context}, provenance)
    if fmt == "csv":
        return _check_csv(claims, context)
    note = _pallet_note(claims + context).strip()
    return "\n\n".join([*(_claim_block(report, explanations or {}) for report in reports), *([note] if note else [])])


def _check_csv(claims: list[dict], context: list[dict]) -> str:
    """``check`` as one CSV: the claim records, then the context records (claims that
    state no round count), told apart by a ``record`` column; the columns are the union of
    both kinds, empty where a kind has none. ``what_would_it_take`` is in JSON only."""
    rows = [{"record": kind, **_flatten({k: v for k, v in r.items() if k != "what_would_it_take"})}
            for kind, records in (("claim", claims), ("context", context)) for r in records]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return _csv(rows, columns)


def _one_line_text(text: str) -> str:
    """A note of a data file on one line of a table: runs of spaces, tabs and line breaks
    (a TOML multi-line string) become one space."""
    return " ".join(text.split())


def _attribution(claim) -> dict:
    """Who made a claim, when, where it was reported, and the data file's note on it
    (such as whose figure the container count is)."""
    return {"who": claim.who, "date": claim.date.isoformat(), "source": claim.source, "note": claim.note}


def _claim_block(report, explanations: dict) -> str:
    claim = report.claim
    head = (f"{claim.id}: {claim.who}, {claim.date:%d %b %Y}\n"
            f"  {claim.containers_qualifier} {claim.containers:,} containers ({claim.container})")
    if not claim.alternatives:
        rows = [[r.scenario.munition, r.scenario.round, _span(*r.interval.per_container),
                 _span(*r.interval.total), _p5_p95(r.simulation.total), _binding_text(r.interval.binding)]
                for r in report.capacity]
        table = _table(["munition", "round", "per container holding it", "could carry in total", "likely (p5..p95)",
                        "binding"], rows)
        return f"{head}; no round count stated. {_one_line_text(claim.note)}\n" + _indent(table)
    parts = [head + "; " + " OR ".join(f"{a.qualifier} {a.rounds:,} x {a.munition}" for a in claim.alternatives)
             + (f". {_one_line_text(claim.note)}" if claim.note else "")]
    for index, alternative in enumerate(claim.alternatives):
        checks = [c for c in report.checks if c.index == index]
        implied = alternative.rounds / claim.containers
        # Per container shipped (total / containers, fleet.share applied) like the implied
        # figure above the table and the JSON's model, so the verdict reads off the table.
        rows = [[c.interval.scenario.munition, c.interval.scenario.round,
                 *_shipped_columns(c, claim.containers), _binding_text(c.interval.binding), _verdict_text(c)]
                for c in checks]
        table = _table(["munition", "round", "model per container shipped", "likely (p5..p95, p50, shape)",
                        "binding", "verdict"], rows)
        parts.append(f"  {alternative.qualifier} {alternative.rounds:,} x {alternative.munition}"
                     f" -> {implied:,.1f} rounds per container"
                     + (f"  ({_one_line_text(alternative.note)})" if alternative.note else ""))
        parts.append(_indent(table, 4))
        left_out = [munition for where, munition in report.left_out if where == index]
        parts.append("    " + _fits_sentence(report.fits(index), checks, left_out))
        possible = report.possible(index)
        if possible:
            parts.append("    possible only near the optimistic corner of the assumptions: " + _names(possible))
        parts += [_explanation_block(c, explanations[c.key]) for c in checks if c.key in explanations]
    return "\n".join(parts)


def _explanation_block(check, explanation) -> str:
    """The table of ``check --explain``: each parameter's value that would meet the claim."""
    record = explanation_record(explanation)
    rows = [
        [p["name"], _with_unit(p["median"], p["unit"]),
         "no value alone" if p["value"] is None else _with_unit(p["value"], p["unit"]),
         "" if p["total"] is None else f"{p['total']:,}",
         _with_unit(p["low"], p["unit"]) if p["low"] == p["high"]
         else f"{_number(p['low'])}..{_with_unit(p['high'], p['unit'])}",
         "yes" if p["within_range"] else "no"]
        for p in record["parameters"]
    ]
    head = (f"    what would it take for {check.interval.scenario.munition} {check.interval.scenario.round}: "
            f"with every parameter at its median the model gives {explanation.median_total:,}, "
            f"the claim {explanation.claimed_total:,}; one parameter at a time:")
    return head + "\n" + _indent(_table(["parameter", "median", "would need", "model then gives", "sourced range",
                                          "in range"], rows), 6)


def _number(value: float) -> str:
    """Four significant digits, with thousands separators rather than an exponent."""
    return f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:.4g}"


def _with_unit(value: float, unit: str) -> str:
    return _number(value) if unit == "1" else f"{_number(value)} {unit}"


def _p5_p95(tally) -> str:
    return f"{tally.quantile(0.05):,}..{tally.quantile(0.95):,}"


def _shipped_columns(check, containers: int) -> tuple[str, str]:
    """The model's range and likely figures per container shipped (the JSON's ``model``)."""
    model = _per_container_shipped(check, containers)
    shape = sparkline(_histogram(check)["counts"])
    return (_span(model["low"], model["high"], "{:,g}"),
            f"{model['p5']:,g}..{model['p95']:,g} (p50 {model['p50']:,g}) {shape}")


def _fits_sentence(fits, checks, left_out=()) -> str:
    """The line under a claim's table: where the claim fits (or its verdicts where it fits
    nowhere), then what a reader needs beside it: munitions that carry none, a lower
    bound that holds, munitions ``--round`` left out."""
    if fits:
        parts = ["fits: " + "; ".join(f"{_names([c])} ({_binding_sentence(c.interval.binding)})" for c in fits)]
    else:
        parts = ["fits no munition and round definition (" + ", ".join(
            f"{v} for {_names([c for c in checks if c.verdict == v])}" for v in sorted({c.verdict for c in checks})
        ) + ")"]
    empty = [c for c in checks if c.interval.total[1] == 0]
    if empty:
        pallet = empty[0].interval.scenario.pallet
        parts.append(f"{_names(empty)} carries none at any corner"
                     + (f" (on {pallet} pallets: no unit load of its crates fits)" if pallet else ""))
    exceeded = [c for c in checks if c.exceeded_lower_bound]
    if exceeded:
        parts.append(f"as a lower bound (\"{exceeded[0].alternative.qualifier}\") it holds for {_names(exceeded)}, "
                     "which could carry more")
    if left_out:
        parts.append(f"left out by --round: {', '.join(left_out)} (no such round)")
    return "; ".join(parts)


def _names(checks) -> str:
    """The munitions and round definitions of ``checks``: "122mm-shell projectile, ..."."""
    return ", ".join(f"{c.interval.scenario.munition} {c.interval.scenario.round}" for c in checks)


def _indent(text: str, spaces: int = 2) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


# --- need ------------------------------------------------------------------------------


def _needed(n) -> dict:
    """Containers needed: corners and summary, null where no number of containers suffices."""
    from estimator.need import NEVER
    from estimator.uncertainty import summary

    stats = {"low": n.containers[0], "high": n.containers[1], **summary(n.draws)}
    if n.draws.values[-1] == NEVER:
        stats["mean"] = None
    return {key: None if value == NEVER else value for key, value in stats.items()}


def need_records(needs) -> list[dict]:
    """One record per scenario: the JSON ``results`` list of ``need``."""
    records = []
    for n in needs:
        containers = _needed(n)
        bounded = containers["high"] is not None
        edges, counts = n.draws.histogram(*n.containers) if bounded else ([], [])
        records.append({
            "munition": n.scenario.munition,
            "round": n.scenario.round,
            "container": n.scenario.container,
            "rounds": n.rounds,
            "containers": containers,
            "per_container": _distribution(n.interval.per_container, n.simulation.per_container),
            "binding": _binding(n.interval.binding, n.simulation),
            "histogram": {"of": "containers", "edges": edges, "counts": counts},
            "packing": _packing(n.scenario),
            "pallet": n.scenario.pallet,
            "range_method": n.interval.range_method,
        })
    return records


def _count_text(value) -> str:
    return "never" if value is None else f"{value:,}"


def render_need(needs, fmt: str, provenance: dict | None, draws: int, seed: int) -> str:
    records = need_records(needs)
    if fmt != "table":
        return _results_json_or_csv(records, fmt, provenance, draws)
    header = ["munition", "round", "container", "rounds", "containers needed", "likely (p5..p95, p50, shape)",
              "per container", "binding"]
    rows = []
    for r in records:
        c = r["containers"]
        likely = (f"{_count_text(c['p5'])}..{_count_text(c['p95'])} (p50 {_count_text(c['p50'])}) "
                  f"{sparkline(r['histogram']['counts']) if r['histogram']['counts'] else ''}").rstrip()
        rows.append([r["munition"], r["round"], r["container"], f"{r['rounds']:,}",
                     f"{_count_text(c['low'])}..{_count_text(c['high'])}", likely,
                     _corners(r["per_container"]),
                     _binding_with_share(r["binding"])])
    note = ("Containers needed run from the optimistic to the pessimistic corner of every assumption; "
            "per container and binding from the pessimistic to the optimistic; "
            f"likely: {draws:,} draws (seed {seed}), p95 = 95 % of draws need at most that many. "
            "Sources: estimator assumptions.")
    return _table(header, rows) + "\n\n" + note + _pallet_note(records)


def _pallet_note(records) -> str:
    """A sentence naming the pallets the crates travel on, or nothing for loose crates."""
    from estimator.intervals import GRID_SEARCH, KIT_BOUNDS

    pallets = sorted({r["pallet"] for r in records if r.get("pallet")})
    if not pallets:
        return _layout_note(records)
    note = (f" Crates travel as unit loads on {', '.join(pallets)} pallets (whole layers on the deck; the "
            "pallets' tare counts against the payload; crates that do not fit the deck count 0). With whole "
            "layers a smaller crate can load fewer, so on pallets the range is the fewest and most rounds over "
            "every crate size at 1 cm, every other assumption at its corner (range_method "
            f"\"{GRID_SEARCH}\").")
    if any(r.get("range_method") == KIT_BOUNDS for r in records):
        note += (f" Ranges marked \"{KIT_BOUNDS}\" are proven bounds of the kit's count that it may not reach "
                 "(NOTES.md).")
    return note + _layout_note(records)


def _layout_note(records) -> str:
    """A sentence on ranges found with load.packing=layout, or nothing."""
    from estimator.intervals import LAYOUT_CORNERS, LAYOUT_DRAWS

    if not any(r.get("range_method") in (LAYOUT_CORNERS, LAYOUT_DRAWS) for r in records):
        return ""
    return (" With load.packing=layout a larger crate or a smaller container can hold a few more (the layout "
            "searches have budgets), so the range is the two corners' counts, fewest first, widened to every "
            f"draw's count (range_method \"{LAYOUT_DRAWS}\"); by mass and by space stay at the corners.")


# --- assumptions -----------------------------------------------------------------------


def assumption_records(catalog) -> list[dict]:
    """Every sourced number: scope (container, munition, pallet or loading), name, range, source."""
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
    for pallet in catalog.pallets.values():
        records += [record(pallet.id, f"pallet.{k}", n) for k, n in pallet.numbers.items()]
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


# --- sweep -----------------------------------------------------------------------------


def sweep_records(points) -> list[dict]:
    """One record per grid point and scenario, the JSON ``results`` list: the fields of an
    estimate's corners, with ``point`` (the swept values, SI units) after ``containers``,
    and ``p5``, ``p50``, ``p95`` beside ``low`` and ``high`` in ``per_container`` and
    ``total`` when drawing."""
    records = []
    for point in points:
        iv = point.interval
        record = {
            "munition": iv.scenario.munition,
            "round": iv.scenario.round,
            "container": iv.scenario.container,
            "containers": int(iv.scenario.parameters["fleet.containers"].low),
            "point": dict(point.point),
            "per_container": _low_high(iv.per_container),
            "total": _low_high(iv.total),
            "binding": _low_high(iv.binding),
            "by_mass": _low_high(iv.rounds_by_mass),
            "by_space": _low_high(iv.rounds_by_space),
            "packing": _packing(iv.scenario, point.point),
            "pallet": iv.scenario.pallet,
            "range_method": iv.range_method,
        }
        for key, found in (point.percentiles or {}).items():
            record[key].update(zip(("p5", "p50", "p95"), found))
        records.append(record)
    return records


def axis_heading(name: str, unit: str) -> str:
    """A swept parameter's name with its unit in brackets; a count or share, whose unit
    is "1", without."""
    return name if unit in ("1", "") else f"{name} [{unit}]"


def axis_records(axes) -> list[dict]:
    """The JSON ``vary`` list: each swept parameter, its SI unit, its values, and whether
    it is categorical (the container type, whose values are ids)."""
    return [{"name": axis.name, "unit": axis.unit, "values": list(axis.values), "categorical": axis.categorical}
            for axis in axes]


def render_sweep(points, axes, fmt: str, provenance: dict | None = None, draws: int = 0) -> str:
    records = sweep_records(points)
    seed = (provenance or {}).get("seed")
    if fmt == "json":
        return _json({"draws": draws, "vary": axis_records(axes), "results": records}, provenance)
    if fmt == "csv":
        return _csv([_flatten(r) for r in records])
    numeric = [axis for axis in axes if not axis.categorical]
    likely = ["likely p5..p95 (p50)"] if draws else []
    header = ["munition", "round", "container", *(axis_heading(a.name, a.unit) for a in numeric),
              "per container", *likely, "total", "binding", "by mass", "by space"]
    rows = [
        [r["munition"], r["round"], r["container"], *(f"{r['point'][a.name]:.6g}" for a in numeric),
         _span(r["per_container"]["low"], r["per_container"]["high"]),
         *([f"{r['per_container']['p5']:,}..{r['per_container']['p95']:,} ({r['per_container']['p50']:,})"]
           if draws else []),
         _span(r["total"]["low"], r["total"]["high"]),
         _binding_text(list(r["binding"].values())), _span(*r["by_mass"].values()),
         _span(*r["by_space"].values())]
        for r in records
    ]
    note = ("Each row fixes the swept parameters and runs every other assumption from its "
            "pessimistic to its optimistic corner.")
    if draws:
        note += f" Likely: {draws:,} draws a point (seed {seed}), the same draws at every point."
    return _table(header, rows) + "\n\n" + note + _pallet_note(records)


# --- sensitivity ---------------------------------------------------------------------------

_SI_UNIT = {"length": "m", "mass": "kg", "dimensionless": "1"}


def _finite(value: float) -> float | None:
    """JSON has no NaN: an index that cannot be computed is null."""
    return None if value != value else round(float(value), 6)


def _index(index) -> dict:
    return {"index": _finite(index.value), "low": _finite(index.low), "high": _finite(index.high)}


def sensitivity_records(analyses) -> list[dict]:
    """One record per scenario and uncertain parameter, largest tornado swing first: the
    JSON ``results`` list."""
    return [
        {
            "munition": analysis.scenario.munition,
            "round": analysis.scenario.round,
            "container": analysis.scenario.container,
            "parameter": p.name,
            "unit": _SI_UNIT[p.dimension],
            "low": p.low,
            "high": p.high,
            "first_order": _index(p.first_order),
            "total_order": _index(p.total_order),
            "tornado": {
                "central": float(p.tornado.central),
                "at_low": float(p.tornado.at_low),
                "at_high": float(p.tornado.at_high),
                "swing": float(p.tornado.swing),
            },
        }
        for analysis in analyses
        for p in analysis.parameters
    ]


def render_sensitivity(analyses, fmt: str, provenance: dict | None, draws: int, confidence_level: float) -> str:
    records = sensitivity_records(analyses)
    seed = (provenance or {}).get("seed")
    if fmt == "json":
        return _json({"draws": draws, "confidence_level": confidence_level, "results": records}, provenance)
    if fmt == "csv":
        return _csv([_flatten(r) for r in records])
    blocks = []
    for analysis in analyses:
        rows = [r for r in records if (r["munition"], r["round"], r["container"]) == (
            analysis.scenario.munition, analysis.scenario.round, analysis.scenario.container)]
        head = (f"{analysis.scenario.munition} {analysis.scenario.round} ({analysis.scenario.container}): "
                f"rounds per container shipped, every assumption at its centre: "
                f"{rows[0]['tornado']['central']:,g}" if rows else
                f"{analysis.scenario.munition} {analysis.scenario.round}: no uncertain assumption")
        table = _table(
            ["parameter", "range", "at low", "at high", "swing", "first-order", "total"],
            [[r["parameter"], f"{r['low']:,.6g}..{r['high']:,.6g}" + ("" if r["unit"] == "1" else f" {r['unit']}"), f"{r['tornado']['at_low']:,g}",
              f"{r['tornado']['at_high']:,g}", f"{r['tornado']['swing']:,g}", _index_text(r["first_order"]),
              _index_text(r["total_order"])] for r in rows],
        ) if rows else ""
        blocks.append(head + ("\n" + _indent(table) if table else ""))
    note = (f"Tornado: one assumption at its low and high end, the others at their centres. Sobol "
            f"indices: {draws} draws a matrix, seed {seed}, {confidence_level:.0%} bootstrap interval in "
            f"brackets; every assumption uniform over its range.")
    return "\n\n".join(blocks) + "\n\n" + note


def _index_text(index: dict) -> str:
    if index["index"] is None:
        return "n/a"
    interval = "" if index["low"] is None else f" [{index['low']:.2f}, {index['high']:.2f}]"
    return f"{index['index']:.2f}{interval}"
# --- pack ---------------------------------------------------------------------------


def pack_record(layout) -> dict:
    """The pack command's JSON record: count, bounds, gap, utilisation and sections."""
    return {
        "count": layout.count,
        "bound": layout.bound,
        "volume_bound": layout.volume_bound,
        "gap": round(layout.gap, 4),
        "utilisation": round(layout.utilisation, 4),
        "interior_mm": list(layout.interior),
        "package_mm": list(layout.box),
        "upright": layout.upright,
        "max_layers": layout.max_layers or None,
        "frame": _frame_names(layout),
        "blocks": [_block_record(section, layout) for section in layout.sections],
    }


def _frame_names(layout) -> list[str]:
    """The container axes along which ``layout``'s blocks' length, width and layers run."""
    return [("length", "width", "height")[axis] for axis in layout.frame]


def _block_record(section, layout) -> dict:
    """One section of ``layout`` as a record of ``pack_record``'s ``blocks``."""
    return {"start_mm": section.start, "length_mm": section.length, "footprint_mm": list(section.footprint),
            "vertical_mm": section.height, "base_mm": section.base, "layers": section.layers,
            "per_layer": section.per_layer, "count": section.count, "left_mm": section.left,
            "width_mm": section.width or layout.interior[layout.frame[1]]}


def pallet_record(palletised) -> dict:
    """The keys ``pack --pallet`` adds: the unit load and the counts of pallets and crates."""
    load = palletised.unit_load
    return {
        "pallet": load.pallet.id,
        "pallets": palletised.pallets,
        "crates_per_pallet": load.crates,
        "crates": palletised.crates,
        "unit_load": {
            "length_m": round(load.outer_m[0], 4), "width_m": round(load.outer_m[1], 4),
            "height_m": round(load.outer_m[2], 4), "gross_mass_kg": round(load.gross_mass_kg, 1),
            "footprint_mm": list(load.footprint_mm), "vertical_mm": load.vertical_mm,
            "per_layer": load.per_layer, "layers": load.layers, "limit": load.limit,
        },
    }


def _pack_csv(record: dict, layout) -> str:
    """One row per block, flattened as every CSV is (lists joined with spaces), with the
    header row even when nothing fits and there is no block."""
    per_pallet = {key: record[key] for key in ("pallet", "crates_per_pallet", "crates") if key in record}
    rows = [{**_flatten(block), "count_total": record["count"], **per_pallet} for block in record["blocks"]]
    return _csv(rows, [*_block_fields(layout), "count_total", *per_pallet])


def _block_fields(layout) -> list[str]:
    """The CSV columns of one block (the flattened keys of :func:`_block_record`)."""
    from estimator.packing import Section

    no_block = Section(start=0, length=0, footprint=(0, 0), height=0, layers=0, per_layer=0)
    return list(_flatten(_block_record(no_block, layout)))


_BLOCK_HEADER = ["blocks", "from (mm)", "length (mm)", "left (mm)", "width (mm)", "footprint (mm)", "vertical (mm)",
                 "base (mm)", "layers", "per layer", "boxes"]
# What a block repeated end to end along the length shares with its repeats.
_REPEATED = ("length_mm", "left_mm", "width_mm", "footprint_mm", "vertical_mm", "base_mm", "layers", "per_layer",
             "count")


def _repeated_blocks(blocks: list[dict]) -> list[list[dict]]:
    """The blocks tier by tier (by base, then across, then along the length), in runs of
    repeats: a block equal to the one before but for its start, which is where that one
    ends, joins its run. A table row per run keeps long layouts short; JSON and CSV keep
    every block in the layout's order."""
    runs: list[list[dict]] = []
    for block in sorted(blocks, key=lambda b: (b["base_mm"], b["left_mm"], b["start_mm"])):
        last = runs[-1][-1] if runs else None
        if (last is not None and block["start_mm"] == last["start_mm"] + last["length_mm"]
                and all(block[key] == last[key] for key in _REPEATED)):
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def _run_row(run: list[dict]) -> list[str]:
    """One table row for a run of repeated blocks (:func:`_repeated_blocks`)."""
    b, repeats = run[0], len(run)
    length = f"{b['length_mm']:,}" if repeats == 1 else f"{repeats} x {b['length_mm']:,}"
    return [str(repeats), f"{b['start_mm']:,}", length, f"{b['left_mm']:,}", f"{b['width_mm']:,}",
            "x".join(map(str, b["footprint_mm"])), f"{b['vertical_mm']:,}", f"{b['base_mm']:,}", str(b["layers"]),
            str(b["per_layer"]), f"{repeats * b['count']:,}"]


def render_pack(layout, fmt: str, palletised=None) -> str:
    """The pack result as a table, JSON or CSV (one row per block); with ``palletised``
    (pallets.PalletPack) the blocks hold unit loads and the pallet keys are added."""
    record = pack_record(layout)
    if palletised is not None:
        record.update(pallet_record(palletised))
    if fmt == "json":
        return _json(record)
    if fmt == "csv":
        return _pack_csv(record, layout)
    rows = [_run_row(run) for run in _repeated_blocks(record["blocks"])]
    summary = (
        f"{record['count']:,} packages; bound {record['bound']:,} (volume bound {record['volume_bound']:,}), "
        f"gap {record['gap']:.1%}; volume utilisation {record['utilisation']:.1%}."
    )
    # Where no orientation fits, say so rather than print an empty table.
    summary += _fits_nowhere("package", record["package_mm"], record["interior_mm"], record["upright"])
    summary += _turned_note(record["frame"])
    if palletised is not None:
        load = record["unit_load"]
        summary += (
            f"\nPallets ({record['pallet']}): {record['pallets']:,} unit loads of {record['crates_per_pallet']:,} crates "
            f"({load['per_layer']} a layer x {load['layers']}, stopped by {load['limit']}; "
            f"{load['length_m']:.3f} x {load['width_m']:.3f} x {load['height_m']:.3f} m, {load['gross_mass_kg']:,.0f} kg) "
            f"= {record['crates']:,} crates."
        )
    return _table(_BLOCK_HEADER, rows) + "\n\n" + summary


# --- pack --round: a kit sharing the container ---------------------------------------


def kit_pack_record(kit, limits, usable_kg: float | None, munition: str, round_name: str) -> dict:
    """The JSON record of ``pack --round``: rounds by space (the best split of the length),
    by mass where the container's payload is known, the binding limit (``limits``,
    kit_pack.KitLimits), and each part's length, count and blocks."""
    return {
        "munition": munition,
        "round": round_name,
        "rounds": limits.rounds,
        "rounds_by_space": limits.by_space,
        "rounds_by_mass": limits.by_mass,
        "binding": limits.binding,
        "usable_payload_kg": usable_kg,
        "interior_mm": list(kit.interior),
        "parts": [_kit_part_record(part, start, layout, rounds)
                  for part, start, layout, rounds in zip(kit.parts, kit.starts, kit.layouts, kit.rounds_by_part)],
    }


def _fits_nowhere(package: str, package_mm, interior_mm, upright: bool) -> str:
    """A line saying that ``package`` fits the interior in no allowed orientation
    (``packing.fits``), or "" where it fits."""
    from estimator.packing import fits

    if fits(tuple(interior_mm), tuple(package_mm), upright):
        return ""
    kept = ", the third side vertical" if upright else ""
    return (f"\nThe {package} ({' x '.join(f'{side:,}' for side in package_mm)} mm{kept}) fits the interior "
            f"({' x '.join(f'{side:,}' for side in interior_mm)} mm) in no orientation.")


def _turned_note(frame: list[str]) -> str:
    """A line saying along which container axes a turned layout's blocks run ("" for a
    standing one)."""
    if frame == ["length", "width", "height"]:
        return ""
    return (f"\nTurned layout: block lengths run along the container's {frame[0]}, widths along its {frame[1]}, "
            f"layers along its {frame[2]}.")


# The block field that runs along the container's length, by the frame position of that axis.
_ALONG_FIELD = ("start_mm", "left_mm", "base_mm")


def _kit_part_record(part, start: int, layout, rounds: int) -> dict:
    """One part of :func:`kit_pack_record`: its package, its length of the container and
    how it is laid out there (the blocks as ``pack_record`` gives them, and ``frame``; the
    block field along the container's length, ``start_mm`` or in a turned layout
    ``base_mm``, measured from the container's end wall)."""
    from estimator.packing import box_mm

    along = _ALONG_FIELD[layout.frame.index(0)]
    blocks = [_block_record(section, layout) for section in layout.sections]
    return {
        "package": part.package, "package_mm": [int(side) for side in box_mm(part.sides_m)], "upright": part.upright,
        "gross_mass_kg": part.gross_mass_kg, "items": part.items, "items_per_round": part.items_per_round,
        "start_mm": start, "length_mm": layout.interior[0], "count": layout.count, "bound": layout.bound,
        "rounds": rounds, "frame": _frame_names(layout),
        "blocks": [{**block, along: block[along] + start} for block in blocks],
    }


def render_kit_pack(kit, limits, fmt: str, usable_kg: float | None, munition: str, round_name: str) -> str:
    """``pack --round`` as a table (the parts, the rounds sentence, each part's blocks),
    JSON, or CSV (one row per block, with its part)."""
    record = kit_pack_record(kit, limits, usable_kg, munition, round_name)
    if fmt == "json":
        return _json(record)
    if fmt == "csv":
        return _csv([{"package": part["package"], **_flatten(block)}
                     for part in record["parts"] for block in part["blocks"]],
                    ["package", *_block_fields(kit.layouts[0])])
    header = ["package", "sides (mm)", "items", "per round", "from (mm)", "length (mm)", "packages", "bound",
              "rounds"]
    rows = [[p["package"], "x".join(map(str, p["package_mm"])), str(p["items"]), str(p["items_per_round"]),
             f"{p['start_mm']:,}", f"{p['length_mm']:,}", f"{p['count']:,}", f"{p['bound']:,}", f"{p['rounds']:,}"]
            for p in record["parts"]]
    nowhere = "".join(_fits_nowhere(p["package"], p["package_mm"], record["interior_mm"], p["upright"])
                      for p in record["parts"])
    blocks = [_kit_part_blocks(p) for p in record["parts"] if p["blocks"]]
    return "\n\n".join([_table(header, rows), _kit_sentence(record) + nowhere, *blocks])


def _kit_part_blocks(part: dict) -> str:
    """One part's heading (its stretch of the container's length, and whether it is
    turned) and its blocks' table."""
    end = part["start_mm"] + part["length_mm"]
    heading = f"{part['package']}, {part['start_mm']:,} to {end:,} mm of the container's length:"
    return (heading + _turned_note(part["frame"]) + "\n"
            + _table(_BLOCK_HEADER, [_run_row(run) for run in _repeated_blocks(part["blocks"])]))


def _kit_sentence(record: dict) -> str:
    """The rounds by space and by mass and which binds, in words, and at which sizes."""
    rounds = "round" if record["rounds_by_space"] == 1 else "rounds"
    space = (f"{record['rounds_by_space']:,} {record['round']} {rounds} of {record['munition']} by space "
             f"(each package type in its own length, split for the most whole rounds)")
    if record["rounds_by_mass"] is None:
        return (f"{space}; no payload is known for --interior, so no mass limit. Every package is at its largest "
                f"sides in the assumptions.")
    return (f"{space}; {record['rounds_by_mass']:,} by mass ({record['usable_payload_kg']:,.0f} kg usable); so "
            f"{record['rounds']:,}, {record['binding']}-bound. At these sizes: every package at its largest sides "
            f"and gross mass, the smallest payload and load.fraction, and the container's smallest interior less "
            f"the smallest load.clearance and load.dunnage_height (the model's low corner takes the largest "
            f"clearance and dunnage, so it may hold fewer by space).")
