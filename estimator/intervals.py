"""The low and high answers of a scenario over the whole box of its parameter ranges.

Loose crates: the count is monotone in every parameter (parameters.py; property tests),
so the pessimistic and optimistic corners give the low and high answers, in one
vectorised call of :func:`model.evaluate`. On pallets it is not monotone in the crate's
sides nor the deck's (pallet_model.py: whole layers), so those are searched over every
value the model distinguishes, the rest at the corners (:func:`palletised_interval`).
How the ends were found is the interval's ``range_method`` (JSON key of that name).

With ``load.packing = layout`` the count is not monotone either: a layout's searches have
budgets that a larger interior or a smaller crate can cross, losing a class (NOTES.md),
so a larger crate can hold a few more (0.48 x 1.00 x 0.62 m: 93 in a 20ft box, 0.48 x
1.02 x 0.64 m: 96). There the corners are put in order (:data:`LAYOUT_CORNERS`), and
``estimate``, ``check`` and ``need`` widen them to every draw's count
(:func:`widened_by_draws`, :data:`LAYOUT_DRAWS`), so that no draw lies outside the range
and no verdict calls a drawn count impossible.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from estimator.fastspace import GRID, LAYOUT, MODEL_RESOLUTION_M, rounded_box_mm, step_mm
from estimator.model import (
    MASS, SPACE, evaluate, fleet_total, kit_arrays, on_pallets, part_sides, usable_interior,
)
from estimator.packing import RESOLUTION_M, interior_mm, layout_applies
from estimator.pallet_model import (
    builds_in, check_pallet, container_for_pallets, crates_by_mass, fewest_per_layer, has_build, kit_choices,
    kit_extreme,
)
from estimator.parameters import Scenario

# How an interval's low and high were found (JSON ``range_method``).
CORNERS = "corners"  # the pessimistic and optimistic corners: monotone count
GRID_SEARCH = "grid search at 1 cm"  # crate sides (and a ranged deck) searched, the rest at corners
KIT_BOUNDS = "grid search at 1 cm, kit bounds"  # as GRID_SEARCH, proven bounds the count may not reach
LAYOUT_CORNERS = "corners, layouts"  # load.packing=layout: the two corners' counts, fewest first
LAYOUT_DRAWS = "corners and draws, layouts"  # as LAYOUT_CORNERS, widened to every draw's count
MIXED_PACKING = "mixed"  # a record's ``packing`` where layouts were made at one corner only


@dataclass(frozen=True)
class Interval:
    """Low and high answers of a scenario: the fewest and most rounds over every value of
    its ranges, and how they were found (``range_method``)."""

    scenario: Scenario
    per_container: tuple[int, int]
    total: tuple[int, int]
    binding: tuple[str, str]
    rounds_by_mass: tuple[int, int]
    rounds_by_space: tuple[int, int]
    range_method: str = CORNERS


def corner_values(scenario: Scenario) -> dict[str, np.ndarray]:
    """Each parameter as a two-element array: [pessimistic, optimistic] corner."""
    return {
        name: np.array([p.corner(optimistic=False), p.corner(optimistic=True)])
        for name, p in scenario.parameters.items()
    }


def interval(scenario: Scenario) -> Interval:
    """The low and high answers of a scenario.

    Loose crates: its low and high corners, in one vectorised call, valid because the
    count is monotone in every parameter (see parameters.py). On pallets the count is not
    monotone in the crate's sides (nor the deck's): :func:`palletised_interval`.
    """
    if scenario.pallet is not None:
        return palletised_interval(scenario)
    values = corner_values(scenario)
    capacity = evaluate(values, scenario)
    totals = fleet_total(values["fleet.containers"], values["fleet.share"], capacity.rounds)
    binding = tuple(MASS if b else SPACE for b in capacity.mass_binds)
    corners = Interval(
        scenario,
        corner_pair(capacity.rounds),
        corner_pair(totals),
        binding,
        corner_pair(capacity.rounds_by_mass),
        corner_pair(capacity.rounds_by_space),
    )
    return in_order(corners) if scenario.packing == LAYOUT else corners


def in_order(corners: Interval) -> Interval:
    """The corners of a count that need not be monotone (layouts), each pair fewest
    first, the binding limit going with its end; labelled :data:`LAYOUT_CORNERS`."""
    swapped = corners.per_container[0] > corners.per_container[1]
    return replace(
        corners,
        per_container=tuple(sorted(corners.per_container)),
        total=tuple(sorted(corners.total)),
        binding=corners.binding[::-1] if swapped else corners.binding,
        rounds_by_mass=tuple(sorted(corners.rounds_by_mass)),
        rounds_by_space=tuple(sorted(corners.rounds_by_space)),
        range_method=LAYOUT_CORNERS,
    )


def widened_by_draws(corners: Interval, per_container, total) -> Interval:
    """Layout corners (:func:`in_order`) widened to the fewest and most of the draws'
    counts (tallies with ascending ``values``), labelled :data:`LAYOUT_DRAWS`; other
    intervals are returned as they are (their ends are proven)."""
    if corners.range_method != LAYOUT_CORNERS:
        return corners

    def widened(pair, tally):
        return min(pair[0], int(tally.values[0])), max(pair[1], int(tally.values[-1]))

    return replace(corners, per_container=widened(corners.per_container, per_container),
                   total=widened(corners.total, total), range_method=LAYOUT_DRAWS)


def packing_used(scenario, point: dict | None = None) -> str:
    """How the space limit counted crates, for a record's ``packing``: ``"grid"``,
    ``"layout"`` or ``"mixed"``.

    ``load.packing=layout`` lays a kit out only where :func:`packing.layout_applies` (at
    most ``packing.LAYOUT_LIMIT`` packages of each type by volume) and counts by the grid
    elsewhere (``fastspace.layout_counts``), so the setting alone may name layouts that
    were never made. Packages by volume are fewest at the pessimistic corner (smallest
    interior, largest packages) and most at the optimistic one, and those corners are
    the low and high answers: layouts at both give ``"layout"``, at neither ``"grid"``,
    otherwise ``"mixed"`` (the grid towards the optimistic end). ``point``: values a
    sweep fixes at both corners [SI]. On pallets the setting is reported as set (unused).
    """
    if scenario.packing != LAYOUT or scenario.pallet is not None:
        return scenario.packing
    fixed = {name: value for name, value in (point or {}).items() if name in scenario.parameters}
    values = {**corner_values(scenario), **fixed}
    applies = layout_applies(usable_interior(values), [part_sides(part) for part in kit_arrays(values, scenario)])
    return LAYOUT if applies.all() else GRID if not applies.any() else MIXED_PACKING


def corner_pair(array: np.ndarray) -> tuple[int, int]:
    """The pessimistic and optimistic corners (first axis) of an array as Python ints."""
    return int(array[0]), int(array[1])


# --- on pallets: the crate sides searched ----------------------------------------------


@dataclass(frozen=True)
class _Ends:
    """The fewest and most of each count over a searched grid, at the two corners."""

    rounds: tuple[int, int]
    mass_binds: tuple[bool, bool]  # where rounds reach their fewest and most
    by_mass: tuple[int, int]
    by_space: tuple[int, int]
    attained: bool  # the rounds are the count's own at some point (not only bounds)

    def widest(self, other: "_Ends") -> "_Ends":
        """The ends over both grids."""
        low = self if self.rounds[0] <= other.rounds[0] else other
        high = self if self.rounds[1] >= other.rounds[1] else other
        return _Ends((low.rounds[0], high.rounds[1]), (low.mass_binds[0], high.mass_binds[1]),
                     (min(self.by_mass[0], other.by_mass[0]), max(self.by_mass[1], other.by_mass[1])),
                     (min(self.by_space[0], other.by_space[0]), max(self.by_space[1], other.by_space[1])),
                     self.attained and other.attained)


def palletised_interval(scenario: Scenario) -> Interval:
    """The fewest and most rounds on pallets over the whole parameter box.

    On pallets the count is monotone in every parameter but the crate's sides and the
    deck's (pallet_model.py: whole layers), so those are searched over every value the
    model distinguishes (crate sides rounded up to 1 cm, a few thousand sizes per crate
    type; a ranged deck at its low end and every whole centimetre above it) with the
    rest at the pessimistic (optimistic) corner. One crate type: the least and most count
    over that grid, exact. Kits: proven bounds (``pallet_model.kit_extreme``); labelled
    :data:`KIT_BOUNDS` where the count itself does not reach them.
    """
    ends = _searched_ends(scenario)
    containers, share = (np.array([p.corner(False), p.corner(True)])
                         for p in (scenario.parameters["fleet.containers"], scenario.parameters["fleet.share"]))
    totals = fleet_total(containers, share, np.array(ends.rounds))
    method = GRID_SEARCH if ends.attained else KIT_BOUNDS
    return Interval(scenario, ends.rounds, corner_pair(totals), tuple(MASS if b else SPACE for b in ends.mass_binds),
                    ends.by_mass, ends.by_space, method)


# Searched ends by everything they depend on (not the fleet): check asks for the same
# scenario under several claims. Emptied past _MOST_SEARCHED entries.
_SEARCHED: dict[tuple, _Ends] = {}
_MOST_SEARCHED = 256


def _searched_ends(scenario: Scenario) -> _Ends:
    """The per-container ends of :func:`palletised_interval`, each deck searched."""
    key = (scenario.kit, tuple(sorted(scenario.upright.items())), tuple(sorted(
        (name, p.low, p.high, p.effect, p.integer) for name, p in scenario.parameters.items()
        if not name.startswith("fleet."))))
    if key not in _SEARCHED:
        if len(_SEARCHED) >= _MOST_SEARCHED:
            _SEARCHED.clear()
        ends = None
        for deck in _deck_values(scenario):
            values = {**{name: value.reshape(2, 1) for name, value in corner_values(scenario).items()}, **deck}
            found = _crate_ends(values, scenario) if len(scenario.kit) == 1 else _kit_ends(values, scenario)
            ends = found if ends is None else ends.widest(found)
        _SEARCHED[key] = ends
    return _SEARCHED[key]


def _grid_mm(parameter, rounded, step: int) -> np.ndarray:
    """Every value the model distinguishes in a parameter's range, rounded by ``rounded``. [mm]"""
    low, high = (int(rounded(value)) for value in (parameter.low, parameter.high))
    return np.arange(low, high + 1, step)


