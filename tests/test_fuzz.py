"""Fuzzing: generated command lines and generated assumption files never crash the tool.

CliRunner runs with ``catch_exceptions=False``, so any traceback fails the test. Example
counts are fixed here (not by the profile) so that CI time stays bounded; NOTES.md states
them.
"""

import json
import math
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cli import cli
from estimator.catalog import load_catalog
from estimator.parameters import parameter_kinds
from strategies import ODD_TEXT, assumption_file, command_line, set_text, well_formed_set

DATA = Path(__file__).parent / "data"
COMMAND_LINES = 300
# Monte Carlo draws for the fuzzed commands: the draws are not what is fuzzed here, and
# 100,000 per scenario (the default) would make the fuzzing ten times slower.
FUZZ_DRAWS = ["--draws", "200"]
WELL_FORMED_LINES = 150
ASSUMPTION_FILES = 200
CATALOG = load_catalog()

# Paths for --assumptions and --claims: the whole corpus, good and bad, and odd ones.
GOOD_PATHS = st.sampled_from(sorted(str(p) for p in (DATA / "good").iterdir()))
DATA_PATHS = st.one_of(
    GOOD_PATHS,
    st.sampled_from(sorted(str(p) for p in DATA.rglob("*") if p.suffix == ".toml" or p.is_dir())),
    st.sampled_from(["", "no/such/file.toml", str(DATA)]),
    ODD_TEXT,
)
MUNITIONS = sorted(CATALOG.munitions) + sorted({m.calibre for m in CATALOG.munitions.values()}) + ["any", "ANY", "122 mm"]


def option_values(option):
    """Values for the options whose click type is plain text."""
    return {
        "settings": set_text(parameter_kinds(CATALOG)),
        "munitions": st.one_of(st.sampled_from(MUNITIONS), ODD_TEXT),
        "container_id": st.one_of(st.sampled_from(sorted(CATALOG.containers)), ODD_TEXT),
        "assumption_paths": DATA_PATHS,
        "claim_paths": DATA_PATHS,
        # Never a writable file: writing is tested in test_output.py.
        "output": st.sampled_from(["-", "", ".", "no/such/folder/out.txt"]),
        "draws": st.one_of(st.integers(-2, 300).map(str), ODD_TEXT),
        "per_container": st.one_of(st.sampled_from(sorted(parameter_kinds(CATALOG))), ODD_TEXT),
    }.get(option.name)


def assert_clean_exit(result):
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert result.stdout == ""


@settings(max_examples=COMMAND_LINES, suppress_health_check=[HealthCheck.too_slow])
@given(command_line(cli, option_values))
@example(["estimate", "--containers", "1" + "0" * 30])
@example(["estimate", "--containers", "999999999999", "--set", "crate.length=1e-300 m"])
@example(["estimate", "--containers", "5", "--set", "container.payload=1e300kg"])
@example(["estimate", "--containers", "5", "--set", "crate.items=1e30"])
@example(["estimate", "--containers", "5", "--set", "crate.gross_mass=1e-320 kg"])
@example(["estimate", "--containers", "5", "--set", "container.payload=٣t"])
@example(["check", "--set", "container.interior_length=1e300m"])
@example(["check", "--assumptions", ""])
@example(["assumptions", "--claims", "\x00"])
@example(["check", "--output", "a\x00b"])
@example(["pack", "--container", "20ft", "--package", ""])
def test_generated_command_line_exits_0_or_2_never_a_traceback(args):
    if args and args[0] in cli.commands and "--draws" not in args:
        if any(p.name == "draws" for p in cli.commands[args[0]].params):
            args = args + FUZZ_DRAWS
    assert_clean_exit(CliRunner().invoke(cli, args, catch_exceptions=False))


@settings(max_examples=WELL_FORMED_LINES, suppress_health_check=[HealthCheck.too_slow])
@given(containers=st.one_of(st.integers(1, 10_000), st.integers(1, 10**12)),
       settings_=st.lists(well_formed_set(parameter_kinds(CATALOG)), max_size=3))
