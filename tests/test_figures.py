"""Figures: files written in the format their name asks for, and the numbers they draw
are the numbers of the command's JSON."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("matplotlib")

import estimator.figures as figures  # noqa: E402
from cli import cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<svg"}


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


def spy(monkeypatch, name):
    """Wrap a figure function so that the test sees the records the command passed to it."""
    seen = []
    real = getattr(figures, name)

    def wrapper(records, *args):
        seen.append((records, args))
        return real(records, *args)

    monkeypatch.setattr(figures, name, wrapper)
    return seen


def rectangles(figure):
    return [patch for axes in figure.axes for patch in axes.patches]


COMMANDS = [
    ("check_figure", ["check", "--draws", "2000"], "claims"),
    ("sweep_figure", ["sweep", "--vary", "container.payload=20t..28t:5", "--munition", "152mm"], "results"),
    ("tornado_figure", ["sensitivity", "--munition", "122mm-rocket", "--draws", "32"], "results"),
]


@pytest.mark.parametrize("name, args, key", COMMANDS)
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_writes_the_format_its_name_asks_for_from_the_json_records(monkeypatch, tmp_path, name, args, key,
                                                                        suffix):
    seen = spy(monkeypatch, name)
    target = tmp_path / f"figure{suffix}"
    data = json.loads(run(*args, "--format", "json", "--plot", str(target)).stdout)
    assert seen[0][0] == data[key]
    content = target.read_bytes()
    assert len(content) > 1000 and SIGNATURES[suffix] in content[:400]


def test_check_figure_draws_each_model_range_band_and_claim():
    claims = json.loads(run("check", "--draws", "2000", "--format", "json").stdout)["claims"]
    figure = figures.check_figure(claims)
    ranges = [bar for bar in rectangles(figure) if bar.get_height() == pytest.approx(0.6)]
    bands = [bar for bar in rectangles(figure) if bar.get_height() == pytest.approx(0.25)]
    markers = [line for line in figure.axes[0].lines if line.get_marker() == "D"]
    assert len(ranges) == len(claims) == len(markers)
    for bar, marker, record in zip(ranges, markers, claims):
        assert bar.get_x() == pytest.approx(record["model"]["low"])
        assert bar.get_x() + bar.get_width() == pytest.approx(record["model"]["high"])
        assert marker.get_xdata()[0] == record["implied_per_container"]
    assert len(bands) == len(claims)
    for bar, record in zip(bands, claims):
        assert (bar.get_x(), bar.get_x() + bar.get_width()) == pytest.approx(
            (record["model"]["p5"], record["model"]["p95"]))
    assert figure.axes[0].get_xscale() == "log"
    assert "rounds per container" in figure.axes[0].get_xlabel()


def test_line_sweep_draws_the_low_and_high_totals_of_every_point():
    data = json.loads(run("sweep", "--vary", "container.payload=20t..28t:5", "--munition", "152mm",
                          "--containers", "10", "--format", "json").stdout)
    figure = figures.sweep_figure(data["results"], data["vary"])
    lines = {line.get_label(): line for line in figure.axes[0].lines}
    for (munition, round_name), corner in [(k, c) for k in {(r["munition"], r["round"]) for r in data["results"]}
                                           for c in ("low", "high")]:
        records = [r for r in data["results"] if (r["munition"], r["round"]) == (munition, round_name)]
        line = lines[f"{munition} {round_name} (20ft) {corner}"]
        assert list(line.get_xdata()) == [r["point"]["container.payload"] for r in records]
        assert list(line.get_ydata()) == [r["total"][corner] for r in records]
    assert figure.axes[0].get_xlabel() == "container.payload [kg]"
    assert figure.axes[0].get_ylabel() == "rounds in 10 containers"


def test_drawn_sweep_draws_the_median_line_of_the_records():
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.render import axis_records, sweep_records
    from estimator.sweep import parse_axes, run_sweep
    from strategies import swept_scenarios
    from estimator.uncertainty import sample_values

    catalog = load_catalog()
    axes = parse_axes(["load.fraction=0.8..1:5"], catalog, [])
    scenarios = swept_scenarios(axes, "152mm-shell", round_filter="projectile")
    records = sweep_records(run_sweep(scenarios, axes, None, sample_values, 100, np.random.default_rng(0)))
    figure = figures.sweep_figure(records, axis_records(axes))
    lines = {line.get_label(): line for line in figure.axes[0].lines}
    assert list(lines["152mm-shell projectile (20ft) p50"].get_ydata()) == [r["total"]["p50"] for r in records]


def test_heatmap_sweep_shows_the_totals_on_the_grid():
    data = json.loads(run("sweep", "--vary", "container.payload=20t..28t:3", "--vary", "crate.gross_mass=50..80kg:4",
                          "--munition", "152mm-shell", "--round", "projectile", "--format", "json").stdout)
    figure = figures.sweep_figure(data["results"], data["vary"])
    meshes = [axes.collections[0] for axes in figure.axes if axes.get_title().endswith("corner")]
    assert len(meshes) == 2
    for mesh, corner in zip(meshes, ("low", "high")):
        assert list(mesh.get_array().ravel()) == [r["total"][corner] for r in data["results"]]


def test_container_sweep_draws_a_bar_per_container_and_round():
    data = json.loads(run("sweep", "--vary", "container=20ft,40ft", "--munition", "152mm-shell",
                          "--format", "json").stdout)
    figure = figures.sweep_figure(data["results"], data["vary"])
    bars = rectangles(figure)
    assert sorted((b.get_y(), b.get_y() + b.get_height()) for b in bars) == sorted(
        (r["total"]["low"], r["total"]["high"]) for r in data["results"])


def test_tornado_bars_run_from_the_centre_to_each_end():
    records = json.loads(run("sensitivity", "--munition", "152mm-shell", "--round", "projectile", "--draws", "32",
                             "--format", "json").stdout)["results"]
    bars = rectangles(figures.tornado_figure(records))
    assert len(bars) == 2 * len(records)
    for (to_low, to_high), record in zip(zip(bars[::2], bars[1::2]), records):
        swing = record["tornado"]
        assert to_low.get_x() == to_high.get_x() == swing["central"]
        assert to_low.get_x() + to_low.get_width() == pytest.approx(swing["at_low"])
        assert to_high.get_x() + to_high.get_width() == pytest.approx(swing["at_high"])


def test_figures_are_grey_scale_readable_series_differ_by_more_than_hue():
    data = json.loads(run("sweep", "--vary", "load.fraction=0.8..1:3", "--format", "json").stdout)
    lines = figures.sweep_figure(data["results"], data["vary"]).axes[0].lines
    styles = {(line.get_linestyle(), line.get_marker(), line.get_color()) for line in lines[::2]}
    assert len(styles) == len(lines) // 2


def test_matplotlib_is_imported_only_when_a_figure_is_asked_for():
    code = ("import sys; sys.argv = ['estimator', 'sweep', '--vary', 'load.fraction=0.8..1']\n"
            "import cli\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('matplotlib', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# --- pack --plot -------------------------------------------------------------------------


def pack_layout(container, package, upright=False):
    from estimator.catalog import load_catalog
    from estimator.pack_inputs import smallest_interior
    from estimator.packing import pack, parse_dimensions

    interior, door = smallest_interior(load_catalog(), container)
    return pack(interior, parse_dimensions(package, "--package"), upright, door_m=door)


LAYOUTS = [("40ft-hc", "1.2x0.8x0.9m"), ("20ft", "0.75x0.40x0.35m"), ("40ft", "1.1x0.7x0.6m")]
VIEWS = {  # the view's axes index: its upward container axis and how near a box is to the eye
    0: (1, lambda boxes: boxes[:, 2] + boxes[:, 5]),  # top view: the higher the nearer
    1: (2, lambda boxes: -boxes[:, 1]),  # side view from the left wall (y = 0): the smaller y the nearer
}


def holding(rectangles, points):
    """Whether each of ``rectangles`` (x, y, w, h; columns) holds each point (rows), inside its edges."""
    x, y, w, h = (rectangles[:, k][None, :] for k in range(4))
    px, py = points[:, 0:1], points[:, 1:2]
    return (x < px) & (px < x + w) & (y < py) & (py < y + h)


@pytest.mark.parametrize("container, package", LAYOUTS)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_each_layout_view_shows_the_nearest_box_at_every_place(container, package, view):
    layout = pack_layout(container, package)
    axis, nearness = VIEWS[view]
    boxes = np.array(layout.placements(), dtype=float)
    projected = boxes[:, [0, axis, 3, 3 + axis]]
    figure = figures.layout_figure(layout)
    drawn = np.array([(p.get_x(), p.get_y(), p.get_width(), p.get_height())
                      for p in figure.axes[view].patches if p.get_fill()])
    # Points off every millimetre edge, about 40 mm apart over the whole view.
    xs = np.arange(0.5, layout.interior[0], 39.0)
    ys = np.arange(0.5, layout.interior[axis], 39.0)
    points = np.array([(x, y) for x in xs for y in ys])
    # What the figure shows at each point: the last rectangle drawn there.
    drawn_there = holding(drawn, points)
    shown = drawn_there.shape[1] - 1 - np.argmax(drawn_there[:, ::-1], axis=1)
    # What the eye sees there: of the boxes there, the nearest.
    there = holding(projected, points)
    nearest = np.argmax(np.where(there, nearness(boxes)[None, :], -np.inf), axis=1)
    filled = there.any(axis=1)
    assert np.array_equal(drawn_there.any(axis=1), filled)
    assert np.array_equal(drawn[shown[filled]], projected[nearest[filled]])
    figures._pyplot().close(figure)


@pytest.mark.parametrize("interior", ["5.9x2.35x2.39m", "12x2.35x2.6m", "40x2.3x1m", "2x2x6m"])
def test_layout_views_share_the_length_axis_line_up_and_both_number_it(interior):
    from estimator.packing import pack, parse_dimensions

    layout = pack(parse_dimensions(interior, "--interior"), (0.5, 0.4, 0.3), False)
    figure = figures.layout_figure(layout)
    figure.canvas.draw()
    top, side = figure.axes
    assert top.get_position().x0 == pytest.approx(side.get_position().x0, abs=1e-3)
    assert top.get_position().x1 == pytest.approx(side.get_position().x1, abs=1e-3)
    for axes in (top, side):
        assert any(label.get_visible() and label.get_text() for label in axes.get_xticklabels())
    figures._pyplot().close(figure)


def test_a_swept_count_or_share_has_no_unit_bracket_and_a_length_has_its_unit():
    from estimator.figures import _axis_label

    assert _axis_label({"name": "crate.items", "unit": "1"}) == "crate.items"
    assert _axis_label({"name": "load.fraction", "unit": "1"}) == "load.fraction"
    assert _axis_label({"name": "crate.length", "unit": "m"}) == "crate.length [m]"
