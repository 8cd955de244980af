"""Figures for ``check``, ``sweep``, ``sensitivity`` and ``pack``, drawn with matplotlib.

Each figure function takes the same records the command prints as JSON (see README.md),
so a figure shows exactly the numbers of the JSON output, and returns a matplotlib
Figure. matplotlib is imported only here and only when a figure is asked for, with the
Agg backend (no display needed). Figures stay readable in grey scale: series differ by
grey level, hatching, line style and marker, never by hue alone.
"""

from __future__ import annotations

import io
from pathlib import Path

from estimator.errors import InputError

FORMATS = {".png": "png", ".svg": "svg"}
GREYS = ("0.15", "0.45", "0.7", "0.3", "0.6", "0.85")
HATCHES = ("", "//", "..", "xx", "\\\\", "++")
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "v", "D", "x")


def check_plot_path(path) -> str:
    """The file format for ``path`` from its extension; raises InputError if unsupported
    or if matplotlib is missing, before any work is done."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--plot {path}: expected a file name ending in .png or .svg")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError("--plot needs matplotlib: pip install 'estimator[plot]'") from None
    return FORMATS[suffix]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def figure_bytes(figure, fmt: str) -> bytes:
    """The figure encoded as PNG or SVG; the figure is closed afterwards."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight")
    _pyplot().close(figure)
    return buffer.getvalue()


def _series_label(record: dict) -> str:
    return f"{record['munition']} {record['round']} ({record['container']})"


def _series(records: list[dict]) -> dict[str, list[dict]]:
    """Records grouped by munition, round and container, in first-seen order."""
    groups: dict[str, list[dict]] = {}
    for record in records:
        groups.setdefault(_series_label(record), []).append(record)
    return groups


def _rounds_label(records: list[dict]) -> str:
    containers = records[0]["containers"]
    return "rounds per container" if containers == 1 else f"rounds in {containers:,} containers"


# --- check ------------------------------------------------------------------------------


