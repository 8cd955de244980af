"""Packing quality and speed: gaps to the bound, time per case, py3dbp side by side.

Usage: python benchmarks/packing.py [--cases 210] [--py3dbp 20] [--seed 2024] [--draws 1000000]

1. A seeded suite of package sizes, each side uniform in 0.2-3.1 m, laid out (any
   orientation) in the 20ft, 40ft and 40ft high cube interiors (smallest catalog values),
   caches cleared before each case: the distribution of the gap to the best bound (share
   within 3 %, worst) and the median and 90th percentile time per case.
2. py3dbp (optional ``bench`` extra) on the first cases whose volume bound is at most 150
   packages: it is given as many items as the volume bound and its best count over the
   six orders of the package's sides is kept; both counts and times side by side.
3. The Monte Carlo path: ``crates_by_layout`` on ``--draws`` draws of a package whose three
   sides are all uncertain, in the 20ft interior, from a cold cache.

Timings are medians on a shared machine; read them as ratios measured in one run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import permutations

import numpy as np

from estimator.catalog import load_catalog
from estimator.packing import best_layout, box_mm, count_by_length, crates_by_layout, interior_mm
from estimator.pallet_loading import floor_table

CONTAINERS = ("20ft", "40ft", "40ft-hc")
WITHIN = 0.03
PY3DBP_MAX_ITEMS = 150


def clear_caches() -> None:
    for cached in (best_layout, count_by_length, floor_table):
        cached.cache_clear()


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
    print(f"time per case: median {np.median(times) * 1e3:.1f} ms, 90th percentile "
          f"{np.percentile(times, 90) * 1e3:.1f} ms, max {times.max() * 1e3:.0f} ms")


def report_py3dbp(rows, subset: int) -> None:
    picked = [r for r in rows if 0 < r[3].volume_bound <= PY3DBP_MAX_ITEMS][:subset]
    print(f"\npy3dbp on {len(picked)} cases (items = volume bound, best of the side orders):")
    print(f"{'container':9}  {'package mm':18}  {'ours':>5}  {'py3dbp':>6}  {'ours ms':>8}  {'py3dbp s':>8}")
    ratios, fewer = [], 0
    for container, interior, box, layout, seconds in picked:
        theirs, their_seconds = py3dbp_count(interior, box, layout.volume_bound)
        fewer += layout.count < theirs
        ratios.append(their_seconds / seconds)
        print(f"{container:9}  {'x'.join(map(str, box)):18}  {layout.count:5}  {theirs:6}  "
              f"{seconds * 1e3:8.1f}  {their_seconds:8.2f}")
    if picked:
        print(f"cases where ours is below py3dbp: {fewer}; speed ratio py3dbp/ours: median "
              f"{statistics.median(ratios):.0f}x, lowest {min(ratios):.0f}x")


def report_monte_carlo(draws: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    interior = [v / 1000 for v in interiors()["20ft"]]
    sides = (rng.uniform(0.75, 1.00, draws), rng.uniform(0.20, 0.30, draws), rng.uniform(0.20, 0.30, draws))
    clear_caches()
    start = time.perf_counter()
    counts = crates_by_layout(interior, sides, upright=False)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    crates_by_layout(interior, sides, upright=False)
    warm = time.perf_counter() - start
    print(f"\nMonte Carlo: {draws:,} draws, package 0.75-1.00 x 0.20-0.30 x 0.20-0.30 m in 20ft: "
          f"{best_layout.cache_info().currsize} layouts solved, cold {cold:.2f} s, warm {warm:.2f} s; "
          f"counts {counts.min()}..{counts.max()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=210)
    parser.add_argument("--py3dbp", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--draws", type=int, default=1_000_000)
    args = parser.parse_args()
    rows = run_suite(args.cases, args.seed)
    if rows:
        report_suite(rows)
    if args.draws:
        report_monte_carlo(args.draws, args.seed)
    if args.py3dbp:
        report_py3dbp(rows, args.py3dbp)


if __name__ == "__main__":
    main()