@example(containers=10**12, settings_=["crate.length=1e-30m", "crate.width=1e-30m"])
@example(containers=1, settings_=["container.payload=1e30t", "container.interior_length=1e30m"])
def test_well_formed_extreme_values_give_ordered_ranges_or_one_line(containers, settings_):
    args = ["estimate", "--containers", str(containers), "--format", "json", *FUZZ_DRAWS]
    result = CliRunner().invoke(cli, args + [a for s in settings_ for a in ("--set", s)], catch_exceptions=False)
    assert_clean_exit(result)
    for record in json.loads(result.stdout)["results"] if result.exit_code == 0 else []:
        for key in ("per_container", "total", "by_mass", "by_space"):
            assert 0 <= record[key]["low"] <= record[key]["high"], key


def passes_door_somehow(si, upright):
    """The test's own door rule: the smallest crate passes the largest door end-on, two of
    its sides (width and height, either way round about the vertical, if upright) within
    the opening."""
    sides = [si[f"package.{s}"][0] for s in ("length", "width", "height")]
    door_width, door_height = si["container.door_width"][1], si["container.door_height"][1]
    if upright:
        return min(sides[:2]) <= door_width and sides[2] <= door_height
    return any(sides[a] <= door_width and sides[b] <= door_height for a in range(3) for b in range(3) if a != b)


def crates(rounds, items):
    return math.ceil(rounds / items)


def assert_model_invariants(record, si, loading):
    """Low <= high everywhere; neither corner carries more than its payload or interior."""
    for key in ("per_container", "total", "by_mass", "by_space"):
        assert 0 <= record[key]["low"] <= record[key]["high"], key
    fraction = si.get("load.fraction", loading["load.fraction"])
    clearance = si.get("load.clearance", loading["load.clearance"])
    for corner, optimistic in (("low", 0), ("high", 1)):
        pessimistic = 1 - optimistic
        rounds = record["per_container"][corner]
        n = crates(rounds, si["package.items"][optimistic])
        usable_kg = si["container.payload"][optimistic] * fraction[optimistic]
        assert n * si["package.gross_mass"][pessimistic] <= usable_kg * (1 + 1e-9), f"over mass at {corner}"
        interior = math.prod(max(si[f"container.interior_{s}"][optimistic] - clearance[pessimistic], 0.0)
                             for s in ("length", "width", "height"))
        box = math.prod(si[f"package.{s}"][pessimistic] for s in ("length", "width", "height"))
        assert n * box <= interior * (1 + 1e-9), f"over volume at {corner}"


@settings(max_examples=ASSUMPTION_FILES, suppress_health_check=[HealthCheck.too_slow])
@given(assumption_file())
def test_generated_assumption_file_is_loaded_within_invariants_or_refused_in_one_line(generated):
    content, expected, si = generated
    if expected == "valid" and not passes_door_somehow(si, b"upright = true" in content):
        expected = "door"
    loading = {name: (n.low, n.high) for name, n in CATALOG.loading.items()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_bytes(content)
        result = CliRunner().invoke(
            cli, ["estimate", "--containers", "3", "--container", "fuzz-box", "--munition", "fuzz-shell",
                  "--assumptions", str(path), "--format", "json", *FUZZ_DRAWS], catch_exceptions=False)
    assert_clean_exit(result)
    if expected == "valid":
        assert result.exit_code == 0, result.stderr
    if expected == "invalid":
        assert result.exit_code == 2, content.decode("utf-8", "replace")
    if expected == "door":
        assert result.exit_code == 2 and "cannot pass the door of fuzz-box" in result.stderr, result.stderr
        return
    if result.exit_code == 2:
        assert "generated.toml" in result.stderr
        return
    (record,) = json.loads(result.stdout)["results"]
    assert_model_invariants(record, si, loading)