def check_figure(claims: list[dict]):
    """Each claim alternative against the model: horizontal bars on a log axis.

    Parameters
    ----------
    claims : list of dict
        The ``claims`` records of ``estimator check --format json``.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per record from ``model.low`` to ``model.high`` (rounds per container),
        grey level and hatching by verdict (below, within, above, beyond), a narrow dark bar from ``model.p5`` to ``model.p95`` where
        the records carry percentiles, and the claim's implied rounds per container marked
        by a black diamond.
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(claims) + 1.6))
    shades = {"within": ("0.55", ""), "below": ("0.85", "//"), "above": ("0.85", "\\\\"), "beyond": ("0.95", "xx")}
    positions = list(range(len(claims)))[::-1]
    for y, record in zip(positions, claims):
        colour, hatch = shades[record["verdict"]]
        model = record["model"]
        axes.barh(y, model["high"] - model["low"], left=model["low"], height=0.6, color=colour, hatch=hatch,
                  edgecolor="black", label=record["verdict"])
        if "p5" in model:
            axes.barh(y, model["p95"] - model["p5"], left=model["p5"], height=0.25, color="0.1",
                      label="5-95 % of draws")
        axes.plot(record["implied_per_container"], y, marker="D", color="black", linestyle="none",
                  label="claim")
    axes.set_yticks(positions, [f"{r['id']} #{r['alternative']}: {r['munition']} {r['round']}" for r in claims])
    axes.set_xscale("log")
    if claims:  # room either side, so a bar starting at the smallest value shows its edge
        values = [v for r in claims for v in (r["model"]["low"], r["model"]["high"], r["implied_per_container"])]
        positive = [v for v in values if v > 0] or [1.0]
        axes.set_xlim(min(positive) / 1.25, max(positive) * 1.25)
    axes.set_xlabel("rounds per container shipped (log scale)")
    axes.set_title("Public claims against the model's range (bar) and 5-95 % band (dark)")
    _legend_once(axes, outside=True)
    return figure


def _legend_once(axes, outside: bool = False) -> None:
    """A legend with one entry per distinct label, beside the plot if ``outside``."""
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1)} if outside else {"loc": "best"}
    axes.legend(unique.values(), unique.keys(), fontsize="small", **where)


# --- sweep ------------------------------------------------------------------------------


def sweep_figure(records: list[dict], vary: list[dict]):
    """The sweep: a line with its band for one parameter, a heatmap for two.

    Parameters
    ----------
    records : list of dict
        The ``results`` records of ``estimator sweep --format json``.
    vary : list of dict
        Its ``vary`` records (name, unit, values, categorical).

    Returns
    -------
    matplotlib.figure.Figure
        One numeric axis: per scenario the low and high totals as lines with the band
        between them. Two numeric axes: per scenario a heatmap of the low and of the high
        total with contour lines. The container type alone: floating bars low..high.
    """
    numeric = [axis for axis in vary if not axis["categorical"]]
    if not numeric:
        return _categorical_sweep(records)
    if len(numeric) == 1:
        return _line_sweep(records, numeric[0])
    return _heatmap_sweep(records, numeric)


def _line_sweep(records: list[dict], axis: dict):
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 5))
    for index, (label, group) in enumerate(_series(records).items()):
        x = [r["point"][axis["name"]] for r in group]
        low = [r["total"]["low"] for r in group]
        high = [r["total"]["high"] for r in group]
        grey, style, marker = GREYS[index % len(GREYS)], LINE_STYLES[index % 4], MARKERS[index % len(MARKERS)]
        axes.fill_between(x, low, high, color=grey, alpha=0.25, hatch=HATCHES[index % len(HATCHES)], linewidth=0)
        axes.plot(x, low, color=grey, linestyle=style, marker=marker, markersize=3, label=f"{label} low")
        axes.plot(x, high, color=grey, linestyle=style, marker=marker, markersize=3, markerfacecolor="white",
                  label=f"{label} high")
        if "p50" in group[0]["total"]:
            axes.fill_between(x, [r["total"]["p5"] for r in group], [r["total"]["p95"] for r in group],
                              color=grey, alpha=0.45, linewidth=0, label=f"{label} p5..p95")
            axes.plot(x, [r["total"]["p50"] for r in group], color="black", linestyle=style, linewidth=2,
                      label=f"{label} p50")
    axes.set_xlabel(_axis_label(axis))
    axes.set_ylabel(_rounds_label(records))
    drawn = "; dark band p5..p95 of the draws, thick line p50" if "p50" in records[0]["total"] else ""
    axes.set_title(f"Rounds as {axis['name']} varies\n(band: pessimistic to optimistic corner{drawn})")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    return figure


def _axis_label(axis: dict) -> str:
    """A swept parameter's name with its unit in brackets, as the sweep table heads it."""
    from estimator.render import axis_heading

    return axis_heading(axis["name"], axis["unit"])


def _heatmap_sweep(records: list[dict], axes_records: list[dict]):
    plt = _pyplot()
    first, second = axes_records
    groups = _series(records)
    figure, grid = plt.subplots(len(groups), 2, figsize=(10, 3.6 * len(groups)), squeeze=False)
    for row, (label, group) in enumerate(groups.items()):
        for column, corner in enumerate(("low", "high")):
            values = [[r["total"][corner] for r in group[i * len(second["values"]):(i + 1) * len(second["values"])]]
                      for i in range(len(first["values"]))]
            axes = grid[row][column]
            # viridis keeps a monotone lightness, so the heatmap reads in grey scale.
            mesh = axes.pcolormesh(second["values"], first["values"], values, cmap="viridis", shading="nearest")
            if len(first["values"]) > 1 and len(second["values"]) > 1:
                lines = axes.contour(second["values"], first["values"], values, colors="black", linewidths=0.6)
                axes.clabel(lines, fontsize="x-small")
            figure.colorbar(mesh, ax=axes, label=_rounds_label(records))
            axes.set_xlabel(_axis_label(second))
            axes.set_ylabel(_axis_label(first))
            axes.set_title(f"{label}: {corner} corner", fontsize="medium")
    figure.suptitle("Rounds over a two-parameter grid")
    figure.tight_layout()
    return figure


