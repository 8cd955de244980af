"""How much work the model's space limit by layouts needs, and whether monotone corner
regions would need less (fastspace.py, ``load.packing=layout``).

Usage: python benchmarks/layout_regions.py [--draws 1000000] [--wide-draws 2000] [--seed 2024]

For the two draw sets of benchmarks/packing.py section 3 (narrow crate, 10^6 draws;
the catalog's wide crate, ``--wide-draws`` draws), at the model's resolution (1 cm):

1. Work: usable draws; draws that need a layout at all (``fastspace.profiles_needed``:
   the exact grid below the volume bound at the rounded sizes); distinct groups
   (rounded width, stacked height, package), one profile over the length each; the
   floor tables of the layouts, one per (width, footprint) before the shared square
   tables and one per footprint (box) with them.
2. Corner regions: ``monotone_map`` (tests/oracles.py) over the rounded keys (interior length,
   width, stacked height, package sides), the count at a key the layout count at those
   sizes. A region whose two extreme corners agree takes that count throughout; the
   distinct groups the corners touch are the profiles that method would need, next to
   the groups of the draws themselves.
3. Steps: the share of draws whose count changes when one package side grows by one
   resolution step (1 cm), or the usable width shrinks by one: how often a region
   corner one step away already differs.

Profiles are solved once (cold, then warm from the process cache) and only counted here;
timings are in benchmarks/packing.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
# monotone_map is the tests' oracle for arrays of cases; the model does not use corner
# regions (this benchmark is why), so it lives with the tests, not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

os.environ.setdefault("ESTIMATOR_NO_CACHE", "1")  # not the user's cache file

from oracles import monotone_map  # noqa: E402  (tests/oracles.py)
from packing import monte_carlo_draws  # noqa: E402  (benchmarks/packing.py)

from estimator import fastspace  # noqa: E402
from estimator.fastspace import MODEL_RESOLUTION_M, layout_counts, stacked_height  # noqa: E402
from estimator.packing import grid_count, standings  # noqa: E402

CASES = (("narrow", ((0.865, 0.885), (0.24, 0.26), (0.24, 0.26))),
         ("wide", ((0.75, 1.00), (0.20, 0.30), (0.20, 0.30))))


def rounded_keys(interior, box):
    """Usable rows, the (n, 6) keys (length, width, stacked height, sides ascending) [mm],
    and the rows that need a layout."""
    _, usable, columns = fastspace._columns(interior, [box], [False], MODEL_RESOLUTION_M, extra=[0])
    length, height, width, short, middle, tall, _ = columns
    needed = fastspace.profiles_needed(usable, columns, grid_count(interior, box, False).ravel())
    stacked = stacked_height(height, [short, middle, tall], False)
    return usable, np.stack([length, width, stacked, short, middle, tall], axis=1), needed


def floor_tables(groups: np.ndarray) -> tuple[int, int]:
    """Floor tables of the layouts: per (width, footprint), and per footprint alone
    (``groups`` rows: width, stacked height, package sides)."""
    per_width, per_box = set(), set()
    for width, short, middle, tall in {tuple(g) for g in groups[:, [0, 2, 3, 4]].tolist()}:
        for footprint, _ in standings((short, middle, tall), False):
            per_width.add((width, footprint))
            per_box.add(footprint)
    return len(per_width), len(per_box)


def layout_at(key) -> int:
    """The count at whole-step sizes given in millimetres."""
    length, width, height, *sides = (side / 1000 for side in key)
    return int(layout_counts((length, width, height), tuple(sides), upright=False))


def corner_regions(keys: np.ndarray) -> tuple[int, int]:
    """Calls and distinct groups (width, stacked height, package) of monotone_map's corners."""
    touched = []

    def solve(key):
        touched.append(key[1:])
        return layout_at(key)

    monotone_map(keys, np.array([1, 1, 1, -1, -1, -1]), solve)
    return len(touched), len(set(touched))


def step_changes(interior, box, counts, usable) -> dict[str, float]:
    """Share of usable draws whose count changes one resolution step away."""
    shares = {}
    for side in range(3):
        grown = list(box)
        grown[side] = grown[side] + MODEL_RESOLUTION_M
        shares[f"package side {side + 1} +1 cm"] = float(np.mean(layout_counts(interior, tuple(grown), False)[usable]
                                                           != counts[usable]))
    narrower = (interior[0], interior[1] - MODEL_RESOLUTION_M, interior[2])
    shares["width -1 cm"] = float(np.mean(layout_counts(narrower, box, False)[usable] != counts[usable]))
    return shares


def report(name: str, draws: int, sides, seed: int) -> None:
    interior, box = monte_carlo_draws(draws, sides, np.random.default_rng(seed))
    usable, keys, needed = rounded_keys(interior, box)
    groups = np.unique(keys[needed][:, 1:], axis=0)
    per_width, per_box = floor_tables(groups)
    start = time.perf_counter()
    counts = layout_counts(interior, box, upright=False)
    cold = time.perf_counter() - start
    print(f"\n{name}: {draws:,} draws of {' x '.join(f'{a}-{b}' for a, b in sides)} m in 20ft less 0.02-0.15 m")
    print(f"  usable {usable.sum():,}; needing a layout {needed.sum():,} "
          f"({needed.sum() / max(usable.sum(), 1):.1%}); groups (profiles) {len(groups):,}; "
          f"floor tables per (width, footprint) {per_width:,}, per footprint (shared square tables) {per_box:,}; "
          f"solved cold in {cold:.2f} s")
    distinct = np.unique(keys[needed], axis=0)
    calls, touched = corner_regions(distinct)
    print(f"  corner regions over the {len(distinct):,} distinct rounded keys: {calls:,} corner evaluations, "
          f"{touched:,} distinct groups touched (the draws' own groups: {len(groups):,})")
    shares = step_changes(interior, box, counts, usable)
    print("  count changes one step away: " + ", ".join(f"{what} {share:.0%}" for what, share in shares.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--wide-draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    for (name, sides), draws in zip(CASES, (args.draws, args.wide_draws)):
        if draws:
            report(name, draws, sides, args.seed)


if __name__ == "__main__":
    main()
