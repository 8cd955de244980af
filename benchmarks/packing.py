"""Packing quality and speed: gaps to the bound, time per case, py3dbp side by side.

Usage: python benchmarks/packing.py [--cases 210] [--py3dbp 20] [--seed 2024] [--draws 1000000]
       [--wide-draws 2000] [--workers 2 ...]

1. A seeded suite of package sizes, each side uniform in 0.2-3.1 m, laid out (any
   orientation) in the 20ft, 40ft and 40ft high cube interiors (smallest catalog values),
   caches cleared before each case: the distribution of the gap to the best bound (share
   within 3 %, worst) and the median and 90th percentile time per case.
2. py3dbp (optional ``bench`` extra) on the first ``--py3dbp`` cases whose volume bound
   is at most 150 packages: it is given as many items as the volume bound (the mass
   bound does not apply: the suite has no masses) and its best count over the six
   orders of the package's sides is kept. Counts side by side (ours below, equal,
   above) and speed: the median of the per-case ratios of py3dbp's time (all six orders)
   to ours (the median of three cold runs timed just before py3dbp, so that both see the
   same load) and the share of cases at 100x or more, overall and by size (volume bound
   up to 10 packages, or more).
3. The model's space limit by layouts (fastspace.layout_counts, ``load.packing=layout``)
   on ``--draws`` draws: first with the package's three sides alone uncertain (the
   issue's goal) in the smallest 20ft interior less 0.05 m, each side +-1 cm and
   +-2.5 cm about 0.875 x 0.25 x 0.25 m; then with the interior uncertain too (the
   catalog's 20ft ranges less a clearance drawn in 0.02-0.15 m): the narrow package
   (+-1 cm) and the catalog's wide 152 mm
   crate (0.75-1.00 x 0.20-0.30 x 0.20-0.30 m, ``--wide-draws`` draws): cold (every cache
   empty; the median of five runs), from the persistent cache (in a temporary folder, as a new process would read
   it), warm, with the profiles solved and the floor tables built, and every profile
   solved again with the floor tables built (what sharing floor tables cannot remove; cold
   runs after one not counted, see :func:`cold_median`);
   cold also with ``--workers`` processes (fastspace.workers: default 2, none to skip).
   See also benchmarks/layout_regions.py (groups, tables, corner regions). Then the whole
   model (152 mm projectiles, the narrow crate) by grid and by layouts, the same three ways
   (cold again the median of five).

Timings are medians on a shared machine; read them as ratios measured in one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from itertools import permutations
from pathlib import Path

import numpy as np

from estimator.catalog import load_catalog
from estimator.packing import best_layout, box_mm, count_by_length, interior_mm
from estimator.pallet_loading import clear_floor_tables, floor_table, square_tables_kept
from estimator.fastspace import (  # section 3
    CACHE_DIR_VARIABLE, CACHE_OFF_VARIABLE, clear_profiles, layout_counts, profiles_kept, use_workers,
)
from estimator.packing import grid_count  # section 3

CONTAINERS = ("20ft", "40ft", "40ft-hc")
WITHIN = 0.03
PY3DBP_MAX_ITEMS = 150


def clear_caches() -> None:
    for cached in (best_layout, count_by_length):
        cached.cache_clear()
    clear_floor_tables()


def interiors() -> dict[str, tuple[int, int, int]]:
    catalog = load_catalog()
    return {
        cid: tuple(int(v) for v in interior_mm(
            [catalog.container(cid).numbers[f"interior_{s}"].low for s in ("length", "width", "height")]))
        for cid in CONTAINERS
    }


def suite(cases: int, seed: int):
    rng = np.random.default_rng(seed)
    rooms = interiors()
    for n in range(cases):
        box = tuple(sorted(int(v) for v in box_mm(rng.uniform(0.2, 3.1, size=3))))
        yield CONTAINERS[n % 3], rooms[CONTAINERS[n % 3]], box


def cold_time(interior, box) -> float:
    """Seconds for one layout from cold caches. [s]"""
    clear_caches()
    start = time.perf_counter()
    best_layout(interior, box, False)
    return time.perf_counter() - start


def run_suite(cases: int, seed: int):
    rows = []
    for container, interior, box in suite(cases, seed):
        clear_caches()
        start = time.perf_counter()
        layout = best_layout(interior, box, False)
        rows.append((container, interior, box, layout, time.perf_counter() - start))
    return rows


def py3dbp_count(interior, box, items: int) -> tuple[int, float]:
    """py3dbp's best count over the orders of the box's sides, and its total time."""
    from py3dbp import Bin, Item, Packer

    best, start = 0, time.perf_counter()
    for order in set(permutations(box)):
        packer = Packer()
        packer.add_bin(Bin("container", *interior, 1e12))
        for k in range(items):
            packer.add_item(Item(f"box{k}", *order, 1))
        packer.pack(number_of_decimals=0)
        best = max(best, len(packer.bins[0].items))
    return best, time.perf_counter() - start


def report_suite(rows) -> None:
    gaps = np.array([layout.gap for *_, layout, _ in rows])
    times = np.array([seconds for *_, seconds in rows])
    worst = rows[int(np.argmax(gaps))]
    print(f"cases: {len(rows)}")
    print(f"gap to bound: within {WITHIN:.0%} in {np.mean(gaps <= WITHIN):.1%} of cases; "
          f"median {np.median(gaps):.2%}, worst {gaps.max():.1%} "
          f"({worst[0]}, package {worst[2]} mm: {worst[3].count} of bound {worst[3].bound})")
    print(f"exact (count == bound): {np.mean(gaps == 0):.1%}")
    edges = (0, 0.03, 0.10, 0.20, 1.0)
    shares = [f"{np.mean((gaps > low) & (gaps <= high)):.1%} in ({low:.0%}, {high:.0%}]"
              for low, high in zip(edges, edges[1:])]
    print(f"gap distribution: {np.mean(gaps == 0):.1%} at 0, " + ", ".join(shares))
    print(f"time per case: median {np.median(times) * 1e3:.1f} ms, 90th percentile "
          f"{np.percentile(times, 90) * 1e3:.1f} ms, max {times.max() * 1e3:.0f} ms")


def report_py3dbp(rows, subset: int) -> None:
    picked = [r for r in rows if 0 < r[3].volume_bound <= PY3DBP_MAX_ITEMS][:subset]
    print(f"\npy3dbp on {len(picked)} cases (items = volume bound, best of the side orders):")
    print(f"{'container':9}  {'package mm':18}  {'ours':>5}  {'py3dbp':>6}  {'ours ms':>8}  {'py3dbp s':>8}  {'ratio':>7}")
    compared = []
    for container, interior, box, layout, _ in picked:
        seconds = statistics.median(cold_time(interior, box) for _ in range(3))
        theirs, their_seconds = py3dbp_count(interior, box, layout.volume_bound)
        compared.append((layout, theirs, their_seconds / seconds))
        print(f"{container:9}  {'x'.join(map(str, box)):18}  {layout.count:5}  {theirs:6}  "
              f"{seconds * 1e3:8.2f}  {their_seconds:8.3f}  {their_seconds / seconds:6.0f}x")
    if not compared:
        return
    below = [(layout, theirs) for layout, theirs, _ in compared if layout.count < theirs]
    above = sum(layout.count > theirs for layout, theirs, _ in compared)
    print(f"ours below py3dbp in {len(below)} cases, equal in {len(compared) - len(below) - above}, "
          f"above in {above}" + "".join(f"; {l.box} mm: {l.count} vs {t}" for l, t in below))
    groups = (("all", lambda layout: True), ("volume bound <= 10", lambda layout: layout.volume_bound <= 10),
              ("volume bound > 10", lambda layout: layout.volume_bound > 10))
    for name, member in groups:
        ratios = np.array([ratio for layout, _, ratio in compared if member(layout)])
        if len(ratios):
            print(f"speed py3dbp/ours, {name} ({len(ratios)} cases): median {np.median(ratios):.0f}x, "
                  f">= 100x in {np.mean(ratios >= 100):.0%}, lowest {ratios.min():.1f}x")


def monte_carlo_draws(draws: int, sides, rng, interior_fixed: bool = False):
    """Usable 20ft interiors (catalog ranges less a clearance in 0.02-0.15 m; or, with
    ``interior_fixed``, the catalog's smallest less 0.05 m in every draw) and package sides."""
    low, high = (np.array([catalog_side(s, end) for s in ("length", "width", "height")]) for end in ("low", "high"))
    if interior_fixed:
        interior = [np.full(draws, low[a] - FIXED_CLEARANCE_M) for a in range(3)]
    else:
        clearance = rng.uniform(0.02, 0.15, draws)
        interior = [rng.uniform(low[a], high[a], draws) - clearance for a in range(3)]
    return interior, tuple(rng.uniform(a, b, draws) for a, b in sides)


FIXED_CLEARANCE_M = 0.05


def catalog_side(side: str, end: str) -> float:
    return getattr(load_catalog().container("20ft").numbers[f"interior_{side}"], end)


def timed(function, clear: bool = False):
    """Seconds and result of one call; ``clear`` empties every cache first (cold)."""
    if clear:
        clear_caches()
        clear_profiles()
        for stale in Path(os.environ[CACHE_DIR_VARIABLE]).glob("*.npz"):
            stale.unlink()
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


COLD_RUNS = 5


def cold_median(function):
    """Median seconds of :data:`COLD_RUNS` cold calls (every cache emptied before each:
    one cold run on this shared machine varies by up to 3x), and the last result. One
    cold call before them is not counted: the first calls of a process also import
    what the searches use (scipy.optimize, multiprocessing) and fill the allocator's
    pools, 0.3-0.5 s that a command pays once at start, whatever it solves."""
    timed(function, clear=True)
    runs = [timed(function, clear=True) for _ in range(COLD_RUNS)]
    return statistics.median(seconds for seconds, _ in runs), runs[-1][1]


def profiles_again(function) -> float:
    """Seconds to solve every profile again with the floor tables still built: the part
    of the cold time that no sharing of floor tables can remove. [s]"""
    clear_profiles()
    count_by_length.cache_clear()
    for stale in Path(os.environ[CACHE_DIR_VARIABLE]).glob("*.npz"):
        stale.unlink()
    seconds, _ = timed(function)
    return seconds


def cold_with_workers(function, workers: list[int]) -> str:
    """The cold median with each number of ``workers`` beyond one (fastspace.use_workers)."""
    times = []
    for processes in workers:
        use_workers(processes)
        times.append(f"{processes} workers: {cold_median(function)[0]:.2f} s")
    use_workers(None)
    return f" ({'; '.join(times)})" if times else ""


def report_monte_carlo(draws: int, wide_draws: int, seed: int, workers: list[int]) -> None:
    narrow = ((0.865, 0.885), (0.24, 0.26), (0.24, 0.26))
    cases = (("package only, narrow", draws, narrow, True),
             ("package only, +-2.5 cm", draws, ((0.85, 0.90), (0.225, 0.275), (0.225, 0.275)), True),
             ("narrow", draws, narrow, False),
             ("wide", wide_draws, ((0.75, 1.00), (0.20, 0.30), (0.20, 0.30)), False))
    for name, n, sides, interior_fixed in cases:
        if not n:
            continue
        interior, box = monte_carlo_draws(n, sides, np.random.default_rng(seed), interior_fixed)
        cold, counts = cold_median(lambda: layout_counts(interior, box, upright=False))
        parallel = cold_with_workers(lambda: layout_counts(interior, box, upright=False), workers)
        profiles, tables, squares = profiles_kept(), floor_table.cache_info().currsize, square_tables_kept()
        clear_profiles()  # read back from the persistent cache (a new process would)
        from_disk, _ = timed(lambda: layout_counts(interior, box, upright=False))
        warm, _ = timed(lambda: layout_counts(interior, box, upright=False))
        tables_built = profiles_again(lambda: layout_counts(interior, box, upright=False))
        grid = grid_count(interior, box, upright=False)
        room = f"less {FIXED_CLEARANCE_M} m (fixed)" if interior_fixed else "(catalog ranges) less 0.02-0.15 m"
        print(f"\nMonte Carlo ({name}): {n:,} draws of {' x '.join(f'{a}-{b}' for a, b in sides)} m in 20ft "
              f"{room}: {profiles} profiles, {tables} floor tables ({squares} shared square tables); "
              f"cold {cold:.2f} s{parallel}, every profile again with the floor tables built {tables_built:.2f} s, "
              f"from the persistent cache {from_disk:.3f} s, warm {warm:.3f} s; "
              f"counts {counts.min()}..{counts.max()} (grid {grid.min()}..{grid.max()}), "
              f"above the grid in {np.mean(counts > grid):.0%} of draws")


NARROW_SETTINGS = ("crate.length=0.865..0.885m", "crate.width=0.24..0.26m", "crate.height=0.24..0.26m")


def report_full_model(draws: int, seed: int) -> None:
    """The whole model (152 mm projectiles, 20ft, the narrow crate) by grid and by layouts."""
    from estimator.parameters import apply_overrides, build_scenario, parse_overrides
    from estimator.uncertainty import simulate, summary

    catalog = load_catalog()
    base = build_scenario(catalog, "20ft", "152mm-shell", "projectile", 2000)
    for packing in ("grid", "layout"):
        scenario = apply_overrides(base, parse_overrides(NARROW_SETTINGS + (f"load.packing={packing}",), catalog))
        cold, _ = cold_median(lambda: simulate(scenario, draws, np.random.default_rng(seed)))
        clear_profiles()
        from_disk, _ = timed(lambda: simulate(scenario, draws, np.random.default_rng(seed)))
        warm, result = timed(lambda: simulate(scenario, draws, np.random.default_rng(seed)))
        print(f"full model, {draws:,} draws, --set {' '.join(NARROW_SETTINGS)} load.packing={packing}: "
              f"cold {cold:.2f} s, from the persistent cache {from_disk:.2f} s, warm {warm:.2f} s; "
              f"per container {summary(result.per_container)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=210)
    parser.add_argument("--py3dbp", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--wide-draws", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="*", default=[2],
                        help="also time section 3's cold runs with this many worker processes (none: one process only)")
    args = parser.parse_args()
    rows = run_suite(args.cases, args.seed)
    if rows:
        report_suite(rows)
    if args.draws:
        with tempfile.TemporaryDirectory() as cache:  # a fresh persistent cache, not the user's
            os.environ.pop(CACHE_OFF_VARIABLE, None)
            os.environ[CACHE_DIR_VARIABLE] = cache
            report_monte_carlo(args.draws, args.wide_draws, args.seed, [n for n in args.workers if n > 1])
            report_full_model(args.draws, args.seed)
    if args.py3dbp:
        report_py3dbp(rows, args.py3dbp)


if __name__ == "__main__":
    main()