def _categorical_sweep(records: list[dict]):
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 5))
    containers = list(dict.fromkeys(r["container"] for r in records))
    kinds = list(dict.fromkeys(f"{r['munition']} {r['round']}" for r in records))
    width = 0.8 / len(kinds)
    for index, kind in enumerate(kinds):
        group = [r for r in records if f"{r['munition']} {r['round']}" == kind]
        x = [containers.index(r["container"]) + (index - (len(kinds) - 1) / 2) * width for r in group]
        low = [r["total"]["low"] for r in group]
        axes.bar(x, [r["total"]["high"] - r["total"]["low"] for r in group], bottom=low, width=width,
                 color=GREYS[index % len(GREYS)], hatch=HATCHES[index % len(HATCHES)], edgecolor="black",
                 label=kind)
    axes.set_xticks(range(len(containers)), containers)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("container type")
    axes.set_ylabel(_rounds_label(records))
    axes.set_title("Rounds by container type (bar: pessimistic to optimistic corner)")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    return figure


# --- sensitivity ------------------------------------------------------------------------------


def tornado_figure(records: list[dict]):
    """The tornado: for each scenario, each parameter's swing about the central answer.

    Parameters
    ----------
    records : list of dict
        The ``results`` records of ``estimator sensitivity --format json``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per scenario; per parameter two bars from the central answer, light
        grey to the answer with the parameter at its low end, dark grey to its high end,
        largest swing at the top.
    """
    plt = _pyplot()
    groups = _series(records)
    # constrained layout leaves room for the figure's title above the first panel's
    figure, grid = plt.subplots(len(groups), 1, figsize=(8, sum(0.35 * len(g) + 1.4 for g in groups.values())),
                                squeeze=False, height_ratios=[len(g) + 2 for g in groups.values()],
                                layout="constrained")
    for axes, (label, group) in zip(grid[:, 0], groups.items()):
        positions = list(range(len(group)))[::-1]
        for y, record in zip(positions, group):
            swing = record["tornado"]
            central = swing["central"]
            axes.barh(y, swing["at_low"] - central, left=central, height=0.7, color="0.8", edgecolor="black",
                      label="assumption at its low end")
            axes.barh(y, swing["at_high"] - central, left=central, height=0.7, color="0.3", edgecolor="black",
                      hatch="//", label="assumption at its high end")
        axes.axvline(group[0]["tornado"]["central"], color="black", linewidth=0.8)
        axes.set_yticks(positions, [f"{r['parameter']} ({_range_text(r)})" for r in group], fontsize="small")
        axes.set_title(label, fontsize="medium")
        axes.set_xlabel("rounds per container shipped")
        _legend_once(axes)
    figure.suptitle("Tornado: one assumption at a time from its low to its high end")
    return figure


def _range_text(record: dict) -> str:
    unit = "" if record["unit"] == "1" else f" {record['unit']}"
    return f"{record['low']:,.6g}..{record['high']:,.6g}{unit}"


# Grey of the lowest (or farthest) box and of the highest (or nearest): lighter is nearer
# the eye, so layers and stacks of different heights read apart in grey scale.
FAR_GREY, NEAR_GREY = 0.55, 0.92
FIGURE_WIDTH = 10.0  # [in]
FIGURE_HEIGHT_RANGE = (2.0, 12.0)  # [in]: the least and the most, whatever the container's shape


def layout_figure(layout):
    """Top and side views of a packing layout (``estimator pack --plot``).

    Each view shows what is seen from its side: the top view draws the boxes lowest first,
    so the highest box at each place is drawn last and seen; the side view, seen from the
    left side wall, draws the farthest first. The grey is lighter the nearer the box is to
    the eye. Both views share the length axis, with its numbers on each, and their heights
    are in proportion to the interior's width and height, so that at one scale for every
    axis they line up however long the container is.

    Parameters
    ----------
    layout : estimator.packing.Layout
        The layout; its placements are drawn, in millimetres.
    """
    return _views_figure(layout.interior, layout.placements(),
                         f"length (mm): {layout.count:,} packages, gap to bound {layout.gap:.1%}")


