"""The model's space limit by layouts, for arrays of Monte Carlo draws.

``load.packing = layout`` makes the model count crates with the sectioned layouts of
packing.py instead of the best uniform grid. Solving one layout per draw would take
hours, so the draws share work:

* **Resolution.** Every size is rounded to :data:`MODEL_RESOLUTION_M` (1 cm): the interior
  down, the package up, so the layout count is a feasible (safe) count at the exact sizes.
  The exact uniform grid stays a floor: the count is ``max(grid at the exact sizes,
  layout at the resolution)``, both feasible.
* **Profiles over the length.** For one usable width, height and package, a single
  dynamic programme (``packing.count_by_length``) gives the best layout for every
  container length at once, so the draws that differ only in length (or clearance along
  it) share one solve; a kit's best split of the length between its package types
  likewise gives the rounds for every length at once.
* **Stacked height.** Layers are whole, so a profile depends on the height only through
  the tallest stack of the package's sides that fits it (:func:`stacked_height`).
* **Known answers.** A draw whose exact grid already reaches the volume bound at the
  rounded sizes needs no layout (:func:`profiles_needed`).
* **Shared floor tables.** The floor tables of a profile are built per floor width, but
  their columns up to the width (those that try pinwheels and L-pieces, most of the
  cost) do not depend on it: one square table per package footprint serves every width
  of the run (``pallet_loading.floor_table``), so groups are solved widest first.
* **Shared optima.** Near packages share most floor cells' equivalence classes (the same
  combinations of the box's sides fit each side), and a class's proven optimum stops
  every later cell of it (``pallet_loading._OPTIMA``): the square tables of the +-2.5 cm
  case below have 19,087 cells in 2,471 classes.
* **Caches.** Profiles are kept in the process and in a file in the user's cache folder
  (:func:`cache_path`), so a second run of a command reads them instead of solving.
* **Workers (opt-in).** With ``--workers`` or ``$ESTIMATOR_WORKERS`` above 1 (Linux),
  a batch of at least :data:`PARALLEL_AFTER` new profiles is split between this process
  and forked workers (:func:`workers`), each taking whole families of packages that
  share their two shortest sides, and so their costliest floor tables (and the floor
  width too, where those families are few); the counts are the same with any number
  of processes.
* **Only where they count.** The model's Monte Carlo reads only the rounds and which
  limit binds, so it asks for layouts (``needed``) only where the grid's rounds fall
  short of the rounds by mass (elsewhere mass binds whatever the layout holds, since it
  never holds fewer than the grid), and for a kit's types alone only where the kit's
  split of the length does not apply (``model._layouts_only_where_needed``).

The count of a draw therefore equals ``packing.best_layout(..., whole_floors=False)``
called on its rounded sizes (tested): the whole-floors class, a search of one floor at a
time with no profile over the length, is left to ``estimator pack``. Draws are grouped
by their rounded width, height and package sizes; each new group costs one profile,
then every draw is a lookup.

Measured (``python benchmarks/packing.py --cases 0 --py3dbp 0 --draws 1000000
--wide-draws 200``, see NOTES.md, cold times the median of five runs on a busy machine):
10^6 draws of a crate 0.875 x 0.25 x 0.25 m +-1 cm per side in a fixed 20ft interior
need 9 profiles: 0.16 s cold (the goal of 0.5 s); +-2.5 cm, 105 profiles: 0.60 s, 0.43 s
with two workers; +-1 cm with the interior uncertain too (catalog ranges less a
clearance), 365 profiles: 0.84 s cold (0.58 s with two workers), 0.07-0.09 s from the
cache file or warm; 200 draws of the catalog's wide crate (0.75-1.00 x 0.20-0.30 x
0.20-0.30 m), 191 profiles: 2.2 s cold (1.2 s with two workers).
Where many sizes are drawn the dynamic programmes over the length (about 2 ms per
profile with the tables built), the first cells of each class (the pinwheel search
most of it) and the grouping of the draws (0.07 s for 10^6) set the cold time, and no
fewer groups give the exact count at the resolution
(benchmarks/layout_regions.py: monotone corner regions would need more profiles, not fewer).

References
----------
.. [1] Birgin, E. G., Lobato, R. D. and Morabito, R. (2010). J. Oper. Res. Soc. 61(2),
   306-320 (floor patterns; see pallet_loading.py).
"""

from __future__ import annotations

