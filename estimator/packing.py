"""Crates by space: how many identical boxes fit in a container interior, and how.

Every layout is built from *stacks*: layers of one floor pattern (pallet_loading.py) with
one side of the box vertical, in a piece of the floor at most twice as long as the floor
is wide. A box that must stay upright keeps its third side vertical and only turns about
the vertical; ``max_layers`` caps the layers any vertical line meets. Five classes are
searched (grid, turned tiers, tiers, lanes, then whole floors) and the best kept (each
exact within its class by dynamic programming over raster points, the sums of box sides):

* **grid**: the best uniform grid. When it equals the upper bound it is optimal and
  nothing else is searched; nor is anything after the first class that reaches it
  (but the rows of lanes, found with those of tiers: :func:`searched_layouts`).
* **lanes**: the width split into lanes along the whole length, each lane a row of
  *slices*, each slice split across the width into *columns*, each column one stack of
  layers of the ways to stand the box mixed in height (a lane of 1177 mm with the box's
  1000 mm side along the length beside one of 1000 mm with its 1177 mm side along).
* **tiers**: whole-length floors one above the other, each floor a row of floor
  patterns of one standing side (a tier on 1705 mm sides under two tiers on 323 mm).
* **turned tiers** (a box free to turn, no layer cap): tiers with the container turned
  (:data:`TURNED`), so that each floor is a cross-section and its layers run along the
  length (a pinwheel of four 894 x 1313 mm sides round a hole in each cross-section).
* **whole floors**: layers of one pattern over the whole floor, the floor searched whole
  by the L-approach (:func:`whole_floor_layers`), where its raster grid is small enough;
  the others read floor-table cells, whose L-approach budget is smaller (the literature
  floor 49 x 28 holds 57 boxes of 8 x 3 here, 56 in every other class).

Where a search would exceed ``COLUMN_BUDGET`` or ``LANE_BUDGET`` (boxes under about a
tenth of the floor width) slices keep one column or the container one lane. Turned tiers
have no budget of their own: their cross-section floors are as wide as the standing ones
and copy the same square tables (pallet_loading.floor_table), so they cost about what
the standing tiers cost.

Dimension resolution: every length is a whole number of millimetres, the interior
rounded down and the box rounded up, so the count is a safe lower bound of the count at
the exact sizes. Counts are cached per rounded case (:func:`best_layout`). Arrays of
cases (the model's ``load.packing=layout``) go through fastspace.py, which shares one
dynamic programme over every length (:func:`count_by_length`) and splits a kit's length
between its package types (:func:`kit_rounds_by_length`).

Upper bounds (:func:`upper_bound`): the volume bound; the raster bound (each interior
side reduced to the largest sum of box sides that fits it); with a layer cap, layers
times floors; slices along an axis only one box side fits, times the area or line bound
(:func:`line_bound`) of the cross-section; separation bounds where no two boxes fit side
by side along an axis. ``gap = (bound - count) / bound``.

References
----------
.. [1] US Army subcourse MM0156, Computing Ammunition Data: outloading is limited by
   either volume ("cube out") or weight ("weight out").
   armymunitions.tpub.com/mm0156a/Computing-Ammunition-Data-6.htm
.. [2] Birgin, E. G., Lobato, R. D. and Morabito, R. (2010). J. Oper. Res. Soc. 61(2),
   306-320 (floor patterns; see pallet_loading.py).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache, reduce
from itertools import accumulate, permutations
from typing import NamedTuple, Sequence

import numpy as np

from estimator.counts import whole_counts
from estimator.errors import InputError
from estimator.pallet_loading import (
    FloorTable, floor_bound, floor_placements, floor_table, largest_at_most, largest_raster_point,
    line_bound, raster_points, small_floor_optimum, whole_floor, whole_floor_searched,
)

RESOLUTION_M = 0.001
# Lengths within a micrometre of a whole millimetre count as that millimetre, so that
# unit conversion (0.75 m -> 749.9999 mm) does not cost a box.
_SNAP = 1e-3
NO_LAYER_LIMIT = 0  # max_layers value meaning "as many as fit"
# Longest size handled [m]: beyond it whole millimetres overflow int64 (at 9e15 m) long
# before, and a search on them would never end; nothing shipped comes near.
LONGEST_M = 1e6
# Layout frames (see Layout): as the container stands, and turned with the length vertical.
STANDING, TURNED = (0, 1, 2), (2, 1, 0)
# Above this many packages by volume a layout would take seconds (its raster grows with
# the count) and the uniform grid is used instead; every catalog case is far below it.
LAYOUT_LIMIT = 5000
# Most boxes, each taken as a square of its smallest side, that cover the largest floor
# section a layout searches (section_limit of the length or height, by the width): the
# raster and the floor tables grow with it. A 40 ft floor section holds 564 squares of
# the catalog's smallest crate side (0.14 m) and 1,105 of 0.1 m; `explain`'s doubled
# widths of a 20 ft box gave 1,040 (9.35 m: 2 s and 0.4 GB a profile of the 152 mm
# charge crate), 1,560 (14 m: 8 s, 1.6 GB) and 2,080 (18.7 m: out of memory). Beyond
# it the grid counts, as beyond LAYOUT_LIMIT.
FLOOR_LIMIT = 1200
# Relative slack on each grid division, so that a box of exactly half the interior
# counts twice despite rounding in unit conversion (1e-9 of 6 m is 6 nm).
_FIT_TOLERANCE = 1e-9
# Most (slice length, column width, column width) triples searched for columns across the
# width: a few tens of ms. Above it the slice is one column of the whole width.
COLUMN_BUDGET = 4_000_000
# Most (end position, slice length, lane width) triples searched for lanes along the whole
# length: about 0.1 s. Above it (boxes under about a tenth of the floor width) the
# container is one lane of the whole width.
LANE_BUDGET = 4_000_000

# Box axes (length, width, height) mapped onto container axes (length, width, height).
ALL_ORIENTATIONS = tuple(permutations(range(3)))
UPRIGHT_ORIENTATIONS = ((0, 1, 2), (1, 0, 2))


def orientations(upright: bool) -> tuple[tuple[int, int, int], ...]:
    """The allowed orientations of a box: rotations about the vertical only if upright."""
    return UPRIGHT_ORIENTATIONS if upright else ALL_ORIENTATIONS


def oriented_sides(box: tuple[int, int, int], upright: bool):
    """The box's sides along the length, width and height in each allowed orientation, in
    the order of :func:`orientations` (``permutations`` of the sides is that order)."""
    if upright:
        return ((box[0], box[1], box[2]), (box[1], box[0], box[2]))
    return permutations(box)


def interior_mm(length_m) -> np.ndarray:
    """Interior lengths in whole millimetres, rounded down (a safe lower bound)."""
    return np.floor(np.asarray(length_m, dtype=float) / RESOLUTION_M + _SNAP).astype(np.int64)


def box_mm(length_m) -> np.ndarray:
    """Box lengths in whole millimetres, rounded up (a safe lower bound), at least 1."""
    return np.maximum(np.ceil(np.asarray(length_m, dtype=float) / RESOLUTION_M - _SNAP), 1).astype(np.int64)


# --- one case, in whole millimetres --------------------------------------------------


class Section(NamedTuple):
    """Layers of one floor pattern (a stack) in a piece of the floor.

    The piece runs ``length`` from ``start`` and ``width`` from ``left``; stacks of
    different standing sides may lie one above the other or side by side. (A named
    tuple, not a frozen dataclass: built in a third of the time, which counts in the
    cases the grid settles in microseconds.)
    """

    start: int  # [mm] from the container's end wall
    length: int  # [mm]
    footprint: tuple[int, int]  # box sides lying flat [mm]
    height: int  # box side standing vertical [mm]
    layers: int
    per_layer: int
    base: int = 0  # [mm] above the floor
    left: int = 0  # [mm] from the left side wall
    width: int = 0  # [mm] across the container; 0 for the whole width
    whole_floor: bool = False  # the pattern of pallet_loading.whole_floor, not a table cell

    @property
    def count(self) -> int:
        return self.layers * self.per_layer


class Layout(NamedTuple):
    """The best layout found for one interior and box, with its bound.

    ``placements`` are (x, y, z, dx, dy, dz) in millimetres from the corner at the end
    wall, floor and left side; x runs along the length. ``frame`` names the container
    axes (0 length, 1 width, 2 height) along which the sections' length, width and
    height run: ``(2, 1, 0)`` turns the layout so that its floor patterns lie across the
    container and their layers run along its length. (A named tuple, as :class:`Section`:
    built in a third of a frozen dataclass's time.)
    """

    interior: tuple[int, int, int]
    box: tuple[int, int, int]
    upright: bool
    max_layers: int
    count: int
    bound: int
    volume_bound: int
    sections: tuple[Section, ...]
    frame: tuple[int, int, int] = (0, 1, 2)

    @property
    def gap(self) -> float:
        """Relative shortfall of the count from the bound. [1]"""
        return (self.bound - self.count) / self.bound if self.bound else 0.0

    @property
    def utilisation(self) -> float:
        """Packed box volume over interior volume. [1]"""
        return self.count * int(np.prod(self.box)) / int(np.prod(self.interior))

    def placements(self) -> list[tuple[int, int, int, int, int, int]]:
        """Every box as (x, y, z, dx, dy, dz). [mm]"""
        length, width = (self.interior[a] for a in self.frame[:2])
        boxes = []
        for section in self.sections:
            if section.whole_floor:
                table, i, j = whole_floor(length, width, section.footprint), None, None
            else:
                table = floor_table(section_limit(length, width), width, section.footprint, pinwheel_length=width)
                i = int(largest_at_most(table.xs, section.length))
                j = int(largest_at_most(table.ys, section.width or width))
            for x, y, dx, dy in floor_placements(table, i, j):
                boxes.extend(
                    (section.start + x, section.left + y, section.base + layer * section.height, dx, dy, section.height)
                    for layer in range(section.layers)
                )
        return [_unturned(placed, self.frame) for placed in boxes]


def _unturned(placed, frame) -> tuple[int, int, int, int, int, int]:
    """A placement in the layout's frame, in the container's axes."""
    out = [0] * 6
    for k, axis in enumerate(frame):
        out[axis], out[3 + axis] = placed[k], placed[3 + k]
    return tuple(out)


def standings(box: tuple[int, int, int], upright: bool) -> list[tuple[tuple[int, int], int]]:
    """Each distinct way to stand the box: (footprint sides, vertical side)."""
    if upright:
        return [(tuple(sorted(box[:2])), box[2])]
    ways = {(tuple(sorted(box[:k] + box[k + 1 :])), box[k]) for k in range(3)}
    return sorted(ways)


def section_limit(length: int, width: int) -> int:
    """Longest section: twice the floor width, which leaves room for a 3.2 m rocket crate
    along a 2.35 m wide floor and keeps the floor tables small. It grows with the
    interior and does not depend on the box, so the count stays monotone. [mm]"""
    return min(length, 2 * width)


def fits(interior: tuple[int, int, int], box: tuple[int, int, int], upright: bool) -> bool:
    """Whether the box fits the interior in some allowed orientation: its sides in
    ascending order each within the interior's (an upright box's height within the
    interior height, its other two sides so within the floor's)."""
    if upright:
        if box[2] > interior[2]:
            return False
        interior, box = interior[:2], box[:2]
        (a, b), (x, y) = sorted(box), sorted(interior)
        return a <= x and b <= y
    (a, b, c), (x, y, z) = sorted(box), sorted(interior)
    return a <= x and b <= y and c <= z


def layers_that_fit(height: int, box_height: int, max_layers: int) -> int:
    """Layers of a box side standing in the interior height, capped by ``max_layers``."""
    layers = height // box_height
    return min(layers, max_layers) if max_layers != NO_LAYER_LIMIT else layers


def binding_layers(height: int, box: tuple[int, int, int], upright: bool, max_layers: int) -> int:
    """``max_layers``, or :data:`NO_LAYER_LIMIT` where the cap cannot bind.

    No vertical line meets more packages than the height holds of the shortest side that
    may stand vertical, so a cap at or above that changes no packing; taken as no cap,
    it leaves open the classes searched only without one (turned tiers, whole floors),
    and a larger cap never holds fewer.

    Examples
    --------
    >>> binding_layers(2350, (243, 1338, 1435), False, 100), binding_layers(2350, (243, 1338, 1435), False, 9)
    (0, 0)
    >>> binding_layers(2350, (243, 1338, 1435), False, 8)
    8
    """
    if max_layers == NO_LAYER_LIMIT:
        return max_layers
    shortest = box[2] if upright else min(box)
    return NO_LAYER_LIMIT if max_layers >= height // shortest else max_layers


@lru_cache(maxsize=65536)
def best_layout(interior: tuple[int, int, int], box: tuple[int, int, int], upright: bool,
                max_layers: int = NO_LAYER_LIMIT, whole_floors: bool = True) -> Layout:
    """The best layout of ``box`` in ``interior`` (whole millimetres) over the grid,
    turned tiers, tiers and lanes (see the module docstring), with its upper bound.

    Parameters
    ----------
    interior : (int, int, int)
        Interior length, width, height. [mm]
    box : (int, int, int)
        Box length, width, height; the height stays vertical when ``upright``. [mm]
    upright : bool
    max_layers : int
        Most layers in a stack, or ``NO_LAYER_LIMIT``; a cap that cannot bind is no cap
        (:func:`binding_layers`).
    whole_floors : bool
        Also search the whole-floors class (:func:`whole_floor_layers`), which has no
        profile over the length; fastspace.py's profiles leave it out.

    Returns
    -------
    Layout
        With ``max_layers`` as given.
    """
    if not fits(interior, box, upright):  # no grid, bound or search to compute
        return Layout(interior, box, upright, max_layers, 0, 0, volume_bound(interior, box), (), STANDING)
    cap = binding_layers(interior[2], box, upright, max_layers)
    count, sections = grid_layout(interior, box, upright, cap)
    frame = STANDING
    # The exhaustive floor searches, which can take longer than every layout search,
    # sharpen the bound only if the layouts stop short of the others.
    bound = upper_bound(interior, box, upright, cap, reached=count, exhaustive=False)
    if count < bound:  # a layout at the bound is optimal: nothing more to search
        count, sections, frame = _searched_best(interior, box, upright, cap, whole_floors, bound,
                                                (count, sections, frame))
        if count < bound:
            bound = upper_bound(interior, box, upright, cap, reached=count)
        sections = sorted(sections, key=lambda s: (s.left, s.start, s.base))
    # (The grid's blocks are already in that order: along the length, at the wall and floor.)
    return Layout(interior, box, upright, max_layers, count, bound, volume_bound(interior, box), tuple(sections), frame)


def _searched_best(interior, box, upright, max_layers, whole_floors, bound, best):
    """The best of ``best`` (count, sections, frame) and the searched classes, cheapest
    first, stopping at ``bound``."""
    searches = searched_layouts(interior, box, upright, max_layers)
    while best[0] < bound:
        found = next(searches, None)
        if found is None:
            break
        if found[1][0] > best[0]:
            best = found[1]
    if whole_floors and best[0] < bound:
        floors = whole_floor_layers(interior, box, upright, max_layers, reached=best[0])
        if floors[0] > best[0]:
            best = (*floors, STANDING)
    return best


def searched_layouts(interior, box, upright, max_layers=NO_LAYER_LIMIT):
    """Yield the best layout of each searched class, cheapest first, as (name, (count,
    stacks, frame)); each class is searched only when the one before has been taken,
    but for the rows of tiers and lanes, which one row programme finds together when
    tiers are asked for (:func:`_tier_and_lane_rows`), so the lanes' rows are found even
    where the tiers reach the bound.

    ``turned tiers`` (a box free to turn, no layer cap): tiers
    with the container turned so that the floors are cross-sections and the layers run
    along the length (a pinwheel of four 894 x 1313 mm sides in a 2340 x 2380 mm
    cross-section); ``tiers``: whole-length floors of one standing side one above the
    other; ``lanes``: lanes along the whole length side by side, each a row of slices,
    each slice columns of mixed stacks of floor patterns.
    """
    turned = tuple(interior[a] for a in TURNED)
    if not upright and max_layers == NO_LAYER_LIMIT:
        tiers = _best_tiers(_slice_values(turned, box, False, NO_LAYER_LIMIT, columns=False))
        yield "turned tiers", (*tiers, TURNED)
    slices = _slice_values(interior, box, upright, max_layers)
    if not len(slices.lengths):  # no way to stand the box has a floor pattern
        yield "tiers", (0, [], STANDING)
        yield "lanes", (0, [], STANDING)
        return
    tiers, lanes = _tier_and_lane_rows(slices)
    yield "tiers", (*_best_tiers(slices, tiers), STANDING)
    yield "lanes", (*_lane_sections(_best_lanes(slices, lanes), slices), STANDING)


def whole_floor_layers(interior, box, upright, max_layers, reached: int = 0) -> tuple[int, list[Section]]:
    """Layers of one floor pattern over the whole floor, the floor searched whole by the
    L-approach (:func:`pallet_loading.whole_floor`) where its raster grid is within that
    search's budget: the only class that reaches patterns no table cell holds, such as
    57 boxes of 8 x 3 in 49 x 28 (Birgin, Lobato and Morabito 2010), where every other
    class stops at 56. Floors beyond the budget give nothing here, nor do standings
    whose floor bound times their layers cannot beat ``reached`` (not searched)."""
    length, width, height = interior
    best: tuple[int, list[Section]] = (0, [])
    for footprint, vertical in standings(box, upright):
        layers = layers_that_fit(height, vertical, max_layers)
        if (not layers or floor_bound(length, width, footprint) * layers <= reached
                or not whole_floor_searched(length, width, footprint)):
            continue
        per_layer = int(whole_floor(length, width, footprint).count[-1, -1])
        if per_layer * layers > best[0]:
            best = per_layer * layers, [Section(0, length, footprint, vertical, layers, per_layer, 0, 0, width,
                                                whole_floor=True)]
    return best


def grid_layout(interior, box, upright, max_layers) -> tuple[int, list[Section]]:
    """The best uniform grid, as blocks along the length at most :func:`section_limit` long
    (so a box longer than that cannot lie along the length, as in every other layout)."""
    length, width, height = interior
    limit = section_limit(length, width)
    # Plain integers, not a list of every grid: a case the grid settles takes a few
    # microseconds in all. Ties go to the last orientation, as max over (count, order).
    count, order = 0, None
    for a, b, c in orientations(upright):
        if box[a] <= limit:
            layers = height // box[c]  # layers_that_fit, inline
            if max_layers != NO_LAYER_LIMIT and max_layers < layers:
                layers = max_layers
            grid = (length // box[a]) * (width // box[b]) * layers
            if grid >= count:
                count, order = grid, (a, b, c)
    if not count:
        return 0, []
    along, across, vertical = box[order[0]], box[order[1]], box[order[2]]
    rows, per_block = width // across, limit // along
    footprint = (along, across) if along <= across else (across, along)
    layers = layers_that_fit(height, vertical, max_layers)
    sections = []
    for start in range(0, length // along, per_block):
        block = min(per_block, length // along - start)
        sections.append(Section(start * along, block * along, footprint, vertical, layers, block * rows, 0, 0,
                                rows * across))
    return count, sections


@dataclass(frozen=True)
class _Option:
    """One way to stand the box, with its floor table (best counts per floor size)."""

    footprint: tuple[int, int]
    height: int
    layers: int
    table: FloorTable


@dataclass(frozen=True)
class _Slices:
    """Best count for every slice length, and how: columns across the width, each a stack.

    ``columns[k, j]`` is the best count in a slice ``lengths[k]`` long and ``widths[j]``
    wide, ``values[k]`` the one of the whole width. A column ``widths[j]`` wide holds
    ``mixes[mix[k, j]][v]`` layers of option ``v`` (``per_layer[v][k, j]`` boxes each);
    ``cut[k, j] > 0`` splits it instead into columns ``widths[cut]`` and the rest.
    ``positions`` are where a row of slices along the interior's length can end
    (:func:`_length_positions`).
    """

    options: list[_Option]
    lengths: np.ndarray  # [mm]
    widths: np.ndarray  # [mm]
    per_layer: list[np.ndarray]
    mixes: list[tuple[int, ...]]
    mix: np.ndarray | None
    cut: np.ndarray | None
    columns: np.ndarray | None
    positions: np.ndarray  # [mm]

    @property
    def values(self) -> np.ndarray:
        return self.columns[:, -1]


def _section_options(interior, box, upright, max_layers) -> list[_Option]:
    length, width, height = interior
    options = []
    for footprint, vertical in standings(box, upright):
        layers = layers_that_fit(height, vertical, max_layers)
        if layers == 0:
            continue
        table = floor_table(section_limit(length, width), width, footprint, pinwheel_length=width)
        if len(table.xs) > 1 and table.count[-1, -1] > 0:
            options.append(_Option(footprint, vertical, layers, table))
    return options


def _slice_values(interior, box, upright, max_layers, columns: bool = True, choices: bool = True) -> _Slices:
    """Best count for every slice length over columns of mixed stacks (see :class:`_Slices`).

    Without ``columns`` only what tiers need: the floor counts of the whole width.
    Without ``choices`` only the counts (``mix`` and ``cut`` None): what
    :func:`count_by_length` needs, which places nothing.
    """
    options = _section_options(interior, box, upright, max_layers)
    if not options:
        empty = np.zeros(0, dtype=np.int64)
        return _Slices(options, empty, np.zeros(1, dtype=np.int64), [], [], empty, empty,
                       np.zeros((0, 1), dtype=np.int64), np.zeros(1, dtype=np.int64))
    # (A set of plain integers: np.unique costs several times more on these few.)
    lengths = np.array(sorted({x for o in options for x in o.table.xs[1:].tolist()}), dtype=np.int64)
    widths = _column_widths(interior[1], options, len(lengths))
    if not columns:
        widths = widths[[0, -1]]
    per_layer = [
        o.table.count[largest_at_most(o.table.xs, lengths)[:, None], largest_at_most(o.table.ys, widths)]
        for o in options
    ]
    cap = max_layers if max_layers != NO_LAYER_LIMIT else interior[2]
    mixes = _layer_mixes([o.height for o in options], interior[2], cap)
    positions = _length_positions(interior[0], options)
    if not columns:
        return _Slices(options, lengths, widths, per_layer, mixes, None, None, None, positions)
    best, mix = _best_stacks(per_layer, mixes, choices)
    best, cut = _best_columns(best, widths, choices)
    return _Slices(options, lengths, widths, per_layer, mixes, mix, cut, best, positions)


def _column_widths(width: int, options: list[_Option], slice_count: int) -> np.ndarray:
    """Column widths worth trying: raster points of every side lying across the width.

    Where that search would exceed ``COLUMN_BUDGET`` (boxes under about a tenth of the
    floor width, where floor patterns leave little room to gain), the slice keeps one
    column of the whole width.
    """
    sides = tuple({side for o in options for side in o.footprint})
    widths = raster_points(width, sides)
    if slice_count * len(widths) ** 2 > COLUMN_BUDGET:
        return widths[[0, -1]]
    return widths


def _best_stacks(per_layer: list[np.ndarray], mixes: list[tuple[int, ...]], choices: bool = True):
    """Best stack of layers for every slice length and column width, and its mix index
    (None without ``choices``).

    A column may hold, one above the other, ``n_v`` layers of each way ``v`` to stand
    the box with ``sum n_v h_v <= height`` (and ``sum n_v <= max_layers``).
    """
    best = np.full(per_layer[0].shape, -1, dtype=np.int64)
    mix = np.zeros(per_layer[0].shape, dtype=np.int64) if choices else None
    for index, layers in enumerate(mixes):
        total = sum(n * p for n, p in zip(layers, per_layer) if n)
        if isinstance(total, int):
            total = np.zeros_like(best)
        if not choices:
            np.maximum(best, total, out=best)
            continue
        better = total > best
        best[better] = total[better]
        mix[better] = index
    return best, mix


def _best_columns(best: np.ndarray, widths: np.ndarray, choices: bool = True):
    """Improve every column width by splitting it in two (all slice lengths at once).

    Narrowest first, so each part is already at its best: the optimum over every way to
    cut the width into columns (guillotine in one dimension). Returns the counts and
    the first part of each split (None without ``choices``).
    """
    best = best.copy()
    cut = np.zeros(best.shape, dtype=np.int64) if choices else None
    # Every cut at once: the first parts of width j are 1 .. halves[j] - 1, the rests
    # rests[j, first].
    halves = np.searchsorted(widths, widths / 2, side="right").tolist()
    rests_of = largest_at_most(widths, widths[:, None] - widths[None, :])
    if not choices:
        _best_columns_by_runs(best, widths, halves, rests_of)
        return best, None
    for j in range(2, len(widths)):
        if halves[j] <= 1:
            continue
        totals = best[:, 1 : halves[j]] + best[:, rests_of[j, 1 : halves[j]]]
        if not choices:
            np.maximum(best[:, j], totals.max(axis=1), out=best[:, j])
            continue
        pick = np.argmax(totals, axis=1)
        reached = totals[np.arange(len(best)), pick]
        better = reached > best[:, j]
        best[better, j] = reached[better]
        cut[better, j] = 1 + pick[better]  # the first part's index
    return best, cut


def _best_columns_by_runs(best: np.ndarray, widths: np.ndarray, halves: list[int], rests_of: np.ndarray) -> None:
    """:func:`_best_columns`' counts in place, a run of widths at a time: every part of a
    cut of width j is at most ``widths[j] - widths[1]`` wide, so widths less than
    ``widths[1]`` apart read only narrower ones, already at their best, and are
    improved together (one gather a run instead of one a width). ``widths[0]`` is 0,
    holding nothing: cuts past a width's half read it twice."""
    n = len(widths)
    if n < 3 or max(halves) <= 1:
        return
    ends = np.searchsorted(widths, widths + widths[1]).tolist()
    j = 2
    while j < n:
        end = ends[j]
        cuts = max(halves[j:end]) - 1
        if cuts > 0:
            first = np.arange(1, cuts + 1)
            valid = first[None, :] < np.asarray(halves[j:end])[:, None]
            parts = np.where(valid, first[None, :], 0)
            rests = np.where(valid, rests_of[j:end, 1 : cuts + 1], 0)
            reached = (best[:, parts] + best[:, rests]).max(axis=2)
            np.maximum(best[:, j:end], reached, out=best[:, j:end])
        j = end


def _layer_mixes(heights: list[int], room: int, cap: int) -> list[tuple[int, ...]]:
    """Every count of layers of each height that fits, the last as many as fit, in
    lexicographic order (listed level by level: no recursion, a few µs)."""
    # Each partial mix with the room and the layers it leaves.
    partial = [((), room, cap)]
    for height in heights[:-1]:
        partial = [(mix + (n,), left - n * height, most - n)
                   for mix, left, most in partial for n in range(min(left // height, most) + 1)]
    return [mix + (min(left // heights[-1], most),) for mix, left, most in partial]


@dataclass(frozen=True)
class _Lanes:
    """Lanes along the whole length, side by side across the width, each a row of slices.

    ``best[p, j]`` is the best count in a lane ``widths[j]`` wide and ``positions[p]``
    long; ``choice.column(j)[p]`` the slice that ends it (-1: the lane one position shorter);
    ``lane_cut[j] > 0`` splits a lane ``widths[j]`` wide into lanes ``widths[cut]`` and
    the rest, ``lane_best[j]`` the best over those splits. ``j`` indexes ``usable``, the
    column widths (indices into the slices' widths) that a lane may have.
    """

    usable: np.ndarray
    positions: np.ndarray  # [mm]
    best: np.ndarray
    choice: _RowChoices
    lane_best: np.ndarray
    lane_cut: np.ndarray


def _best_lanes(slices: _Slices, rows) -> _Lanes:
    """The best split of the width into lanes, given ``rows`` (usable lane widths, best
    rows of slices for each, their choices) from :func:`_tier_and_lane_rows`."""
    usable, best, choice = rows
    lane_best, lane_cut = _best_columns(best[-1:], slices.widths[usable])
    return _Lanes(usable, slices.positions, best, choice, lane_best[0], lane_cut[0])


def _tier_and_lane_rows(slices: _Slices):
    """The best rows of :func:`_best_tiers` (its floors' values) and of :func:`_best_lanes`
    (the columns' values at the usable lane widths) from one row programme: each column
    of values gets the rows it would get alone (see :func:`_best_rows`), at the cost of
    one programme instead of two. Returns ``(best, choice)`` for the tiers and
    ``(usable, best, choice)`` for the lanes."""
    per_layer = _floor_values(slices)
    usable = _usable_lane_widths(slices)
    best, choice = _best_rows(slices.positions, slices.lengths, np.hstack([per_layer, slices.columns[:, usable]]))
    floors = per_layer.shape[1]
    return (best[:, :floors], choice.part(stop=floors)), (usable, best[:, floors:], choice.part(start=floors))


def _usable_lane_widths(slices: _Slices) -> np.ndarray:
    """The lane widths of :func:`_lane_widths`, or beyond ``LANE_BUDGET`` the narrowest
    and the whole width (the container one lane)."""
    usable = _lane_widths(slices)
    if len(slices.positions) > _positions_within_lane_budget(slices, len(usable)):
        usable = np.array([0, len(slices.widths) - 1])
    return usable


def _floor_values(slices: _Slices) -> np.ndarray:
    """``values[k, v]``: the boxes in one floor of a piece ``lengths[k]`` long over the whole
    width, option ``v`` standing."""
    return np.stack([p[:, -1] for p in slices.per_layer], axis=1)


def _lane_widths(slices: _Slices) -> np.ndarray:
    """Indices of the column widths a lane may have. A wider lane that holds no more in
    any slice is no better, but the whole width stays: the split of the width into
    lanes is the split of the last lane width."""
    # (A set of plain integers: np.union1d costs several times more on these few.)
    return np.array(sorted(set(_steps(slices.columns.T).tolist()) | {len(slices.widths) - 1}), dtype=np.int64)


def _positions_within_lane_budget(slices: _Slices, lane_widths: int) -> int:
    """Most end positions along the length for which lanes of ``lane_widths`` widths stay
    within ``LANE_BUDGET``."""
    return LANE_BUDGET // max(len(slices.lengths) * lane_widths, 1)


def _length_positions(length: int, options: list[_Option]) -> np.ndarray:
    """Where a row of slices can end: the sums of box sides up to ``length`` (raster points). [mm]"""
    sides = tuple({side for o in options for side in o.footprint})
    return raster_points(length, sides) if sides else np.zeros(1, dtype=np.int64)


def _best_rows(positions: np.ndarray, lengths: np.ndarray, values: np.ndarray, choices: bool = True):
    """Best row of pieces along the length, for every end position and every column of ``values``.

    ``values[k, m]`` is what a piece ``lengths[k]`` long holds in case ``m``. Returns the
    best total ``best[p, m]`` in ``positions[p]`` and the pieces that end them
    (:class:`_RowChoices`; None without ``choices``). Every piece is at least
    ``shortest`` long, so a run of positions within ``shortest`` of each other depends
    only on earlier runs and is solved in one vectorised step.

    Each column gets the best rows and choices it would get alone: a piece kept for
    another column (:func:`_steps`), where this column's values do not step up, is no
    better for it than the shorter piece before it, which comes first.
    """
    # One more row, far below any count, where a piece that does not fit would start.
    best = np.zeros((len(positions) + 1, values.shape[1]), dtype=np.int64)
    best[-1] = _NOWHERE
    if not len(lengths):
        return best[:-1], _RowChoices(best, None, None, None) if choices else None
    kept = _steps(values)  # a longer piece that holds no more in any case is never needed
    lengths, values = lengths[kept], values[kept, None, :]
    # Where each piece starts, piece by piece: the best piece of each position is then a
    # maximum over the first axis, several times faster than over the second.
    before = largest_at_most(positions, positions[None, :] - lengths[:, None])
    before[before < 0] = len(positions)  # the piece does not fit: the row far below
    ends = np.searchsorted(positions, positions + int(lengths.min())).tolist()
    p = max(ends[0], 1)  # no piece fits before the shortest: those rows hold 0
    while p < len(positions):
        end = ends[p]
        reached = (np.take(best, before[:, p:end], axis=0) + values).max(axis=0)
        np.maximum(reached[0], best[p - 1], out=reached[0])  # or the row one position shorter
        np.maximum.accumulate(reached, axis=0, out=best[p:end])
        p = end
    return best[:-1], _RowChoices(best, before, values[:, 0, :], kept) if choices else None


class _RowChoices:
    """The piece that ends each best row of :func:`_best_rows`, found for a column only
    when asked (a layout walks back along one or two of them).

    At position ``p`` it is the first piece whose row reaches the best there (an index
    into the pieces), or -1 where none does: the best row is then one position shorter.
    """

    def __init__(self, best, before, values, kept, columns=None):
        # best with its row far below; before, values and kept as _best_rows has them.
        self.best, self.before, self.values, self.kept = best, before, values, kept
        self.columns = range(best.shape[1]) if columns is None else columns

    def part(self, start: int | None = None, stop: int | None = None) -> _RowChoices:
        """The choices of columns ``start:stop`` alone, indexed from 0."""
        return _RowChoices(self.best, self.before, self.values, self.kept, self.columns[start:stop])

    def column(self, m: int) -> np.ndarray:
        """The choice at every position for column ``m``."""
        m = self.columns[m]
        if self.before is None:  # no pieces
            return np.full(len(self.best) - 1, -1, dtype=np.int64)
        totals = np.take(self.best[:, m], self.before) + self.values[:, m, None]
        return np.where(totals.max(axis=0) >= self.best[:-1, m], self.kept[totals.argmax(axis=0)], -1)


# Far below any count, above int64's floor even with a count added.
_NOWHERE = -(1 << 60)


def _steps(values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (non-decreasing down the rows) above the row before in some column, and the first."""
    return np.flatnonzero(np.concatenate([[True], np.any(values[1:] > values[:-1], axis=1)]))


def _row_pieces(positions: np.ndarray, lengths: np.ndarray, choice: np.ndarray):
    """The pieces (index into ``lengths``, start [mm]) of the best row, end to end from the wall."""
    # Plain integers: the walk back steps one position at a time where no piece ends.
    at, pieces, lengths = positions.tolist(), choice.tolist(), lengths.tolist()
    chosen = []
    p = len(at) - 1
    while p > 0:
        k = pieces[p]
        if k < 0:
            p -= 1
            continue
        chosen.append(k)
        p = bisect_right(at, at[p] - lengths[k]) - 1  # largest_at_most
    chosen.reverse()
    return list(zip(chosen, accumulate((lengths[k] for k in chosen), initial=0)))


def _best_tiers(slices: _Slices, rows=None) -> tuple[int, list[Section]]:
    """Tiers of whole floors one above the other, each floor a row of pieces along the length.

    Each way ``v`` to stand the box gets ``n_v`` layers of its best row of floor pieces
    (each piece a floor pattern at most :func:`section_limit` long over the whole width):
    the best mix of layer counts, like a stack of a single slice as long as the container.
    ``rows`` (best rows, choices) where :func:`_tier_and_lane_rows` found them.
    """
    if not len(slices.lengths):
        return 0, []
    positions = slices.positions
    per_layer = _floor_values(slices)
    best, choice = _best_rows(positions, slices.lengths, per_layer) if rows is None else rows
    totals = np.array(slices.mixes) @ best[-1]
    mix = slices.mixes[int(np.argmax(totals))]
    sections, base = [], 0
    width = int(slices.widths[-1])
    for v, (option, layers) in enumerate(zip(slices.options, mix)):
        if layers:
            for k, start in _row_pieces(positions, slices.lengths, choice.column(v)):
                if per_layer[k, v]:
                    sections.append(Section(start, int(slices.lengths[k]), option.footprint, option.height,
                                            int(layers), int(per_layer[k, v]), base, 0, width))
        base += int(layers) * option.height
    return int(totals.max()), sections


def _lane_sections(lanes: _Lanes, slices: _Slices) -> tuple[int, list[Section]]:
    """The count of the best split into lanes, and its stacks lane by lane, slice by slice."""
    sections = []
    for j, left in _split_widths(lanes.lane_cut, slices.widths[lanes.usable], len(lanes.usable) - 1, 0):
        for k, start in _row_pieces(lanes.positions, slices.lengths, lanes.choice.column(j)):
            sections += _slice_sections(slices, k, start, int(lanes.usable[j]), left)
    return int(lanes.lane_best[-1]), sections


def _split_widths(cut: np.ndarray, widths: np.ndarray, j: int, left: int):
    """The parts (width index, left side [mm]) of width ``widths[j]`` split by ``cut``."""
    first = int(cut[j])
    if not first:
        yield j, left
        return
    rest = int(largest_at_most(widths, widths[j] - widths[first]))
    yield from _split_widths(cut, widths, first, left)
    yield from _split_widths(cut, widths, rest, left + int(widths[first]))


def _slice_sections(slices: _Slices, k: int, start: int, j: int, left: int) -> list[Section]:
    """The stacks of a slice ``lengths[k]`` long and ``widths[j]`` wide, column by column."""
    length = int(slices.lengths[k])
    sections = []
    for column, column_left in _split_widths(slices.cut[k], slices.widths, j, left):
        base = 0
        for option, layers, per_layer in zip(slices.options, slices.mixes[slices.mix[k, column]], slices.per_layer):
            if layers and per_layer[k, column]:
                sections.append(Section(start, length, option.footprint, option.height, int(layers),
                                        int(per_layer[k, column]), base, column_left, int(slices.widths[column])))
            base += int(layers) * option.height
    return sections


# --- upper bounds -------------------------------------------------------------------


def volume_bound(interior, box) -> int:
    """Interior volume over box volume, floored."""
    (length, width, height), (a, b, c) = interior, box
    return int(length) * int(width) * int(height) // (int(a) * int(b) * int(c))


def upper_bound(interior, box, upright: bool, max_layers: int = NO_LAYER_LIMIT, reached: int = -1,
                exhaustive: bool = True) -> int:
    """The tightest of the volume, raster, layer, slice, line and separation bounds.

    Parameters
    ----------
    reached : int
        A count known to fit: once some bound equals it, that is the tightest and the
        rest are not computed.
    exhaustive : bool
        Whether to include the slice bounds by exhaustive floor search
        (:func:`small_floor_optimum`), which can take tens of milliseconds.

    Notes
    -----
    Only orientations whose every side fits its interior side can occur. A packing
    pushed towards the corner puts every box at a sum of the box sides that occur on
    each axis, so each interior side may be cut to the largest such sum that fits it
    (the raster bound). An upright box pushed down sits at a whole number of box
    heights, so no vertical line meets more than the layers that fit, and each layer is
    a floor packing; the same holds on any axis only one box side fits
    (:func:`_slice_bounds`). With a layer cap every vertical line meets at most ``max_layers``
    boxes, so the boxes' footprints cover at most ``max_layers`` floors.
    """
    best = None
    for bound in _bounds(interior, box, upright, max_layers, exhaustive):
        best = bound if best is None else min(best, bound)
        if best <= reached:
            break
    return best


def _bounds(interior, box, upright, max_layers, exhaustive=True):
    """Every upper bound of :func:`upper_bound`, the cheapest first."""
    length, width, height = interior
    # Each fitting orientation as the box sides along the length, width and height.
    fitting = [o for o in oriented_sides(box, upright) if o[0] <= length and o[1] <= width and o[2] <= height]
    if not fitting:
        yield 0
        return
    volume = int(box[0]) * int(box[1]) * int(box[2])
    yield int(length) * int(width) * int(height) // volume  # volume_bound
    # The box sides that can lie along each axis.
    sides = [set(on) for on in zip(*fitting)]
    # The width and height first: their raster points are few, while the length's can
    # take more time than the rest; a case the grid settles often stops here. (A bound
    # yielded early that a later one undercuts changes nothing: the least is kept.)
    # So are the separation bounds over the length unreduced: never below the ones over
    # the reduced length (a longer interior), and often already at the grid's count.
    across = [_reduced_side(interior[a], sides[a]) for a in (1, 2)]
    yield int(length) * across[0] * across[1] // volume
    smallest = [min(on) for on in sides]
    yield from _separation_bounds((length, *across), fitting, smallest)
    reduced = [_reduced_side(length, sides[0]), *across]
    yield reduced[0] * reduced[1] * reduced[2] // volume
    if max_layers != NO_LAYER_LIMIT and not upright:
        footprint = min([o[0] * o[1] for o in fitting])
        yield max_layers * (reduced[0] * reduced[1] // footprint)
    yield from _separation_bounds(reduced, fitting, smallest)
    yield from _slice_bounds(interior, box, sides, max_layers, exhaustive)


def _reduced_side(side: int, lying: set[int]) -> int:
    """The largest raster point of the box sides ``lying`` along an interior ``side``
    (each of them fits it). Where two of the shortest do not fit, the longest alone is
    that point: the usual case across the width and height of a large box. [mm]"""
    if side < 2 * min(lying):
        return max(lying)
    return largest_raster_point(side, tuple(lying))


def _slice_bounds(interior, box, sides, max_layers, exhaustive=True):
    """Bounds for axes on which only one box side can lie (``sides[axis]``, the box
    sides that can lie along each axis; always the height if upright), yielded the
    cheapest first.

    Pushed towards the wall, such boxes sit at whole multiples of that side along the
    axis, so no line along it meets more than ``interior // side`` of them, and each
    slice across it is a two-dimensional packing of the other two sides.
    """
    for axis in range(3):
        if len(sides[axis]) != 1:
            continue
        (side,) = sides[axis]
        rest = list(box)
        rest.remove(side)
        slices = interior[axis] // side
        if axis == 2 and max_layers != NO_LAYER_LIMIT:
            slices = min(slices, max_layers)
        across = [interior[a] for a in range(3) if a != axis]
        yield slices * floor_bound(across[0], across[1], tuple(rest))
        yield slices * line_bound(across[0], across[1], tuple(rest))
        exact = small_floor_optimum(across[0], across[1], tuple(rest)) if exhaustive else None
        if exact is not None:
            yield slices * exact


def _separation_bounds(reduced, fitting, smallest):
    """Bounds for axes along which no two boxes fit side by side (``fitting``: the box
    sides along each axis in each orientation that fits; ``smallest``: the smallest
    that can lie along each axis), yielded one by one.

    Two boxes that do not overlap are apart along some axis. Along an axis shorter than
    twice the smallest box side that can lie on it, no two are, so every pair is apart
    along the other two: the boxes' shadows on that plane do not overlap (at most its
    area over the smallest shadow). If that holds for two axes, every pair is apart
    along the third, so their sides along it add up to at most its length.
    """
    crowded = [2 * smallest[a] > reduced[a] for a in range(3)]
    for axis in range(3):
        if not crowded[axis]:
            continue
        first, second = [a for a in range(3) if a != axis]
        shadow = min([o[first] * o[second] for o in fitting])
        yield reduced[first] * reduced[second] // shadow
        # Crowded along this axis and the other one: apart along the remaining one.
        if crowded[second]:
            yield reduced[first] // smallest[first]
        if crowded[first]:
            yield reduced[second] // smallest[second]


# --- the door -----------------------------------------------------------------------


def passes_door(door_width_m, door_height_m, box_m, upright: bool) -> np.ndarray:
    """Whether the box can pass the door end-on in some allowed orientation.

    The box enters lengthwise, so two of its sides must fit the opening; an upright box
    must keep its height vertical.
    """
    door_width = np.asarray(door_width_m, dtype=float)
    door_height = np.asarray(door_height_m, dtype=float)
    box = [np.asarray(side, dtype=float) for side in box_m]
    ok = np.zeros(np.broadcast_shapes(door_width.shape, door_height.shape, *(b.shape for b in box)), dtype=bool)
    for order in orientations(upright):
        ok |= within(box[order[1]], door_width) & within(box[order[2]], door_height)
    return ok


def within(size, room):
    """Whether ``size`` fits ``room`` (arrays or floats, one unit), with the relative slack
    of :data:`_FIT_TOLERANCE`: a 1 m crate passes a door typed as 3.28084 ft, which
    converts to 0.9999999999999998 m."""
    return np.asarray(size, dtype=float) <= np.asarray(room, dtype=float) * (1 + _FIT_TOLERANCE)


def check_door(door_width_m: float, door_height_m: float, box_m, upright: bool, package: str = "package",
               door: str = "the door") -> None:
    """Refuse a box that cannot pass the door opening end-on in any allowed orientation.

    The one door check and its wording: ``pack`` calls it for its case, and
    ``model.check_door`` for a scenario's smallest packages at its largest door.

    Parameters
    ----------
    door_width_m, door_height_m : float
        Door opening. [m]
    box_m : three floats
        Box length, width and height; the height is the side kept vertical when
        ``upright``. [m]
    upright : bool
        Whether the box must keep its height vertical.
    package, door : str
        How the error names the box and the door (``"package 'crate' of 152mm-shell at
        its smallest"``, ``"the door of 20ft at its largest"``).

    Raises
    ------
    InputError
        Naming the package, its sides, the door, its opening and what was expected.

    Examples
    --------
    >>> check_door(2.34, 2.28, (2.5, 2.5, 2.5), False)
    Traceback (most recent call last):
    ...
    estimator.errors.InputError: package (2.5 x 2.5 x 2.5 m) cannot pass the door (2.34 x 2.28 m, width x height) in any orientation; expected two of its sides to fit the door opening
    """
    if passes_door(door_width_m, door_height_m, box_m, upright):
        return
    turned, sides = ("kept upright", "its height and one other side") if upright else ("in any orientation",
                                                                                        "two of its sides")
    raise InputError(
        f"{package} ({' x '.join(f'{side:g}' for side in box_m)} m) cannot pass {door} ({door_width_m:g} x "
        f"{door_height_m:g} m, width x height) {turned}; expected {sides} to fit the door opening"
    )


# --- arrays of cases ----------------------------------------------------------------


def grid_count(interior_m, box_m, upright: bool, max_layers=NO_LAYER_LIMIT) -> np.ndarray:
    """Boxes in the best uniform grid over the allowed orientations (arrays in metres).

    ``max_layers`` (whole numbers, :data:`NO_LAYER_LIMIT` for none; may be an array) caps
    the boxes one above the other in each orientation's own vertical count.

    Examples
    --------
    >>> int(grid_count((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), upright=False))
    154
    >>> int(grid_count((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), upright=False, max_layers=1))
    77
    """
    interior = [np.asarray(side, dtype=float) for side in interior_m]
    box = [np.asarray(side, dtype=float) for side in box_m]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # refused below
        best = _best_grid(interior, box, upright, np.asarray(max_layers, dtype=float))
    return whole_counts(best, "crates by space per container")


def _best_grid(interior, box, upright: bool, max_layers: np.ndarray) -> np.ndarray:
    best = None
    for side, across in grid_cross_sections(interior[1:], box, upright, max_layers).items():
        count = _times(_divisions(interior[0], box[side]), across)
        best = count if best is None else np.maximum(best, count)
    return np.broadcast_to(best, np.broadcast_shapes(*(a.shape for a in interior + box), max_layers.shape))


def grid_cross_sections(width_height, box, upright: bool, max_layers: np.ndarray) -> dict[int, np.ndarray]:
    """For each side of the box that may lie along the length (its index), the most boxes
    of a uniform grid in one cross-section of ``width x height``, at most ``max_layers``
    one above the other: a grid ``x`` long then holds ``divisions(x, side) * that``.
    Floats, exact below 2**53; call under ``np.errstate`` as :func:`grid_count` does."""
    width, height = width_height
    # Each box side across each axis is divided once, then the orientations multiply them.
    across = {side: _divisions(width, box[side]) for side in range(3)}
    up = {side: _divisions(height, box[side]) for side in range(3)}
    if np.any(max_layers != NO_LAYER_LIMIT):  # at most max_layers one above the other
        up = {side: np.where(max_layers != NO_LAYER_LIMIT, np.minimum(fit, max_layers), fit) for side, fit in up.items()}
    sections = {}
    for order in orientations(upright):
        count = _times(across[order[1]], up[order[2]])
        sections[order[0]] = np.maximum(sections[order[0]], count) if order[0] in sections else count
    return sections


def _divisions(room, side):
    """Whole sides in a room, with the slack of :data:`_FIT_TOLERANCE`. [1]"""
    return np.floor(room / side * (1 + _FIT_TOLERANCE))


def _times(first, second):
    """Boxes along two axes multiplied: 0 along one times inf along another holds none.
    Counted in floats (exact below 2**53) and checked once by the caller, so huge
    counts are refused instead of wrapping round in int64."""
    count = first * second
    return np.where(np.isnan(count), 0.0, count)


def kit_rounds_by_grid(interior_m, boxes_m, uprights: Sequence[bool], items, items_per_round: Sequence[int],
                       max_layers: Sequence) -> np.ndarray:
    """Most whole rounds of a two-type kit with each type in a uniform grid
    (:func:`grid_count`) in its own length of the interior: a feasible stow at the exact
    sizes, where :func:`layout_applies` (0 elsewhere, and for kits of another number of
    types). Arrays in metres, broadcast.

    The first type's rounds step up only where its length is a whole number of a side it
    lays along the length, so those lengths are the only ones worth trying; for each such
    side, the first type's rounds rise and the second's fall with that number, so the best
    is where they cross, found by bisection.
    """
    interior = [np.asarray(side, dtype=float) for side in interior_m]
    boxes = [[np.asarray(side, dtype=float) for side in box] for box in boxes_m]
    counted = layout_applies(interior_m, boxes_m)
    if len(boxes) != 2:
        return np.zeros(counted.shape, dtype=np.int64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        sections = [grid_cross_sections(interior[1:], box, upright, np.asarray(layers, dtype=float))
                    for box, upright, layers in zip(boxes, uprights, max_layers)]

        def rounds(part, along):
            crates = reduce(np.maximum, [_times(_divisions(along, boxes[part][side]), across)
                                         for side, across in sections[part].items()])
            whole = _zero_where_not(counted, crates).astype(np.int64)
            return whole * np.asarray(items[part], dtype=np.int64) // items_per_round[part]

        def both(side, whole):  # the two types' rounds, the first's length ``whole`` of its side
            along = whole * boxes[0][side]
            return rounds(0, along), rounds(1, np.clip(interior[0] - along, 0, None))

        best = np.zeros(counted.shape, dtype=np.int64)
        for side in sections[0]:
            most = _zero_where_not(counted, _divisions(interior[0], boxes[0][side]))
            # The last whole number where the first type's rounds are at most the second's.
            low, high = np.zeros(most.shape), most + 1
            while np.any(high - low > 1):
                middle = np.floor((low + high) / 2)
                first, second = both(side, middle)
                low, high = np.where(first <= second, middle, low), np.where(first <= second, high, middle)
            best = reduce(np.maximum, [best, np.minimum(*both(side, low)),
                                       np.where(low < most, np.minimum(*both(side, low + 1)), 0)])
    return best


def _zero_where_not(counted, values) -> np.ndarray:
    """``values`` (floats) where ``counted``, else 0: sizes a layout does not apply to
    (non-finite, huge counts) neither loop nor overflow."""
    return np.where(counted, np.nan_to_num(values, nan=0.0, posinf=0.0), 0.0)


def layout_applies(interior_m, boxes_m) -> np.ndarray:
    """Where every box is laid out rather than gridded: finite sizes (the boxes' too), at most
    :data:`LAYOUT_LIMIT` packages of each by volume and :data:`FLOOR_LIMIT` on a floor."""
    interior = [np.asarray(side, dtype=float) for side in interior_m]
    ok = np.logical_and.reduce(np.broadcast_arrays(*[np.isfinite(side) for side in interior]))
    for box in boxes_m:
        volume_ratio, floor_ratio, shortest = _layout_ratios(interior, box)
        # (NaN and infinite ratios compare false; an infinite side gives a ratio of 0.)
        finite = np.logical_and.reduce(np.broadcast_arrays(*[np.isfinite(side) for side in box]))
        ok = ok & finite & (shortest > 0) & (volume_ratio <= LAYOUT_LIMIT) & (floor_ratio <= FLOOR_LIMIT)
    return ok


def _layout_ratios(interior, box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Packages by volume, squares of the smallest side on the largest floor section
    searched (see :data:`FLOOR_LIMIT`), and that smallest side. [1], [1], [m]"""
    length, width, height = interior
    sides = [np.asarray(side, dtype=float) for side in box]
    shortest = np.minimum(np.minimum(sides[0], sides[1]), sides[2])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        volume_ratio = length * width * height / (sides[0] * sides[1] * sides[2])
        floor_ratio = np.minimum(np.maximum(length, height), 2 * width) * width / shortest**2
    return volume_ratio, floor_ratio, shortest


def crates_by_space(interior_m, box_m, upright: bool, max_layers=NO_LAYER_LIMIT) -> np.ndarray:
    """How many crates fit in the interior: the model's default count (the uniform grid,
    at most ``max_layers`` one above the other).

    The model evaluates up to 10^6 Monte Carlo draws with every size uncertain; a
    layout takes 10-1000 ms per distinct case in Python, so the grid is the default and
    the layouts are the option ``load.packing=layout`` (``fastspace.layout_counts``).

    Examples
    --------
    >>> int(crates_by_space((5.9, 2.35, 2.39), (1.0, 0.5, 0.3), upright=False))
    154
    """
    return grid_count(interior_m, box_m, upright, max_layers)


def _canonical(box, upright: bool) -> tuple[int, int, int]:
    """One order per box, so that the cache sees each case once."""
    if upright:
        return tuple(sorted(box[:2])) + (box[2],)
    return tuple(sorted(box))


def layout_for(interior_m, box_m, upright: bool, max_layers: int = NO_LAYER_LIMIT) -> Layout:
    """The layout for one interior and box given in metres (rounded as documented)."""
    return best_layout(usable_mm(interior_m), canonical_mm(box_m, upright), upright, max_layers)


def canonical_mm(box_m, upright: bool) -> tuple[int, int, int]:
    """A box in metres as whole millimetres, rounded up, in the one order the caches see
    (:func:`_canonical`)."""
    return _canonical(tuple(int(v) for v in box_mm(box_m)), upright)


def usable_mm(interior_m) -> tuple[int, int, int]:
    """An interior in metres as whole millimetres, rounded down.

    Raises
    ------
    InputError
        If a side is no longer above zero.
    """
    interior = tuple(int(v) for v in interior_mm(interior_m))
    if min(interior) <= 0:
        raise InputError(f"interior {interior_m}: every side must be above zero after the clearance")
    return interior


# --- kits: package types sharing one container --------------------------------------


@lru_cache(maxsize=65536)
def count_by_length(interior: tuple[int, int, int], box: tuple[int, int, int], upright: bool,
                    max_layers: int = NO_LAYER_LIMIT, shortest: int = 0) -> np.ndarray:
    """Best count in the first ``x`` millimetres of the interior, for every ``x``: the
    count of :func:`best_layout` without the whole-floor class (``whole_floors=False``,
    which has no profile over the length) at every length, from one search of each class.

    Lengths below ``shortest`` [mm] may be left unsolved, as -1: those still within
    ``LANE_BUDGET`` where the whole interior is beyond it (their lanes cost a search of
    their own, see below).
    """
    box = _canonical(box, upright)
    max_layers = binding_layers(interior[2], box, upright, max_layers)
    length = interior[0]
    everywhere = np.arange(length + 1)
    best = np.zeros(length + 1, dtype=np.int64)
    slices = _slice_values(interior, box, upright, max_layers, choices=False)  # counts only: nothing placed
    unsolved = 0
    if len(slices.lengths):
        positions, by_position, unsolved = _lanes_and_tiers_by_position(slices, shortest)
        best = by_position[largest_at_most(positions, everywhere)]
    turned = tuple(interior[a] for a in TURNED)
    if not upright and max_layers == NO_LAYER_LIMIT:
        best = np.maximum(best, _turned_tiers_by_length(turned, box, length))
    best[:unsolved] = -1
    return best


def _lanes_and_tiers_by_position(slices: _Slices, shortest: int):
    """The best of lanes and tiers at every end position along the length (the raster
    points), counts alone: (positions, counts, unsolved), lengths below ``unsolved``
    left out (see :func:`count_by_length`).

    Lanes and tiers are rows of the same slices, so one row programme serves both sets
    of columns (each column's rows are independent of the others').
    """
    positions = slices.positions
    widths = _lane_widths(slices)
    within = min(_positions_within_lane_budget(slices, len(widths)), len(positions))
    lanes = widths if within == len(positions) else np.array([0, len(slices.widths) - 1])  # as _usable_lane_widths
    per_layer = _floor_values(slices)
    rows, _ = _best_rows(positions, slices.lengths, np.hstack([slices.columns[:, lanes], per_layer]), choices=False)
    split = _best_columns(rows[:, : len(lanes)], slices.widths[lanes], choices=False)[0][:, -1]
    tiers = (rows[:, len(lanes) :] @ np.array(slices.mixes).T).max(axis=1)
    unsolved = 0
    # Beyond LANE_BUDGET the container is one lane, but best_layout decides that at each
    # length: the positions still within the budget get their lanes back.
    if 1 < within < len(positions) and len(widths) > len(lanes):
        if positions[within - 1] < shortest:  # not asked for: left unsolved
            unsolved = int(positions[within - 1]) + 1
        else:
            short, _ = _best_rows(positions[:within], slices.lengths, slices.columns[:, widths], choices=False)
            split[:within] = np.maximum(split[:within],
                                        _best_columns(short, slices.widths[widths], choices=False)[0][:, -1])
    return positions, np.maximum(split, tiers), unsolved


def _turned_tiers_by_length(turned, box, length: int) -> np.ndarray:
    """Turned tiers (see :func:`searched_layouts`) in every length up to ``length``: the
    best whole layers of cross-section floors whose thicknesses fit (a knapsack). [1]"""
    slices = _slice_values(turned, box, False, NO_LAYER_LIMIT, columns=False)
    best = np.zeros(length + 1, dtype=np.int64)
    if not len(slices.lengths):
        return best
    floors = _best_rows(slices.positions, slices.lengths, _floor_values(slices), choices=False)[0][-1]
    return _unbounded_knapsack([o.height for o in slices.options], floors.tolist(), length)


def _unbounded_knapsack(sizes: list[int], values: list[int], length: int) -> np.ndarray:
    """Best total value of whole items (each as often as wanted) whose sizes add up to at
    most ``x``, for every ``x`` from 0 to ``length``.

    ``best[x] = max(best[x - 1], best[x - s] + v)``: every item is at least the smallest
    size long, so a run of that many lengths reads only lengths before it, and is solved
    in one vectorised step (its running maximum carries ``best[x - 1]``).
    """
    best = np.zeros(length + 1, dtype=np.int64)
    run = min(sizes)
    for start in range(run, length + 1, run):
        end = min(start + run, length + 1)
        reached = np.full(end - start, best[start - 1])
        for size, value in zip(sizes, values):
            if size <= end - 1:
                first = max(start, size)  # lengths the item fits
                reached[first - start :] = np.maximum(reached[first - start :], best[first - size : end - size] + value)
        best[start:end] = np.maximum.accumulate(reached)
    return best


def kit_rounds_by_length(interior, boxes, uprights, items, items_per_round, max_layers=None) -> np.ndarray:
    """Best whole rounds of a kit in the first ``x`` millimetres of the interior, for every ``x``.

    Part ``i`` gets its own length of the container and holds ``n_i`` packages there,
    carrying ``floor(n_i k_i / q_i)`` rounds of that part; the best split maximises the
    lowest over the parts. All sizes in whole millimetres; ``items`` per package;
    ``max_layers`` per part (default none).
    """
    return _kit_splits(interior, boxes, uprights, items, items_per_round, max_layers)[-1][0]


def _kit_splits(interior, boxes, uprights, items, items_per_round, max_layers=None):
    """The parts' rounds by length folded in one at a time: for each fold, the best
    rounds of the parts so far at every length and the length the earlier parts take
    there (:func:`_best_split`; the first part's has none)."""
    layers = [NO_LAYER_LIMIT] * len(boxes) if max_layers is None else max_layers
    folds = []
    for box, upright, k, q, cap in zip(boxes, uprights, items, items_per_round, layers):
        part = count_by_length(tuple(interior), tuple(box), upright, int(cap)) * int(k) // q
        folds.append((part, None) if not folds else _best_split(folds[-1][0], part))
    return folds


def kit_lengths(interior, boxes, uprights, items, items_per_round, max_layers=None) -> tuple[int, ...]:
    """Each part's length of the container in the best split (:func:`kit_rounds_by_length`
    at the whole length), in the order of the parts. [mm]"""
    folds = _kit_splits(interior, boxes, uprights, items, items_per_round, max_layers)
    lengths, rest = [], interior[0]
    for _, earlier in reversed(folds[1:]):
        lengths.append(rest - int(earlier[rest]))
        rest = int(earlier[rest])
    return (rest, *reversed(lengths))


def _best_split(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every length y, the best min(first(x), second(y - x)) over 0 <= x <= y, and
    the least x that reaches it.

    Both are non-decreasing in length, so only the lengths where ``first`` steps up
    are worth trying for x.
    """
    steps = np.flatnonzero(np.diff(first, prepend=-1) > 0)
    total = np.arange(len(first))
    best = np.zeros(len(first), dtype=np.int64)
    taken = np.zeros(len(first), dtype=np.int64)
    for x in steps:
        rest = total - x
        found = np.where(rest >= 0, np.minimum(first[x], second[np.clip(rest, 0, None)]), 0)
        taken = np.where(found > best, x, taken)
        best = np.maximum(best, found)
    return best, taken


# --- the pack command ---------------------------------------------------------------

_TRIPLE = re.compile(r"^\s*([^xX]+)[xX]([^xX]+)[xX]([^xX]+?)\s*$")


def parse_dimensions(text: str, what: str) -> tuple[float, float, float]:
    """Parse ``LxWxH`` in any length unit into metres; a unit on the last side applies to all.

    Examples
    --------
    >>> [round(side, 9) for side in parse_dimensions("490x280x100cm", "--interior")]
    [4.9, 2.8, 1.0]
    """
    from estimator.units import MARK_PATTERN, parse_si  # pint, imported on use

    match = _TRIPLE.match(text)
    if not match:
        raise InputError(f"{what} {text!r}: expected LENGTHxWIDTHxHEIGHT, such as 0.75x0.40x0.35m")
    sides = [part.strip() for part in match.groups()]
    unit_tail = re.compile(r"(?:[A-Za-z]+|" + MARK_PATTERN + r")\s*$")  # a unit, or a foot or inch mark
    unit = unit_tail.search(sides[2])
    if unit:
        sides = [s if unit_tail.search(s) else f"{s} {unit.group()}" for s in sides]
    values = tuple(parse_si(side, "length", f"{what} {text!r}") for side in sides)
    if min(values) <= 0:
        raise InputError(f"{what} {text!r}: every side must be above zero")
    if max(values) >= LONGEST_M:
        raise InputError(f"{what} {text!r}: expected every side below {LONGEST_M:.0e} m")
    return values


def pack(interior_m, box_m, upright: bool, max_layers: int = NO_LAYER_LIMIT, door_m=None) -> Layout:
    """Check the door, then lay out the box in the interior (the ``pack`` command).

    Raises
    ------
    InputError
        If the box cannot pass the door, or ``max_layers`` is negative.
    """
    if max_layers < 0:
        raise InputError(f"--max-layers {max_layers}: expected a whole number of at least 1")
    if door_m is not None:
        check_door(door_m[0], door_m[1], box_m, upright, "package")
    check_layout_applies(interior_m, box_m)
    return layout_for(interior_m, box_m, upright, max_layers)


def check_layout_applies(interior_m, box_m, package: str = "package") -> None:
    """Refuse a package so small that more than :data:`LAYOUT_LIMIT` would fit by volume,
    or more than :data:`FLOOR_LIMIT` squares of its smallest side on a floor section
    (:func:`layout_applies`), naming it ``package``.

    Raises
    ------
    InputError
    """
    if layout_applies(interior_m, [box_m]):
        return
    named = f"{package} {' x '.join(f'{side:.3g}' for side in box_m)} m"
    interior = [np.asarray(side, dtype=float) for side in interior_m]
    volume_ratio, floor_ratio, shortest = (float(value) for value in _layout_ratios(interior, box_m))
    if not (shortest > 0 and volume_ratio <= LAYOUT_LIMIT):
        raise InputError(f"{named}: more than {LAYOUT_LIMIT:,} would fit by volume; expected a package that fills "
                         f"at least 1/{LAYOUT_LIMIT:,} of the interior")
    smallest = shortest * math.sqrt(floor_ratio / FLOOR_LIMIT)
    raise InputError(f"{named}: more than {FLOOR_LIMIT:,} squares of its smallest side would cover the floor searched "
                     f"(layouts are for container-sized floors); expected a smallest side of at least {smallest:.3g} m "
                     f"in this interior")