def kit_figure(kit, limits=None):
    """Top and side views of a kit's packages sharing a container (``estimator pack
    --round ... --plot``), as :func:`layout_figure` draws one layout, with a dashed line
    where each part's length begins.

    Parameters
    ----------
    kit : estimator.kit_pack.KitPack
    limits : estimator.kit_pack.KitLimits, optional
        With a mass limit, the caption gives it and which limit binds, as the table does.
    """
    shares = "; ".join(f"{part.package} {start:,}-{start + layout.interior[0]:,} mm: {layout.count:,}"
                       for part, start, layout in zip(kit.parts, kit.starts, kit.layouts))
    rounds = f"{kit.rounds_by_space:,} rounds by space"
    if limits is not None and limits.by_mass is not None:
        rounds += f", {limits.by_mass:,} by mass: {limits.rounds:,} ({limits.binding} binds)"
    return _views_figure(kit.interior, kit.placements(), f"length (mm): {rounds}; packages {shares}", kit.starts[1:])


def _views_figure(interior, boxes, label: str, splits=()):
    """The top and side views of ``boxes`` (x, y, z, dx, dy, dz) in ``interior`` [mm],
    ``label`` under the length axis and a dashed line across both views at each of
    ``splits`` [mm]."""
    length, width, height = interior
    figure, (top, side) = _pyplot().subplots(
        2, 1, figsize=(FIGURE_WIDTH, _layout_figure_height(length, width, height)), sharex=True,
        height_ratios=[width, height],
    )
    # (axes, the container axis drawn upwards, how near a box is to the eye, the nearest a box can be, title)
    views = (
        (top, 1, lambda box: box[2] + box[5], height, "top view (lighter: higher)"),
        (side, 2, lambda box: width - box[1], width, "side view from the left side wall (lighter: nearer)"),
    )
    for axes, axis, nearness, nearest, title in views:
        _draw_view(axes, boxes, axis, nearness, nearest)
        axes.add_patch(_rectangle((0, 0), length, interior[axis], fill=False, linewidth=1.5))
        for split in splits:
            axes.axvline(split, color="black", linestyle="--", linewidth=1.2)
        axes.set_xlim(0, length)
        axes.set_ylim(0, interior[axis])
        axes.set_aspect("equal")
        axes.set_title(title)
        axes.set_ylabel(f"{('length', 'width', 'height')[axis]} (mm)")
        axes.tick_params(labelbottom=True)  # sharex would leave the top view's length unnumbered
    side.set_xlabel(label)
    return figure


def _rectangle(*args, **kwargs):
    from matplotlib.patches import Rectangle

    return Rectangle(*args, **kwargs)


def _draw_view(axes, boxes, axis: int, nearness, nearest: float) -> None:
    """Draw ``boxes`` onto the plane of the length and ``axis``, farthest first, so that the
    nearest box at each place (the largest ``nearness``) is drawn last and is what shows."""
    for placed in sorted(boxes, key=nearness):
        grey = FAR_GREY + (NEAR_GREY - FAR_GREY) * nearness(placed) / nearest
        axes.add_patch(_rectangle((placed[0], placed[axis]), placed[3], placed[3 + axis], facecolor=str(grey),
                                  edgecolor="0.2", linewidth=0.4))


def _layout_figure_height(length: float, width: float, height: float) -> float:
    """Inches of figure height that let both views fill the figure's width at one scale
    (the views take about 85 % of the width, the rest is the height axes' labels), plus 2
    inches for titles and length labels, within FIGURE_HEIGHT_RANGE."""
    low, high = FIGURE_HEIGHT_RANGE
    return min(max(FIGURE_WIDTH * 0.85 * (width + height) / length + 2.0, low), high)
