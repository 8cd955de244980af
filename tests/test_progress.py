"""Word of slow packing searches: the library's hook (estimator/progress.py), the status
line it feeds, and the command line, which shows it on a terminal only."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from click.testing import CliRunner

import cli as cli_module
from estimator import fastspace, progress
from estimator.progress import StatusLine, reporting

# A few draws of a layout run: cold, it solves a dozen searches in under a second.
LAYOUT_RUN = ["estimate", "--containers", "1", "--munition", "122mm-shell", "--round", "projectile",
              "--set", "load.packing=layout", "--draws", "10", "--format", "json"]
# Sizes whose layout beats the grid, so layout_counts solves profiles. [m]
INTERIOR_M, CRATE_M = (5.9, 2.35, 2.39), (0.75, 0.4, 0.35)


def screen(text: str) -> tuple[str, int]:
    """What a terminal line shows after ``text`` (characters and carriage returns), and
    where its cursor stands: the oracle for the status line's rewrites."""
    shown, column = [], 0
    for character in text:
        if character == "\r":
            column = 0
            continue
        assert character != "\n", "a status line never starts a new line"
        shown[column:column + 1] = [character]
        column += 1
    return "".join(shown), column


def heard(calls: list):
    return lambda: calls.append(1)


# --- the hook --------------------------------------------------------------------------------


def test_each_new_search_is_heard_once_inside_reporting_and_never_outside():
    fastspace.clear_profiles()
    calls = []
    with reporting(heard(calls)):
        kept = fastspace.profiles_kept()
        fastspace.layout_counts(INTERIOR_M, CRATE_M, upright=False)
        solved = fastspace.profiles_kept() - kept
        assert solved > 0 and len(calls) == solved
        fastspace.layout_counts(INTERIOR_M, CRATE_M, upright=False)  # every profile kept: nothing new
        fastspace.stored_count(("test-progress", 1), lambda: 7)
        fastspace.stored_count(("test-progress", 1), lambda: 7)
    assert len(calls) == solved + 1
    fastspace.stored_count(("test-progress", 2), lambda: 7)  # solved after the block: not heard
    assert len(calls) == solved + 1
    fastspace.clear_profiles()


def test_each_batch_announces_exactly_the_searches_it_then_solves():
    fastspace.clear_profiles()
    calls, announced = [], []
    with reporting(heard(calls), announced.append):
        fastspace.layout_counts(INTERIOR_M, CRATE_M, upright=False)
        assert len(announced) == 1 and announced[0] == len(calls) > 0
        fastspace.layout_counts(INTERIOR_M, CRATE_M, upright=False)  # every profile kept: nothing announced
        sides = np.array([0.70, 0.75, 0.80])  # one kept, two new
        fastspace.layout_counts(INTERIOR_M, (sides, 0.4, 0.35), upright=False)
    assert announced[1:] == [len(calls) - announced[0]] and announced[1] > 0
    fastspace.clear_profiles()


def test_status_line_shows_the_searches_announced_and_the_time_left_at_the_pace_so_far():
    clock = FakeClock()
    status = StatusLine(io.StringIO(), clock, width=200)
    status.expect(1200)
    for _ in range(300):
        status.searched()
    assert status.text(90.0) == "solving packing searches: 300 of 1,200, 1 min 30 s, about 4 min 30 s left"
    status.expect(100)  # a second batch announced
    assert status.text(90.0).startswith("solving packing searches: 300 of 1,300,")
    for _ in range(1001):  # more than announced (searches of a path that announces none)
        status.searched()
    assert status.text(90.0) == "solving packing searches: 1,301 so far, 1 min 30 s"


def test_searches_read_from_the_cache_file_are_not_heard(monkeypatch, tmp_path):
    monkeypatch.delenv(fastspace.CACHE_OFF_VARIABLE)
    monkeypatch.setenv(fastspace.CACHE_DIR_VARIABLE, str(tmp_path))
    fastspace.clear_profiles()
    calls = []
    with reporting(heard(calls)):
        fastspace.layout_counts(INTERIOR_M, CRATE_M, upright=False)
        assert calls
        calls.clear()
        fastspace.clear_profiles()  # a new process: the profiles come from the file
        fastspace.layout_counts(INTERIOR_M, CRATE_M, upright=False)
    assert calls == [] and fastspace.profiles_kept() > 0
    fastspace.clear_profiles()


def test_inner_reporting_hides_the_outer_one_until_it_ends_also_on_an_error():
    outer, inner = [], []
    with reporting(heard(outer)):
        with pytest.raises(RuntimeError), reporting(heard(inner)):
            progress.searched()
            raise RuntimeError
        progress.searched()
    progress.searched()
    assert (len(outer), len(inner)) == (1, 1)


# --- the status line -------------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class StampedStream(io.StringIO):
    """Records the clock at every write, to check the throttle."""

    def __init__(self, clock):
        super().__init__()
        self.clock, self.times = clock, []

    def write(self, text):
        self.times.append(self.clock())
        return super().write(text)


def test_status_line_writes_nothing_before_the_delay():
    clock = FakeClock()
    stream = io.StringIO()
    status = StatusLine(stream, clock, delay_s=1.0)
    clock.now = 5.0  # the delay runs from the first search, not from the line's creation
    for step in range(10):
        clock.now = 5.0 + 0.099 * step
        status.searched()
    status.close()
    assert stream.getvalue() == ""


