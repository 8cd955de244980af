"""Outputs: --output writes whole or not at all (errors and interrupts included), a closed
pipe ends quietly, and the same inputs give the same bytes."""

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import estimator.output
import estimator.render
from cli_helpers import assert_one_line_error, run
from estimator.errors import InputError
from estimator.output import write_atomic

ROOT = Path(__file__).resolve().parents[1]
OLD = "old content, must survive\n"
DATA_COMMANDS = [
    ["estimate", "--containers", "2000"],
    ["check"],
    ["assumptions"],
]


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text(OLD, encoding="utf-8")
    return path


def assert_untouched(target):
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name], "a temporary file was left"


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
def test_output_file_holds_exactly_what_stdout_shows(tmp_path, command, fmt):
    shown = run(*command, "--format", fmt)
    assert shown.exit_code == 0
    path = tmp_path / f"out.{fmt}"
    written = run(*command, "--format", fmt, "--output", str(path))
    assert written.exit_code == 0 and written.stdout == ""
    assert path.read_text(encoding="utf-8") == shown.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_bad_input_leaves_the_target_untouched(target):
    result = run("estimate", "--containers", "5", "--set", "container.payload=lots", "--output", str(target))
    assert result.exit_code == 2 and "lots" in result.stderr
    assert_untouched(target)


