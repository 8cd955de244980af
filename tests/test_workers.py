"""New layout profiles solved in forked workers (fastspace.workers): the same counts as in
one process, whole families per worker, a failed worker's share solved here, and the
setting's checks (library and command line)."""

import functools
import json
import multiprocessing
import os

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

import cli as cli_module
from estimator import fastspace, pallet_loading
from estimator.errors import InputError
from estimator.fastspace import kit_rounds, layout_counts
from estimator.packing import count_by_length, grid_count

pytestmark = pytest.mark.skipif(not os.sys.platform.startswith("linux"), reason="workers fork on Linux only")

# 300 draws of a long crate in a small interior: 49 profiles, each a few milliseconds,
# every count above the grid (so a profile lost or mixed up on its way back shows).
INTERIOR = (2.4, 1.0, 1.0)
SIDES = ((0.60, 0.65), (0.23, 0.27), (0.23, 0.27))


def _boxes(draws=300, seed=1):
    rng = np.random.default_rng(seed)
    return tuple(rng.uniform(low, high, draws) for low, high in SIDES)


@pytest.fixture(autouse=True)
def one_process_after(monkeypatch):
    monkeypatch.delenv(fastspace.WORKERS_VARIABLE, raising=False)
    yield
    fastspace.use_workers(None)


def _cold(function, processes):
    fastspace.use_workers(processes)
    fastspace.clear_profiles()
    pallet_loading.clear_floor_tables()
    count_by_length.cache_clear()
    return function()


def test_profiles_solved_in_workers_equal_those_solved_here():
    box = _boxes()
    alone = _cold(lambda: layout_counts(INTERIOR, box, False), 1)
    squares_alone, kept_alone = pallet_loading.square_tables_kept(), fastspace.profiles_kept()
    together = _cold(lambda: layout_counts(INTERIOR, box, False), 2)
    assert (alone > grid_count(INTERIOR, box, False)).all()
    assert together.tolist() == alone.tolist()
    assert fastspace.profiles_kept() == kept_alone >= fastspace.PARALLEL_AFTER
    # The worker built the floor tables of its share: this process did not.
    assert pallet_loading.square_tables_kept() < squares_alone


def test_a_kits_profiles_solved_in_workers_equal_those_solved_here():
    first, second = _boxes(120, 2), _boxes(120, 3)
    kit = lambda: kit_rounds(INTERIOR, [first, second], [False, False], [2, 3], [1, 1])  # noqa: E731
    assert _cold(kit, 3).tolist() == _cold(kit, 1).tolist()


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_failed_worker_leaves_its_share_to_this_process(monkeypatch, failure):
    box = _boxes()
    alone = _cold(lambda: layout_counts(INTERIOR, box, False), 1)
    parent = os.getpid()
    solved_here = []

    def solve(*args):
        if os.getpid() != parent:
            if failure == "dies":
                os._exit(3)
            raise MemoryError("a worker ran out of memory")
        solved_here.append(args)
        return count_by_length.__wrapped__(*args)

    monkeypatch.setattr(fastspace, "count_by_length", functools.lru_cache(solve))  # fastspace calls __wrapped__
    assert _cold(lambda: layout_counts(INTERIOR, box, False), 2).tolist() == alone.tolist()
    assert len(solved_here) == fastspace.profiles_kept()  # every profile, the worker's share too


def test_a_process_that_cannot_fork_solves_every_profile_itself(monkeypatch):
    box = _boxes()
    alone = _cold(lambda: layout_counts(INTERIOR, box, False), 1)

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # as under a limit on processes

    monkeypatch.setattr(os, "fork", no_fork)
    assert _cold(lambda: layout_counts(INTERIOR, box, False), 2).tolist() == alone.tolist()


def test_a_daemonic_process_solves_every_profile_itself():
    # A multiprocessing.Pool's workers are daemonic and may not start processes: one
    # that counts layouts with workers chosen (ESTIMATOR_WORKERS inherited) forks none.
    box = _boxes()
    alone = _cold(lambda: layout_counts(INTERIOR, box, False), 1)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def in_a_pool():
        try:
            send.send(_cold(lambda: layout_counts(INTERIOR, box, False), 2).tolist())
        except BaseException as error:
            send.send(repr(error))

    daemon = context.Process(target=in_a_pool, daemon=True)
    daemon.start()
    assert receive.recv() == alone.tolist()
    daemon.join()