def _crate_grid_m(scenario: Scenario, package: str) -> list[np.ndarray]:
    """Every crate size the model distinguishes (sides rounded up to 1 cm), as three flat arrays. [m]"""
    step = step_mm(MODEL_RESOLUTION_M)
    sides = [_grid_mm(scenario.parameters[f"{package}.{side}"], rounded_box_mm, step)
             for side in ("length", "width", "height")]
    return [mesh.ravel() * RESOLUTION_M for mesh in np.meshgrid(*sides, indexing="ij")]


def _deck_values(scenario: Scenario) -> list[dict[str, np.ndarray]]:
    """Every deck the model distinguishes, as parameter values [m]: one unless the user
    gave the deck a range (:func:`deck_steps`)."""
    names = ("pallet.deck_length", "pallet.deck_width")
    sides = [deck_steps(scenario.parameters[name]) * RESOLUTION_M for name in names]
    return [dict(zip(names, (np.float64(length), np.float64(width)))) for length in sides[0] for width in sides[1]]


def deck_steps(parameter) -> np.ndarray:
    """The deck sides that can differ in what they hold: the low end (whole millimetres)
    and every whole crate step above it. [mm]

    The searched crate sides are whole steps (1 cm), and every pattern pushed into a
    corner of the deck lies on sums of them, so a deck side holds what the largest
    whole step within it holds (tested): a deck between two steps holds what the step
    below holds, or the low end where that step is below the range. So a ranged deck
    costs a tenth of the searches of every millimetre.
    """
    step = step_mm(MODEL_RESOLUTION_M)
    low, high = (int(interior_mm(value)) for value in (parameter.low, parameter.high))
    return np.concatenate([[low], np.arange(low // step * step + step, high + 1, step)])


def _crate_ends(values: dict, scenario: Scenario) -> _Ends:
    """One crate type: the count at every crate size of the grid, both corners at once."""
    package = scenario.kit[0].package
    grid = dict(zip((f"{package}.{side}" for side in ("length", "width", "height")), _crate_grid_m(scenario, package)))
    capacity = evaluate({**values, **grid}, scenario)
    shape = (2, grid[f"{package}.length"].size)  # (corner, crate size), whatever the counts depend on
    rounds, binds, by_mass, by_space = (np.broadcast_to(array, shape) for array in (
        capacity.rounds, capacity.mass_binds, capacity.rounds_by_mass, capacity.rounds_by_space))
    low, high = int(np.argmin(rounds[0])), int(np.argmax(rounds[1]))
    return _Ends((int(rounds[0, low]), int(rounds[1, high])), (bool(binds[0, low]), bool(binds[1, high])),
                 _crate_mass_ends({**values, **grid}, scenario, by_mass),
                 (int(by_space[0].min()), int(by_space[1].max())), True)


def _crate_mass_ends(values: dict, scenario: Scenario, by_mass: np.ndarray) -> tuple[int, int]:
    """The fewest and most rounds by mass alone over the grid of one crate type.

    By mass is monotone in the other parameters where the crate has a unit load at the
    pessimistic corner (then everywhere). Where it has none, by mass is the crates' own
    (no tare) there, while a better point may build unit loads and pay their tare: the
    fewest then also take the tare with ``fewest_per_layer`` crates per pallet, and the
    most the crates' own at the optimistic corner.
    """
    interior, door, usable_kg, pallet = on_pallets(values)
    part = kit_arrays(values, scenario)[0]
    builds = builds_in(container_for_pallets(interior, door, pallet), part_sides(part), part.gross_mass_kg, part.upright,
                       pallet, part.max_layers)
    unbuilt = ~np.broadcast_to(has_build(builds), by_mass.shape)[0]
    fewest = fewest_per_layer([rounded_box_mm(side) for side in part_sides(part)], part.upright, pallet)
    own = crates_by_mass(usable_kg, part.gross_mass_kg, 0.0, 1)
    with_tare = np.where(fewest > 0, crates_by_mass(usable_kg, part.gross_mass_kg, pallet.tare_kg, fewest), own)

    def rounds(crates):
        return np.broadcast_to(crates * np.asarray(part.items, dtype=np.int64) // part.items_per_round, by_mass.shape)

    low = np.where(unbuilt, np.minimum(by_mass[0], rounds(with_tare)[0]), by_mass[0])
    high = np.where(unbuilt, np.maximum(by_mass[1], rounds(own)[1]), by_mass[1])
    return int(low.min()), int(high.max())


def _kit_ends(values: dict, scenario: Scenario) -> _Ends:
    """A kit: each part's builds over its own crate grid, combined by ``kit_extreme``."""
    check_pallet(scenario.parameters, scenario.pallet, scenario.parameters["container.door_width"].high)
    interior, door, usable_kg, pallet = on_pallets(values)
    container = container_for_pallets(interior, door, pallet)
    parts = kit_arrays(values, scenario)
    choices = []
    for part, kit_part in zip(parts, scenario.kit):
        sides = [side.reshape(1, -1) for side in _crate_grid_m(scenario, kit_part.package)]
        builds = builds_in(container, sides, part.gross_mass_kg, part.upright, pallet, part.max_layers)
        fewest = fewest_per_layer([rounded_box_mm(side) for side in sides], part.upright, pallet)
        rows = kit_choices(builds, fewest)  # (corner, crate size, column); a corner axis even where no build
        choices.append(np.broadcast_to(rows, (2, sides[0].size, rows.shape[-1])))
    tare_kg = np.broadcast_to(pallet.tare_kg, (2, 1))
    usable_kg = np.broadcast_to(usable_kg, (2, 1))
    # Each crate size's most tiers at the optimistic corner, and whether it has a unit
    # load at the pessimistic one, go with both corners' rows (kit_extreme).
    choices = [np.concatenate([c[..., :5], np.broadcast_to(c[1:, :, 5:6], c[..., 5:6].shape),
                               np.broadcast_to(c[:1, :, 6:], c[..., 6:].shape)], axis=-1) for c in choices]
    ends = [kit_extreme([c[corner].reshape(-1, c.shape[-1]) for c in choices],
                        [float(np.broadcast_to(p.gross_mass_kg, (2, 1))[corner, 0]) for p in parts],
                        [int(np.broadcast_to(p.items, (2, 1))[corner, 0]) for p in parts],
                        [p.items_per_round for p in parts],
                        int(np.broadcast_to(container.floor_positions, (2, 1))[corner, 0]),
                        float(usable_kg[corner, 0]), float(tare_kg[corner, 0]), highest=bool(corner))
            for corner in (0, 1)]
    low, high = ends
    return _Ends((low.bound, high.bound), (low.mass_binds, high.mass_binds), (low.by_mass, high.by_mass),
                 (low.by_space, high.by_space), low.bound == low.rounds and high.bound == high.rounds)
