"""Sweeps: the vectorised grid against a per-point oracle, --vary parsing, the command."""

import json
import os

import numpy as np
import pytest
from hypothesis import given, strategies as st

import cli as cli_module
from cli_helpers import run
import strategies as phys
from cli import cli
from estimator.errors import InputError
from estimator.intervals import interval
from estimator.output import write_atomic
from estimator.parameters import Override, apply_overrides, build_scenario
from estimator.sweep import Axis, grid_points, parse_axes, parse_axis
from estimator.uncertainty import sample_values

CATALOG = phys.CATALOG


@st.composite
def scenario_and_axes(draw):
    """A scenario and one or two numeric axes over parameters the count uses."""
    scenario = draw(st.sampled_from(phys.SCENARIOS))
    used = sorted(name for name, p in scenario.parameters.items() if p.effect != 0 and name != "fleet.containers")
    names = draw(st.lists(st.sampled_from(used), min_size=1, max_size=2, unique=True))
    axes = []
    for name in names:
        values = draw(st.lists(phys.value_strategy(name), min_size=1, max_size=4))
        axes.append(Axis(name, tuple(float(v) for v in values), "SI"))
    return scenario, axes


@given(scenario_and_axes())
def test_grid_point_equals_the_interval_with_the_parameters_fixed(case):
    """Slow, obvious oracle: fix each point's values with an override and call interval()."""
    scenario, axes = case
    points = grid_points(scenario, axes)
    assert len(points) == np.prod([len(a.values) for a in axes])
    for point in points:
        fixed = apply_overrides(scenario, [Override(name, v, v) for name, v in point.point.items()])
        got = point.interval
        try:
            expected = interval(fixed)
        except InputError as error:
            # A point whose package cannot pass the door is part of the swept range that
            # cannot pass: it counts 0 (README, container.door_width), not an error.
            assert "door" in str(error)
            assert got.per_container == got.rounds_by_space == (0, 0)
            continue
        assert (got.per_container, got.total, got.binding, got.rounds_by_mass, got.rounds_by_space) == (
            expected.per_container, expected.total, expected.binding, expected.rounds_by_mass,
            expected.rounds_by_space)


def test_points_run_over_the_first_axis_outermost():
    scenario = phys.SCENARIOS[0]
    axes = [Axis("container.payload", (20_000.0, 25_000.0), "kg"), Axis("load.fraction", (0.8, 0.9, 1.0), "1")]
    order = [tuple(p.point.values()) for p in grid_points(scenario, axes)]
    assert order == [(a, b) for a in (20_000.0, 25_000.0) for b in (0.8, 0.9, 1.0)]


# --- parsing ---------------------------------------------------------------------------


def test_range_takes_any_unit_and_mixed_units():
    axis = parse_axis("container.payload=18000kg..30t:3", CATALOG)
    assert axis.values == (18_000.0, 24_000.0, 30_000.0) and axis.unit == "kg"
    assert parse_axis("crate.length=3ft..4ft:2", CATALOG).values == pytest.approx((0.9144, 1.2192))


def test_range_defaults_to_eleven_steps_and_counts_to_every_whole_number():
    assert len(parse_axis("load.fraction=0.5..1", CATALOG).values) == 11
    assert parse_axis("crate.items=1..4", CATALOG).values == (1.0, 2.0, 3.0, 4.0)
    assert parse_axis("crate.items=1..9:3", CATALOG).values == (1.0, 5.0, 9.0)


def test_list_of_values_and_of_container_types():
    assert parse_axis("crate.gross_mass=60kg,0.07t", CATALOG).values == pytest.approx((60.0, 70.0))
    axis = parse_axis("container=20ft,40ft", CATALOG)
    assert axis.categorical and axis.values == ("20ft", "40ft")


def test_an_optional_field_is_swept_as_estimate_sets_it():
    swept = json.loads(run("sweep", "--vary", "crate.max_layers=2,4", "--munition", "152mm-shell", "--round",
                           "projectile", "--format", "json").stdout)["results"]
    for record in swept:
        layers = int(record["point"]["crate.max_layers"])
        alone = json.loads(run("estimate", "--containers", "1", "--draws", "1", "--munition", "152mm-shell",
                               "--round", "projectile", "--set", f"crate.max_layers={layers}",
                               "--format", "json").stdout)["results"][0]
        assert record["by_space"] == alone["by_space"]
    assert swept[0]["by_space"] != swept[1]["by_space"]  # two layers hold fewer than four


def test_list_axes_take_container_ids_in_any_case_as_the_catalog_spells_them():
    assert parse_axis("container=20FT,40ft-HC", CATALOG).values == ("20ft", "40ft-hc")


@pytest.mark.parametrize("text, named", [
    ("container=20ft,20FT", "'20FT' is the same as '20ft'"),
    ("crate.gross_mass=60kg,60000g", "'60000g' is the same as '60kg'"),
    ("load.fraction=0.5,1,0.5", "'0.5' is the same as '0.5'"),
])
def test_a_value_listed_twice_is_refused_as_it_would_repeat_a_row(text, named):
    with pytest.raises(InputError, match="give each value once") as error:
        parse_axis(text, CATALOG)
    assert named in str(error.value)