def test_a_failure_here_ends_the_busy_workers_at_once(monkeypatch):
    # Their work is no longer wanted: this process does not wait for them to finish it
    # (a SIGINT sent to it alone took a second a worker to end the command).
    import time

    parent = os.getpid()

    def solve(*args):
        if os.getpid() != parent:
            time.sleep(600)
        raise MemoryError("this process ran out of memory")

    monkeypatch.setattr(fastspace, "count_by_length", functools.lru_cache(solve))
    start = time.monotonic()
    with pytest.raises(MemoryError):
        _cold(lambda: layout_counts(INTERIOR, _boxes(), False), 3)
    assert time.monotonic() - start < 1.5  # each worker was given a second before (2 s here)
    assert not multiprocessing.active_children()


def test_a_worker_whose_parent_stopped_listening_ends_quietly():
    # The parent closes its end when it fails or is interrupted; the worker's answer
    # then has nowhere to go, which must not end in a traceback on the terminal.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    receive.close()
    fastspace._worker([[0, 1]], context.Value("i", 0), lambda g: np.zeros(10**5), send)


# A parent whose workers stay busy (they sleep) until it is killed outright.
KILLED_PARENT = """
import functools, os, sys, time
from estimator import fastspace
from estimator.packing import count_by_length
sys.path.insert(0, {tests!r})
from test_workers import INTERIOR, _boxes

parent = os.getpid()

def solve(*args):
    if os.getpid() != parent:
        with open({path!r}, "a") as file:
            file.write(f"{{os.getpid()}}\\n")
        time.sleep(600)
    return count_by_length.__wrapped__(*args)

fastspace.count_by_length = functools.lru_cache(solve)
fastspace.use_workers(2)
fastspace.layout_counts(INTERIOR, _boxes(), False)
"""


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie waits for its reaper)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_end_when_their_parent_is_killed(tmp_path):
    # Killed outright (SIGKILL, or SIGTERM, which Python does not catch), the parent runs
    # no cleanup; a worker left behind would go on solving, and hold the parent's
    # standard output open, so that a shell's $(estimator ...) would wait for it.
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "workers"
    script = KILLED_PARENT.format(tests=os.path.dirname(__file__), path=str(path))
    parent = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ, ESTIMATOR_NO_CACHE="1"))
    try:
        while not (path.exists() and path.read_text().endswith("\n")):
            assert parent.poll() is None, "the parent ended before its worker solved"
            time.sleep(0.05)
        worker = int(path.read_text().split()[0])
        parent.kill()
        parent.wait()
        for _ in range(200):  # up to 10 s; a worker left behind sleeps 600 s
            if not _running(worker):
                break
            time.sleep(0.05)
        assert not _running(worker)
    finally:
        parent.kill()
        for pid in path.read_text().split() if path.exists() else []:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_fewer_new_profiles_than_worth_a_worker_are_solved_here(monkeypatch):
    forks = []
    monkeypatch.setattr(fastspace, "_solve_in_processes", lambda *args: forks.append(args) or {})
    box = tuple(side[: 1] for side in _boxes())
    _cold(lambda: layout_counts(INTERIOR, box, False), 2)
    assert not forks
    _cold(lambda: layout_counts(INTERIOR, _boxes(), False), 2)
    assert len(forks) == 1


@given(st.lists(st.integers(0, 10**6), unique=True, max_size=60), st.integers(1, 7))
def test_families_are_whole_in_order_and_largest_first(items, modulus):
    family = lambda item: item % modulus  # noqa: E731
    families = fastspace._families(items, family)
    assert sorted(sum(families, [])) == sorted(items)
    for members in families:
        assert len({family(item) for item in members}) == 1
        assert members == [item for item in items if family(item) == family(members[0])]  # whole, in order
    assert [len(m) for m in families] == sorted((len(m) for m in families), reverse=True)