def test_status_line_rewrites_at_most_once_an_interval_and_shows_the_count():
    clock = FakeClock()
    stream = StampedStream(clock)
    status = StatusLine(stream, clock, delay_s=1.0, interval_s=0.25)
    for step in range(193):  # 3 s of searches, 64 a second (binary fractions: exact times)
        clock.now = step / 64
        status.searched()
    gaps = [later - earlier for earlier, later in zip(stream.times, stream.times[1:])]
    assert stream.times[0] == 1.0 and min(gaps) >= 0.25
    assert len(stream.times) == 9  # at 1.0, 1.25, ... 3.0 s: throttled, yet it keeps up
    shown, _ = screen(stream.getvalue())
    assert shown.rstrip() == "solving packing searches: 193 so far, 3 s"


def test_status_line_ends_erased_with_the_cursor_at_the_start():
    clock = FakeClock()
    stream = io.StringIO()
    status = StatusLine(stream, clock, delay_s=0.0, interval_s=0.0, note=" (a long note to be overwritten)")
    status.searched()
    status.note = ""  # a shorter line after a longer one leaves no tail
    status.searched()
    assert screen(stream.getvalue())[0].rstrip() == "solving packing searches: 2 so far, 0 s"
    status.close()
    assert screen(stream.getvalue()) == (" " * len("solving packing searches: 1 so far, 0 s (a long note to be "
                                                    "overwritten)"), 0)


def test_status_line_never_outgrows_the_width():
    clock = FakeClock()
    stream = io.StringIO()
    status = StatusLine(stream, clock, delay_s=0.0, interval_s=0.0, width=20, note=" (note)")
    for _ in range(3):
        status.searched()
    assert max(len(part) for part in stream.getvalue().split("\r")) <= 20


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def eager_status(monkeypatch):
    """A status line with no delay, so that a short cold run would show it."""
    class Eager(StatusLine):
        def __init__(self, stream, **options):
            super().__init__(stream, **{**options, "delay_s": 0.0})

    monkeypatch.setattr(progress, "StatusLine", Eager)
    fastspace.clear_profiles()
    yield
    fastspace.clear_profiles()


def test_command_prints_nothing_extra_when_stderr_is_not_a_terminal(eager_status):
    calls = []
    with reporting(heard(calls)):  # the run's own listener, if any, hides this one
        result = CliRunner().invoke(cli_module.cli, LAYOUT_RUN)
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and calls  # searched, silently
    assert result.stdout.startswith("{")


def test_status_line_on_a_terminal_is_erased_before_the_result(eager_status, monkeypatch):
    plain = CliRunner().invoke(cli_module.cli, LAYOUT_RUN)
    fastspace.clear_profiles()
    monkeypatch.setattr(cli_module, "_stderr_is_terminal", lambda: True)
    result = CliRunner().invoke(cli_module.cli, LAYOUT_RUN)
    assert result.exit_code == 0, result.output
    assert "solving packing searches: " in result.stderr
    shown, column = screen(result.stderr)
    assert shown.strip() == "" and column == 0
    assert result.stdout == plain.stdout


def test_status_line_is_erased_when_the_command_fails(eager_status, monkeypatch):
    terminal = io.StringIO()
    monkeypatch.setattr(cli_module.sys, "stderr", terminal)
    monkeypatch.setattr(cli_module, "_stderr_is_terminal", lambda: True)
    with pytest.raises(RuntimeError), cli_module.search_status():
        progress.searched()
        raise RuntimeError
    assert "solving packing searches: 1 so far" in terminal.getvalue()
    assert screen(terminal.getvalue()) == (" " * len(terminal.getvalue().split("\r")[1]), 0)


def test_status_line_fits_the_terminal_of_stderr_when_stdout_is_redirected(eager_status, monkeypatch):
    # stdout to a file, stderr on a terminal 30 columns wide: shutil.get_terminal_size
    # asks stdout and falls back to 80 columns, so the line would wrap.
    class Terminal(io.StringIO):
        def fileno(self):
            return 2

    def terminal_size(fd=1):
        if fd != 2:
            raise OSError("not a terminal")
        return os.terminal_size((30, 24))

    terminal = Terminal()
    monkeypatch.setattr(cli_module.sys, "stderr", terminal)
    monkeypatch.setattr(cli_module, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(os, "get_terminal_size", terminal_size)
    monkeypatch.delenv("COLUMNS", raising=False)
    with cli_module.search_status():
        progress.searched()
    written = terminal.getvalue().split("\r")
    assert any(part.startswith("solving packing") for part in written)
    assert max(len(part) for part in written) <= 29


@pytest.mark.parametrize("quiet", [False, True])
def test_one_step_sweep_shows_the_status_line_instead_of_a_bar_unless_quiet(eager_status, monkeypatch, quiet):
    terminal = io.StringIO()
    monkeypatch.setattr(cli_module.sys, "stderr", terminal)
    monkeypatch.setattr(cli_module, "_stderr_is_terminal", lambda: True)
    with cli_module.progress(1, quiet=quiet, label="sensitivity") as update:
        assert update is None
        progress.searched()
    assert ("solving packing searches: 1 so far" in terminal.getvalue()) != quiet
    assert screen(terminal.getvalue())[0].strip() == ""


@pytest.mark.parametrize("elapsed_s, shown", [(0.4, "0 s"), (59.9, "59 s"), (60.0, "1 min 00 s"), (313.7, "5 min 13 s")])
def test_status_line_counts_whole_seconds_then_minutes(elapsed_s, shown):
    clock = FakeClock()
    status = StatusLine(io.StringIO(), clock)
    assert status.text(elapsed_s) == f"solving packing searches: 0 so far, {shown}"
