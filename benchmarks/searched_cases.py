"""Cold time of the searched cases of the packing suite, to compare two versions.

Usage: python benchmarks/searched_cases.py OUT.json [--runs 5]
       python benchmarks/searched_cases.py --compare BEFORE.json [BEFORE2.json ...] --after AFTER.json [...]

The cases of benchmarks/packing.py's suite (210 cases, seed 2024, any orientation) whose
volume bound is 15-150 packages and whose best grid is below the first upper bound, so
that the layout searches run: the cases between the few-package ones the grid settles
and the large ones py3dbp is not run on. Each case is timed cold (every cache cleared,
``cold_time``), the median of ``--runs`` runs, and written to OUT.json. ``--compare``
takes the median of each case over the files of each version (run the versions
interleaved on a shared machine) and prints the median per-case speed-up.
"""

from __future__ import annotations

import argparse
import json
import statistics

from packing import cold_time, clear_caches, suite

from estimator.packing import best_layout, grid_layout, upper_bound


def searched_cases():
    """(name, interior, box) of the suite's cases that the layout searches decide."""
    for container, interior, box in suite(210, 2024):
        clear_caches()
        layout = best_layout(interior, box, False)
        count, _ = grid_layout(interior, box, False, 0)
        if 15 <= layout.volume_bound <= 150 and count < upper_bound(interior, box, False, 0, reached=count,
                                                                     exhaustive=False):
            yield f"{container} {box}", interior, box


def median_times(paths: list[str]) -> dict[str, float]:
    """Each case's median time over the files of one version. [s]"""
    runs = []
    for path in paths:
        with open(path) as file:
            runs.append(json.load(file))
    return {case: statistics.median(run[case] for run in runs) for case in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", nargs="+")
    parser.add_argument("--after", nargs="+")
    args = parser.parse_args()
    if bool(args.compare) != bool(args.after):
        parser.error("--compare and --after go together")
    if not args.compare and not args.out:
        parser.error("OUT.json is required unless comparing")
    if args.compare:
        before, after = median_times(args.compare), median_times(args.after)
        ratios = [before[case] / after[case] for case in before]
        print(f"{len(ratios)} searched cases: before {sum(before.values()) * 1e3:.0f} ms, after "
              f"{sum(after.values()) * 1e3:.0f} ms in all; per-case speed-up median "
              f"{statistics.median(ratios):.2f}x (lowest {min(ratios):.2f}x, highest {max(ratios):.2f}x)")
        return
    times = {name: statistics.median(cold_time(interior, box) for _ in range(args.runs))
             for name, interior, box in searched_cases()}
    with open(args.out, "w") as file:
        json.dump(times, file, indent=0)
    print(f"{len(times)} searched cases: {sum(times.values()) * 1e3:.0f} ms in all, "
          f"median {statistics.median(times.values()) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
