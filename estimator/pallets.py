"""Pallets: a unit load of crates built on a pallet, packed into a container as one package.

A unit load is complete layers of one floor pattern (pallet_loading.py) on the pallet's
usable deck, with one side of the crate vertical (the third side for upright crates). Its
layers stop at the first of: the pallet's maximum load height, the height a unit load may
have to pass the container door and fit its usable interior, the crate's own layer cap,
and the pallet's maximum load mass, which removes whole layers as MIL-STD-1660A 4.5.4
asks for ammunition unit loads. Crates never overhang the deck. The unit load then is a
package of its own: the pallet's outer base by the loaded height, the pallet's tare plus
its crates, always upright; :func:`pack_pallets` lays it out in a container with the
packer of packing.py.

References
----------
.. [1] MIL-STD-1660A, Design Criteria for Ammunition Unit Loads, 4.5.1.1-4.5.4 (no
   underhang, at most 2 in overhang; gross weight; whole layers removed when too heavy).
   ammonuclearordboxespkgsspclzd.emilspec.com/MIL-STD-1660/page18.html
.. [2] FM 55-9 app. D, the 463L pallet.
   globalsecurity.org/military/library/policy/army/fm/55-9/appd.htm
.. [3] EPAL Euro pallet product sheet. epal-pallets.org/eu-en/load-carriers/epal-euro-pallet/
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from estimator.catalog import OPTIONAL_PALLET_FIELDS, PALLET_FIELDS, Pallet
from estimator.errors import DataError, InputError
from estimator.packing import (
    LONGEST_M, NO_LAYER_LIMIT, RESOLUTION_M, Layout, box_mm, interior_mm, layers_that_fit, pack, standings,
)
from estimator.pallet_loading import floor_count, floor_placements, whole_floor

# A pallet field is a capacity (more of it never carries fewer crates) or a cost.
_COSTS = ("length", "width", "base_height", "tare")


@dataclass(frozen=True)
class PalletSpec:
    """One pallet type at one corner of its ranges, in SI units (m, kg)."""

    id: str
    length_m: float
    width_m: float
    deck_length_m: float
    deck_width_m: float
    base_height_m: float
    tare_kg: float
    max_load_height_m: float
    max_load_mass_kg: float
    stack_load_kg: float | None = None  # None: unit loads on it are not stacked


def pallet_spec(pallet: Pallet, optimistic: bool = False) -> PalletSpec:
    """The pallet's numbers at its pessimistic corner (smallest deck, load height and load
    mass; largest base and tare), or at its optimistic one."""
    def value(name):
        number = pallet.numbers[name]
        high = optimistic != (name in _COSTS)
        return number.high if high else number.low

    units = {"length": "_m", "mass": "_kg"}
    fields = {**PALLET_FIELDS, **{name: dim for name, dim in OPTIONAL_PALLET_FIELDS.items() if name in pallet.numbers}}
    for name, dim in fields.items():
        if dim == "length" and pallet.numbers[name].high >= LONGEST_M:
            raise DataError(f"pallet {pallet.id!r}: {name} {pallet.numbers[name].high:.3g} m; expected below {LONGEST_M:.0e} m")
    return PalletSpec(pallet.id, **{f"{name}{units[dim]}": value(name) for name, dim in fields.items()})


@dataclass(frozen=True)
class UnitLoad:
    """Crates on one pallet: complete layers of one floor pattern on the deck."""

    pallet: PalletSpec
    crate_mm: tuple[int, int, int]
    crate_mass_kg: float
    footprint_mm: tuple[int, int]  # crate sides lying flat
    vertical_mm: int  # crate side standing
    per_layer: int
    layers: int
    limit: str  # what stopped the layers: "height", "mass", "layer cap", or "stacking" (fewer, to stack)
    crate_max_layers: int = NO_LAYER_LIMIT  # the crate's own cap, counted over stacked unit loads too

    @property
    def crates(self) -> int:
        return self.per_layer * self.layers

    @property
    def load_height_m(self) -> float:
        return self.layers * self.vertical_mm * RESOLUTION_M

    @property
    def outer_m(self) -> tuple[float, float, float]:
        """Length, width and height of the unit load: the outer base by the loaded height. [m]"""
        return self.pallet.length_m, self.pallet.width_m, self.pallet.base_height_m + self.load_height_m

    @property
    def gross_mass_kg(self) -> float:
        """Pallet tare plus its crates. [kg]"""
        return self.pallet.tare_kg + self.crates * self.crate_mass_kg

    @property
    def stack_layers(self) -> int:
        """Most unit loads one above the other: the bottom pallet bears its own crates and
        every unit load above within ``stack_load``; 1 if the pallet gives none. The bottom
        crates bear every crate above them, pallets between or not, so a crate layer cap
        counts the crate layers of the whole stack."""
        if self.pallet.stack_load_kg is None:
            return 1
        room = self.pallet.stack_load_kg - self.crates * self.crate_mass_kg
        by_load = 1 + max(int(room // self.gross_mass_kg), 0)
        if self.crate_max_layers == NO_LAYER_LIMIT:
            return by_load
        return min(by_load, max(self.crate_max_layers // self.layers, 1))

    def placements(self) -> list[tuple[int, int, int, int, int, int]]:
        """Every crate as (x, y, z, dx, dy, dz) on the deck, z from the deck's top. [mm]"""
        deck = _deck_mm(self.pallet)
        layer = floor_placements(whole_floor(deck[0], deck[1], tuple(sorted(self.footprint_mm))))
        return [(x, y, k * self.vertical_mm, dx, dy, self.vertical_mm)
                for k in range(self.layers) for x, y, dx, dy in layer]