import numbers
import os
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from estimator import packing, pallet_loading
from estimator.errors import InputError
from estimator.packing import (
    NO_LAYER_LIMIT, RESOLUTION_M, count_by_length, grid_count, kit_rounds_by_grid, kit_rounds_by_length,
    layout_applies,
)
from estimator.pallet_loading import floor_table

GRID, LAYOUT = "grid", "layout"  # the values of the setting load.packing
MODEL_RESOLUTION_M = 0.01
# Sizes within this share of a resolution step of a whole step count as that step, so
# that unit conversion (0.75 m -> 74.99999 cm) does not cost a package.
_SNAP = 1e-6


def step_mm(resolution_m: float) -> int:
    """The resolution in whole millimetres (at least one). [mm]"""
    return max(int(round(resolution_m / RESOLUTION_M)), 1)


def rounded_interior_mm(length_m, resolution_m: float = MODEL_RESOLUTION_M) -> np.ndarray:
    """Interior sides rounded down to the resolution, in whole millimetres."""
    step = step_mm(resolution_m)
    steps = np.floor(np.asarray(length_m, dtype=float) / (step * RESOLUTION_M) + _SNAP)
    return np.clip(steps, 0, None).astype(np.int64) * step


def rounded_box_mm(length_m, resolution_m: float = MODEL_RESOLUTION_M) -> np.ndarray:
    """Package sides rounded up to the resolution, in whole millimetres (at least one step)."""
    step = step_mm(resolution_m)
    steps = np.ceil(np.asarray(length_m, dtype=float) / (step * RESOLUTION_M) - _SNAP)
    return np.maximum(steps, 1).astype(np.int64) * step


def _columns(interior_m, boxes_m, uprights, resolution_m, extra=()):
    """Broadcast shape, usable rows and integer columns: L, H, W, then each box, then extras.

    The height comes before the width so that the groups (numbered with the first group
    column varying fastest) that share a width and package, and so their floor tables,
    are solved one after another.

    Rows where :func:`packing.layout_applies` is false (non-finite sizes, more than
    LAYOUT_LIMIT packages by volume) or some rounded interior side is zero are not
    usable; their sizes are replaced by 1 m so the rounding stays finite.
    """
    arrays = [np.asarray(a, dtype=float) for a in interior_m] + [
        np.asarray(side, dtype=float) for box in boxes_m for side in box
    ] + [np.asarray(e) for e in extra]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    usable = np.broadcast_to(layout_applies(interior_m, boxes_m), shape).ravel()

    def flat(a):
        return np.where(usable, np.broadcast_to(a, shape).ravel(), 1.0)

    interior = [rounded_interior_mm(flat(arrays[axis]), resolution_m) for axis in (0, 2, 1)]
    usable = usable & (np.minimum(np.minimum(interior[0], interior[1]), interior[2]) > 0)
    boxes = []
    for part, upright in enumerate(uprights):
        sides = [rounded_box_mm(flat(a), resolution_m) for a in arrays[3 + 3 * part : 6 + 3 * part]]
        boxes += _canonical_columns(sides, upright)
    extras = [np.broadcast_to(e, shape).ravel().astype(np.int64) for e in arrays[3 + 3 * len(uprights) :]]
    return shape, usable, interior + boxes + extras


def _canonical_columns(sides: list[np.ndarray], upright: bool) -> list[np.ndarray]:
    """Package sides in one order per package (ascending, as ``packing._canonical``; the
    standing side last if upright), so that the groups see each package once."""
    if upright:
        return [np.minimum(sides[0], sides[1]), np.maximum(sides[0], sides[1]), sides[2]]
    short = np.minimum(np.minimum(sides[0], sides[1]), sides[2])
    tall = np.maximum(np.maximum(sides[0], sides[1]), sides[2])
    return [short, sides[0] + sides[1] + sides[2] - short - tall, tall]


