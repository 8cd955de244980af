"""Floor quality on random Cover I style instances, with and without the L-approach.

Usage: python benchmarks/floor_cover.py [--cases 300] [--seed 1] [--milp 60] [--searched 25]

Integer floors L x W and boxes l x w (w < l <= 10, l < W <= L <= 4 l) holding 1 to 50
boxes by area. For each: the count with the L-approach switched off (guillotine and
recursive five-block) and on, Barnes's bound, and on the first ``--milp`` cases the exact
optimum by an integer program over raster positions (scipy). Prints the share of
cases at the bound or the optimum, before and after, the time per floor with the
L-approach (caches cleared), and the literature floor (49, 28, 8, 3) with its time.
Last, ``--searched`` larger random floors (20-100 boxes by area) whose whole floor the
L-approach searches (grid of 151-1,024 raster points, table below the bound): the CPU
time of that search and how often it gains.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from estimator import pallet_loading

LITERATURE = ((49, 28, (3, 8)),)  # 57 in Birgin et al.; guillotine and five-block give 56


def milp_optimum(length, width, box) -> int:
    import scipy.sparse as sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    xs, ys = pallet_loading.raster_points(length, box), pallet_loading.raster_points(width, box)
    spots = [(x, y, a, b) for a, b in {box, box[::-1]} for x in xs for y in ys if x + a <= length and y + b <= width]
    rows, cols = [], []
    for k, (x, y, a, b) in enumerate(spots):
        for p in range(x, x + a):
            rows.extend(p * width + q for q in range(y, y + b))
            cols.extend([k] * b)
    cover = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(length * width, len(spots)))
    result = milp(-np.ones(len(spots)), constraints=LinearConstraint(cover, 0, 1),
                  integrality=np.ones(len(spots)), bounds=Bounds(0, 1))
    return round(-result.fun)


def count(length, width, box, l_approach: bool) -> int:
    """The floor count with the L-approach on (default budgets, cells and whole floor) or off."""
    saved = pallet_loading.L_APPROACH_CELLS, pallet_loading.WHOLE_FLOOR_CELLS
    if not l_approach:
        pallet_loading.L_APPROACH_CELLS = pallet_loading.WHOLE_FLOOR_CELLS = 0
    pallet_loading.clear_floor_tables()
    try:
        return pallet_loading.floor_count(length, width, box)
    finally:
        pallet_loading.L_APPROACH_CELLS, pallet_loading.WHOLE_FLOOR_CELLS = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--milp", type=int, default=60)
    parser.add_argument("--searched", type=int, default=25)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows, seconds = [], []
    while len(rows) < args.cases:
        w = rng.randint(2, 9)
        l = rng.randint(w + 1, 10)
        length, width = rng.randint(l + 1, 4 * l), rng.randint(l + 1, 4 * l)
        length, width = max(length, width), min(length, width)
        if not 1 <= length * width // (l * w) <= 50:
            continue
        bound = pallet_loading.floor_bound(length, width, (l, w))
        optimum = milp_optimum(length, width, (l, w)) if len(rows) < args.milp else None
        before = count(length, width, (w, l), False)
        start = time.perf_counter()
        after = count(length, width, (w, l), True)
        seconds.append(time.perf_counter() - start)
        rows.append((before, after, bound, optimum))
    before, after, bound, _ = np.array([r[:3] + (0,) for r in rows]).T
    print(f"cases: {len(rows)}; at Barnes's bound: before {np.mean(before == bound):.1%}, after {np.mean(after == bound):.1%}")
    solved = [r for r in rows if r[3] is not None]
    print(f"with the milp optimum ({len(solved)} cases): before {np.mean([r[0] == r[3] for r in solved]):.1%}, "
          f"after {np.mean([r[1] == r[3] for r in solved]):.1%}; bound = optimum in "
          f"{np.mean([r[2] == r[3] for r in solved]):.1%}; never above: {all(r[1] <= r[3] for r in solved)}")
    print(f"L-approach gains a box in {int(np.sum(after > before))} of {len(rows)}")
    print(f"time per floor with the L-approach: median {np.median(seconds) * 1e3:.1f} ms, "
          f"90th percentile {np.percentile(seconds, 90) * 1e3:.1f} ms, max {max(seconds) * 1e3:.0f} ms")
    for case in LITERATURE:
        start = time.perf_counter()
        found = count(*case, True)
        took = time.perf_counter() - start
        print(f"{case}: {found} boxes ({count(*case, False)} without the L-approach), {took:.2f} s with it")
    whole_floor_searches(args.searched, args.seed)


def whole_floor_searches(cases: int, seed: int) -> None:
    """CPU time of the whole-floor search on random floors that need it: 20-100 boxes
    by area, grids of 151-1,024 raster points, the table's last cell below its bound."""
    rng = random.Random(seed)
    seconds, gains = [], 0
    while len(seconds) < cases:
        w = rng.randint(2, 9)
        l = rng.randint(w + 1, 12)
        length, width = rng.randint(l + 1, 6 * l), rng.randint(l + 1, 6 * l)
        length, width = max(length, width), min(length, width)
        grid = len(pallet_loading.raster_points(length, (w, l))) * len(pallet_loading.raster_points(width, (w, l)))
        if not 20 <= length * width // (l * w) <= 100 or not 150 < grid <= pallet_loading.WHOLE_FLOOR_CELLS:
            continue
        pallet_loading.whole_floor.cache_clear()
        table = pallet_loading.floor_table(length, width, (w, l))
        if table.final[-1, -1] or max(len(table.xs), len(table.ys)) > pallet_loading.WHOLE_FLOOR_SIDE + 1:
            continue
        start = time.process_time()
        gains += pallet_loading.floor_count(length, width, (w, l)) > table.count[-1, -1]
        seconds.append(time.process_time() - start)
    print(f"whole-floor search on {cases} floors whose table stops below the bound: CPU median "
          f"{np.median(seconds):.2f} s, max {max(seconds):.2f} s; gains a box in {gains}")


if __name__ == "__main__":
    main()