def _deck_mm(pallet: PalletSpec) -> tuple[int, int]:
    return int(interior_mm(pallet.deck_length_m)), int(interior_mm(pallet.deck_width_m))


def unit_load(pallet: PalletSpec, crate_m, crate_mass_kg: float, upright: bool,
              max_layers: int = NO_LAYER_LIMIT, height_limit_m: float | None = None) -> UnitLoad:
    """The unit load with the most crates on ``pallet``.

    Parameters
    ----------
    pallet : PalletSpec
    crate_m : three floats
        Crate length, width and height (the third vertical if ``upright``). [m]
    crate_mass_kg : float
        Gross mass of one crate. [kg]
    upright : bool
        Keep the crate's third side vertical.
    max_layers : int
        Most crates one above the other; :data:`NO_LAYER_LIMIT` for none.
    height_limit_m : float, optional
        Tallest unit load, base included, that can be loaded (the container's door and
        usable interior height). [m]

    Returns
    -------
    UnitLoad
        The most crates; of equal counts, the lowest load.

    Raises
    ------
    InputError
        If not one crate fits on the pallet within its limits.
    """
    loads = tallest_unit_loads(pallet, crate_m, crate_mass_kg, upright, max_layers, height_limit_m)
    return max(loads, key=lambda load: (load.crates, -load.load_height_m))


def tallest_unit_loads(pallet: PalletSpec, crate_m, crate_mass_kg: float, upright: bool,
                       max_layers: int = NO_LAYER_LIMIT, height_limit_m: float | None = None) -> list[UnitLoad]:
    """For each way to stand the crate, the unit load with as many layers as the limits
    allow (parameters as :func:`unit_load`); those with no crate are left out.

    Raises
    ------
    InputError
        If not one crate fits on the pallet within its limits.
    """
    deck = _deck_mm(pallet)
    room = pallet.max_load_height_m
    if height_limit_m is not None:
        room = min(room, height_limit_m - pallet.base_height_m)
    room_mm = int(interior_mm(max(room, 0.0)))
    crate = tuple(int(side) for side in box_mm(crate_m))
    loads = []
    for footprint, vertical in standings(crate, upright):
        per_layer = floor_count(deck[0], deck[1], footprint)
        by_height = layers_that_fit(room_mm, vertical, NO_LAYER_LIMIT)
        by_cap = by_height if max_layers == NO_LAYER_LIMIT else min(by_height, max_layers)
        by_mass = int(pallet.max_load_mass_kg // (per_layer * crate_mass_kg)) if per_layer else 0
        layers = min(by_cap, by_mass)
        limit = "mass" if by_mass < by_cap else ("layer cap" if by_cap < by_height else "height")
        if per_layer * layers:
            loads.append(UnitLoad(pallet, crate, crate_mass_kg, footprint, vertical, per_layer, layers, limit,
                                  max_layers))
    if not loads:
        raise InputError(
            f"package {' x '.join(f'{s:g}' for s in crate_m)} m, {crate_mass_kg:.4g} kg: not one fits on pallet "
            f"{pallet.id} (deck {pallet.deck_length_m:g} x {pallet.deck_width_m:g} m, load up to "
            f"{room:g} m high and {pallet.max_load_mass_kg:.4g} kg); expected a package that fits the deck"
        )
    return loads


@dataclass(frozen=True)
class PalletPack:
    """Unit loads packed in a container: the layout of the pallets and what each carries."""

    unit_load: UnitLoad
    layout: Layout

    @property
    def pallets(self) -> int:
        return self.layout.count

    @property
    def crates(self) -> int:
        return self.pallets * self.unit_load.crates


def pack_pallets(interior_m, crate_m, crate_mass_kg: float, upright: bool, pallet: PalletSpec,
                 max_layers: int = NO_LAYER_LIMIT, door_m=None) -> PalletPack:
    """Pack unit loads of the crate on ``pallet`` in the interior: the most crates in all.

    Every way to stand the crate is tried with every layer count up to the tallest unit
    load (:func:`tallest_unit_loads`), since a lower unit load may stack where a taller
    one cannot; of equal totals, the fewest pallets, then the lowest unit load, win. The
    unit load may be as tall as the interior and, when ``door_m`` (width, height [m]) is
    given, the door; it stays upright, and unit loads stack where the height and the
    pallet's ``stack_load`` allow (:attr:`UnitLoad.stack_layers`).

    Raises
    ------
    InputError
        If no crate fits on the pallet, or the unit load cannot pass the door.
    """
    height_limit = interior_m[2] if door_m is None else min(interior_m[2], door_m[1])
    best = None
    for tallest in tallest_unit_loads(pallet, crate_m, crate_mass_kg, upright, max_layers, height_limit):
        for layers in range(tallest.layers, 0, -1):
            load = tallest if layers == tallest.layers else replace(tallest, layers=layers, limit="stacking")
            packed = PalletPack(load, pack(interior_m, load.outer_m, True, load.stack_layers, door_m))
            if best is None or _better(packed, best):
                best = packed
    return best


def _better(a: PalletPack, b: PalletPack) -> bool:
    """More crates in all; then fewer pallets; then a lower unit load."""
    return (a.crates, -a.pallets, -a.unit_load.load_height_m) > (b.crates, -b.pallets, -b.unit_load.load_height_m)
