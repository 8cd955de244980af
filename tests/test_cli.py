"""The command line, through click's CliRunner: outputs, contracts and bad input."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli import cli
from cli_helpers import assert_one_line_error, run
from oracles import LAYOUT_RANGES, growing_with_the_crate

ROOT = Path(__file__).resolve().parents[1]


def test_estimate_json_contract():
    result = run("estimate", "--containers", "2000", "--munition", "152mm", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {(r["munition"], r["round"]) for r in data["results"]} == {
        ("152mm-shell", "projectile"), ("152mm-shell", "complete"),
    }
    for record in data["results"]:
        assert {"munition", "round", "container", "containers", "per_container", "total", "binding"} <= set(record)
        assert record["containers"] == 2000 and record["container"] == "20ft"
        assert record["per_container"]["low"] <= record["per_container"]["high"]
        assert record["total"]["low"] == 2000 * record["per_container"]["low"]
        assert {record["binding"]["low"], record["binding"]["high"]} <= {"mass", "space"}
        for key in ("per_container", "total"):
            stats = record[key]
            assert stats["low"] <= stats["p5"] <= stats["p50"] <= stats["p95"] <= stats["high"]
            assert stats["low"] <= stats["mean"] <= stats["high"]
        share = record["binding"]["share"]
        assert set(share) == {"mass", "space"} and abs(share["mass"] + share["space"] - 1) < 1e-9
        histogram = record["histogram"]
        assert len(histogram["edges"]) == len(histogram["counts"]) + 1
        assert sum(histogram["counts"]) == data["draws"]
    assert data["seed"] == 20231102


def test_same_seed_same_output_byte_for_byte_and_another_seed_differs():
    def out(command, seed):
        args = ["--containers", "2000"] if command == "estimate" else []
        result = run(command, *args, "--draws", "3000", "--seed", str(seed), "--format", "json")
        assert result.exit_code == 0, result.stderr
        return result.stdout

    for command in ("estimate", "check"):
        assert out(command, 7) == out(command, 7)
        assert out(command, 7) != out(command, 8)


def test_need_json_gives_containers_as_corners_and_ordered_percentiles():
    result = run("need", "--rounds", "1000000", "--munition", "152mm", "--draws", "2000", "--format", "json")
    assert result.exit_code == 0, result.stderr
    for record in json.loads(result.stdout)["results"]:
        c = record["containers"]
        assert c["low"] <= c["p5"] <= c["p50"] <= c["p95"] <= c["high"]
        assert record["rounds"] == 1_000_000 and sum(record["histogram"]["counts"]) == 2000


def test_monte_carlo_option_defaults_match_the_library():
    from estimator.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED

    params = {p.name: p.default for p in cli.commands["estimate"].params}
    assert (params["draws"], params["seed"]) == (DEFAULT_DRAWS, DEFAULT_SEED)


def test_sensitivity_draws_default_matches_the_library():
    # cli.py imports the library inside each command (start-up time, benchmarks/startup.py),
    # so it types the default again.
    from estimator.sensitivity import DEFAULT_DRAWS

    assert {p.name: p.default for p in cli.commands["sensitivity"].params}["draws"] == DEFAULT_DRAWS


def test_set_changes_the_answer_in_the_stated_direction():
    def high(*extra):
        out = run("estimate", "--containers", "1", "--munition", "152mm-shell", "--round", "projectile",
                  "--format", "json", *extra)
        assert out.exit_code == 0, out.stderr
        return json.loads(out.stdout)["results"][0]["per_container"]["high"]

    assert high("--set", "container.payload=20t") < high()
    assert high("--set", "container.payload=20t") == high("--set", "container.payload=44092.45 lb")


@pytest.mark.parametrize("args, named", [
    (("--set", "fleet.share=0.5", "--set", "fleet.share=0.6"), "--set fleet.share: given 2 times"),
    (("--set", "load.pallet=EUR", "--pallet", "EUR"), "--set load.pallet: given 2 times"),
    (("--set", "container.payload=26t...27t"), "a range takes two dots"),
    (("--per-container", "crate.gross_mass", "--per-container", "crate.gross_mass"),
     "--per-container crate.gross_mass: given 2 times"),
])
def test_a_setting_given_twice_or_a_range_of_three_dots_is_an_error(args, named):
    assert_one_line_error(run("estimate", "--containers", "1", "--draws", "1", *args), named)


def test_a_crate_setting_that_stands_for_several_munitions_crates_says_so_on_stderr():
    note = "note: --set crate.length sets that package of every munition here: 152mm-shell, 122mm-shell, 122mm-rocket"
    checked = run("check", "--draws", "1", "--set", "crate.length=1.2ft")
    assert checked.exit_code == 0 and note in checked.stderr
    swept = run("sweep", "--vary", "crate.gross_mass=60kg,80kg", "--munition", "122mm")
    assert "note: --vary crate.gross_mass sets that package of every munition here: 122mm-shell, 122mm-rocket" \
        in swept.stderr
    projectiles = run("check", "--draws", "1", "--round", "projectile", "--set", "crate.length=0.9m")
    assert "every munition here: 152mm-shell, 122mm-shell (" in projectiles.stderr  # the rocket has no projectile
    one = run("estimate", "--containers", "1", "--draws", "1", "--munition", "152mm-shell",
              "--set", "crate.length=1.2ft", "--set", "charge_crate.length=1m")
    assert one.exit_code == 0 and "note:" not in one.stderr


def test_pack_reads_a_munition_id_in_any_letter_case_like_the_model_commands():
    counts = [json.loads(run("pack", "--container", "20ft", "--munition", munition, "--format", "json").stdout)["count"]
              for munition in ("152mm-shell", "152MM-Shell")]
    assert counts[0] == counts[1] > 0


def test_calibre_selects_every_munition_of_it():
    result = run("estimate", "--containers", "10", "--munition", "122mm", "--format", "json")
    assert {r["munition"] for r in json.loads(result.stdout)["results"]} == {"122mm-shell", "122mm-rocket"}


def test_round_filter_keeps_one_definition():
    result = run("estimate", "--containers", "10", "--round", "projectile", "--format", "json")
    assert {r["round"] for r in json.loads(result.stdout)["results"]} == {"projectile"}


def test_csv_has_a_header_and_a_row_per_result():
    result = run("estimate", "--containers", "10", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("munition,round,container,containers,per_container_low")
    assert len(lines) == 1 + len(json.loads(run("estimate", "--containers", "10", "--format", "json").stdout)["results"])


def test_check_json_contract_and_yonhap_families():
    result = run("check", "--format", "json")
    assert result.exit_code == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    for record in claims:
        assert {"id", "munition", "round", "containers", "rounds", "implied_per_container", "model", "verdict"} <= set(record)
        assert record["verdict"] in {"below", "within", "above", "beyond"}
    yonhap = {(r["munition"], r["round"]) for r in claims if r["id"] == "yonhap-2023-11-02"}
    assert {("122mm-shell", "complete"), ("122mm-rocket", "complete"), ("152mm-shell", "projectile")} <= yonhap


def test_check_table_names_what_fits_and_why():
    result = run("check")
    assert result.exit_code == 0
    yonhap = result.stdout.split("\n\n")[0]
    assert "122mm-rocket" in yonhap and "122mm-shell" in yonhap
    assert re.search(r"fits: .*-bound", yonhap) or "fits no munition" in yonhap


def test_assumptions_lists_every_parameter_with_a_source():
    data = json.loads(run("assumptions", "--format", "json").stdout)["parameters"]
    names = {r["name"] for r in data}
    assert {"container.payload", "load.fraction", "load.dunnage_height", "crate.gross_mass", "charge_crate.items",
            "pallet.max_load_mass", "pallet.stack_load"} <= names
    assert {r["scope"] for r in data if r["name"].startswith("pallet.")} == {"463L", "EUR"}
    assert all(r["source"] or r["derived"] for r in data)


BAD_INPUTS = [
    (["estimate", "--containers", "0"], "'--containers'"),
    (["estimate", "--containers", "-5"], "-5"),
    (["estimate", "--containers", "abc"], "abc"),
    (["estimate", "--containers", "5", "--munition", "999mm"], "999mm"),
    (["estimate", "--containers", "5", "--container", "30ft"], "30ft"),
    (["estimate", "--containers", "5", "--set", "crate.colour=red"], "crate.colour"),
    (["estimate", "--containers", "5", "--set", "container.payload=5 m"], "5 m"),
    (["estimate", "--containers", "5", "--set", "container.payload=30t..20t"], "30t"),
    (["estimate", "--containers", "5", "--set", "container.payload=lots"], "lots"),
    (["estimate", "--containers", "5", "--set", "container.payload=26 tons"], "26 tons"),
    (["estimate", "--containers", "5", "--set", "load.fraction=1.5"], "1.5"),
    (["estimate", "--containers", "5", "--set", "crate.items=1.5"], "1.5"),
    (["estimate", "--containers", "5", "--set", "crate.gross_mass=-3kg"], "-3kg"),
    (["estimate", "--containers", "5", "--set", "payload"], "payload"),
    (["estimate", "--containers", "5", "--format", "xml"], "xml"),
    (["check", "--set", "container.payload=0t"], "0t"),
    (["estimate", "--containers", "5", "--draws", "0"], "'--draws'"),
    (["check", "--seed", "-1"], "-1"),
    (["need", "--rounds", "0"], "'--rounds'"),
    (["need", "--rounds", "1000", "--munition", "999mm"], "999mm"),
    (["need", "--rounds", "1000", "--set", "crate.gross_mass=5 m"], "5 m"),
    (["pack", "--container", "20ft", "--package", "2.5x2.5x2.5m"], "2.5 x 2.5 x 2.5 m"),
    (["pack", "--container", "20ft", "--package", "1x1x2.3m", "--upright"], "upright"),
    (["pack", "--interior", "5x2x2m", "--package", "0.7x0.4"], "0.7x0.4"),
    (["pack", "--interior", "5x2x2kg", "--package", "0.7x0.4x0.3m"], "5x2x2kg"),
    (["pack", "--interior", "5x2x2m", "--container", "20ft", "--package", "0.7x0.4x0.3m"], "--interior"),
    (["pack", "--interior", "5x2x2m", "--package", "1e30x0.4x0.3m"], "1e30x0.4x0.3m"),  # hung: int64 overflow
    (["pack", "--interior", "5x2x2m", "--package", "0.7x0.4x0.3m", "--assumptions", "no-such.toml"], "no-such.toml"),
    (["pack", "--interior", "5x2x2m", "--package", "0.7x0.4x0.3m", "--mass", "60kg"], "--mass '60kg'"),
    (["pack", "--interior", "1e30x1e30x1e30m", "--package", "1e30x1e30x1e30m"], "1e30x1e30x1e30m"),
]


@pytest.mark.parametrize("args, bad_value", BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_naming_the_value(args, bad_value):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert bad_value in lines[0]
    assert "Traceback" not in result.stderr


# Every command that takes --draws, with its other required options, and the cap on --draws
# (measured: NOTES.md, "Hardening (issue 7)"). Typed again here, so that a changed cap is a
# deliberate change to this test too.
DRAWS_CAPS = [
    (["estimate", "--containers", "5"], 10**8),
    (["check"], 10**8),
    (["need", "--rounds", "1000"], 10**8),
    (["sweep", "--vary", "container.payload=18t..30t"], 10**6),
    (["sensitivity"], 2**15),
]


def test_every_command_with_draws_caps_them():
    taking_draws = {name for name, command in cli.commands.items() if "draws" in {p.name for p in command.params}}
    assert taking_draws == {args[0] for args, _ in DRAWS_CAPS}


@pytest.mark.parametrize("args, cap", DRAWS_CAPS, ids=lambda a: a[0] if isinstance(a, list) else str(a))
@pytest.mark.parametrize("above", [1, 10**11], ids=["cap+1", "1e11"])
def test_draws_above_the_cap_are_one_line_naming_value_and_cap(args, cap, above, monkeypatch):
    # --draws 100000000000 ran for minutes and grew to 2.8 GB before it was stopped.
    import estimator.catalog

    def never(*args, **kwargs):
        raise AssertionError("the command ran although --draws was above the cap")

    monkeypatch.setattr(estimator.catalog, "load_catalog", never)  # every command with --draws loads it first
    draws = cap + above
    result = run(*args, "--draws", str(draws))
    assert_one_line_error(result, "'--draws'", str(draws), f"<={cap}")


@pytest.mark.parametrize("args, cap", DRAWS_CAPS, ids=lambda a: a[0] if isinstance(a, list) else str(a))
def test_draws_at_the_cap_are_accepted(args, cap):
    # Parsed only (click runs every option's check, not the command): the cap itself takes minutes.
    command = cli.commands[args[0]]
    context = command.make_context(args[0], [*args[1:], "--draws", str(cap)])
    assert context.params["draws"] == cap


PACK_TEXT_OPTIONS = ("--container", "--interior", "--package", "--munition", "--crate", "--pallet", "--mass")


@pytest.mark.parametrize("blank", ["", "  "])
@pytest.mark.parametrize("option", PACK_TEXT_OPTIONS)
def test_pack_refuses_an_empty_value_in_one_line_naming_the_option(option, blank):
    # An empty value read as the option left out: --package "" fell through to a TypeError.
    given = {"--container": "20ft", "--package": "1x1x1m", option: blank}
    if option == "--interior":
        del given["--container"]
    result = run("pack", *[part for pair in given.items() for part in pair])
    assert_one_line_error(result, f"{option} {blank!r}: expected ")


@pytest.mark.parametrize("option, expected", [("--pallet", "a pallet type"), ("--per-container", "a parameter name")])
def test_an_empty_name_is_refused_naming_the_option(option, expected):
    assert_one_line_error(run("estimate", "--containers", "1", option, ""), f"{option} '': expected {expected}")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"estimator {command}" in result.stdout
    assert f"estimator {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_version():
    from estimator import __version__

    assert run("--version").stdout.strip().endswith(__version__)


def heavy_modules_after(*args):
    """Run the CLI in a fresh interpreter and list which heavy modules it imported."""
    code = (
        f"import sys; sys.argv = ['estimator', *{list(args)!r}]\n"
        "import cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'pint', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def test_help_imports_neither_numpy_nor_pint_nor_scipy():
    assert heavy_modules_after("--help") == "[]"


def test_estimate_does_not_import_scipy():
    assert heavy_modules_after("estimate", "--containers", "5", "--draws", "100") == "['numpy', 'pint']"


def test_check_and_need_import_scipy_only_to_explain():
    assert heavy_modules_after("check", "--draws", "100") == "['numpy', 'pint']"
    assert heavy_modules_after("need", "--rounds", "1000", "--draws", "100") == "['numpy', 'pint']"
    assert heavy_modules_after("check", "--draws", "100", "--explain") == "['numpy', 'pint', 'scipy']"


def test_need_rounds_limit_is_the_catalogs():
    from cli import MAX_ROUNDS
    from estimator import catalog

    assert MAX_ROUNDS == catalog.MAX_ROUNDS
    assert run("need", "--rounds", str(MAX_ROUNDS + 1)).exit_code == 2


def test_pack_json_contract_and_units():
    metres = json.loads(run("pack", "--interior", "4.9x2.8x1m", "--package", "0.75x0.40x0.35m",
                            "--format", "json").stdout)
    centimetres = json.loads(run("pack", "--interior", "490x280x100cm", "--package", "75x40x35cm",
                                 "--format", "json").stdout)
    assert metres == centimetres
    assert {"count", "bound", "volume_bound", "gap", "utilisation", "blocks"} <= set(metres)
    assert metres["count"] == sum(block["count"] for block in metres["blocks"])
    assert metres["count"] <= metres["bound"] <= metres["volume_bound"]


@pytest.mark.parametrize("package", ["0.5x0.4x0.3m", "0.75x0.40x0.35m", "0.875x0.25x0.25m", "0.3x0.25x0.2m"])
def test_pack_table_rows_join_equal_blocks_end_to_end_and_hold_every_block(package):
    args = ("pack", "--container", "40ft", "--package", package)
    record = json.loads(run(*args, "--format", "json").stdout)
    lines = run(*args).stdout.split("\n\n")[0].splitlines()[2:]
    # Columns: blocks, from, length, left, width, footprint, vertical, base, layers, per layer, boxes.
    rows = [[cell.replace(",", "") for cell in re.split(r"\s{2,}", line.strip())] for line in lines]
    assert sum(int(row[-1]) for row in rows) == record["count"]
    assert sum(int(row[0]) for row in rows) == len(record["blocks"]) > len(rows)  # some rows join blocks
    listed = []
    for blocks, start, length, left, width, footprint, vertical, base, layers, per_layer, boxes in rows:
        each = int(length.split(" x ")[-1])
        assert length == (str(each) if blocks == "1" else f"{blocks} x {each}")
        for k in range(int(blocks)):
            listed.append((int(start) + k * each, each, int(left), int(width), footprint, int(vertical), int(base),
                           int(layers), int(per_layer), int(boxes) // int(blocks)))
    assert sorted(listed) == sorted(
        (b["start_mm"], b["length_mm"], b["left_mm"], b["width_mm"], "x".join(map(str, b["footprint_mm"])),
         b["vertical_mm"], b["base_mm"], b["layers"], b["per_layer"], b["count"]) for b in record["blocks"])


def test_pack_upright_and_layer_cap_never_fit_more():
    def count(*extra):
        out = run("pack", "--container", "20ft", "--package", "0.75x0.40x0.35m", "--format", "json", *extra)
        return json.loads(out.stdout)["count"]

    free = count()
    assert count("--upright") <= free
    assert count("--upright", "--max-layers", "2") <= count("--upright")
    assert all(block["layers"] <= 2 for block in json.loads(run(
        "pack", "--container", "20ft", "--package", "0.75x0.40x0.35m", "--max-layers", "2",
        "--format", "json").stdout)["blocks"])


def test_pack_plot_writes_an_image(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "layout.png"
    result = run("pack", "--interior", "5.9x2.35x2.39m", "--package", "0.75x0.40x0.35m", "--plot", str(target))
    assert result.exit_code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pack_without_plot_imports_no_matplotlib_nor_scipy():
    code = (
        "import sys; sys.argv = ['estimator', 'pack', '--interior', '3x2x2m', '--package', '1x1x1m']\n"
        "import cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('matplotlib', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_searched_pack_does_not_import_the_programme_solver():
    # 0.75 x 0.40 x 0.35 m in 20ft: the L-approach searches a few floor cells (about 600
    # steps), too few to pay for importing scipy.optimize (pallet_loading.programme_pays).
    code = (
        "import sys; sys.argv = ['estimator', 'pack', '--container', '20ft', '--package', '0.75x0.40x0.35m']\n"
        "import cli\n"
        "from estimator import pallet_loading\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(pallet_loading._SEARCHED['steps'] > 0, 'scipy.optimize' in sys.modules)"
    )
    env = {**os.environ, "ESTIMATOR_NO_CACHE": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True False"


def test_module_entry_point_finds_the_root_cli_in_a_source_checkout(tmp_path):
    """An editable install puts only the project root on sys.path: no estimator/cli.py."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "estimator", "--version"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("estimator, version")


