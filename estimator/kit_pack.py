"""A kit's package types sharing one container: ``estimator pack --round NAME``.

A round that needs several package types (the 152 mm complete round: a projectile crate
and a charge crate) is loaded by giving each type its own length of the container, as
``load.packing=layout`` does in the model (fastspace.py): the split of the length that
gives the most whole rounds by space (``packing.kit_lengths``), each part then laid out
in its own length (``packing.best_layout``, the classes the profiles search, so the
counts are the profiles' own). With a container's payload the mass limit applies too:
the rounds are the fewer of both, as in the model (model.py).
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from estimator.packing import (
    Layout, best_layout, canonical_mm, check_door, check_layout_applies, kit_lengths, usable_mm,
)


class KitPart(NamedTuple):
    """One package type of a kit, at the sizes ``pack`` takes (see ``pack_inputs``)."""

    package: str  # its name in the munition's packages (crate, charge_crate)
    sides_m: tuple[float, float, float]
    gross_mass_kg: float
    upright: bool
    max_layers: int
    items: int  # items per package
    items_per_round: int


class KitPack(NamedTuple):
    """The best split of a container's length between a kit's parts, each laid out in its
    own length from the end wall in the order of the parts."""

    parts: tuple[KitPart, ...]
    interior: tuple[int, int, int]  # [mm]
    starts: tuple[int, ...]  # where each part's length begins [mm]
    layouts: tuple[Layout, ...]  # each part in its own length

    @property
    def rounds_by_part(self) -> tuple[int, ...]:
        """Whole rounds each part's packages carry. [1]"""
        return tuple(layout.count * part.items // part.items_per_round
                     for part, layout in zip(self.parts, self.layouts))

    @property
    def rounds_by_space(self) -> int:
        """Whole rounds of the kit by space: the fewest any part carries. [1]"""
        return min(self.rounds_by_part)

    def placements(self) -> list[tuple[int, int, int, int, int, int]]:
        """Every package as (x, y, z, dx, dy, dz), each part shifted to its start. [mm]"""
        return [(x + start, *rest) for start, layout in zip(self.starts, self.layouts)
                for x, *rest in layout.placements()]


def pack_kit(interior_m, parts: Sequence[KitPart], door_m=None) -> KitPack:
    """Split the interior's length between the kit's parts for the most whole rounds by
    space, and lay each part out in its length.

    Raises
    ------
    InputError
        If a part cannot pass the door, or is so small that more than
        ``packing.LAYOUT_LIMIT`` would fit by volume (as ``packing.pack`` refuses), or the
        interior has a side of zero.
    """
    for part in parts:
        if door_m is not None:
            check_door(door_m[0], door_m[1], part.sides_m, part.upright, part.package)
        check_layout_applies(interior_m, part.sides_m, part.package)
    interior = usable_mm(interior_m)
    boxes = [canonical_mm(part.sides_m, part.upright) for part in parts]
    lengths = kit_lengths(interior, boxes, [p.upright for p in parts], [p.items for p in parts],
                          [p.items_per_round for p in parts], [p.max_layers for p in parts])
    starts = tuple(int(start) for start in np.cumsum((0, *lengths[:-1])))
    layouts = tuple(best_layout((length, *interior[1:]), box, part.upright, part.max_layers, whole_floors=False)
                    for length, box, part in zip(lengths, boxes, parts))
    return KitPack(tuple(parts), interior, starts, layouts)


class KitLimits(NamedTuple):
    """A kit's rounds by space and by mass, the fewer, and which binds (as model.Capacity)."""

    rounds: int
    by_space: int
    by_mass: int | None  # None: no payload known (``pack --interior``)
    binding: str | None  # model.MASS (ties too) or model.SPACE; None without a mass limit


def kit_limits(kit: KitPack, usable_kg: float | None) -> KitLimits:
    """The rounds of ``kit`` under ``usable_kg`` of payload [kg] (None: space alone)."""
    from estimator.model import MASS, SPACE

    by_space = kit.rounds_by_space
    if usable_kg is None:
        return KitLimits(by_space, by_space, None, None)
    by_mass = rounds_by_mass(usable_kg, kit.parts)
    return KitLimits(min(by_space, by_mass), by_space, by_mass, MASS if by_mass <= by_space else SPACE)


def rounds_by_mass(usable_kg: float, parts: Sequence[KitPart]) -> int:
    """Most whole rounds whose whole packages weigh at most ``usable_kg`` (model.py's
    mass limit, at one point). [1]"""
    from estimator.model import PackageArrays, max_whole_rounds

    arrays = [PackageArrays(*(np.float64(side) for side in p.sides_m), np.float64(p.gross_mass_kg),
                            np.int64(p.items), p.items_per_round, p.upright, p.max_layers) for p in parts]
    return int(max_whole_rounds(usable_kg, [a.gross_mass_kg for a in arrays], arrays))
