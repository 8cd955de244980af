"""Benchmark: a 50 x 50 sweep, by interval corners and with 10^4 draws a point.

Not a test (timings on a shared machine are noisy): prints the median wall-clock and CPU
time of ``--repeat`` runs.
The drawn sweep samples every parameter with the Monte Carlo's own sampler
(estimator.uncertainty.sample_values, a seeded numpy Generator) and evaluates the model
vectorised, 10^4 x 2,500 model answers, through estimator.sweep.grid_percentiles.

    python benchmarks/sweep.py --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from estimator.catalog import load_catalog
from estimator.parameters import build_scenario
from estimator.sweep import Axis, grid_percentiles, grid_points
from estimator.uncertainty import sample_values

GRID = 50
DRAWS = 10**4


# Two grids: one over mass parameters (the space count is shared by every point of a
# draw) and one over crate sides (the packing is recounted at every point).
GRIDS = {
    "mass": [("container.payload", 18_000.0, 30_000.0, "kg"), ("crate.gross_mass", 45.0, 80.0, "kg")],
    "space": [("crate.length", 0.75, 1.0, "m"), ("crate.width", 0.2, 0.3, "m")],
}


def axes(kind: str) -> list[Axis]:
    return [Axis(name, tuple(np.linspace(low, high, GRID)), unit) for name, low, high, unit in GRIDS[kind]]


def timed(function) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call; on a shared machine the CPU time is the
    steadier of the two (numpy here runs on one core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def medians(runs: list[tuple[float, float]]) -> str:
    return f"{statistics.median(w for w, _ in runs):7.3f} s ({statistics.median(c for _, c in runs):.3f} s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=DRAWS)
    args = parser.parse_args()
    scenario = build_scenario(load_catalog(), "20ft", "152mm-shell", "complete", 1)
    drawn = sample_values(scenario, args.draws, np.random.default_rng(20231102))
    print(f"scenario 152mm-shell complete, 20ft; {GRID} x {GRID} grids; median of {args.repeat}")
    for kind in GRIDS:
        grid = axes(kind)
        interval_times = [timed(lambda: grid_points(scenario, grid)) for _ in range(args.repeat)]
        drawn_times = [timed(lambda: grid_percentiles(scenario, grid, drawn)) for _ in range(args.repeat)]
        names = " x ".join(axis.name for axis in grid)
        print(f"{names:36}  corners {medians(interval_times)}   "
              f"{args.draws:,} draws a point {medians(drawn_times)}  (goal <= 10 s)")


if __name__ == "__main__":
    main()