def test_layout_ranges_print_without_error_where_a_larger_crate_holds_more(monkeypatch):
    # Was: per container high..low and a traceback (an empty histogram) in the table.
    import estimator.model

    monkeypatch.setattr(estimator.model, "layout_counts", growing_with_the_crate)
    settings = [arg for value in LAYOUT_RANGES for arg in ("--set", value)]
    result = run("estimate", "--containers", "2000", "--munition", "152mm-shell", "--round", "projectile",
                 "--draws", "500", *settings)
    assert result.exit_code == 0
    assert "210..214" in result.stdout and "corners and draws, layouts" in result.stdout


@pytest.mark.parametrize("args, option", [
    (["estimate", "--containers", "1", "--set", "foo=1m"], "--set"),
    (["estimate", "--containers", "1", "--set", "payload=26t"], "--set"),
    (["sweep", "--vary", "foo=1..2"], "--vary"),
    (["sweep", "--vary", "foo=1,2"], "--vary"),
])
def test_an_unknown_name_without_a_dot_is_an_unknown_parameter_not_bad_syntax(args, option):
    name = args[-1].partition("=")[0]
    # The same message as a dotted unknown name: the name, then the names there are.
    assert_one_line_error(run(*args), f"{option} {name}: unknown parameter; expected one of ", "container.payload")