@pytest.mark.parametrize("text, named", [
    ("container.payload=18t..30t:1", ":1"), ("container.payload=18t..30t:x", "'x'"),
    ("container.payload=26t", "26t"), ("container=20ft,99ft", "99ft"), ("container=20ft", "20ft"),
    ("crate.colour=1..2", "crate.colour"), ("container.payload=30t..18t", "30t"),
    ("load.fraction=0.5,2", "2"), ("container.payload=18t..30t:5000", "5000"),
])
def test_bad_vary_names_the_value(text, named):
    with pytest.raises(InputError, match="--vary") as error:
        parse_axis(text, CATALOG)
    assert named in str(error.value)


def test_axes_refuse_three_a_repeat_and_a_clash_with_set():
    with pytest.raises(InputError, match="one or two"):
        parse_axes(["load.fraction=0.5..1"] * 3, CATALOG, [])
    with pytest.raises(InputError, match="twice"):
        parse_axes(["load.fraction=0.5..1", "load.fraction=0.6..1"], CATALOG, [])
    with pytest.raises(InputError, match="--set load.fraction"):
        parse_axes(["load.fraction=0.5..1"], CATALOG, [Override("load.fraction", 0.9, 0.9)])


# --- the command ---------------------------------------------------------------------------


def sweep_json(*args):
    result = run("sweep", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def estimate_json(record, payload, draws):
    return json.loads(run("estimate", "--containers", str(record["containers"]), "--munition", record["munition"],
                          "--round", record["round"], "--set", f"container.payload={payload}kg",
                          "--draws", str(draws), "--format", "json").stdout)["results"][0]


def test_each_point_has_the_corners_of_estimate_with_that_value():
    data = sweep_json("--vary", "container.payload=20t..28t:3", "--containers", "2000", "--munition", "152mm")
    assert len(data["results"]) == 2 * 3
    for record in data["results"]:
        estimate = estimate_json(record, record["point"]["container.payload"], draws=10)
        assert record.keys() - {"point"} <= estimate.keys()
        for key, value in record.items():
            if isinstance(value, dict) and key != "point":
                assert value == {corner: estimate[key][corner] for corner in ("low", "high")}
            elif key != "point":
                assert value == estimate[key]


def test_drawn_percentiles_agree_with_estimate_at_that_value():
    """Same sampler, other draws: the medians agree within the draws' noise."""
    draws = 20_000
    data = sweep_json("--vary", "container.payload=22t,28t", "--munition", "152mm-shell", "--round", "complete",
                      "--draws", str(draws))
    assert data["draws"] == draws and data["seed"] == 20231102
    for record in data["results"]:
        estimate = estimate_json(record, record["point"]["container.payload"], draws)["per_container"]
        spread = record["per_container"]["p95"] - record["per_container"]["p5"]
        for p in ("p5", "p50", "p95"):
            assert abs(record["per_container"][p] - estimate[p]) <= 0.03 * spread


def test_container_list_gives_rows_for_each_container_type():
    data = sweep_json("--vary", "container=20ft,40ft-hc", "--vary", "load.fraction=0.8..1:3",
                      "--munition", "122mm-rocket")
    assert [(r["container"], r["point"]["load.fraction"]) for r in data["results"]] == [
        (c, f) for c in ("20ft", "40ft-hc") for f in (0.8, 0.9, 1.0)]
    assert data["vary"][0] == {"name": "container", "unit": "", "values": ["20ft", "40ft-hc"], "categorical": True}


def test_scenarios_without_the_swept_parameter_are_left_out():
    data = sweep_json("--vary", "charge_crate.gross_mass=40..60kg:3")
    assert {(r["munition"], r["round"]) for r in data["results"]} == {("152mm-shell", "complete")}


def test_csv_is_long_format_one_row_per_point():
    result = run("sweep", "--vary", "container.payload=20t..28t:5", "--vary", "load.fraction=0.8..1:3",
                 "--munition", "152mm-shell", "--round", "projectile", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("munition,round,container,containers,point_container.payload,point_load.fraction,"
                               "per_container_low")
    assert len(lines) == 1 + 5 * 3


def test_output_file_holds_what_stdout_would(tmp_path):
    target = tmp_path / "sweep.csv"
    args = ["sweep", "--vary", "load.fraction=0.8..1:3", "--format", "csv"]
    written = run(*args, "--output", str(target))
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text() == run(*args).stdout


def test_ctrl_c_stops_cleanly_and_leaves_no_file(tmp_path, monkeypatch):
    import estimator.sweep

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(estimator.sweep, "run_sweep", interrupted)
    target = tmp_path / "sweep.csv"
    result = run("sweep", "--vary", "load.fraction=0.8..1", "--output", str(target))
    assert result.exit_code == 130
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


BAD = [
    (["sweep", "--vary", "container.payload=26t"], "26t"),
    (["sweep", "--vary", "container.payload=18t..30t:0"], ":0"),
    (["sweep", "--vary", "container=20ft,50ft"], "50ft"),
    (["sweep", "--vary", "crate.colour=1..2"], "crate.colour"),
    (["sweep", "--vary", "load.fraction=0.5..1", "--set", "load.fraction=0.9"], "load.fraction"),
    (["sweep", "--vary", "load.fraction=0.5..1", "--output", "/no/such/folder/x.csv"], "/no/such/folder"),
    (["sweep", "--vary", "load.fraction=0.5..1", "--plot", "figure.jpg"], "figure.jpg"),
    (["sweep", "--vary", "charge_crate.items=1..2", "--munition", "122mm"], "charge_crate.items"),
]


@pytest.mark.parametrize("args, bad_value", BAD)
def test_bad_sweep_input_is_one_line_exit_2(args, bad_value):
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and bad_value in lines[0]


# --- atomic writing and progress ----------------------------------------------------------


def test_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]


def test_written_file_gets_the_usual_permissions(tmp_path):
    write_atomic(tmp_path / "out.txt", "text")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o666 & ~mask


class FakeTerminal:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(cli_module.sys, "stderr", terminal)
    with cli_module.progress(4, quiet=True, label="sweep") as update:
        assert update is None
    with cli_module.progress(4, quiet=False, label="sweep") as update:
        for _ in range(4):
            update(1)
    assert "sweep" in terminal.text and "100%" in terminal.text
    monkeypatch.setattr(terminal, "isatty", lambda: False)
    with cli_module.progress(4, quiet=False, label="sweep") as update:
        assert update is None


# --- drawn values --------------------------------------------------------------------------


def drawn_values(scenario, draws, seed):
    return sample_values(scenario, draws, np.random.default_rng(seed))


@pytest.mark.parametrize("chunk", [10**6, 50])
def test_grid_percentiles_match_a_point_by_point_oracle(monkeypatch, chunk):
    import estimator.sweep
    from estimator.model import evaluate, fleet_total

    monkeypatch.setattr(estimator.sweep, "CHUNK_ELEMENTS", chunk)  # 50: one row per chunk
    scenario = build_scenario(CATALOG, "20ft", "152mm-shell", "complete", 10)
    axes = [Axis("container.payload", (20_000.0, 24_000.0, 28_000.0), "kg"), Axis("crate.length", (0.8, 0.9), "m")]
    drawn = drawn_values(scenario, 40, seed=3)
    calls = []
    got = estimator.sweep.grid_percentiles(scenario, axes, drawn, calls.append)
    assert got["total"].shape == (3, 3, 2) and len(calls) == (1 if chunk > 10**3 else 3)
    for i, payload in enumerate(axes[0].values):
        for j, length in enumerate(axes[1].values):
            values = {**drawn, "container.payload": np.full(40, payload), "crate.length": np.full(40, length)}
            rounds = evaluate(values, scenario).rounds
            totals = fleet_total(values["fleet.containers"], values["fleet.share"], rounds)
            for key, draws in (("per_container", rounds), ("total", totals)):
                # inverted_cdf: the smallest drawn value with at least q of the draws at or below it
                ordered = np.sort(draws)
                expected = [ordered[int(np.ceil(q / 100 * 40)) - 1] for q in (5, 50, 95)]
                assert list(got[key][:, i, j]) == expected


@pytest.mark.parametrize("varies", [["container.payload=20t..28t:5"], ["container=20ft,40ft"],
                                    ["container=20ft,40ft", "crate.gross_mass=50kg..80kg:3"]])
def test_drawn_percentiles_lie_between_the_corners(varies, monkeypatch):
    import estimator.sweep
    from estimator.render import sweep_records
    from estimator.sweep import progress_steps, run_sweep

    axes = parse_axes(varies, CATALOG, [])
    scenarios = phys.swept_scenarios(axes, "152mm", containers=100)
    steps = []
    points = run_sweep(scenarios, axes, steps.append, sample_values, 200, np.random.default_rng(0))
    assert sum(steps) == len(steps) >= len(scenarios)
    for record in sweep_records(points):
        for key in ("per_container", "total"):
            r = record[key]
            # The count is monotone in every parameter, so no draw leaves the corners.
            assert r["low"] <= r["p5"] <= r["p50"] <= r["p95"] <= r["high"]
    monkeypatch.setattr(estimator.sweep, "LONG_SWEEP", 0)  # every sweep long: the bar's length is exact
    assert progress_steps(scenarios, axes, 200) == len(steps)


def test_seed_defaults_match_the_monte_carlo():
    from estimator.uncertainty import DEFAULT_SEED

    for command in ("sweep", "sensitivity"):
        assert {p.name: p.default for p in cli.commands[command].params}["seed"] == DEFAULT_SEED
