"""Monte Carlo speed and memory, all measured side by side in one run (medians of repeats).

1. Ours, 10^6 draws of the full model for one munition and round definition, every ranged
   parameter uncertain (package dimensions included). Goal: at most 0.5 s.
2. A small reference model, in ours and in squigglepy (``pip install '.[bench]'``)::

       rounds = rounds_per_crate x min(floor(payload / crate_mass), space_crates)
       payload ~ U(21,700, 28,200) kg, crate_mass ~ U(60, 110) kg,
       rounds_per_crate uniform on {1, 2}, space_crates uniform on the integers 180..260

   squigglepy its fastest way (vectorised distribution algebra, integers as the floor of a
   uniform: its ``discrete`` over 81 values takes 17 s per 10^6 draws) and its per-draw
   model-function way (timed on fewer draws, reported per 10^6). Each side's time
   includes its p5/p50/p95. Goal: ours at least 1.5x faster than squigglepy's fastest,
   with the same percentiles within sampling error.
3. 10^8 draws of the full model in chunks, in a child process whose peak resident memory
   is read from the kernel; percentiles exact from integer tallies. Goal: at most 500 MB.

Usage: python benchmarks/montecarlo.py [--repeat 5] [--big 100000000]  (``--big 0`` skips 3.)
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from estimator.catalog import load_catalog  # noqa: E402
from estimator.parameters import Parameter, build_scenario  # noqa: E402
from estimator.uncertainty import CHUNK, Tally, simulate, summary  # noqa: E402

SEED = 20231102
QUANTILES = (0.05, 0.5, 0.95)


def median_seconds(function, repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last call's result."""
    return alternating_medians([function], repeat)[0]


def alternating_medians(functions, repeat: int) -> list[tuple[float, object]]:
    """Median wall time of each function over ``repeat`` rounds that call each in turn.

    Alternating spreads the load of a shared machine evenly over the contestants.
    """
    times = [[] for _ in functions]
    results = [None] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results)]


def full_model(munition: str, round_name: str, draws: int, chunk: int | None = None):
    scenario = build_scenario(load_catalog(), "20ft", munition, round_name, 2000)
    kwargs = {} if chunk is None else {"chunk": chunk}
    return simulate(scenario, draws, np.random.default_rng(SEED), **kwargs)


# --- the reference model ------------------------------------------------------------


def _uniform(name: str, low: float, high: float, integer: bool = False) -> Parameter:
    return Parameter(name, low, high, "dimensionless", "1", +1, integer, "benchmark", False)


REFERENCE = (
    _uniform("ref.payload", 21_700, 28_200),
    _uniform("ref.crate_mass", 60, 110),
    _uniform("ref.rounds_per_crate", 1, 2, integer=True),
    _uniform("ref.space_crates", 180, 260, integer=True),
)


def reference_ours(draws: int, chunk: int = 1 << 16) -> list[int]:
    """The reference model our way: chunks small enough to stay in cache, exact tallies merged."""
    from estimator.uncertainty import chunk_sizes, sample_parameter

    rng = np.random.default_rng(SEED)
    tallies = []
    for size in chunk_sizes(draws, chunk):
        payload, mass, per_crate, space = (sample_parameter(p, size, rng) for p in REFERENCE)
        crates = np.floor(np.divide(payload, mass, out=payload), out=payload)
        rounds = np.multiply(per_crate, np.minimum(crates, space, out=crates), out=crates)
        tallies.append(Tally.of(rounds.astype(np.int64)))
    tally = Tally.merge(tallies)
    return [tally.quantile(q) for q in QUANTILES], tally


def reference_squigglepy_vectorised(draws: int):
    import squigglepy as sq

    sq.set_seed(SEED)
    model = sq.dist_floor(sq.uniform(1, 3)) * sq.dist_min(
        sq.dist_floor(sq.uniform(21_700, 28_200) / sq.uniform(60, 110)), sq.dist_floor(sq.uniform(180, 261))
    )
    samples = sq.sample(model, n=draws)
    return [int(v) for v in np.quantile(samples, QUANTILES, method="inverted_cdf")]