@pytest.mark.parametrize("args, typed", [
    (["estimate", "--containers", "1", "--set", "crate.items=1.5"], "got '1.5'"),
    (["estimate", "--containers", "1", "--set", "crate.items=1..1.5"], "got '1..1.5'"),
    (["sweep", "--vary", "crate.items=1,1.5"], "got '1.5'"),
])
def test_a_count_that_is_not_whole_is_shown_as_typed(args, typed):
    result = run(*args)
    assert_one_line_error(result, "expected a whole number", typed)
    assert "'..'" not in result.stderr


def pack_csv_and_json(*args):
    """The rows of ``pack --format csv`` (header and records) and the JSON record."""
    import csv

    text = run("pack", *args, "--format", "csv").stdout
    return text.splitlines()[0], list(csv.DictReader(text.splitlines())), json.loads(
        run("pack", *args, "--format", "json").stdout)


def test_pack_csv_joins_a_footprint_with_a_space_as_every_csv_joins_lists():
    _, rows, record = pack_csv_and_json("--container", "40ft-hc", "--package", "1.2x0.8x0.9m")
    assert len(rows) == len(record["blocks"]) > 1
    for row, block in zip(rows, record["blocks"]):
        assert row["footprint_mm"] == " ".join(str(side) for side in block["footprint_mm"])
        assert int(row["count"]) == block["count"] and int(row["count_total"]) == record["count"]