@pytest.mark.parametrize("processes, chosen", [(2, "coarse"), (3, "fine")])
def test_finer_families_where_the_coarse_ones_are_too_few_for_the_processes(processes, chosen):
    items = list(range(48))
    coarse, fine = (lambda g: g % 8), (lambda g: g % 24)  # noqa: E731
    families = fastspace._chosen_families(items, [coarse, fine], processes)
    assert len(families) == {"coarse": 8, "fine": 24}[chosen]  # 4 a process: 8 for 2, 12 for 3


def test_processes_take_every_family_once(monkeypatch):
    taken = multiprocessing.get_context("fork").Value("i", 0)
    families = [[4, 1], [3], [0, 2]]
    first = fastspace._take_families(families, taken, lambda g: g * 10)
    assert first == {4: 40, 1: 10, 3: 30, 0: 0, 2: 20} and taken.value > len(families)
    assert fastspace._take_families(families, taken, lambda g: g) == {}  # none left


def test_workers_setting(monkeypatch):
    assert fastspace.workers() == 1
    monkeypatch.setenv(fastspace.WORKERS_VARIABLE, "3")
    assert fastspace.workers() == 3
    monkeypatch.setenv(fastspace.WORKERS_VARIABLE, " Auto ")
    assert fastspace.workers() == max(len(os.sched_getaffinity(0)), 1) or fastspace.workers() == 1
    fastspace.use_workers(2)
    assert fastspace.workers() == 2  # the call wins over the variable
    fastspace.use_workers(None)
    for bad in ("0", "-2", "1.5", "two", "\u00b2", "9" * 5000):  # '²' passes str.isdigit; int() reads 4,300 digits
        monkeypatch.setenv(fastspace.WORKERS_VARIABLE, bad)
        with pytest.raises(InputError, match=r"ESTIMATOR_WORKERS='.*': expected a whole number"):
            fastspace.workers()
    monkeypatch.setenv(fastspace.WORKERS_VARIABLE, "\uff12")  # a full-width 2, as int() reads it
    assert fastspace.workers() == 2
    for bad in (0, 1.5, 2.5, "2"):
        with pytest.raises(InputError, match=f"workers {bad}: expected a whole number"):
            fastspace.use_workers(bad)


def test_command_line_names_the_variable_as_the_library_does():
    assert cli_module.WORKERS_VARIABLE == fastspace.WORKERS_VARIABLE


@pytest.mark.parametrize("arguments, environment, named", [
    (["--workers", "0"], {}, "'0'"),
    (["--workers", "many"], {}, "'many'"),
    (["--workers", "\u00b2"], {}, "'\u00b2'"),
    ([], {"ESTIMATOR_WORKERS": "x"}, "ESTIMATOR_WORKERS='x'"),
])
def test_bad_workers_are_one_line_and_exit_2(arguments, environment, named, monkeypatch):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli_module.cli, [*arguments, "check"])
    assert result.exit_code == 2
    message = result.output.strip()
    assert message.count("\n") == 0 and named in message and "expected a whole number" in message


def test_a_blank_variable_is_unset_on_the_command_line_as_in_the_library(monkeypatch):
    monkeypatch.setenv(fastspace.WORKERS_VARIABLE, "  ")
    assert fastspace.workers() == 1
    assert CliRunner().invoke(cli_module.cli, ["assumptions", "--format", "json"]).exit_code == 0


def test_estimate_with_two_workers_prints_what_one_prints(monkeypatch):
    monkeypatch.setenv(fastspace.WORKERS_VARIABLE, "1")  # restored after: --workers sets it
    command = ["estimate", "--containers", "2000", "--munition", "122mm", "--set", "load.packing=layout",
               "--draws", "300", "--format", "json"]
    outputs = []
    for processes in ("1", "2"):
        fastspace.clear_profiles()
        pallet_loading.clear_floor_tables()
        result = CliRunner().invoke(cli_module.cli, ["--workers", processes, *command])
        assert result.exit_code == 0, result.output
        assert os.environ[fastspace.WORKERS_VARIABLE] == processes
        outputs.append(json.loads(result.output))
    assert outputs[0] == outputs[1]