def test_interrupt_while_computing_leaves_the_target_untouched(target, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(estimator.render, "render_check", interrupted)
    result = run("check", "--output", str(target))
    assert result.exit_code == 130
    assert_untouched(target)


def test_interrupt_while_writing_leaves_the_target_untouched(target, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt  # after the text went into the temporary file

    monkeypatch.setattr(estimator.output.os, "fsync", interrupted)
    result = run("check", "--format", "json", "--output", str(target))
    assert result.exit_code == 130
    assert_untouched(target)


def test_failed_rename_is_one_line_and_leaves_no_temporary(target, monkeypatch):
    def refused(source, destination):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(estimator.output.os, "replace", refused)
    result = run("assumptions", "--output", str(target))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: --output {target}: cannot write (Permission denied)"
    assert_untouched(target)


@pytest.mark.parametrize("bad, problem", [("missing-folder/out.txt", "does not exist"), (".", "is a folder"),
                                          ("", "expected a file name")])
def test_unusable_output_path_is_refused_before_any_work(tmp_path, monkeypatch, bad, problem):
    def never(*args, **kwargs):
        raise AssertionError("the model ran although --output was unusable")

    monkeypatch.setattr(estimator.render, "render_estimate", never)
    path = str(tmp_path / bad) if bad else bad
    result = run("estimate", "--containers", "5", "--output", path)
    assert result.exit_code == 2 and problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_dash_means_standard_output():
    assert run("assumptions", "--output", "-").stdout == run("assumptions").stdout


def test_replacing_a_file_keeps_its_permissions(target):
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "new\n"


def test_new_file_gets_the_permissions_the_umask_gives(tmp_path):
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_a_symbolic_link_keeps_pointing_at_the_new_content(target):
    link = target.parent / "link.txt"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_write_into_a_missing_folder_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.txt", "x")
    assert list(tmp_path.iterdir()) == []


# --- --output and --plot naming one file ----------------------------------------------

# Every command with both --output and --plot, with options that make it quick.
PLOT_COMMANDS = [
    ["check", "--draws", "200"],
    ["sweep", "--vary", "container.payload=18t..30t:3", "--munition", "152mm-shell", "--round", "projectile"],
    ["sensitivity", "--munition", "152mm-shell", "--round", "projectile", "--draws", "64", "--quiet"],
    ["pack", "--container", "20ft", "--package", "0.75x0.40x0.35m"],
    ["pack", "--container", "20ft", "--munition", "152mm-shell", "--round", "complete"],
]


def test_every_command_with_plot_is_checked_for_one_file():
    from cli import cli

    with_plot = {name for name, command in cli.commands.items()
                 if {"output", "plot_path"} <= {p.name for p in command.params}}
    assert with_plot == {c[0] for c in PLOT_COMMANDS}


@pytest.mark.parametrize("command", PLOT_COMMANDS, ids=lambda c: " ".join(c[:1] + c[-2:]))
def test_output_and_plot_naming_one_file_is_one_line_and_writes_nothing(tmp_path, command):
    same = str(tmp_path / "same.svg")
    result = run(*command, "-o", same, "--plot", same)
    assert_one_line_error(result, f"--plot {same}", f"--output {same}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("spell", [
    lambda folder: (str(folder / "a.svg"), str(folder / "sub" / ".." / "a.svg")),  # one path, two spellings
    lambda folder: (str(folder / "link.svg"), str(folder / "a.svg")),  # a link to the other
    lambda folder: (str(folder / "hard.svg"), str(folder / "a.svg")),  # a hard link: one file, two names
], ids=["dotdot", "symlink", "hardlink"])
@pytest.mark.parametrize("plot_first", [False, True], ids=["output-first", "plot-first"])
def test_output_and_plot_on_one_file_by_other_names_is_refused(tmp_path, spell, plot_first):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.svg").write_text(OLD)
    (tmp_path / "link.svg").symlink_to(tmp_path / "a.svg")
    os.link(tmp_path / "a.svg", tmp_path / "hard.svg")
    output, plot = spell(tmp_path)
    options = ["--plot", plot, "-o", output] if plot_first else ["-o", output, "--plot", plot]
    result = run("pack", "--container", "20ft", "--package", "0.75x0.40x0.35m", *options)
    assert_one_line_error(result, f"--plot {plot}", f"--output {output}")
    assert (tmp_path / "a.svg").read_text() == OLD


def test_output_and_plot_on_two_files_both_written(tmp_path):
    pytest.importorskip("matplotlib")
    result = run("pack", "--container", "20ft", "--package", "0.75x0.40x0.35m",
                 "-o", str(tmp_path / "a.txt"), "--plot", str(tmp_path / "a.svg"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.svg", "a.txt"]


def test_plot_into_the_file_standard_output_goes_to_is_refused(tmp_path):
    shown = tmp_path / "shown.svg"
    with open(shown, "w") as stdout:
        process = subprocess.run(
            [sys.executable, "cli.py", "pack", "--container", "20ft", "--package", "0.75x0.40x0.35m",
             "--plot", str(shown)], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=60)
    assert process.returncode == 2
    assert process.stderr == f"Error: --plot {shown}: the same file as standard output; expected another file\n"
    assert shown.read_text() == ""


# --- devices and FIFOs: written straight to, never replaced -------------------------

READ_FIFO = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"


def read_fifo_while(path, write):
    """Run ``write()`` while a child process reads the FIFO ``path``; return what it read.

    A child, not a thread: if ``write`` replaced the FIFO instead of writing to it, the
    reader would wait for a writer for ever, and a child can be killed."""
    reader = subprocess.Popen([sys.executable, "-c", READ_FIFO, str(path)], stdout=subprocess.PIPE)
    try:
        result = write()
        read, _ = reader.communicate(timeout=30)
    finally:
        reader.kill()
    return result, read


def private_device(folder, name, minor):
    """A character device of the memory driver (1, minor) inside ``folder``: a private copy
    of /dev/null (minor 3) or /dev/full (minor 7), so the system's own are never touched."""
    path = folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here ({error})")
    return path


def test_output_into_a_fifo_reaches_its_reader_and_the_fifo_stays(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    result, read = read_fifo_while(fifo, lambda: run("assumptions", "--format", "csv", "-o", str(fifo)))
    assert result.exit_code == 0 and result.stdout == ""
    assert read.decode("utf-8") == run("assumptions", "--format", "csv").stdout
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == [fifo.name], "a temporary file was left"


def test_plot_into_a_fifo_reaches_its_reader(tmp_path):
    pytest.importorskip("matplotlib")
    fifo = tmp_path / "figure.svg"
    os.mkfifo(fifo)
    result, read = read_fifo_while(fifo, lambda: run("check", "--draws", "200", "--plot", str(fifo)))
    assert result.exit_code == 0, result.stderr
    assert read.startswith(b"<?xml") and read.rstrip().endswith(b"</svg>")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_through_a_link_to_a_fifo_writes_into_the_fifo(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    _, read = read_fifo_while(fifo, lambda: estimator.output.write_output(link, "a,b\n"))
    assert read == b"a,b\n"
    assert link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_into_a_character_device_keeps_the_device(tmp_path):
    device = private_device(tmp_path, "mynull", minor=3)
    result = run("assumptions", "-o", str(device))
    assert result.exit_code == 0 and result.stdout == ""
    assert stat.S_ISCHR(device.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == [device.name], "a temporary file was left"


def test_full_device_as_output_is_one_line_exit_2(tmp_path):
    device = private_device(tmp_path, "myfull", minor=7)
    result = run("assumptions", "-o", str(device))
    assert_one_line_error(result, f"--output {device}: cannot write (No space left on device)")
    assert stat.S_ISCHR(device.stat().st_mode)


def test_atomic_write_refuses_to_replace_a_fifo(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(fifo, "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == [fifo.name]


def test_dev_stdout_into_a_pipe_writes_into_the_pipe():
    process = subprocess.run([sys.executable, "cli.py", "assumptions", "--format", "csv", "-o", "/dev/stdout"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert process.stderr == "" and process.returncode == 0
    assert process.stdout == run("assumptions", "--format", "csv").stdout


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_dev_stdout_appended_to_a_log_keeps_the_log(tmp_path, name):
    """``-o /dev/stdout >> log``: the output joins the log; the log is not replaced."""
    if not os.path.exists(name):
        pytest.skip(f"{name} does not exist here")
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with open(log, "a") as appended:
        process = subprocess.run([sys.executable, "cli.py", "assumptions", "--format", "csv", "-o", name],
                                 cwd=ROOT, stdout=appended, stderr=subprocess.PIPE, text=True, timeout=60)
    assert process.returncode == 0 and process.stderr == ""
    assert log.read_text() == "earlier line\n" + run("assumptions", "--format", "csv").stdout


# --- real processes ------------------------------------------------------------------

SLOW_WRITE = """
import sys, time
import estimator.output as output
real_fsync = output.os.fsync
def slow_fsync(fd):
    print("writing", flush=True)  # the temporary file exists and holds the text
    time.sleep(60)
output.os.fsync = slow_fsync
sys.argv = ["estimator", *sys.argv[1:]]
import cli
cli.main()
"""


def test_sigint_mid_write_leaves_the_target_untouched_and_no_temporary(target):
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, "check", "--format", "json", "--output", str(target)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().strip() == "writing"
        temporaries = [p for p in target.parent.iterdir() if p != target]
        assert len(temporaries) == 1 and temporaries[0].stat().st_size > 0
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert_untouched(target)


def test_closed_pipe_ends_quietly():
    process = subprocess.Popen([sys.executable, "cli.py", "check"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the first write
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert stderr == b""
    assert process.returncode == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_on_standard_output_is_one_line_exit_2():
    with open("/dev/full", "w") as full:
        process = subprocess.run([sys.executable, "cli.py", "check"], cwd=ROOT, stdout=full,
                                 stderr=subprocess.PIPE, text=True, timeout=60)
    assert process.returncode == 2
    assert process.stderr == "Error: cannot write the output (No space left on device)\n"


def test_pipe_into_head_prints_the_first_line_and_nothing_else():
    shell = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} cli.py assumptions --format json | head -1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert shell.stdout == "{\n"
    assert shell.stderr == ""


@pytest.mark.parametrize("command, first_line", [
    ("check", "yonhap-2023-11-02: "),  # 6 kB: written whole into the pipe before head leaves
    # About 550 kB in one write, more than a pipe holds: head leaves mid-write.
    ("sweep --vary container.payload=20t..28t:30 --vary load.fraction=0.8..1:30 --format csv --quiet",
     "munition,round,container,"),
], ids=["small", "larger than the pipe"])
def test_pipe_into_head_exits_0_under_pipefail_as_the_readme_says(command, first_line):
    # The README: a reader that leaves once the output began (head -1) gives exit code 0;
    # only a pipe closed before the first write gives 1 (test_closed_pipe_ends_quietly).
    shell = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} cli.py {command} | head -1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert (shell.returncode, shell.stderr) == (0, "")
    assert shell.stdout.startswith(first_line) and shell.stdout.count("\n") == 1


@pytest.mark.parametrize("reader, exit_code", [("head -1", 0), ("true", 1)])
def test_dev_stdout_into_a_pipe_whose_reader_leaves_ends_as_standard_output_does(reader, exit_code):
    command = "sweep --vary container.payload=20t..28t:30 --vary load.fraction=0.8..1:30 --format csv --quiet"
    shell = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} cli.py {command} -o /dev/stdout | {reader}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert (shell.returncode, shell.stderr) == (exit_code, "")


def fresh_process_output(args, hash_seed):
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, env=env, capture_output=True,
                          check=True, timeout=120).stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("command", [["estimate", "--containers", "2000", "--set", "load.fraction=0.9..1"], ["check"]],
                         ids=lambda c: c[0])
def test_same_inputs_give_byte_identical_output_in_fresh_processes(command, fmt):
    # Different hash seeds change the order of any set or dict built from strings.
    first, second = (fresh_process_output([*command, "--format", fmt], seed) for seed in (1, 2))
    assert first == second and len(first) > 100


def test_json_names_version_seed_and_the_digest_of_every_file_used():
    import hashlib

    from estimator import __version__
    from estimator.catalog import builtin_dir

    data = json.loads(run("check", "--format", "json", "--draws", "500", "--seed", "7").stdout)
    assert data["version"] == __version__
    assert data["seed"] == 7 and data["draws"] == 500
    assert json.loads(run("assumptions", "--format", "json").stdout)["seed"] is None  # draws nothing
    files = {f["file"]: f["sha256"] for f in data["assumption_files"]}
    assert set(files) == {"containers.toml", "munitions.toml", "loading.toml", "pallets.toml", "claims.toml"}
    for name, digest in files.items():
        assert hashlib.sha256((builtin_dir() / name).read_bytes()).hexdigest() == digest
    lines = "".join(f"{f['role']} {f['sha256']}\n" for f in data["assumption_files"])
    assert data["assumptions_sha256"] == hashlib.sha256(lines.encode()).hexdigest()


def test_pack_table_joins_only_equal_blocks_that_meet_end_to_end():
    from estimator.render import _repeated_blocks

    def block(start, base=0, per_layer=3):
        return {"start_mm": start, "length_mm": 350, "left_mm": 0, "width_mm": 2300, "footprint_mm": [350, 750],
                "vertical_mm": 400, "base_mm": base, "layers": 4, "per_layer": per_layer, "count": 4 * per_layer}

    blocks = [block(0), block(350, base=750), block(350), block(700), block(1400), block(1750, per_layer=2)]
    runs = [[(b["start_mm"], b["base_mm"]) for b in run] for run in _repeated_blocks(blocks)]
    # A gap (1,050 to 1,400) and a different count each start a run; tiers come bottom up.
    assert runs == [[(0, 0), (350, 0), (700, 0)], [(1400, 0)], [(1750, 0)], [(350, 750)]]