def test_pack_csv_of_nothing_fitting_still_has_its_header_row():
    header, _, _ = pack_csv_and_json("--interior", "5x2x2m", "--package", "1x1x1m")
    empty_header, rows, record = pack_csv_and_json("--interior", "1x1x1m", "--package", "0.9x0.9x1.1m", "--upright")
    assert record["count"] == 0 and rows == []
    assert empty_header == header


def test_a_door_error_never_shows_the_door_outside_its_sourced_range():
    from estimator.catalog import load_catalog

    numbers = load_catalog().container("20ft").numbers
    sides = [arg for side in ("length", "width", "height") for arg in ("--set", f"crate.{side}=3m")]
    result = run("estimate", "--containers", "1", "--munition", "152mm", *sides)
    assert_one_line_error(result, "cannot pass the door of 20ft at its largest")
    width, height = map(float, re.search(r"at its largest \(([\d.]+) x ([\d.]+) m", result.stderr).groups())
    assert numbers["door_width"].low <= width <= numbers["door_width"].high
    assert numbers["door_height"].low <= height <= numbers["door_height"].high


def layout_records(command, *args):
    """The JSON records of ``command`` with ``--set load.packing=layout`` (152 mm projectile)."""
    given = ["--munition", "152mm-shell", "--round", "projectile", "--set", "load.packing=layout", "--format", "json"]
    result = run(command, *given, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["results"]


def crate_sides(length, width, height):
    return ["--set", f"crate.length={length}", "--set", f"crate.width={width}", "--set", f"crate.height={height}"]


# The 20ft usable interior is about 32 m^3; layouts are made where at most 5,000 crates
# fit by volume (packing.LAYOUT_LIMIT), so crates of 1 dm^3 (32,000) get the grid.
@pytest.mark.parametrize("sides, packing", [
    (crate_sides("0.5m", "0.4m", "0.3m"), "layout"),  # about 540 by volume
    (crate_sides("0.1m", "0.1m", "0.1m"), "grid"),  # about 32,000
    (crate_sides("0.1..0.5m", "0.1..0.4m", "0.1..0.3m"), "mixed"),  # the corners either side
])
def test_layout_packing_is_reported_only_where_the_layouts_were_made(sides, packing):
    records = layout_records("estimate", "--containers", "1", "--draws", "1", *sides)
    assert [record["packing"] for record in records] == [packing]


def test_a_sweep_reports_at_each_point_whether_the_layouts_were_made():
    records = layout_records("sweep", "--vary", "crate.length=0.1m,1m", *crate_sides("0.1m", "0.1m", "0.1m")[2:])
    assert [(record["point"]["crate.length"], record["packing"]) for record in records] == [(0.1, "grid"),
                                                                                            (1.0, "layout")]


def test_pack_says_why_nothing_fits_when_no_orientation_does():
    result = run("pack", "--container", "20ft", "--package", "6x0.5x0.5m")
    assert result.exit_code == 0
    assert "0 packages; bound 0" in result.stdout and "in no orientation" in result.stdout
    fitting = run("pack", "--container", "20ft", "--package", "1.2x0.8x0.9m")
    assert "in no orientation" not in fitting.stdout


def test_a_scenario_gets_the_same_draws_whichever_scenarios_run_with_it():
    # Was: 152mm complete p95 295 in the full estimate, 298 alone (one generator shared in turn).
    def records(*args):
        result = run("estimate", "--containers", "2000", "--draws", "2000", "--format", "json", *args)
        assert result.exit_code == 0, result.stderr
        return {(r["munition"], r["round"]): r for r in json.loads(result.stdout)["results"]}

    every, alone = records(), records("--munition", "152mm-shell", "--round", "complete")
    key = ("152mm-shell", "complete")
    assert set(alone) == {key} and len(every) > 1
    assert every[key]["per_container"] == alone[key]["per_container"]
    assert every[key]["total"] == alone[key]["total"]


def test_pack_reads_foot_and_inch_marks_as_a_person_types_them():
    counts = {text: json.loads(run("pack", "--container", "20ft", "--package", text, "--format", "json").stdout)["count"]
              for text in ('48"x40"x36"', '48x40x36"', "4'x3.5'x3'", "48x40x36in")}
    assert len(set(counts.values())) == 1 and counts["48x40x36in"] > 0


def test_pack_refuses_a_floor_far_wider_than_a_container_in_one_line():
    # 18.7 m wide: 3,650 crates by volume, but the floor tables ran out of memory.
    result = run("pack", "--interior", "5.9x18.7x2.39m", "--package", "0.73x0.43x0.23m")
    assert_one_line_error(result, "package 0.73 x 0.43 x 0.23 m: more than 1,200 squares of its smallest side",
                          "expected a smallest side of at least 0.303 m")
    assert run("pack", "--interior", "5.9x2.33x2.39m", "--package", "0.73x0.43x0.23m").exit_code == 0
