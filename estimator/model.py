"""Rounds per container and in total: the vectorised capacity model.

For one container type and one round definition (a kit of packages)::

    rounds_by_mass  = largest R whose whole crates weigh at most load_fraction * payload
    rounds_by_space = largest R whose whole crates fit in the interior less a loading
                      clearance, the container shared between the kit's package types
    rounds_per_container = min(rounds_by_mass, rounds_by_space)
    total = floor(containers * share * rounds_per_container)

A kit part i holds ``k_i`` items per package and needs ``q_i`` items per round, so R rounds
need ``ceil(R * q_i / k_i)`` whole packages of type i. By mass those weigh
``sum_i ceil(R q_i / k_i) * m_i``. By space, a container that would hold ``S_i`` packages of
type i alone is shared in proportion, ``sum_i ceil(R q_i / k_i) / S_i <= 1``: exact for a
single package type, an upper estimate of a real mixed stow for several. With the setting
``load.packing = layout`` S_i comes from the layouts of packing.py and a kit gets the best
split of the container length instead, a feasible stow (fastspace.py). With the setting
``load.pallet = ID`` the crates travel as unit loads on that pallet, and the pallets' tare
counts in the mass limit (pallet_model.py).

The core functions take plain float and integer arrays in SI units (kg, m) that broadcast
together; :func:`evaluate` maps a scenario's named parameters onto them; intervals.py finds a
scenario's low and high answers from it.

References
----------
.. [1] US Army subcourse MM0156, Computing Ammunition Data ("cube out" and "weight out").
   armymunitions.tpub.com/mm0156a/Computing-Ammunition-Data-6.htm
.. [2] FM 55-80, Army Container Operations (1997), para 5-8a.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Mapping, Sequence

import numpy as np

from estimator.counts import floor_of_share_times, largest_meeting, packages_for, whole_counts
from estimator.errors import InputError
from estimator.fastspace import GRID, LAYOUT, kit_rounds, layout_counts
from estimator.packing import NO_LAYER_LIMIT, check_door as check_package_door, crates_by_space, passes_door
from estimator.pallet_model import (
    KitPart, builds_in, check_pallet, container_for_pallets, kit_rounds_on_pallets, pallet_arrays, palletised_crates,
)
from estimator.parameters import Scenario

MASS, SPACE = "mass", "space"
# Space shares are sums of fractions 1/S_i; allow for their rounding error.
_SHARE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class PackageArrays:
    """One kit part in SI arrays: a package type and how many of its items make a round."""

    length_m: np.ndarray
    width_m: np.ndarray
    height_m: np.ndarray
    gross_mass_kg: np.ndarray
    items: np.ndarray  # items per package, whole numbers
    items_per_round: int
    upright: bool
    max_layers: np.ndarray | int = NO_LAYER_LIMIT  # most packages one above the other; 0: no limit


@dataclass(frozen=True)
class Capacity:
    """Rounds per container, by each limit and overall, broadcast over the inputs."""

    rounds: np.ndarray
    rounds_by_mass: np.ndarray
    rounds_by_space: np.ndarray
    crates_by_space: tuple[np.ndarray, ...]  # per kit part, the container alone

    @property
    def mass_binds(self) -> np.ndarray:
        """True where mass limits the count (ties count as mass)."""
        return self.rounds_by_mass <= self.rounds_by_space


def packages_needed(rounds, part: PackageArrays) -> np.ndarray:
    """Whole packages of ``part`` that ``rounds`` rounds need: ``ceil(R q / k)``."""
    return packages_for(rounds, part.items, part.items_per_round)


def max_whole_rounds(capacity, costs: Sequence[np.ndarray], parts: Sequence[PackageArrays]) -> np.ndarray:
    """Largest R >= 0 with ``sum_i packages_needed(R, part_i) * cost_i <= capacity``.

    Parameters
    ----------
    capacity : array
        What the container offers: usable payload [kg], or 1 for its whole space.
    costs : sequence of arrays
        What one package of each part uses of it: gross mass [kg], or 1 / S_i.
    parts : sequence of PackageArrays

    Notes
    -----
    With ``s = sum_i cost_i q_i / k_i`` the answer lies between
    ``floor((capacity - sum_i cost_i) / s)``, where every ceiling adds less than one package,
    and ``floor(capacity / s)``; a vectorised bisection finds it exactly.
    """
    capacity = np.asarray(capacity, dtype=float)
    if len(parts) == 1:
        return _max_whole_rounds_one_part(capacity, np.asarray(costs[0], dtype=float), parts[0])
    per_round = sum(c * p.items_per_round / np.asarray(p.items, dtype=float) for c, p in zip(costs, parts))
    one_each = sum(costs)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # The same tolerance as fits() below, or a capacity a hair under a whole package
        # would cap the search one round short of what fits() accepts.
        high = np.floor(capacity * (1 + _SHARE_TOLERANCE) / per_round)
        low = np.floor((capacity - one_each) / per_round)
    high = whole_counts(np.nan_to_num(high, nan=0.0, posinf=np.inf).clip(min=0), "rounds per container")
    low = np.nan_to_num(low, nan=0.0).clip(min=0).astype(np.int64)

    def fits(rounds):
        used = sum(packages_needed(rounds, p) * c for c, p in zip(costs, parts))
        return used <= capacity * (1 + _SHARE_TOLERANCE)

    return largest_meeting(fits, np.minimum(low, high), high)


def _max_whole_rounds_one_part(capacity, cost, part: PackageArrays) -> np.ndarray:
    """:func:`max_whole_rounds` for a kit of one package type, in closed form.

    ``ceil(R q / k) * cost <= capacity`` holds exactly when ``R <= n k / q`` with
    ``n = floor(capacity / cost)`` whole packages; one correction step on ``n`` keeps the
    same floating-point test as the general search, so both agree to the round.
    """
    limit = capacity * (1 + _SHARE_TOLERANCE)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        packages = np.floor(limit / cost)
    packages = whole_counts(np.nan_to_num(packages, nan=0.0, posinf=np.inf).clip(min=0), "packages per container")
    packages = np.where(packages * cost > limit, packages - 1, packages)
    packages = np.where((packages + 1) * cost <= limit, packages + 1, packages)
    items_shipped = whole_counts(packages * np.asarray(part.items, dtype=float), "items per container")
    return items_shipped // part.items_per_round


def rounds_per_container(payload_kg, load_fraction, interior_m, parts: Sequence[PackageArrays], door_m=None,
                         packing: str = GRID, exact_space: bool = True) -> Capacity:
    """Rounds of one kit that one container holds, by mass, by space and overall.

    Parameters
    ----------
    payload_kg : array
        Rated payload of the container. [kg]
    load_fraction : array
        Share of the payload a loader uses, in (0, 1]. [1]
    interior_m : sequence of three arrays
        Interior length, width and height. [m]
    parts : sequence of PackageArrays
        The kit: each package type and the items of it per round.
    door_m : pair of arrays, optional
        Door opening width and height. [m] A package that cannot pass it in an allowed
        orientation is not loaded (its count by space is 0).
    packing : {"grid", "layout"}
        How crates are counted by space: the best uniform grid, or the sectioned layouts
        of packing.py at :data:`fastspace.MODEL_RESOLUTION_M` (never below the grid); with
        layouts a kit of several package types gets the best split of the length.
    exact_space : bool
        False when only ``rounds`` and ``mass_binds`` are read: with layouts, a package
        type's crates alone are then laid out only where they can change those
        (:func:`_layouts_only_where_needed`), and elsewhere are the grid's; a kit's split
        is searched only where the split of uniform grids falls short of the rounds by
        mass (``fastspace.kit_rounds``' ``enough``), and elsewhere is that split.

    Returns
    -------
    Capacity
    """
    usable_kg = np.asarray(payload_kg, dtype=float) * np.asarray(load_fraction, dtype=float)
    by_mass = max_whole_rounds(usable_kg, [np.asarray(p.gross_mass_kg, dtype=float) for p in parts], parts)
    split = None
    if packing == LAYOUT and len(parts) > 1:
        # The best split of the length between the package types, a feasible stow,
        # instead of the proportional share (an upper estimate); -1 where no layout applies.
        # Only the rounds read: no layout where the grids' split already reaches the mass.
        split = kit_rounds(interior_m, [part_sides(p) for p in parts], [p.upright for p in parts],
                           [p.items for p in parts], [p.items_per_round for p in parts],
                           [p.max_layers for p in parts], enough=None if exact_space else by_mass)
    count = crates_by_space
    if packing == LAYOUT:
        count = layout_counts if exact_space else _layouts_only_where_needed(by_mass, parts, split)
    alone = tuple(count(interior_m, part_sides(p), p.upright, p.max_layers) for p in parts)
    if door_m is not None:
        alone = tuple(np.where(door_blocks(door_m, p), 0, count) for p, count in zip(parts, alone))
    blocked = np.logical_or.reduce(np.broadcast_arrays(*[count == 0 for count in alone]))
    with np.errstate(divide="ignore"):
        shares = [1.0 / np.where(count == 0, 1, count) for count in alone]
    by_space = max_whole_rounds(1.0, shares, parts)
    if split is not None:
        by_space = np.where(split >= 0, split, by_space)
    by_space = np.where(blocked, 0, by_space)
    by_mass, by_space = np.broadcast_arrays(by_mass, by_space)
    return Capacity(np.minimum(by_mass, by_space), by_mass, by_space, alone)


def _layouts_only_where_needed(by_mass, parts: Sequence[PackageArrays], split):
    """:func:`fastspace.layout_counts` asked only where the crates of one type alone can
    change the rounds or which limit binds; the exact grid elsewhere.

    - One package type: a layout never holds fewer than the exact grid, so where the
      grid's rounds already reach the rounds by mass, mass binds whatever the layout
      holds. With the catalog's 152 mm projectiles that is over nine draws of ten.
    - A kit: by space is the kit's ``split`` of the length wherever it applies (>= 0);
      the types alone serve there only to find one that fits nowhere (0).
    - Both: where the grid holds none, the layout is asked for (rounded sizes within the
      snap of a step may fit where the exact grid just does not).
    """

    def count(interior_m, box_m, upright, max_layers):
        grid = crates_by_space(interior_m, box_m, upright, max_layers)
        if split is None:
            needed = max_whole_rounds(1.0, [1.0 / np.maximum(grid, 1)], parts) < by_mass
        else:
            needed = split < 0
        return layout_counts(interior_m, box_m, upright, max_layers, needed=needed | (grid == 0))

    return count


def part_sides(part: PackageArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A kit part's length, width and height. [m]"""
    return part.length_m, part.width_m, part.height_m


def fleet_total(containers, share, per_container) -> np.ndarray:
    """Rounds in ``containers`` boxes of which ``share`` hold the munition, floored:
    the share, read as the decimal it was typed as, times whole boxes times rounds
    (:func:`counts.floor_of_share_times`)."""
    boxes = np.asarray(containers, dtype=float) * per_container  # whole numbers, exact below 2**53
    return whole_counts(floor_of_share_times(share, boxes), "rounds in total")


# --- named parameters to arrays -----------------------------------------------------


def kit_arrays(values: Mapping[str, np.ndarray], scenario: Scenario) -> list[PackageArrays]:
    """The kit's parts as arrays, read from values keyed by parameter name."""
    return [
        PackageArrays(
            values[f"{part.package}.length"],
            values[f"{part.package}.width"],
            values[f"{part.package}.height"],
            values[f"{part.package}.gross_mass"],
            whole_counts(np.rint(values[f"{part.package}.items"]), "items per package"),
            part.items_per_round,
            scenario.upright[part.package],
            _max_layers(values, scenario, part.package),
        )
        for part in scenario.kit
    ]


def _max_layers(values: Mapping[str, np.ndarray], scenario: Scenario, package: str):
    """The layer cap of a package as whole numbers, or NO_LAYER_LIMIT when it has none."""
    name = scenario.max_layers_name(package)
    if name is None:
        return NO_LAYER_LIMIT
    return whole_counts(np.floor(np.asarray(values[name], dtype=float)), "layers per stack")


def usable_interior(values: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interior length, width and height less the loading clearance on each, and the
    height less the floor dunnage under the bottom layer. [m]

    ``load.clearance`` is the gap a loader leaves on each axis (walls, roof, door gear
    and the bracing at one end); ``load.dunnage_height`` is the timber the bottom layer
    stands on.
    """
    clearance = np.asarray(values["load.clearance"], dtype=float)
    below = {"length": 0.0, "width": 0.0, "height": np.asarray(values["load.dunnage_height"], dtype=float)}
    return tuple(
        np.clip(values[f"container.interior_{side}"] - clearance - below[side], 0.0, None)
        for side in ("length", "width", "height")
    )


def door_blocks(door_m, part: PackageArrays) -> np.ndarray:
    """Where the package cannot pass the door opening (width, height) in any allowed orientation."""
    return ~passes_door(door_m[0], door_m[1], part_sides(part), part.upright)


def check_door(scenario: Scenario) -> None:
    """Refuse a kit package that cannot pass the container's door at any value of the ranges.

    A package whose smallest sizes cannot pass the largest door is an error. Where only
    part of the ranges cannot pass (the largest package, the smallest door), the model
    counts 0 packages there (:func:`door_blocks`), so the low answer may be 0. The rule
    and its wording are ``packing.check_door``'s.

    Raises
    ------
    InputError
        Naming the package, its sizes, the door and what was expected.
    """
    params = scenario.parameters
    door = (params["container.door_width"].high, params["container.door_height"].high)
    for part in scenario.kit:
        sides = tuple(params[f"{part.package}.{side}"].low for side in ("length", "width", "height"))
        check_package_door(door[0], door[1], sides, scenario.upright[part.package],
                           f"package {part.package!r} of {scenario.munition} at its smallest",
                           f"the door of {scenario.container} at its largest")


def check_room(scenario: Scenario) -> None:
    """Refuse a loading clearance (and floor dunnage) that leaves no room on some side of
    the interior at any value of the ranges: a unit slip such as ``load.clearance=3m``
    for 3 cm, which would otherwise answer 0 everywhere. Where only part of the ranges
    leaves no room, the model counts 0 there.

    Raises
    ------
    InputError
        Naming the clearance, the side and the room it leaves at best.
    """
    params = scenario.parameters
    clearance = params["load.clearance"].low
    # On pallets the pallet is the dunnage (on_pallets): none is taken off the height.
    dunnage = params["load.dunnage_height"].low if scenario.pallet is None else 0.0
    for side, below in (("length", 0.0), ("width", 0.0), ("height", dunnage)):
        widest = params[f"container.interior_{side}"].high
        if widest - clearance - below <= 0:
            under = f" and {below:g} m of floor dunnage" if below else ""
            raise InputError(f"load.clearance {clearance:g} m{under} leaves no room in the interior of "
                             f"{scenario.container} ({widest:g} m {side} at its largest); expected a clearance "
                             f"below {widest - below:g} m")


def evaluate(values: Mapping[str, np.ndarray], scenario: Scenario, exact_space: bool = True) -> Capacity:
    """Rounds per container for arrays of parameter values keyed by name (SI units).

    With ``exact_space`` False only ``rounds`` and ``mass_binds`` are exact (see
    :func:`rounds_per_container`): what Monte Carlo draws and one-point totals read.

    Raises
    ------
    InputError
        If the clearance leaves no room (:func:`check_room`), or a package of the kit (or,
        on pallets, the pallet) cannot pass the door at any value (:func:`check_door`,
        ``pallet_model.check_pallet``).
    """
    check_room(scenario)
    parts = kit_arrays(values, scenario)
    if scenario.pallet is not None:
        check_pallet(scenario.parameters, scenario.pallet, scenario.parameters["container.door_width"].high)
        return palletised_capacity(values, parts)
    check_door(scenario)
    door = (values["container.door_width"], values["container.door_height"])
    return rounds_per_container(
        values["container.payload"], values["load.fraction"], usable_interior(values), parts, door, scenario.packing,
        exact_space,
    )


def palletised_capacity(values: Mapping[str, np.ndarray], parts: Sequence[PackageArrays]) -> Capacity:
    """Rounds per container when the kit's crates travel on the scenario's pallet
    (``pallet.<field>`` values), each crate type on its own unit loads (pallet_model.py).

    No floor dunnage is taken off the height: the pallet is the dunnage.
    """
    interior, door, usable_kg, pallet = on_pallets(values)
    if len(parts) == 1:
        part = parts[0]
        loaded = palletised_crates(interior, door, part_sides(part), part.gross_mass_kg, part.upright, pallet, usable_kg,
                                   part.max_layers)
        rounds, by_mass, by_space = (
            crates * np.asarray(part.items, dtype=np.int64) // part.items_per_round
            for crates in (loaded.crates, loaded.by_mass, loaded.by_space))
        alone = (loaded.by_space,)
    else:
        container = container_for_pallets(interior, door, pallet)
        kit = [KitPart(builds_in(container, part_sides(p), p.gross_mass_kg, p.upright, pallet, p.max_layers),
                       np.asarray(p.gross_mass_kg, dtype=float), p.items, p.items_per_round) for p in parts]
        rounds, by_space, by_mass = kit_rounds_on_pallets(kit, container.floor_positions, usable_kg, pallet.tare_kg)
        alone = tuple(container.floor_positions * reduce(np.maximum, part.builds.per_position, 0) for part in kit)
    rounds, by_mass, by_space = np.broadcast_arrays(rounds, by_mass, by_space)
    return Capacity(rounds, by_mass, by_space, alone)


def on_pallets(values: Mapping[str, np.ndarray]):
    """Usable interior (no dunnage: the pallet is the dunnage) [m], door [m], usable
    payload [kg] and the pallet, from values keyed by parameter name."""
    interior = usable_interior({**values, "load.dunnage_height": 0.0})
    door = (values["container.door_width"], values["container.door_height"])
    usable_kg = np.asarray(values["container.payload"], dtype=float) * np.asarray(values["load.fraction"], dtype=float)
    return interior, door, usable_kg, pallet_arrays(values)
