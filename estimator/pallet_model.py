"""Crates on pallets in the model: the space and mass limits of palletised loading.

With the setting ``load.pallet = ID`` (``--pallet ID``) the crates travel as unit loads
(pallets.py): complete layers of crates on a pallet's deck, the unit loads standing on the
container floor and stacked where the interior height and the pallet's ``stack_load``
allow. The count equals ``pallets.pack_pallets`` at the sizes rounded as below (tested),
for arrays of Monte Carlo draws:

* **Resolution.** Interior sides and the door height are rounded down to
  :data:`fastspace.MODEL_RESOLUTION_M` (1 cm), crate sides up, so every count is a loading
  that fits at the exact sizes (feasible, never above a physically loadable count). The
  pallet's numbers are used as they are, in whole millimetres like pallets.py.
* **Few searches.** Only two counts need a search: crates per layer on the deck
  (``pallet_loading.floor_count``), by deck and rounded crate footprint, and unit loads
  per tier on the container floor (``packing.pack`` with one tier), by rounded floor and
  pallet base. Draws sharing them share one search; the rest is closed form: for upright
  unit loads of one height, ``pack`` gives the one-tier count times the tiers (tested).
* **Every build of unit load.** Each way to stand the crate, with every layer count up to
  the tallest the pallet allows (height, crate layer cap, and its load mass, dropping
  whole layers as MIL-STD-1660A asks), is one *build*; a lower unit load may stack where
  a taller one cannot. The best build is taken for each draw.

The mass limit counts the pallets: N crates on unit loads of c crates weigh
``N m + ceil(N / c) t`` with the pallet's tare t, which must not exceed the usable payload.
A build's count is ``min(by space, by mass)``, both with that build; the answer is the
best build's. The reported limits are each the best over the builds (space alone, and
mass alone, which favours the fullest unit loads), so ``rounds`` may lie a few crates
below both when no single build reaches both; it is always a real loading.

Monotone in the container's sides, the payload, the crate's mass and the pallet's base,
tare and limits (tested), but not in the crate's size (nor the deck's): with whole layers
a smaller crate fills a layer with more crates, and a full layer may then outweigh the
pallet's load mass (or the stacked unit loads its ``stack_load``), leaving fewer layers.
So the range is searched over every crate size at 1 cm (``intervals.palletised_interval``;
for kits :func:`kit_extreme` combines the parts' :func:`kit_choices`), not read off the
corners (NOTES.md: on 463L the 152 mm crates reach 174 a 20 ft box, the corner 140).

Kits (the 152 mm complete round: projectile crate and charge crate) are loaded as
separate unit loads per crate type on the same pallet, each floor position holding a
stack of one type. For each type two builds are tried (the most crates per floor
position, and the most crates per pallet, the least tare), and the best of their pairs
taken: a feasible loading, possibly a little below the best mixed one (stacks of both
types, or crates of both on one pallet, are not tried).

References
----------
.. [1] MIL-STD-1660A, Design Criteria for Ammunition Unit Loads, 4.5.4 (whole layers
   removed when too heavy). ammonuclearordboxespkgsspclzd.emilspec.com/MIL-STD-1660/page18.html
.. [2] US Army subcourse MM0148: palletised loads stand on their pallets, which are their
   dunnage. armymunitions.tpub.com/Mm0148a/Ammunition-Stacks-10.htm
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from itertools import product
from typing import Mapping, Sequence

import numpy as np

from estimator.counts import largest_meeting, packages_for, whole_counts
from estimator.errors import InputError
from estimator.fastspace import (
    MODEL_RESOLUTION_M, layout_counts, rounded_box_mm, rounded_interior_mm, save_profiles, stored_count,
)
from estimator.packing import NO_LAYER_LIMIT, RESOLUTION_M, box_mm, interior_mm, within
from estimator.pallet_loading import floor_count

# Share of the usable payload allowed for floating-point rounding, as the model's mass limit.
_MASS_TOLERANCE = 1e-12
# A pallet side this long or longer is a slip of unit (as pallets.pallet_spec refuses it). [m]
_LONGEST_PALLET_M = 1e6


@dataclass(frozen=True)
class PalletArrays:
    """One pallet type in SI arrays (m, kg) that broadcast with the draws."""

    length_m: np.ndarray  # outer base, as the unit load stands on the container floor
    width_m: np.ndarray
    deck_length_m: np.ndarray  # usable for crates
    deck_width_m: np.ndarray
    base_height_m: np.ndarray
    tare_kg: np.ndarray
    max_load_height_m: np.ndarray  # of the crates above the deck
    max_load_mass_kg: np.ndarray  # of the crates on one pallet
    stack_load_kg: np.ndarray | None = None  # most a loaded pallet bears; None: not stacked


@dataclass(frozen=True)
class Builds:
    """Every way to build unit loads of one crate type, each as arrays over the draws."""

    per_pallet: list[np.ndarray]  # crates on one unit load (0 where the build is impossible)
    per_position: list[np.ndarray]  # crates in one stack of unit loads on a floor position


# --- the two searched counts, shared by draws ----------------------------------------


def crates_per_layer(deck_mm: Sequence[np.ndarray], footprint_mm: Sequence[np.ndarray], needed=True) -> np.ndarray:
    """Crates in one layer on the deck: the best floor pattern (``floor_count``).

    Parameters
    ----------
    deck_mm : two int arrays
        Deck length and width. [mm]
    footprint_mm : two int arrays
        The crate's sides lying flat, shorter first. [mm]
    needed : bool array, optional
        False where the count cannot change the answer (no layer fits by height, or even
        :func:`grid_per_layer` crates outweigh the load mass): there that lower bound is
        returned without a search.

    Returns
    -------
    numpy.ndarray of int64
        Broadcast over the inputs. Draws of the catalog's crate ranges give a few hundred
        footprints at 1 cm; each is solved once and kept with fastspace's profiles (in the
        process and the cache file, ``fastspace.stored_count``).
    """
    columns = np.broadcast_arrays(*(np.asarray(c, dtype=np.int64) for c in (*deck_mm, *footprint_mm)),
                                  np.asarray(needed, dtype=bool))
    columns, needed = columns[:-1], columns[-1]
    counts = np.array(grid_per_layer(columns[:2], columns[2:]), dtype=np.int64)
    distinct, inverse = _distinct_rows([c[needed] for c in columns])
    solved = np.array([stored_count(("deck", *row), lambda row=row: _floor_count(*row))
                       for row in distinct.tolist()], dtype=np.int64)
    counts[needed] = solved[inverse]
    return counts


def grid_per_layer(deck_mm: Sequence[np.ndarray], footprint_mm: Sequence[np.ndarray]) -> np.ndarray:
    """Crates in one layer laid as one grid, the better of the two ways round: at most
    :func:`crates_per_layer`, positive exactly where the footprint fits the deck. [1]"""
    (length, width), (short, long) = deck_mm, footprint_mm
    return np.maximum((length // short) * (width // long), (length // long) * (width // short))


def _floor_count(length: int, width: int, short: int, long: int) -> int:
    """``floor_count``, 0 when the footprint fits the deck in neither way."""
    fits = short <= min(length, width) and long <= max(length, width)
    return floor_count(length, width, (short, long)) if fits else 0


def _distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of non-negative integer ``columns`` and each row's index among them.

    The columns are packed into one int64 key (mixed radix over their spans), which
    numpy sorts far faster than rows.
    """
    flat = [np.ravel(c) for c in columns]
    if not len(flat[0]):
        return np.zeros((0, len(flat)), dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = [int(c.min()) for c in flat]
    span = [int(c.max()) - lo + 1 for c, lo in zip(flat, low)]
    if np.sum(np.log2(span)) >= 62:
        distinct, inverse = np.unique(np.stack(flat, axis=1), axis=0, return_inverse=True)
        return distinct, inverse.ravel()
    key = np.zeros(len(flat[0]), dtype=np.int64)
    for c, lo, size in zip(flat, low, span):
        key = key * size + (c - lo)
    keys, inverse = np.unique(key, return_inverse=True)
    rows = []
    for lo, size in zip(reversed(low), reversed(span)):
        rows.append(keys % size + lo)
        keys = keys // size
    return np.stack(rows[::-1], axis=1), inverse.ravel()


def unit_loads_per_tier(floor_m: Sequence[np.ndarray], base_m: Sequence[np.ndarray]) -> np.ndarray:
    """Unit loads standing side by side on the container floor: ``packing.pack`` with one
    tier, through ``fastspace.layout_counts`` (one solve for every floor length, cached).

    Parameters
    ----------
    floor_m : two arrays
        Usable interior length and width, at whole millimetres. [m]
    base_m : two arrays
        The pallet's outer base (rounded up to whole millimetres, as pack does). [m]
    """
    # One tier: the box as tall as the interior, so the layer count is 1.
    return layout_counts((*floor_m, 1.0), (*base_m, 1.0), True, 1, resolution_m=RESOLUTION_M)


# --- unit loads ----------------------------------------------------------------------


def _standings(crate_mm: Sequence[np.ndarray], upright: bool):
    """Each way to stand the crate: (shorter footprint side, longer one, vertical side). [mm]"""
    length, width, height = crate_mm
    ways = [(width, length, height)] if upright else [(width, height, length), (length, height, width),
                                                      (length, width, height)]
    return [(np.minimum(a, b), np.maximum(a, b), vertical) for a, b, vertical in ways]


def stack_tiers(per_pallet, layers, crate_mass_kg, pallet: PalletArrays, crate_max_layers) -> np.ndarray:
    """Most unit loads one above the other by the pallet's ``stack_load`` and the crate's
    layer cap (as ``pallets.UnitLoad.stack_layers``), at least 1. [1]"""
    load_kg = per_pallet * np.asarray(crate_mass_kg, dtype=float)
    if pallet.stack_load_kg is None:
        return np.ones(np.shape(load_kg), dtype=np.int64)
    gross_kg = pallet.tare_kg + load_kg
    with np.errstate(divide="ignore", invalid="ignore"):
        above = np.floor_divide(pallet.stack_load_kg - load_kg, gross_kg)
    by_load = 1 + np.maximum(np.nan_to_num(above, nan=0.0), 0).astype(np.int64)
    cap = np.asarray(crate_max_layers, dtype=np.int64)
    by_cap = np.maximum(cap // np.maximum(layers, 1), 1)
    return np.where(cap == NO_LAYER_LIMIT, by_load, np.minimum(by_load, by_cap))


def deck_mm(pallet: PalletArrays) -> tuple[np.ndarray, np.ndarray]:
    """The deck's length and width, rounded down to whole millimetres. [mm]

    The deck lies within the base (catalog and check_pallet refuse more); a search that
    steps a deck side past the base (check --explain) finds no more room there.
    """
    return (interior_mm(np.minimum(pallet.deck_length_m, pallet.length_m)),
            interior_mm(np.minimum(pallet.deck_width_m, pallet.width_m)))


def fewest_per_layer(crate_mm: Sequence[np.ndarray], upright: bool, pallet: PalletArrays) -> np.ndarray:
    """At most the fewest crates in a layer over the ways to stand the crate that put any
    on the deck (:func:`grid_per_layer`: no floor search).

    Every unit load of the crate holds at least this many (a whole layer), whatever the
    container, the masses and the pallet's other limits; 0 where no way fits the deck.

    Parameters
    ----------
    crate_mm : three int arrays
        Crate sides, rounded up (the third vertical if ``upright``). [mm]
    upright : bool
    pallet : PalletArrays
    """
    deck = deck_mm(pallet)
    per_layer = [grid_per_layer(deck, (short, long)) for short, long, _ in _standings(crate_mm, upright)]
    fitting = [np.where(count > 0, count, np.iinfo(np.int64).max) for count in per_layer]
    fewest = reduce(np.minimum, fitting)
    return np.where(fewest == np.iinfo(np.int64).max, 0, fewest)


def unit_load_builds(interior_mm_: Sequence[np.ndarray], door_height_mm: np.ndarray, crate_mm, crate_mass_kg,
                     upright: bool, crate_max_layers, pallet: PalletArrays) -> Builds:
    """Every build (standing, layer count) of unit loads of one crate type, over the draws.

    Parameters
    ----------
    interior_mm_ : three int arrays
        Usable interior, rounded down. [mm]
    door_height_mm : int array
        Door height, rounded down: no unit load is taller. [mm]
    crate_mm : three int arrays
        Crate sides, rounded up (the third vertical if ``upright``). [mm]
    crate_mass_kg : array
        Gross mass of one crate. [kg]
    upright : bool
    crate_max_layers : int array
        Most crates one above the other, counted over stacked unit loads too; 0: no limit.
    pallet : PalletArrays

    Returns
    -------
    Builds
        Crates per pallet and per floor position of every build; both 0 where the build
        is impossible (more layers than the tallest unit load).
    """
    crate_mass_kg = np.asarray(crate_mass_kg, dtype=float)
    cap = np.asarray(crate_max_layers, dtype=np.int64)
    deck = deck_mm(pallet)
    height_limit_m = np.minimum(interior_mm_[2], door_height_mm) * RESOLUTION_M
    room_m = np.minimum(pallet.max_load_height_m, height_limit_m - pallet.base_height_m)
    room_mm = interior_mm(np.maximum(room_m, 0.0))
    per_pallet, per_position = [], []
    for short, long, vertical in _standings(crate_mm, upright):
        by_height = room_mm // vertical
        by_cap = np.where(cap == NO_LAYER_LIMIT, by_height, np.minimum(by_height, cap))
        # No floor search where no layer can stand: too tall, or too heavy even as a grid.
        needed = (by_cap > 0) & (grid_per_layer(deck, (short, long)) * crate_mass_kg <= pallet.max_load_mass_kg)
        per_layer = crates_per_layer(deck, (short, long), needed)
        with np.errstate(divide="ignore", invalid="ignore"):
            by_mass = np.floor_divide(pallet.max_load_mass_kg, per_layer * crate_mass_kg)
        by_mass = np.where(per_layer > 0, np.nan_to_num(by_mass, posinf=0.0), 0).astype(np.int64)
        tallest = np.minimum(by_cap, by_mass)
        for layers in range(1, int(np.max(tallest, initial=0)) + 1):
            possible = layers <= tallest
            crates = np.where(possible, per_layer * layers, 0)
            load_height_mm = box_mm(pallet.base_height_m + layers * vertical * RESOLUTION_M)
            tiers = np.minimum(interior_mm_[2] // load_height_mm,
                               stack_tiers(crates, layers, crate_mass_kg, pallet, cap))
            per_pallet.append(crates)
            per_position.append(np.where(possible, tiers * crates, 0))
    return Builds(per_pallet, per_position)


def crates_by_mass(usable_kg, crate_mass_kg, tare_kg, per_pallet) -> np.ndarray:
    """Most crates N with ``N m + ceil(N / c) t <= usable`` (c crates per unit load).

    Parameters
    ----------
    usable_kg : array
        Usable payload. [kg]
    crate_mass_kg, tare_kg : arrays
        Gross mass of one crate and the pallet's tare. [kg]
    per_pallet : int array
        Crates per unit load c; 0 gives 0.

    Examples
    --------
    >>> int(crates_by_mass(1000.0, 60.0, 25.0, 8))  # 2 full pallets (1010 kg) is too much
    15
    """
    usable = np.asarray(usable_kg, dtype=float) * (1 + _MASS_TOLERANCE)
    crate, tare = np.asarray(crate_mass_kg, dtype=float), np.asarray(tare_kg, dtype=float)
    per_pallet = np.asarray(per_pallet, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        full = np.floor(usable / (per_pallet * crate + tare))
        rest = usable - full * (per_pallet * crate + tare)
        extra = np.clip(np.floor((rest - tare) / crate), 0, np.maximum(per_pallet - 1, 0))
    crates = whole_counts(np.where(per_pallet > 0, np.nan_to_num(full * per_pallet + extra), 0), "crates by mass")
    # One step either way keeps the floating-point test exact (as model._max_whole_rounds_one_part).
    crates = np.where(_palletised_mass(crates, crate, tare, per_pallet) > usable, crates - 1, crates)
    more = np.where(_palletised_mass(crates + 1, crate, tare, per_pallet) <= usable, crates + 1, crates)
    return np.where(per_pallet > 0, more, 0)


def _palletised_mass(crates, crate_mass_kg, tare_kg, per_pallet) -> np.ndarray:
    """Crates and the pallets they need (none where ``per_pallet`` is 0). [kg]"""
    pallets = np.where(per_pallet > 0, -(-crates // np.maximum(per_pallet, 1)), 0)
    return crates * crate_mass_kg + pallets * tare_kg


# --- one crate type ------------------------------------------------------------------


@dataclass(frozen=True)
class PalletisedCrates:
    """Crates of one type on pallets in one container, broadcast over the draws."""

    crates: np.ndarray  # the best build's count: min(by space, by mass) of that build
    by_space: np.ndarray  # most crates the space allows, best build
    by_mass: np.ndarray  # most crates the usable payload allows with the pallets' tare, best build
    pallets: np.ndarray  # unit loads of the best build (pallets whose tare the load carries)


def best_build(builds: Builds, floor_positions, usable_kg, crate_mass_kg, tare_kg) -> PalletisedCrates:
    """The build that loads the most crates, with its count by space and mass."""
    shape = np.broadcast_shapes(np.shape(floor_positions), np.shape(usable_kg), np.shape(crate_mass_kg),
                                np.shape(tare_kg), *(np.shape(c) for c in builds.per_pallet))
    best = np.zeros(shape, dtype=np.int64)
    best_pallets = np.zeros(shape, dtype=np.int64)
    by_space = np.zeros(shape, dtype=np.int64)
    by_mass = np.zeros(shape, dtype=np.int64)
    for per_pallet, per_position in zip(builds.per_pallet, builds.per_position):
        space = floor_positions * per_position
        mass = crates_by_mass(usable_kg, crate_mass_kg, tare_kg, per_pallet)
        crates = np.minimum(space, mass)
        better = crates > best
        best = np.where(better, crates, best)
        best_pallets = np.where(better, -(-crates // np.maximum(per_pallet, 1)), best_pallets)
        by_space, by_mass = np.maximum(by_space, space), np.maximum(by_mass, mass)
    # Where no unit load can be built, space allows nothing; mass alone is the crates' own.
    buildable = np.broadcast_to(has_build(builds), shape)
    by_mass = np.where(buildable, by_mass, crates_by_mass(usable_kg, crate_mass_kg, 0.0, 1))
    return PalletisedCrates(best, by_space, by_mass, best_pallets)


@dataclass(frozen=True)
class Container:
    """A container ready for unit loads: rounded interior and door, floor positions."""

    interior_mm: list[np.ndarray]  # usable interior, rounded down [mm]
    door_height_mm: np.ndarray  # rounded down [mm]
    floor_positions: np.ndarray  # unit loads per tier; 0 where the pallet cannot pass the door


def container_for_pallets(interior_m, door_m, pallet: PalletArrays,
                          resolution_m: float = MODEL_RESOLUTION_M) -> Container:
    """Round the usable interior and door down to ``resolution_m`` and count the unit loads
    per tier.

    Parameters
    ----------
    interior_m : three arrays
        Usable interior (less clearance; no floor dunnage, the pallet is the dunnage). [m]
    door_m : two arrays
        Door width and height. [m] Where the pallet's base cannot pass the door, no unit load.
    pallet : PalletArrays
    resolution_m : float
        [m]
    """
    interior = [rounded_interior_mm(side, resolution_m) for side in interior_m]
    positions = unit_loads_per_tier([side * RESOLUTION_M for side in interior[:2]], (pallet.length_m, pallet.width_m))
    positions = np.where(pallet_passes_door(door_m[0], pallet), positions, 0)
    return Container(interior, rounded_interior_mm(door_m[1], resolution_m), positions)


def builds_in(container: Container, crate_m, crate_mass_kg, upright: bool, pallet: PalletArrays,
              crate_max_layers=NO_LAYER_LIMIT, resolution_m: float = MODEL_RESOLUTION_M) -> Builds:
    """:func:`unit_load_builds` of a crate (sides [m], rounded up to ``resolution_m``) in the container."""
    crate = [rounded_box_mm(side, resolution_m) for side in crate_m]
    builds = unit_load_builds(container.interior_mm, container.door_height_mm, crate, crate_mass_kg, upright,
                              crate_max_layers, pallet)
    save_profiles()  # the floor counts on the deck solved for these draws
    return builds


def palletised_crates(interior_m, door_m, crate_m, crate_mass_kg, upright: bool, pallet: PalletArrays,
                      usable_kg, crate_max_layers=NO_LAYER_LIMIT,
                      resolution_m: float = MODEL_RESOLUTION_M) -> PalletisedCrates:
    """Crates of one type a container carries on pallets, for arrays of draws.

    Parameters
    ----------
    interior_m : three arrays
        Usable interior (less clearance; no floor dunnage, the pallet is the dunnage). [m]
    door_m : two arrays
        Door width and height. [m] Where the pallet's base cannot pass the door, 0.
    crate_m : three arrays
        Crate length, width, height (height vertical if ``upright``). [m]
    crate_mass_kg : array
        Gross mass of one crate. [kg]
    upright : bool
    pallet : PalletArrays
    usable_kg : array
        Usable payload: rated payload times the load fraction. [kg]
    crate_max_layers : int array
        Most crates one above the other (0: no limit).
    resolution_m : float
        Interior and door rounded down, crate up, to this. [m]

    Returns
    -------
    PalletisedCrates
        Its ``by_space`` equals the crates of ``pallets.pack_pallets`` at the rounded sizes.

    Examples
    --------
    >>> eur = PalletArrays(1.2, 0.8, 1.2, 0.8, 0.144, 25.0, 2.136, 1000.0)
    >>> loaded = palletised_crates((5.75, 2.2, 2.25), (0.9, 2.2), (0.8, 0.3, 0.3), 60.0, False, eur, 25000.0)
    >>> int(loaded.by_space), int(loaded.crates)
    (176, 176)
    """
    container = container_for_pallets(interior_m, door_m, pallet, resolution_m)
    builds = builds_in(container, crate_m, crate_mass_kg, upright, pallet, crate_max_layers, resolution_m)
    return best_build(builds, container.floor_positions, usable_kg, crate_mass_kg, pallet.tare_kg)


def pallet_passes_door(door_width_m, pallet: PalletArrays) -> np.ndarray:
    """Whether the unit load's base passes the door end-on (its height is kept below the
    door's by construction)."""
    return within(np.minimum(pallet.length_m, pallet.width_m), door_width_m)


# --- kits: several crate types, each on its own unit loads ---------------------------


@dataclass(frozen=True)
class KitPart:
    """One crate type of a kit on pallets: its builds and what a round needs of it."""

    builds: Builds
    crate_mass_kg: np.ndarray
    items: np.ndarray  # items per crate, whole numbers
    items_per_round: int


def kit_rounds_on_pallets(parts: Sequence[KitPart], floor_positions, usable_kg, tare_kg):
    """Rounds of a kit on pallets: separate unit loads per crate type, floor positions
    shared between them.

    For each part two builds are tried (most crates per floor position; most crates per
    pallet), and every pair: rounds R fit when the stacks need at most ``floor_positions``
    positions, ``sum_i ceil(N_i / s_i) <= F``, and crates and pallets weigh at most the
    usable payload, ``sum_i N_i m_i + ceil(N_i / c_i) t <= usable``, with
    ``N_i = ceil(R q_i / k_i)`` crates of part i.

    Returns
    -------
    rounds, by_space, by_mass : int arrays
        The best pair's rounds (a feasible loading); the most by space alone (best
        positions per crate), and by mass alone (fewest pallets).
    """
    usable = np.asarray(usable_kg, dtype=float) * (1 + _MASS_TOLERANCE)
    space_first = [_best_of(part.builds, part.builds.per_position, part.builds.per_pallet) for part in parts]
    mass_first = [_best_of(part.builds, part.builds.per_pallet, part.builds.per_position) for part in parts]
    floor_positions = np.asarray(floor_positions, dtype=np.int64)

    def positions_used(rounds, choice):
        used = 0
        for part, (_, per_position) in zip(parts, choice):
            crates = packages_for(rounds, part.items, part.items_per_round)
            # A part with no possible build cannot ship a crate: more than the floor holds.
            used = used + np.where(per_position > 0, -(-crates // np.maximum(per_position, 1)),
                                   np.where(crates > 0, floor_positions + 1, 0))
        return used

    def mass_used(rounds, choice, buildable_only=True):
        # A part with no possible build: no loading (buildable_only), or, for the mass
        # limit alone, its crates without pallets.
        used = 0.0
        for part, (per_pallet, _) in zip(parts, choice):
            crates = packages_for(rounds, part.items, part.items_per_round)
            mass = _palletised_mass(crates, part.crate_mass_kg, tare_kg, per_pallet)
            used = used + (np.where((per_pallet > 0) | (crates == 0), mass, np.inf) if buildable_only else mass)
        return used

    by_space_high = reduce(np.minimum, [
        floor_positions * per_position * np.asarray(part.items, dtype=np.int64) // part.items_per_round
        for part, (_, per_position) in zip(parts, space_first)])
    with np.errstate(divide="ignore", invalid="ignore"):
        by_mass_high = whole_counts(np.nan_to_num(reduce(np.minimum, [
            usable / part.crate_mass_kg * np.asarray(part.items, dtype=float) / part.items_per_round
            for part in parts])), "rounds by mass per container")
    by_space = largest_meeting(lambda r: positions_used(r, space_first) <= floor_positions, 0, by_space_high)
    by_mass = largest_meeting(lambda r: mass_used(r, mass_first, buildable_only=False) <= usable, 0, by_mass_high)
    high = np.minimum(by_space, by_mass)
    rounds = np.zeros_like(high)
    for choice in product(*zip(space_first, mass_first)):
        rounds = np.maximum(rounds, largest_meeting(
            lambda r: (positions_used(r, choice) <= floor_positions) & (mass_used(r, choice) <= usable), 0, high))
    return rounds, by_space, by_mass


def _best_of(builds: Builds, first: list[np.ndarray], second: list[np.ndarray]):
    """The build with the largest ``first``, ties broken by ``second``: (per pallet, per position)."""
    best_first = np.zeros(np.shape(first[0]) if first else (), dtype=np.int64)
    best_second = np.zeros_like(best_first)
    pallet = np.zeros_like(best_first)
    position = np.zeros_like(best_first)
    for f, s, per_pallet, per_position in zip(first, second, builds.per_pallet, builds.per_position):
        better = (f > best_first) | ((f == best_first) & (s > best_second))
        best_first, best_second = np.where(better, f, best_first), np.where(better, s, best_second)
        pallet, position = np.where(better, per_pallet, pallet), np.where(better, per_position, position)
    return pallet, position


# --- kits over a grid of crate sizes: the extremes of the count ---------------------


def kit_choices(builds: Builds, fewest: np.ndarray) -> np.ndarray:
    """All that the kit count and its bounds use of one part's builds, per draw, as the
    last axis: crates per pallet and per floor position of the space-first build, the same
    of the mass-first build (as :func:`kit_rounds_on_pallets` picks them),
    :func:`fewest_per_layer`, the most tiers of unit loads of any build, and 1 where the
    crate has a unit load. [1]"""
    space_first = _best_of(builds, builds.per_position, builds.per_pallet)
    mass_first = _best_of(builds, builds.per_pallet, builds.per_position)
    tiers = reduce(np.maximum, [per_position // np.maximum(per_pallet, 1)
                                for per_pallet, per_position in zip(builds.per_pallet, builds.per_position)], 0)
    return np.stack(np.broadcast_arrays(*space_first, *mass_first, fewest, tiers, has_build(builds)), axis=-1)


def has_build(builds: Builds) -> np.ndarray:
    """Where the crate has at least one unit load (else by mass counts no tare)."""
    return reduce(np.logical_or, [per_pallet > 0 for per_pallet in builds.per_pallet], np.zeros((), bool))


@dataclass(frozen=True)
class KitExtreme:
    """The least (or most) rounds of a kit over every combination of its parts' crate sizes."""

    bound: int  # a proven bound of the count anywhere the other parameters are no better (worse)
    rounds: int  # the least (most) count itself over the combinations: bound when equal
    by_space: int  # the least (most) rounds by space alone
    by_mass: int  # the least (most) rounds by mass alone
    mass_binds: bool  # at the combination giving the bound


def kit_extreme(choices: Sequence[np.ndarray], crate_mass_kg: Sequence[float], items: Sequence[int],
                items_per_round: Sequence[int], floor_positions: int, usable_kg: float, tare_kg: float,
                highest: bool) -> KitExtreme:
    """The fewest (or, if ``highest``, most) rounds of a kit over every combination of its
    parts' crate sizes, the other parameters at one corner.

    The count depends on a part's crate size only through its :func:`kit_choices` row,
    so each part's distinct rows are combined (a few hundred by a few hundred) instead
    of every pair of crate sizes (millions).

    Parameters
    ----------
    choices : one (n_i, 7) int array per part
        :func:`kit_choices` at each of the part's crate sizes, its most tiers taken at the
        optimistic corner and whether it has a unit load at the pessimistic one.
    crate_mass_kg, items, items_per_round : one number per part
        Gross mass of a crate [kg], items per crate and per round [1].
    floor_positions : int
        Unit loads per tier. [1]
    usable_kg, tare_kg : float
        Usable payload and the pallet's tare. [kg]
    highest : bool

    Returns
    -------
    KitExtreme
        ``bound`` when ``highest``: the most ``min(by_space, by_mass)``, which the count
        never exceeds (those limits take each part's best build by positions and by
        pallet); both only grow with the container, payload, stack and load limits and
        fall with the crate and pallet masses. Else the fewest rounds of the loadings
        that every better point's own picks dominate (:func:`_lowest_builds`), so the
        count anywhere with more room or payload and lighter crates or pallets is no
        lower. The pairing of builds that
        :func:`kit_rounds_on_pallets` picks is not monotone, hence bounds rather than
        the corners.
    """
    distinct = [np.unique(rows, axis=0) for rows in choices]
    index = [i.ravel() for i in np.meshgrid(*(np.arange(len(rows)) for rows in distinct), indexing="ij")]
    rows = [part_rows[i] for part_rows, i in zip(distinct, index)]

    def count(builds):
        kit = [KitPart(b, np.float64(mass), np.int64(k), q)
               for b, mass, k, q in zip(builds, crate_mass_kg, items, items_per_round)]
        return kit_rounds_on_pallets(kit, floor_positions, usable_kg, tare_kg)

    rounds, by_space, by_mass = count([Builds([r[:, 0], r[:, 2]], [r[:, 1], r[:, 3]]) for r in rows])
    if highest:
        limit = np.minimum(by_space, by_mass)
        at = int(np.argmax(limit))
        # By mass alone counts no tare for a part with no unit load, which a point worse
        # than this corner may be: the most then takes that part's crates without pallets.
        _, _, most_by_mass = count([Builds([np.where(r[:, 6] > 0, r[:, 2], 0)], [r[:, 3]]) for r in rows])
        return KitExtreme(int(limit[at]), int(rounds.max()), int(by_space.max()), int(most_by_mass.max()),
                          bool(by_mass[at] <= by_space[at]))
    lower, _, least_by_mass = count([_lowest_builds(r) for r in rows])
    at = int(np.argmin(lower))
    return KitExtreme(int(lower[at]), int(rounds.min()), int(by_space.min()), int(least_by_mass.min()),
                      bool(by_mass[at] <= by_space[at]))


def _lowest_builds(rows: np.ndarray) -> Builds:
    """Two builds that every better point's own picks dominate, from a part's
    :func:`kit_choices` rows at the pessimistic corner (the most tiers at the optimistic).

    The space-first build there has at least these positions' crates; if no more, the
    builds tied for them here are tied there too (builds and their counts only grow) and
    it has at least the crates per pallet of this one; if more, at least ``ceil((positions
    + 1) / most tiers)`` and :func:`fewest_per_layer`. The mass-first build has at least
    these crates per pallet; if no more, at least these positions' crates (the same
    argument), else at least one tier of more crates. Where the part has no unit load
    here, a better point may have one, of at least :func:`fewest_per_layer` crates: by
    mass alone then pays that tare.
    """
    space_pallet, space_position, mass_pallet, mass_position, fewest, tiers, _ = rows.T
    more_positions = np.maximum(fewest, -(-(space_position + 1) // np.maximum(tiers, 1)))
    space_pallet = np.where(space_position > 0, np.minimum(space_pallet, more_positions), 0)
    mass_position = np.minimum(mass_position, mass_pallet + 1)
    mass_pallet = np.where(mass_pallet > 0, mass_pallet, fewest)
    return Builds([space_pallet, mass_pallet], [space_position, mass_position])


# --- the scenario's pallet -----------------------------------------------------------


def pallet_arrays(values: Mapping[str, np.ndarray]) -> PalletArrays:
    """The scenario's pallet from values keyed by parameter name (``pallet.tare``). [SI]"""
    def number(field):
        return np.asarray(values[f"pallet.{field}"], dtype=float)

    fields = ("length", "width", "deck_length", "deck_width", "base_height", "tare", "max_load_height",
              "max_load_mass")
    stack = number("stack_load") if "pallet.stack_load" in values else None
    return PalletArrays(*(number(field) for field in fields), stack)


def check_pallet(parameters: Mapping, pallet_id: str, door_width_high_m: float) -> None:
    """Refuse a pallet whose deck overhangs its base, whose sides are a slip of unit, or
    whose base cannot pass the container's door at any value of the ranges.

    Raises
    ------
    InputError
        Naming the pallet, the bad value and what was expected.
    """
    for deck, outer in (("deck_length", "length"), ("deck_width", "width")):
        if parameters[f"pallet.{deck}"].high > parameters[f"pallet.{outer}"].low:
            raise InputError(f"pallet {pallet_id}: {deck} {parameters[f'pallet.{deck}'].high:.4g} m; expected at most "
                             f"its {outer} {parameters[f'pallet.{outer}'].low:.4g} m (the deck lies within the base)")
    for name, parameter in parameters.items():
        if name.startswith("pallet.") and parameter.dimension == "length" and parameter.high >= _LONGEST_PALLET_M:
            raise InputError(f"pallet {pallet_id}: {name} {parameter.high:.3g} m; expected below {_LONGEST_PALLET_M:.0e} m")
    narrowest = min(parameters["pallet.length"].low, parameters["pallet.width"].low)
    if not within(narrowest, door_width_high_m):
        raise InputError(f"pallet {pallet_id}: its base ({narrowest:g} m at its narrowest) cannot pass the door "
                         f"({door_width_high_m:g} m wide at its largest); expected a pallet that fits the door")