def reference_squigglepy_per_draw(draws: int):
    import squigglepy as sq

    sq.set_seed(SEED)
    payload, mass = sq.uniform(21_700, 28_200), sq.uniform(60, 110)
    per_crate, space = sq.discrete([1, 2]), sq.discrete(list(range(180, 261)))

    def model():
        return ~per_crate * min(np.floor(~payload / ~mass), ~space)

    samples = sq.sample(model, n=draws)
    return [int(v) for v in np.quantile(samples, QUANTILES, method="inverted_cdf")]


def within_sampling_error(tally: Tally, other: list[int], draws: int) -> bool:
    """Whether each of ``other``'s quantiles lies between ours at q -+ 4 binomial standard errors.

    Two independent samples of ``draws``: the error of the difference is sqrt(2) times one.
    """
    ok = True
    for q, value in zip(QUANTILES, other):
        delta = 4 * np.sqrt(2 * q * (1 - q) / draws)
        ok &= tally.quantile(max(q - delta, 0)) <= value <= tally.quantile(min(q + delta, 1))
    return bool(ok)


# --- 10^8 draws in chunks, in a child process ------------------------------------------


def big_child(draws: int, chunk: int) -> None:
    """Run in a child: print the percentiles and the seconds as JSON."""
    start = time.perf_counter()
    result = full_model("152mm-shell", "projectile", draws, chunk)
    print(json.dumps({"seconds": time.perf_counter() - start, "per_container": summary(result.per_container),
                      "distinct": int(result.total.values.size)}))


def big_run(draws: int, chunk: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child-big", str(draws), "--chunk", str(chunk)],
        capture_output=True, text=True, check=True,
    )
    record = json.loads(out.stdout)
    record["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big", type=int, default=100_000_000)
    parser.add_argument("--chunk", type=int, default=CHUNK)
    parser.add_argument("--per-draw", type=int, default=10_000, help="draws for squigglepy's per-draw way")
    parser.add_argument("--child-big", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_big is not None:
        big_child(args.child_big, args.chunk)
        return

    million = 1_000_000
    print(f"1. full model, {million:,} draws, 20ft, median of {args.repeat}")
    for munition, round_name in (("152mm-shell", "projectile"), ("152mm-shell", "complete"),
                                 ("122mm-rocket", "complete")):
        seconds, result = median_seconds(lambda: full_model(munition, round_name, million), args.repeat)
        print(f"   {munition} {round_name}: {seconds:.3f} s  per container {summary(result.per_container)}")

    print(f"2. reference model, {million:,} draws, median of {args.repeat}")
    try:
        reference_squigglepy_vectorised(10)  # import squigglepy (and scipy) outside the timing
    except ImportError:
        ours_s, (ours_q, tally) = median_seconds(lambda: reference_ours(million), args.repeat)
        print(f"   ours:                    {ours_s:.4f} s  p5/p50/p95 {ours_q}")
        print("   squigglepy not installed: pip install '.[bench]'")
    else:
        (ours_s, (ours_q, tally)), (vec_s, vec_q) = alternating_medians(
            [lambda: reference_ours(million), lambda: reference_squigglepy_vectorised(million)], args.repeat)
        per_s, per_q = median_seconds(lambda: reference_squigglepy_per_draw(args.per_draw), 1)
        print(f"   ours:                    {ours_s:.4f} s  p5/p50/p95 {ours_q}")
        per_million = per_s * million / args.per_draw
        print(f"   squigglepy vectorised:   {vec_s:.4f} s  p5/p50/p95 {vec_q}  "
              f"same within sampling error: {within_sampling_error(tally, vec_q, million)}")
        print(f"   squigglepy per draw:     {per_million:.1f} s per 10^6 (timed on {args.per_draw:,})  "
              f"p5/p50/p95 {per_q}  same within sampling error: "
              f"{within_sampling_error(tally, per_q, args.per_draw)}")
        print(f"   ours is {vec_s / ours_s:.1f}x faster than squigglepy's fastest way, "
              f"{per_million / ours_s:,.0f}x faster than its per-draw way")

    if not args.big:
        return
    print(f"3. full model (152mm-shell projectile), {args.big:,} draws in chunks of {args.chunk:,}")
    big = big_run(args.big, args.chunk)
    print(f"   {big['seconds']:.1f} s, peak resident memory {big['peak_mb']:.0f} MB, "
          f"per container {big['per_container']}, {big['distinct']:,} distinct totals")


if __name__ == "__main__":
    main()