def stacked_height(height: np.ndarray, sides: Sequence[np.ndarray], upright: bool) -> np.ndarray:
    """The tallest stack of the package's standing sides that fits ``height``. [mm]

    The layouts only stack whole layers, so their count is the same for every height
    from this one up to ``height``: groups that differ in height only above it share one
    profile. ``sides`` ascending; an upright package stands on its third side.

    Examples
    --------
    >>> stacked_height(np.array([2300]), [np.array([250]), np.array([250]), np.array([870])], False).tolist()
    [2250]
    """
    if upright:
        return height // sides[2] * sides[2]
    short, middle, tall = sides
    best = np.zeros_like(height)
    for tall_layers in range(int((height // tall).max()) + 1):
        for middle_layers in range(int((height // middle).max()) + 1):
            used = tall_layers * tall + middle_layers * middle
            room = height - used
            best = np.where(room >= 0, np.maximum(best, used + room // short * short), best)
    return best


# Profiles kept in this process: a group key -> the best count at every resolution step
# of length. Bounded so that a long session over wide ranges stays near 100 MB.
_PROFILES: dict[tuple, np.ndarray] = {}
_MOST_PROFILES = 40_000
# The persistent copy (see :func:`cache_path`): whether it was read, and whether this
# process added profiles since it was last written.
_CACHE_STATE = {"read": False, "added": False}
CACHE_OFF_VARIABLE = "ESTIMATOR_NO_CACHE"
CACHE_DIR_VARIABLE = "ESTIMATOR_CACHE_DIR"


def clear_profiles() -> None:
    """Forget the profiles kept in this process, and read the persistent cache again on
    next use (benchmarks time cold runs with it)."""
    _PROFILES.clear()
    _CACHE_STATE.update(read=False, added=False)


def profiles_kept() -> int:
    """How many profiles this process keeps."""
    return len(_PROFILES)


def cache_path() -> Path | None:
    """The persistent profile cache, or None when ``ESTIMATOR_NO_CACHE`` is set.

    ``$ESTIMATOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/estimator``, else
    ``~/.cache/estimator``; the file name carries a hash of the packing code, so a changed
    algorithm never reads profiles of an old one.
    """
    if os.environ.get(CACHE_OFF_VARIABLE):
        return None
    folder = os.environ.get(CACHE_DIR_VARIABLE) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "estimator")
    return Path(folder) / f"space-profiles-{_code_hash()}.npz"


def _code_hash() -> str:
    """Hash of the modules whose code decides the counts."""
    import hashlib  # here and below: only when the cache file is used, not at start-up

    digest = hashlib.sha256()
    for module in (pallet_loading, packing, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def _read_cache() -> None:
    """Load the persistent profiles once per process; an unreadable file is ignored."""
    import json
    import zipfile

    _CACHE_STATE["read"] = True
    path = cache_path()
    if path is None or not path.is_file():
        return
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, ends, values = data["keys"], data["ends"], data["values"]
        starts = np.concatenate([[0], ends[:-1]])
        loaded = {tuple(json.loads(str(key))): values[start:end] for key, start, end in zip(keys, starts, ends)}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return
    _PROFILES.update({key: profile for key, profile in loaded.items() if key not in _PROFILES})


def _write_cache() -> None:
    """Write every profile kept to the persistent cache (atomic); failures are ignored."""
    import io
    import json

    from estimator.output import write_atomic

    path = cache_path()
    _CACHE_STATE["added"] = False
    if path is None or not _PROFILES:
        return
    buffer = io.BytesIO()
    keys = list(_PROFILES)
    np.savez(buffer, keys=np.array([json.dumps(key) for key in keys]), ends=np.cumsum([len(_PROFILES[k]) for k in keys]),
             values=np.concatenate([_PROFILES[k] for k in keys]))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, buffer.getvalue(), "the profile cache")
    except (OSError, InputError):
        pass


# A profile is solved up to the longest length asked rounded up to a multiple of this
# many resolution steps (32 cm at 1 cm), so that the model's chunks of draws, whose
# longest lengths differ by a step or two, do not solve it again (3-5 % longer).
PROFILE_STEPS = 32


def _profile(key: tuple, longest: int, step: int, compute, shortest: int = 0) -> np.ndarray:
    """Counts for every length 0, step, 2 step, ... up to at least ``longest`` [mm],
    solved up to a whole multiple of :data:`PROFILE_STEPS` steps; lengths below
    ``shortest`` may be -1 (not solved, see ``packing.count_by_length``).

    ``key`` is a flat tuple of ints, bools and strings (it is stored as JSON);
    ``compute(most, shortest)`` solves it."""
    name = (step,) + key
    profile = _stored(name, longest, step, shortest)
    if profile is None:
        reach = -(-longest // (PROFILE_STEPS * step)) * PROFILE_STEPS * step
        profile = _keep(name, compute(reach, shortest)[::step].astype(np.int32))
        _bound_solver_caches()
    return profile


def _keep(name: tuple, profile: np.ndarray) -> np.ndarray:
    """Keep a newly solved profile (or count) under ``name`` and tell the listener."""
    if len(_PROFILES) >= _MOST_PROFILES:
        _PROFILES.clear()
    _PROFILES[name] = profile
    _CACHE_STATE["added"] = True
    # Imported on a solve, not at start-up; a status line on a terminal counts these (cli.py).
    from estimator.progress import searched

    searched()
    return profile


def _stored(name: tuple, longest: int, step: int, shortest: int = 0) -> np.ndarray | None:
    """The kept profile ``name`` (the step, then a :func:`_profile` key) where it reaches
    ``longest`` and is solved from ``shortest`` [mm], else None: it must be solved."""
    if not _CACHE_STATE["read"]:
        _read_cache()
    profile = _PROFILES.get(name)
    if profile is None or (len(profile) - 1) * step < longest or profile[shortest // step] < 0:
        return None
    return profile


# Most floor tables and part profiles the solver's caches keep while many groups are
# solved (a table of a small footprint holds a few hundred kB).
_MOST_TABLES, _MOST_PART_PROFILES = 256, 1024


def _bound_solver_caches() -> None:
    """Empty the packing caches when a run over many groups has filled them past the
    bounds above; the groups come ordered by package and width, so little is lost."""
    if floor_table.cache_info().currsize > _MOST_TABLES:
        floor_table.cache_clear()
    if count_by_length.cache_info().currsize > _MOST_PART_PROFILES:
        count_by_length.cache_clear()


def _by_groups(columns, sizes_in_mm, usable: np.ndarray, step: int, profile_key, compute) -> np.ndarray:
    """Evaluate each usable row's group profile at its length (``columns[0]``).

    ``sizes_in_mm`` says which columns are sizes in whole resolution steps [mm].
    Rows with the same other columns form a group; ``profile_key(groups)`` gives the
    store key of each group (an array of distinct rows) and ``compute(group, longest,
    shortest)`` the best count for every length 0..longest [mm] of one group (those
    below ``shortest``, the group's shortest length, may be -1). Other rows get 0.
    """
    out = np.zeros(len(usable), dtype=np.int64)
    rows = np.flatnonzero(usable)
    if not len(rows):
        return out
    # Sizes are whole steps: number them in steps so the packed keys stay small.
    units = [step if size else 1 for size in sizes_in_mm[1:]]
    every = len(rows) == len(usable)  # then no copy of the columns' usable rows
    groups, inverse = _group_rows([c if every else c[rows] for c in columns[1:]], units)
    lengths = columns[0][rows] // step
    shortest, longest = int(lengths.min()), int(lengths.max())
    table = np.empty((len(groups), longest - shortest + 1), dtype=np.int32)
    keys, rows_of_groups = profile_key(groups), groups.tolist()
    # Each group's shortest length: a profile need not be solved below it.
    group_shortest = np.full(len(groups), longest, dtype=np.int64)
    np.minimum.at(group_shortest, inverse, lengths)
    group_shortest = (group_shortest * step).tolist()
    # The kept profiles, looked up once; the others are announced, then solved.
    kept = [_stored((step,) + keys[g], longest * step, step, group_shortest[g]) for g in range(len(groups))]
    from estimator.progress import expecting  # as in _profile: imported where layouts are made

    expecting(sum(profile is None for profile in kept))
    # Widest first (columns[2] is the width), so that the first floor table of each box
    # is the widest and every narrower width copies its columns (pallet_loading.floor_table).
    order = np.argsort(-groups[:, 1], kind="stable").tolist()

    def solve(g):
        group = rows_of_groups[g]
        return _profile(keys[g], longest * step, step, lambda most, least: compute(group, most, least),
                        group_shortest[g])

    missing = [g for g in order if kept[g] is None]
    processes = workers()
    if processes > 1 and len(missing) >= PARALLEL_AFTER:
        # Columns 2 and 3 of a group are its (first) package's two shortest sides, whose
        # square floor table is the costliest; column 1 is the width, whose floor tables
        # of that footprint copy the square one's columns.
        families = [lambda g: tuple(rows_of_groups[g][2:4]), lambda g: tuple(rows_of_groups[g][1:4])]
        solved = _solve_in_processes(missing, solve, families, processes)
        for g, profile in solved.items():
            kept[g] = _keep((step,) + keys[g], profile)
    for g in order:
        profile = kept[g] if kept[g] is not None else solve(g)
        table[g] = profile[shortest : longest + 1]
    out[rows] = table[inverse, lengths - shortest]
    if _CACHE_STATE["added"]:
        _write_cache()
    return out


# Processes that solve one batch of new profiles (see :func:`workers`).
WORKERS_VARIABLE = "ESTIMATOR_WORKERS"
_WORKERS: dict[str, int | None] = {"chosen": None}
# Fewest new profiles of one batch worth other processes: forking one costs a few
# milliseconds, a profile 2-10 ms.
PARALLEL_AFTER = 16
# Fewest families a process, for the processes to end together (see _solve_in_processes).
FAMILIES_PER_PROCESS = 4


def use_workers(processes: int | None) -> None:
    """Solve batches of new profiles in ``processes`` processes (None: as
    ``$ESTIMATOR_WORKERS`` says). The command line's ``--workers`` calls it."""
    if processes is not None and not (isinstance(processes, numbers.Integral) and processes >= 1):
        raise InputError(f"workers {processes}: expected a whole number of processes, at least 1")
    _WORKERS["chosen"] = None if processes is None else int(processes)


def workers() -> int:
    """How many processes solve one batch of new profiles: as :func:`use_workers` chose,
    else ``$ESTIMATOR_WORKERS`` (a whole number, or ``auto`` for the cores this process
    may use), else 1. Always 1 where processes cannot be forked (only Linux is assumed
    to fork safely), inside a worker, or in a daemonic process (a ``multiprocessing.Pool``'s
    worker, say), which may not start processes of its own.

    Opt-in, as ``workers`` and ``n_jobs`` are in SciPy and scikit-learn: the counts
    are the same with any number (each profile depends on its group alone; tested),
    only the time differs.
    """
    chosen = _WORKERS["chosen"]
    if chosen is None:
        text = os.environ.get(WORKERS_VARIABLE, "")
        chosen = parse_workers(text, f"{WORKERS_VARIABLE}=") if text.strip() else 1
    return chosen if chosen > 1 and sys.platform.startswith("linux") and not _daemonic() else 1


def _daemonic() -> bool:
    """Whether this process is daemonic, and so may not start processes of its own."""
    import multiprocessing  # only when workers are chosen

    return bool(multiprocessing.current_process().daemon)


def parse_workers(text: str, name: str = "") -> int:
    """Processes from what a person typed: a whole number of at least 1, or ``auto`` for
    the cores this process may use; anything else is an InputError naming ``name`` and
    the value."""
    text = text.strip().lower()
    if text == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    # isdecimal, not isdigit: '²' is a digit that int() does not read. More than 18
    # digits is a slip, refused here (int() itself refuses beyond 4,300, with a traceback).
    if text.isdecimal() and len(text) <= 18 and int(text) >= 1:
        return int(text)
    raise InputError(f"{name}{text!r}: expected a whole number of processes (at least 1) or auto")


def _solve_in_processes(missing: list[int], solve, families_by, processes: int) -> dict[int, np.ndarray]:
    """Solve the groups ``missing`` with ``solve(g)`` in this process and forked workers,
    ``processes`` in all. Each process takes the next whole family, the largest first,
    until none is left: the processes end together whatever a family costs.

    ``families_by`` are ways to group them, coarse to fine (:func:`_chosen_families`):
    ``family(g)`` equal where groups share their costliest floor tables (built once per
    process) and always where they share their profile (solved once). Few large
    families would leave processes idle, so a finer way is taken where the coarse one
    gives fewer than :data:`FAMILIES_PER_PROCESS` a process.

    Returns the workers' profiles; this process keeps its own as ``solve`` does. What a
    failed worker took is left to the caller, which solves what is still missing.
    """
    import multiprocessing

    families = _chosen_families(missing, families_by, processes)
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)  # the next family to take, shared
    running, finished = [], False
    try:
        _start_workers(context, min(processes, len(families)) - 1, (families, taken, solve), running)
        _take_families(families, taken, solve)
        solved = {}
        for _, receive in running:
            try:
                solved.update(receive.recv() or {})
            except (EOFError, OSError):  # the worker died
                pass
        finished = True
        return solved
    finally:
        _stop_workers(running, wanted=finished)


def _start_workers(context, count: int, task: tuple, running: list) -> None:
    """Fork up to ``count`` workers running ``_worker(*task, ...)``, each added to
    ``running`` as it starts (so that an interruption still stops those started) as
    (process, receiving end of its pipe). A fork that fails (a limit on processes,
    memory) ends the starting: those started and this process share the families."""
    import gc
    import warnings

    # Objects this process made so far are left out of the workers' garbage collections,
    # which would otherwise write to (and so copy) every page holding one (the
    # gc.freeze documentation's advice for a fork).
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns on every fork of a process with threads. Those here are
            # OpenBLAS's, which resets its pool in a forked child, and the LP solver's
            # (tried across the fork: NOTES.md); a worker runs only this module's solves
            # and ends with os._exit.
            warnings.filterwarnings("ignore", r".*use of fork\(\) may lead to deadlocks", DeprecationWarning)
            for _ in range(count):
                receive, send = context.Pipe(duplex=False)
                # The worker closes its copies of this process's ends of the pipes.
                ends = [receive, *(end for _, end in running)]
                worker = context.Process(target=_worker, args=(*task, send, ends), daemon=True)
                try:
                    worker.start()
                except OSError:
                    receive.close()
                    send.close()
                    break
                send.close()
                running.append((worker, receive))
    finally:
        if not frozen_before:  # a caller's own frozen objects stay frozen
            gc.unfreeze()


def _stop_workers(running: list, wanted: bool) -> None:
    """Close the pipes and reap the workers; unless their work was ``wanted`` (this
    process failed or was interrupted), end the busy ones at once."""
    for worker, receive in running:
        receive.close()
        if not wanted:
            worker.terminate()
    for worker, _ in running:
        worker.join(timeout=1)
        if worker.is_alive():
            worker.terminate()
            worker.join()


def _take_families(families: list[list[int]], taken, solve) -> dict[int, np.ndarray]:
    """Solve whole families, the next one not yet ``taken`` (a shared counter) each time,
    until none is left: ``{g: solve(g)}`` of those this process took."""
    solved = {}
    while True:
        with taken.get_lock():
            next_family = taken.value
            taken.value = next_family + 1
        if next_family >= len(families):
            return solved
        for g in families[next_family]:
            solved[g] = solve(g)


def _worker(families, taken, solve, send, parents_ends=()) -> None:
    """A forked worker's task: send the profiles of the families it took, or None on failure.

    It ends with its parent (:func:`_end_with_parent`), and first closes the copies of
    the parent's ends of the pipes (``parents_ends``) that the fork gave it: open here,
    they would leave a send to a parent that has gone waiting forever once the pipe is
    full, instead of failing.
    """
    from estimator.progress import reporting

    _end_with_parent()
    for end in parents_ends:
        end.close()
    _WORKERS["chosen"] = 1  # a worker forks no workers of its own
    try:
        with reporting(lambda: None):  # the listener inherited is the parent's, not ours
            profiles = _take_families(families, taken, solve)
    except BaseException:  # the parent solves them itself and meets the error there
        profiles = None
    try:
        send.send(profiles)
    except OSError:  # the parent stopped listening (it failed or was interrupted)
        pass
    send.close()


# prctl's option that asks for a signal when the parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _end_with_parent() -> None:
    """Have the kernel kill this process when its parent ends (Linux's PR_SET_PDEATHSIG).

    A parent killed outright (SIGKILL, or SIGTERM, which Python does not catch) runs no
    cleanup; its workers would go on solving, holding its standard output and error
    open (a shell's ``$(estimator ...)`` waited for them), and then wait forever to send.
    """
    import ctypes
    import multiprocessing
    import signal

    parent = multiprocessing.parent_process()
    if parent is None:  # not a worker (a test calling _worker here)
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl to be found: the pipe still fails once the parent is gone
        return
    if os.getppid() != parent.pid:  # the parent ended before the request
        os._exit(1)


def _chosen_families(items: list[int], families_by, processes: int) -> list[list[int]]:
    """The families of the first way in ``families_by`` (coarse to fine) that gives at
    least :data:`FAMILIES_PER_PROCESS` a process, else of the finest."""
    for family in families_by:
        families = _families(items, family)
        if len(families) >= FAMILIES_PER_PROCESS * processes:
            break
    return families


def _families(items: list[int], family) -> list[list[int]]:
    """``items`` grouped by ``family(item)``, the largest family first (the first met
    first among equals), each in the items' order."""
    families: dict = {}
    for item in items:
        families.setdefault(family(item), []).append(item)
    return sorted(families.values(), key=len, reverse=True)


# Packed group keys up to this span are numbered through a lookup table, without sorting.
_TABLE_SPAN = 1 << 24


def _group_rows(columns, units) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of integer ``columns`` (as an (n, d) array) and the index of each row's.

    The values of each column are multiples of its ``units`` (whole resolution steps,
    say), numbered in those units so that the packed keys stay small.
    """
    low = np.array([c.min() for c in columns])
    span = (np.array([c.max() for c in columns]) - low) // units + 1
    if np.sum(np.log2(span.astype(float))) >= 62:
        groups, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
        return groups, inverse.ravel()
    radix = np.cumprod(np.concatenate([[1], span[:-1]]))
    packed = np.zeros(len(columns[0]), dtype=np.int64)
    for c, lo, unit, r, size in zip(columns, low.tolist(), units, radix.tolist(), span.tolist()):
        if size > 1:  # a column of one value adds nothing (a fixed interior, say)
            packed += (c - lo) // unit * r if unit > 1 else (c - lo) * r
    if np.prod(span.astype(float)) <= _TABLE_SPAN:
        present = np.zeros(int(np.prod(span)), dtype=bool)
        present[packed] = True
        distinct = np.flatnonzero(present)
        number = np.cumsum(present) - 1
        inverse = number[packed]
    else:
        distinct, inverse = np.unique(packed, return_inverse=True)
        inverse = inverse.ravel()
    groups = ((distinct[:, None] // radix[None, :]) % span[None, :]) * np.array(units)[None, :] + low[None, :]
    return groups, inverse


def profiles_needed(usable: np.ndarray, columns, grid: np.ndarray) -> np.ndarray:
    """The usable rows whose layout could beat the exact grid: those where the grid is
    below the volume bound at the rounded sizes.

    Elsewhere the answer is already known: the layout at the rounded sizes fits there,
    so it holds no more than that volume bound, which the grid at the exact sizes
    reaches; ``max(grid, layout)`` is the grid, and no profile is solved for the row.
    ``columns`` as from :func:`_columns` (length, height, width, the package's sides).
    """
    length, height, width, *sides = columns[:6]
    if float(length.max()) * float(height.max()) * float(width.max()) < 2.0**62:  # exact in int64
        return usable & (grid < length * height * width // (sides[0] * sides[1] * sides[2]))
    # In floats beyond (huge interiors), rounded up a little so that float error can
    # only keep a row, never skip one wrongly.
    length, height, width, *sides = (c.astype(float) for c in columns[:6])
    volume_bound = np.floor(length * height * width / (sides[0] * sides[1] * sides[2]) * (1 + 1e-9))
    return usable & (grid < volume_bound)


def layout_counts(interior_m, box_m, upright: bool, max_layers=NO_LAYER_LIMIT,
                  resolution_m: float = MODEL_RESOLUTION_M, needed=True) -> np.ndarray:
    """Crates of one package type that fit, by layout at the resolution, never below the grid.

    Parameters
    ----------
    interior_m : sequence of three arrays
        Usable interior length, width and height. [m]
    box_m : sequence of three arrays
        Package length, width, height (height vertical when ``upright``). [m]
    upright : bool
    max_layers : int or array of int
        Most packages one above the other; ``NO_LAYER_LIMIT`` (0) for as many as fit.
    resolution_m : float
        Sizes are rounded to this: interior down, package up. [m]
    needed : bool or array of bool
        Where the layout is wanted, broadcast over the inputs; elsewhere the grid alone
        (the model's Monte Carlo asks only where a layout can change its answer:
        ``model._layouts_only_where_needed``).

    Returns
    -------
    numpy.ndarray of int64
        ``max(grid_count at the exact sizes, best_layout at the rounded sizes, whole
        floors left out)``, broadcast
        over the inputs; the grid alone where :func:`packing.layout_applies` is false
        or the layout is not ``needed``.

    Examples
    --------
    >>> int(layout_counts((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), upright=False))
    202
    """
    interior_m = _widened(interior_m, needed)
    grid = grid_count(interior_m, box_m, upright, max_layers)
    shape, usable, columns = _columns(interior_m, [box_m], [upright], resolution_m, extra=[max_layers])
    usable = usable & np.broadcast_to(needed, shape).ravel()
    usable = profiles_needed(usable, columns, np.broadcast_to(grid, shape).ravel())

    def profile_key(groups):
        stacked = stacked_height(groups[:, 0], [groups[:, 2], groups[:, 3], groups[:, 4]], upright)
        return [(upright, width, height, *rest) for (_, width, *rest), height in zip(groups.tolist(), stacked.tolist())]

    def compute(group, longest, shortest):
        height, width, *box, layers = group
        return count_by_length.__wrapped__((longest, width, height), tuple(box), upright, layers, shortest)

    laid_out = _by_groups(columns, [True] * 6 + [False], usable, step_mm(resolution_m), profile_key, compute)
    return np.maximum(grid, laid_out.reshape(shape))


def kit_rounds(interior_m, boxes_m, uprights: Sequence[bool], items, items_per_round: Sequence[int],
               max_layers=None, resolution_m: float = MODEL_RESOLUTION_M, enough=None) -> np.ndarray:
    """Most whole rounds of a kit by space, each package type given its own length.

    The sizes are rounded as in :func:`layout_counts`; the count is that of
    :func:`packing.kit_rounds_by_length` at the rounded sizes (tests/oracles.py solves it
    one case at a time), never below the split of uniform grids at the exact sizes
    (:func:`kit_rounds_by_grid`), as a type alone is never below its grid. Rows where
    :func:`packing.layout_applies` is false for some part get -1 (the caller decides).
    Where the grids' split already reaches ``enough`` rounds (broadcast over the inputs;
    the model's rounds by mass), no layout is searched and that split is the count.

    Parameters
    ----------
    interior_m : sequence of three arrays
        Usable interior length, width, height. [m]
    boxes_m : sequence of (length, width, height) arrays, one per part. [m]
    uprights : sequence of bool, one per part.
    items : sequence of int arrays
        Items per package of each part. [1]
    items_per_round : sequence of int
        Items of each part one round needs. [1]
    max_layers : sequence of int arrays, optional
        Most packages of each part one above the other (0: as many as fit). [1]
    resolution_m : float
        Sizes are rounded to this: interior down, packages up. [m]
    enough : array of int, optional
        Rounds beyond which the caller needs no more. [1]

    Returns
    -------
    numpy.ndarray of int64
    """
    parts = len(uprights)
    layers = [NO_LAYER_LIMIT] * parts if max_layers is None else list(max_layers)
    by_grid = kit_rounds_by_grid(interior_m, boxes_m, uprights, items, items_per_round, layers)
    needed = True if enough is None else by_grid < enough
    interior_m = _widened(interior_m, needed)
    shape, usable, columns = _columns(interior_m, boxes_m, uprights, resolution_m, extra=list(items) + layers)
    searched = usable & np.broadcast_to(needed, shape).ravel()

    def compute(group, longest, _shortest):  # a kit's profile is solved at every length
        height, width = group[:2]
        boxes = [tuple(group[2 + 3 * p : 5 + 3 * p]) for p in range(parts)]
        counts = group[2 + 3 * parts :]
        return kit_rounds_by_length((longest, width, height), boxes, uprights, counts[:parts], items_per_round,
                                    counts[parts:])

    def profile_key(groups):
        return [("kit", parts, *uprights, *items_per_round, *group) for group in groups.tolist()]

    rounds = _by_groups(columns, [True] * (3 + 3 * parts) + [False] * (2 * parts), searched, step_mm(resolution_m),
                        profile_key, compute)
    return np.where(usable, np.maximum(rounds, np.broadcast_to(by_grid, shape).ravel()), -1).reshape(shape)


def _widened(interior_m, needed):
    """The interior with its length broadcast to the shape of ``needed`` too: the counts
    take the shape of what decides where they are needed (the mass, drawn apart from
    the sizes, say)."""
    length = np.asarray(interior_m[0])
    return (np.broadcast_to(length, np.broadcast_shapes(length.shape, np.shape(needed))), *interior_m[1:])


def stored_count(key: tuple, solve) -> int:
    """One count kept with the profiles (in this process and the cache file) under ``key``,
    a flat tuple of ints and strings; ``solve()`` computes it the first time.

    pallet_model.py keeps its floor counts of crates on a pallet's deck here.
    """
    return int(_profile(("count", *key), 0, 1, lambda longest, shortest: np.array([solve()]))[0])


def save_profiles() -> None:
    """Write the cache file if this process solved profiles or counts since it was written."""
    if _CACHE_STATE["added"]:
        _write_cache()
