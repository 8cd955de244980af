"""The floor: the manufacturer's pallet loading problem, solved over raster points.

How many ``l x w`` rectangles, each placed either way round, fit in an ``L x W``
rectangle? All sizes are whole numbers (the caller fixes the resolution, 1 mm for
containers). The answer is the best pattern of three classes, found by dynamic
programming over the raster points (the sums ``a l + b w`` that fit) [4]_, so it is
exact within the classes:

* guillotine patterns: homogeneous blocks joined by edge-to-edge cuts [1]_;
* recursive pinwheels: five blocks round a centre, each block the best pattern of a
  smaller rectangle, itself guillotine or pinwheel (the recursive five-block algorithm
  of Morabito and Morales [2]_, as used by Birgin, Lobato and Morabito [3]_), tried at
  every raster sub-rectangle still below its bound;
* L-approach: cells still below Barnes's bound [5]_ also try the staircase cuts of a
  rectangle into two L-pieces, and L-pieces are cut in two (L-pieces or rectangles) in
  every way of Lins, Lins and Morabito [6]_ as extended by Birgin et al. [3]_ (their
  subdivisions B1-B9), recursively, rectangles being the table's cells. A target-driven search
  with per-piece memo of the best count found and the least proven bound answers each
  question exactly, so a cell's count is the optimum of the whole class. An L-piece's
  first bound is the least of its area bound, its colour bound (Barnes's strip argument
  for any region: see :class:`_Colours`) and, inside a cell whose count is already the
  class optimum, that count less the count of the corner the L-piece leaves out;
  staircase cuts are tried in order of their pieces' bounds, most promising first.

The table is the memo over raster sizes, so the recursion is exact within its class:
on small floors it equals slow searches over every integer size, corner and cut
(tested). Budgets: a cell whose pinwheel search would exceed ``FIVE_BLOCK_BUDGET``
corner pairs keeps its guillotine and smaller-pinwheel answer; a cell whose own raster
grid exceeds ``L_APPROACH_CELLS`` points (or ``L_APPROACH_SIDE`` on a side) skips the
L-approach. Both tests look at the cell alone, so a cell's count never depends on the
table around it.

Shortcuts that change no count: a cell below Barnes's bound is first held to its line
bound (:func:`line_bound`), and a cell the L-approach would search is first held to the
linear relaxation of the raster-point model (:func:`raster_lp_bound`, Letchford and
Amaral's strongest bound [7]_, once a process has searched enough to pay for importing
its solver) and tried by exhaustive search where that is small
(:func:`small_floor_optimum`); a cell that reaches any of them is optimal, and the
pinwheel and L-approach searches skip it. In the Monte Carlo runs of
benchmarks/packing.py the L-approach improved no cell: every one it searched was one or
two boxes below Barnes's bound, and the programme proved each optimal in 1-3 ms, where
the search had taken 5-30 ms. A cell narrower
than it is long takes the count of the same floor turned, already solved. Every floor of
one width, box and pinwheel length is the first part of one table (:func:`floor_table`),
and a cell no longer than the pinwheel length does not depend on it, so the layouts'
tables (pinwheel length = width) copy those columns from one square table per box,
shared by every width.

Most of the L-approach's time goes on cells it cannot improve (their count is already
the optimum, below Barnes's bound), each needing a full search to prove it; a floor of
the size of ``(49, 28, 8, 3)`` has about a hundred. So :func:`floor_count` (and
:func:`whole_floor`, which places its pattern) also searches the whole floor alone,
once, under a larger budget of its own: a raster grid of up to ``WHOLE_FLOOR_CELLS``
points (``WHOLE_FLOOR_SIDE`` a side) and ``WHOLE_FLOOR_STEPS`` pieces searched, reading
the other cells as the table has them (a floor whose count already reaches the raster
programme's bound is not searched). The search starts from an empty memo, so its
steps, and the count, depend on the floor alone. ``(49, 28, 8, 3)`` holds 57 in the class (a
staircase corner cut, then an L-piece cut from its inner corner down, right and down):
its table (43 x 22 raster points, beyond the cells' budget) gives 56, the whole-floor
search 57 in about 650 steps and well under a second. The table's cells are unchanged
by it, so the 3D layouts (packing.py), which read many cells of a table, never see it.

In the table a larger floor never holds fewer boxes: every cell also tries the cut that
keeps the next smaller cell whole. The whole-floor search can break that at the edge of
its budget (a floor one raster point too large for it keeps its table's count). A
larger box never holds more within the pattern class, but the budgets can break that:
a box just too small for the L-approach's or the pinwheel's budget may lose the box
that a slightly larger one, inside the budget, gains (the property tests check it on
container-sized cases).

Tables share what they prove. Two floors hold the same most boxes when the same
combinations of the box's sides fit along each of their sides, whatever the sizes
(Dowsland [8]_), so a cell's proven optimum (a count at an upper bound) is kept by that
class (:data:`_OPTIMA`) for every later table; near boxes, as a Monte Carlo run draws
them, share most classes. A cell whose class is known stops its cuts, pinwheels and
L-approach there, and needs no raster programme. The optimum is only a bound: the
searches would not pass it anyway, so no count changes (tested against tables solved
with nothing shared), and the flags of the whole-floor search are settled as without
it (:func:`settled_final`).

References
----------
.. [1] Beasley, J. E. (1985). Algorithms for unconstrained two-dimensional guillotine
   cutting. J. Oper. Res. Soc. 36(4), 297-306. doi:10.1057/jors.1985.51
.. [2] Morabito, R. and Morales, S. (1998). A simple and effective recursive procedure
   for the manufacturer's pallet loading problem. J. Oper. Res. Soc. 49(8), 819-828.
   doi:10.1057/palgrave.jors.2600588
.. [3] Birgin, E. G., Lobato, R. D. and Morabito, R. (2010). An effective recursive
   partitioning approach for the packing of identical rectangles in a rectangle.
   J. Oper. Res. Soc. 61(2), 306-320. doi:10.1057/jors.2008.141
.. [4] Scheithauer, G. and Terno, J. (1996). The G4-heuristic for the pallet loading
   problem. J. Oper. Res. Soc. 47(4), 511-522 (raster points).
.. [5] Barnes, F. W. (1979). Packing the maximum number of m x n tiles in a large
   p x q rectangle. Discrete Math. 26(2), 93-100.
.. [6] Lins, L., Lins, S. and Morabito, R. (2003). An L-approach for packing (l, w)-
   rectangles into rectangular and L-shaped pieces. J. Oper. Res. Soc. 54(7), 777-789.
.. [7] Letchford, A. N. and Amaral, A. (2001). Analysis of upper bounds for the pallet
   loading problem. Eur. J. Oper. Res. 132(3), 582-593. doi:10.1016/S0377-2217(00)00163-0
.. [8] Dowsland, K. A. (1984). The three-dimensional pallet chart: an analysis of the
   factors affecting the set of feasible layouts for a class of two-dimensional packing
   problems. J. Oper. Res. Soc. 35(10), 895-905 (instances with the same efficient
   partitions of both sides share their optimal solutions; stated so in Martins, G. H. A.,
   familiamartins.com/plp/Classes.htm, and Martins and Dell (2008), Eur. J. Oper. Res.
   184(2), 429-440).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations, count
from operator import ge
from typing import NamedTuple
import math
import sys

import numpy as np

# Most pinwheels (pairs of length corners times pairs of width corners) searched in one
# cell: a few tens of ms. Above it (boxes under a tenth of the floor width) the guillotine
# answer stands; such floors hold hundreds of boxes and lose at most a few per cent.
FIVE_BLOCK_BUDGET = 200_000

# Exhaustive floor search (:func:`small_floor_optimum`): at most this many raster
# placements and branches (a few ms); beyond them the area and line bounds stand. It
# also proves a cell optimal before the L-approach searches it, which costs far more
# (where the raster programme has not already: :func:`_exact_bound`).
EXACT_SPOTS = 60
EXACT_NODES = 20_000

# Decision codes stored per table cell, to rebuild the pattern.
_HOMOGENEOUS, _CUT_LENGTH, _CUT_WIDTH, _FIVE_BLOCK, _L_APPROACH, _TURNED = 0, 1, 2, 3, 4, 5


def raster_points(limit: int, sizes: tuple[int, ...]) -> np.ndarray:
    """Every sum of non-negative multiples of ``sizes`` that is at most ``limit``, sorted.

    A packing pushed towards its origin puts every box at such a position [4]_, so these
    are the only cut positions and sub-rectangle sizes a search needs.

    Examples
    --------
    >>> raster_points(10, (3, 4)).tolist()
    [0, 3, 4, 6, 7, 8, 9, 10]
    """
    # A floor's few points are listed in plain integers, the largest size first; where
    # that could list many (the counts of each size that fit, multiplied), the array of
    # every length is built.
    sizes = sorted(set(sizes), reverse=True)
    if math.prod(limit // size + 1 for size in sizes) > RASTER_LISTED:
        return _raster_array(limit, sizes)
    points = {0}
    for size in sizes:
        points = {start + more for start in points for more in range(0, limit - start + 1, size)}
    return np.array(sorted(points), dtype=np.intp)


# Most combinations of the sizes (the counts of each that fit, multiplied) for which
# :func:`raster_points` lists the sums in plain integers; beyond it the array of every
# length is built. Measured (timeit): 2-5 µs against 4-9 µs for the array, for container
# floors (2.3-4.7 m) and box sides of 0.4-2.5 m (re-timed at the review: `python -m timeit
# -s "from estimator.pallet_loading import raster_points as r" "r(2330, (1100, 1773))"`,
# 1.9 µs, and with `_raster_array as r` 4.1 µs; `r(4700, (400, 600, 2500))` 6.6 and 8.8 µs).
RASTER_LISTED = 256


def _raster_array(limit: int, sizes) -> np.ndarray:
    """:func:`raster_points` as an array of every length up to ``limit``, marked reachable."""
    reachable = np.zeros(limit + 1, dtype=bool)
    reachable[0] = True
    for size in sorted(set(sizes)):
        # Adding up to 1, 3, 7, ... more of ``size`` by doubling shifts: log steps, each vectorised.
        step = size
        while step <= limit:
            reachable[step:] |= reachable[:-step].copy()
            step *= 2
    return np.flatnonzero(reachable)


# Most combinations of the larger sizes that :func:`largest_raster_point` tries one by one
# (a few tens of microseconds); beyond it the raster points are built as an array.
RASTER_COMBINATIONS = 512
# Longest side whose raster points :func:`largest_raster_point` finds as the bits of one
# integer: below it that takes under 2 µs for three box sizes, faster than the
# combinations (measured: 0.6 against 1.6 µs at 2330 mm, 1.9 against 2.3 µs at 5867 mm,
# 4.4 against 4.0 µs at 12010 mm, for box sides of 1.1-2.3 m; 2330 mm with such sides
# has since gone to :func:`_largest_pair`, room for two boxes).
RASTER_BITS = 8192


def largest_raster_point(limit: int, sizes: tuple[int, ...]) -> int:
    """The largest raster point, ``raster_points(limit, sizes)[-1]``, in plain integers.

    Where there is one size, the smallest alone reaches the end, or there is room for one
    or two boxes, the answer is read off the sizes. Otherwise, up to :data:`RASTER_BITS`
    the sums are the bits of one integer. Beyond it every count of each larger size is
    completed with as many of the smallest as fit; for container-sized boxes that is a few
    dozen combinations, far cheaper than the array of every point. Beyond
    :data:`RASTER_COMBINATIONS` the array is built.

    Examples
    --------
    >>> largest_raster_point(10, (3, 4))
    10
    >>> largest_raster_point(2330, (1135, 1381))
    2270
    """
    *larger, smallest = sorted(set(sizes), reverse=True)
    if not larger or limit % smallest == 0:  # the smallest alone reaches the end
        return limit - limit % smallest
    if limit < 2 * smallest:  # room for one box: the longest size that fits, or none
        return max([size for size in (*larger, smallest) if size <= limit], default=0)
    if limit < 3 * smallest:  # room for two: the longest pair (or single size) that fits
        return _largest_pair(limit, (*larger, smallest))
    if limit <= RASTER_BITS:
        return _largest_by_bits(limit, (*larger, smallest))
    if len(larger) == 1 and limit // larger[0] < RASTER_COMBINATIONS:  # two sizes: one loop
        return limit - min([(limit - used) % smallest for used in range(0, limit + 1, larger[0])])
    rooms = [limit]  # what each combination of the larger sizes leaves
    for size in larger:
        if len(rooms) * (limit // size + 1) > RASTER_COMBINATIONS:
            return int(raster_points(limit, tuple(sizes))[-1])
        rooms = [room - used for room in rooms for used in range(0, room + 1, size)]
    return limit - min([room % smallest for room in rooms])


def _largest_pair(limit: int, sizes: tuple[int, ...]) -> int:
    """:func:`largest_raster_point` where at most two boxes fit (``sizes`` descending)."""
    best = 0
    for k, first in enumerate(sizes):
        if first <= limit:
            if first > best:
                best = first
            for second in sizes[k:]:
                if best < first + second <= limit:
                    best = first + second
    return best


def _largest_by_bits(limit: int, sizes: tuple[int, ...]) -> int:
    """:func:`largest_raster_point` with the reachable sums as the bits of one integer
    (bit k set: k is a sum), shifted in doubling steps as in :func:`raster_points`."""
    below = (1 << (limit + 1)) - 1
    reachable = 1
    for size in sizes:
        step = size
        while step <= limit:
            reachable = (reachable | reachable << step) & below
            step *= 2
    return reachable.bit_length() - 1


def largest_at_most(points: np.ndarray, values) -> np.ndarray:
    """Index of the largest raster point at most each value (values >= 0)."""
    return np.searchsorted(points, values, side="right") - 1


@dataclass(frozen=True)
class FloorTable:
    """Best counts for every raster sub-rectangle of a floor, with the decisions taken.

    ``count[i, j]`` is the best count in ``xs[i] x ys[j]``; ``decision`` and ``argument``
    say how it was reached, for :func:`floor_placements`, and ``cuts`` how each
    rectangle and L-piece improved by the L-approach is cut (keys of :class:`_LSearch`).
    """

    xs: np.ndarray
    ys: np.ndarray
    box: tuple[int, int]
    count: np.ndarray
    decision: np.ndarray
    argument: np.ndarray  # (n, m, 4) ints: cut index, or pinwheel corners x1, x2, y1, y2
    cuts: dict = field(default_factory=dict)  # L-approach: piece key -> its cut
    final: np.ndarray | None = None  # (n, m) bools: count is the class optimum (see _LSearch)
    # Cells (i, j), j >= i, whose flag in ``final`` is left False until asked: see settled_final.
    unsettled: frozenset = frozenset()


def settled_final(table: FloorTable) -> np.ndarray:
    """``table.final`` with the flags of its unsettled cells decided, as the table would
    have them without the proven optima of :data:`_OPTIMA`: a cell stopped at its class
    optimum, where the L-approach would not have searched it, is final when its count
    reaches its line bound (:func:`line_bound`); its turned twin takes the same flag.
    Only the whole-floor search reads these flags, so only it pays for the bounds."""
    if not table.unsettled:
        return table.final
    final = table.final.copy()
    n, m = final.shape
    for i, j in table.unsettled:
        if i < n and j < m and table.count[i, j] >= line_bound(int(table.xs[i]), int(table.ys[j]), table.box):
            final[i, j] = True
            if j < n and i < m:
                final[j, i] = True
    return final


def homogeneous(x, y, box: tuple[int, int]):
    """Boxes in one block of a single orientation: the better way round."""
    l, w = box
    return np.maximum((x // l) * (y // w), (x // w) * (y // l))


@lru_cache(maxsize=4096)
def floor_table(length: int, width: int, box: tuple[int, int], pinwheel_length: int | None = None) -> FloorTable:
    """Solve every raster sub-rectangle of ``length x width`` for boxes ``box``.

    Parameters
    ----------
    length, width : int
        Floor sides in resolution units. [mm]
    box : tuple of two ints
        Box sides, in either order. [mm]
    pinwheel_length : int, optional
        Longest sub-rectangle that tries five-block patterns and the L-approach (at
        every width); default the whole length, 0 for the guillotine optimum alone. [mm]

    Returns
    -------
    FloorTable

    Notes
    -----
    A cell's count depends on the cell, the box and ``pinwheel_length`` alone, so every
    floor of one width, box and ``pinwheel_length`` is a first part of one table, solved
    column by column as far as asked (:class:`_FloorSolver`): the cross-section floor of
    the turned container and the standing floor of the same width share their work.

    A cell no longer than ``pinwheel_length`` does not depend on it at all: its
    pinwheels, L-pieces and cuts lie inside it, so every smaller cell they read also
    tries them. When ``0 < pinwheel_length <= width`` (the layouts' tables, whose
    pinwheel length is the floor width) those columns are therefore copied from one
    square table per box (:func:`_square_solver`), shared by every width up to its side,
    and only the longer columns, guillotine cuts alone, are solved per width.
    """
    pinwheel_length = length if pinwheel_length is None else pinwheel_length
    capacity = max(length, 2 * width)  # the longest floor a layout asks of this width
    return _floor_solver(capacity, width, tuple(box), pinwheel_length).table(length)


@lru_cache(maxsize=64)
def _floor_solver(capacity: int, width: int, box: tuple[int, int], pinwheel_length: int) -> _FloorSolver:
    grid = _grid(capacity, width, box)  # a new square solver starts from its first part
    shared = _square_solver(width, box, grid) if 0 < pinwheel_length <= width else None
    return _FloorSolver(capacity, width, box, pinwheel_length, shared, grid)


# The square solver of each box (see floor_table): the widest asked so far, at most
# _MOST_SQUARES boxes (the oldest dropped first).
_SQUARES: dict[tuple[int, int], _FloorSolver] = {}
_MOST_SQUARES = 256


def _square_solver(side: int, box: tuple[int, int], grid: _Grid | None = None) -> _FloorSolver:
    """The table of ``side x side`` with pinwheels and L-pieces tried in every cell, or a
    wider one of the same box already started: its first columns and rows are the
    first columns of every floor of that box up to ``side`` wide (see :func:`floor_table`).
    A new one starts from ``grid`` (see :class:`_FloorSolver`) where given.

    A wider request replaces it (callers that know their widest floor ask for it first:
    fastspace.py solves its groups widest first)."""
    solver = _SQUARES.pop(box, None)
    if solver is None or solver.ys[-1] < largest_raster_point(side, box):
        solver = _FloorSolver(side, side, box, side, grid=grid)
    if len(_SQUARES) >= _MOST_SQUARES:
        del _SQUARES[next(iter(_SQUARES))]  # the least recently used
    _SQUARES[box] = solver  # last: the most recently used
    return solver


def square_tables_kept() -> int:
    """How many shared square tables this process keeps (see :func:`floor_table`)."""
    return len(_SQUARES)


def clear_floor_tables() -> None:
    """Empty the floor-table caches (a cold start)."""
    floor_table.cache_clear()
    _floor_solver.cache_clear()
    _SQUARES.clear()
    whole_floor.cache_clear()
    _STAIRCASES.clear()
    _OPTIMA.clear()


# Proven optima of floor cells by equivalence class, shared by every table: the most
# boxes a x b (either way round) in X x Y depends only on which combinations i a + j b
# fit in X and in Y [8]_, so boxes of near sizes share most classes (the 21 near-square
# footprints of the +-2.5 cm benchmark: 19,087 cells, 2,471 classes). Only counts at a
# proven bound are kept; they serve as bounds, which stop searches early and change no
# count (see _known_optima). Emptied past _MOST_OPTIMA entries.
_STAIRCASES: dict[tuple[int, ...], int] = {}
_OPTIMA: dict[tuple[int, int], int] = {}
_MOST_OPTIMA = 200_000  # about 30 MB; 2,000 draws of the wide benchmark crate keep 7,318
_MOST_STAIRCASES = 20_000  # (223 there)
# Staircase ids are never given twice, so a solver made before the dicts were emptied
# keeps ids that still name its own staircases and no other.
_STAIRCASE_IDS = count()


def staircase_ids(points: list[int], box: tuple[int, int]) -> list[int]:
    """One number per side length in ``points``, equal for two lengths (of any boxes)
    exactly when the same combinations of the box's sides fit in them: the most boxes
    of the longer side beside each count ``i`` of the shorter, ``(X - i a) // b``."""
    a, b = sorted(box)
    if len(_STAIRCASES) >= _MOST_STAIRCASES:
        _STAIRCASES.clear()
        _OPTIMA.clear()
    ids = []
    for side in points:
        staircase = tuple((side - i * a) // b for i in range(side // a + 1))
        known = _STAIRCASES.get(staircase)
        if known is None:
            known = _STAIRCASES[staircase] = next(_STAIRCASE_IDS)
        ids.append(known)
    return ids


def _known_optima(keys: list, i: int, column: list[int], limit: list[int]) -> dict[int, int]:
    """The cells of column i (from row i, classes ``keys``) still below their bound whose
    class optimum another cell has proven (:data:`_OPTIMA`): row -> optimum. The searches
    stop there instead of at the bound. They would stop there anyway, none holding more
    than the optimum, and the raster programme's bound, which only stops them sooner, is
    not needed; so every count is what the searches give without them."""
    known = {}
    for j, key in enumerate(keys, start=i):
        if column[j] < limit[j]:
            optimum = _OPTIMA.get(key)
            if optimum is not None:
                known[j] = optimum
    return known


def _keep_optima(keys: list, i: int, column: list[int], limit: list[int]) -> None:
    """Keep the counts of column i (from row i, classes ``keys``) that reach a proven
    bound as their class optima."""
    if len(_OPTIMA) >= _MOST_OPTIMA:
        _OPTIMA.clear()
    for j, key in enumerate(keys, start=i):
        if column[j] >= limit[j]:
            _OPTIMA[key] = column[j]


def _class_key(first: int, second: int) -> tuple[int, int]:
    """A cell's class from its sides' staircase ids; a floor and the same floor turned
    are one class."""
    return (first, second) if first <= second else (second, first)


class _FloorSolver:
    """The floor table of ``capacity x width``, solved column by column (along the
    length) as far as asked; each column needs only the columns before it.

    With ``shared`` (a square solver at least ``width`` wide) the columns up to
    ``pinwheel_length`` are copied from it, not solved (see :func:`floor_table`).
    ``grid`` (:func:`_grid`) is where the solver starts from, when already built for a
    floor at least as long and as wide: its first rows and columns are this one's.
    """

    def __init__(self, capacity: int, width: int, box: tuple[int, int], pinwheel_length: int,
                 shared: _FloorSolver | None = None, grid: _Grid | None = None):
        grid = _grid(capacity, width, box) if grid is None else grid
        n, m = (int(np.searchsorted(grid.xs, side, side="right")) for side in (capacity, width))
        self.xs, self.ys = grid.xs[:n], grid.xs[:m]
        xs, ys = self.xs, self.ys
        self.box, self.pinwheel_length, self.shared = box, pinwheel_length, shared
        self.count = grid.count[:n, :m].copy()
        # The finished columns again in 32 bits, which the pinwheel search gathers from
        # several times faster (a floor's count is far below 2**31).
        self.count32 = self.count.astype(np.int32)
        self.decision = np.full(self.count.shape, _HOMOGENEOUS, dtype=np.int8)
        self.argument = np.zeros(self.count.shape + (4,), dtype=np.int64)
        # A copy where this floor is the first part of a longer one's grid, so that a kept
        # square solver does not hold the longer floor's rests (13 MB in the wide 200 draws).
        self.x_rests, self.x_halves = np.ascontiguousarray(grid.rests[:n, :n]), grid.halves[:n]
        # Each width's cuts (narrower part, rest), in plain integers: the ones up to half
        # of it, then the one that keeps the next narrower cell whole (as a square
        # solver at least as wide has them).
        if shared is not None:
            self.y_cuts = shared.y_cuts[: m - 1]
        else:
            rests = self.x_rests[:m, :m].tolist()
            self.y_cuts = [[(k, rests[j][k]) for k in _firsts(self.x_halves, j)] for j in range(1, m)]
        # The L-approach's memo; a solver that copies its searched columns uses the shared one's.
        self.search = shared.search if shared is not None else _LSearch(
            xs, ys, self.count, box, barnes=grid.bound[:n, :m].copy(), rests=self.x_rests)
        self.y_blocks = {}  # per width index: its pinwheel corners and block rows (_pinwheel_blocks)
        self.final = np.zeros(self.count.shape, dtype=bool)
        self.final[0] = True  # the first column, of length 0, holds nothing
        self.solved = 1  # columns solved; the first, of length 0, holds nothing
        # The columns are solved in plain integers (numpy costs about a microsecond a
        # call, more than the work on a column's few cells): counts, bounds (Barnes's,
        # lowered as the search goes) and final flags of every column, and the
        # decisions of the columns solved since the last flush (_flush), which writes
        # them to the arrays (the bounds stay plain: no table holds them).
        self.points = xs.tolist()
        self.rows, self.limits, self.finals = self.count.tolist(), grid.bound[:n, :m].tolist(), self.final.tolist()
        self.decisions, self.first_arguments = {}, {}  # column -> its decisions, argument[:, 0]
        self.pinwheels = {}  # column -> {cell: its pinwheel's corners x2, y1, y2}
        self.flushed = 1  # columns up to here are in the arrays
        self.hulls = {}  # width index -> the lines across it (_sharpen_bounds)
        # Each raster point's class (see _OPTIMA), up to the width: only the columns up to
        # it have cells of their own above the turned ones.
        self.classes = shared.classes[:m] if shared is not None else staircase_ids(self.points[:m], box)
        self.unsettled = set()  # cells whose final flag waits for settled_final

    def table(self, length: int) -> FloorTable:
        """The table of the floor ``length`` long, solving the columns it still needs."""
        n = self.solve(length)
        unsettled = self.unsettled
        if self.shared is not None:  # only the columns copied from it: the longer ones are solved here
            copied = int(np.searchsorted(self.xs, self.pinwheel_length, side="right"))
            unsettled = unsettled | {(i, j) for i, j in self.shared.unsettled if i < copied}
        return FloorTable(self.xs[:n], self.ys, self.box, self.count[:n], self.decision[:n], self.argument[:n],
                          self.search.cuts, self.final[:n], frozenset(unsettled))

    def solve(self, length: int) -> int:
        """Solve the columns up to ``length``; their number."""
        n = int(np.searchsorted(self.xs, length, side="right"))
        if self.shared is not None and self.solved < n:
            self._copy_columns(n)
        for i in range(self.solved, n):
            self._solve_column(i)
        self.solved = max(self.solved, n)
        self._flush(self.solved)
        if self.solved == len(self.xs) and self.shared is None:
            self.search.release()  # every cell solved: only the cuts are read again
        return n

    def _copy_columns(self, n: int) -> None:
        """The columns still to solve, up to n, that are no longer than the pinwheel length,
        copied from the shared square table (their cells do not depend on the width)."""
        start = self.solved
        end = min(n, int(np.searchsorted(self.xs, self.pinwheel_length, side="right")))
        if end <= start:
            return
        shared, m = self.shared, len(self.ys)
        shared.solve(int(self.xs[end - 1]))
        for mine, theirs in ((self.count, shared.count), (self.count32, shared.count32), (self.decision, shared.decision),
                             (self.argument, shared.argument), (self.final, shared.final)):
            mine[start:end] = theirs[start:end, :m]
        for mine, theirs in ((self.rows, shared.rows), (self.limits, shared.limits), (self.finals, shared.finals)):
            mine[start:end] = [column[:m] for column in theirs[start:end]]
        self.solved = self.flushed = end

    def _flush(self, end: int) -> None:
        """Write the plain columns solved since the last flush, up to ``end``, to the arrays."""
        start = self.flushed
        if end <= start:
            return
        self.count[start:end] = self.rows[start:end]
        self.count32[start:end] = self.count[start:end]
        self.final[start:end] = self.finals[start:end]
        self.decision[start:end] = [self.decisions.pop(i) for i in range(start, end)]
        self.argument[start:end, :, 0] = [self.first_arguments.pop(i) for i in range(start, end)]
        for i in range(start, end):
            for j, corners in self.pinwheels.pop(i, {}).items():
                self.argument[i, j, 1:] = corners
        self.flushed = end

    def _solve_column(self, i: int) -> None:
        """Solve column i in plain integers (its cells, decisions and bounds in the plain
        columns; see __init__)."""
        length, m = self.points[i], len(self.ys)
        column, limit = self.rows[i], self.limits[i]
        decision, first = [_HOMOGENEOUS] * m, [0] * m
        self.decisions[i], self.first_arguments[i] = decision, first
        self._length_cuts(i, column, decision, first)
        if i < m:
            _turned_cells(self.rows, column, decision, limit, i)
        # A pinwheel's blocks are all shorter than the cell, so the columns before i
        # (already optimal in both classes) are all it needs; cells at their bound stop.
        searched = length <= self.pinwheel_length
        keys = self._class_keys(i, m)
        known = {}
        if searched:
            known = _known_optima(keys, i, column, limit)
            # A known cell's line bound would serve only its final flag: settled_final.
            _sharpen_bounds(limit, column, length, self.points, self.box, self.hulls, skip=known)
            known = {j: optimum for j, optimum in known.items() if optimum < limit[j]}
            self._cut_across(column, decision, first, limit, known)
            rows = [j for j in range(m) if column[j] < known.get(j, limit[j])]
            if rows:
                self._flush(i)  # the pinwheels gather from the arrays of the columns before i
                self.pinwheels[i] = {}
                _best_five_blocks(column, decision, first, self.pinwheels[i], self.count32, self.xs, self.ys, i,
                                  rows, self.y_blocks)
        searched_cells = self._width_cuts(i, column, decision, first, limit, searched, known)
        self._mark_final(i, column, limit, searched_cells, known)
        _keep_optima(keys, i, column, limit)

    def _class_keys(self, i: int, m: int) -> list[tuple[int, int]]:
        """The classes (:data:`_OPTIMA`) of the cells column i solves itself: rows i to
        m - 1 (those before i are the turned ones); none in a column longer than the width."""
        if i >= m:
            return []
        mine = self.classes[i]
        return [_class_key(mine, other) for other in self.classes[i:m]]

    def _length_cuts(self, i: int, column: list[int], decision: list[int], first: list[int]) -> None:
        """Improve every cell of column i by one cut across the length: in plain integers
        where the column has few cells and cuts (up to :data:`PLAIN_CUTS` of both
        multiplied), else over the arrays (all widths at once)."""
        cuts = _firsts(self.x_halves, i)
        rests = self.x_rests[i].tolist()
        if len(cuts) * len(column) <= PLAIN_CUTS:
            rows = self.rows
            pairs = [(cut, rows[cut], rows[rests[cut]]) for cut in cuts]
            for j in range(len(column)):
                best = start = column[j]
                for cut, part, rest in pairs:
                    if part[j] + rest[j] > best:
                        best, chosen = part[j] + rest[j], cut
                if best > start:  # the first cut of the best count, as argmax takes it
                    column[j], decision[j], first[j] = best, _CUT_LENGTH, chosen
            return
        self._flush(i)
        along = np.take(self.count, cuts, axis=0) + np.take(self.count, [rests[cut] for cut in cuts], axis=0)
        for j, (best, chosen) in enumerate(zip(along.max(axis=0).tolist(), along.argmax(axis=0).tolist())):
            if best > column[j]:
                column[j], decision[j], first[j] = best, _CUT_LENGTH, cuts[chosen]

    def _cut_across(self, column, decision, first, limit, known: dict) -> None:
        """Cut the cells of a column still below their bound (or ``known`` optimum) across
        the width, before the pinwheels: a cell that reaches it needs no pinwheel. The
        cells below may still gain, so the cuts are tried again after (:meth:`_width_cuts`);
        the count is the best of every candidate either way."""
        for j in range(1, len(column)):
            if column[j] < known.get(j, limit[j]):
                self._cut_width(j, column, decision, first)

    def _cut_width(self, j: int, column, decision, first) -> None:
        """Improve cell j of a column by its best cut across the width, where one gains."""
        best, cut = column[j], 0
        for k, rest in self.y_cuts[j - 1]:
            if column[k] + column[rest] > best:
                best, cut = column[k] + column[rest], k
        if cut:
            column[j], decision[j], first[j] = best, _CUT_WIDTH, cut

    def _width_cuts(self, i: int, column, decision, first, limit, searched: bool, known: dict) -> list[int]:
        """Improve column i, narrowest first, by one cut across the width, then (where
        ``searched``) by the L-approach, unless the raster programme or the exhaustive
        search of a small floor (:func:`_exact_bound`) proves the cell optimal first.
        Cells whose class optimum is ``known`` (row -> optimum) stop at it and skip the
        programme. Returns the cells the L-approach searched.

        Each cell needs the cells below it. As along the length, the cut that keeps the
        previous cell whole is always tried.
        """
        search = self.search if searched else None
        improved = []
        for j in range(1, len(column)):
            stop = known.get(j, limit[j])
            if column[j] >= stop:
                continue
            self._cut_width(j, column, decision, first)
            if search is not None and j not in known and column[j] < limit[j] and search.allows(i, j):
                limit[j] = stop = _exact_bound(limit[j], column[j], self.points[i], self.points[j], self.box)
            if search is not None and column[j] < stop and search.allows(i, j):
                self._flush(i)  # the search reads the arrays: the columns before i, and this one
                self.count[i] = column
                before, column[j] = column[j], search.improve(i, j, stop)
                improved.append(j)
                if column[j] > before:
                    decision[j] = _L_APPROACH
        return improved

    def _mark_final(self, i: int, column: list[int], limit: list[int], searched: list[int], known: dict) -> None:
        """Cells of column i whose count is the class optimum: searched to the end by the
        L-approach (of the cells ``searched``) or at their bound; a turned cell is final
        when its twin is (its bound was set to its count only to skip the search). A cell
        stopped at its ``known`` optimum is final where the L-approach would have searched
        it (which ends final), as without it; elsewhere its flag depends on its line bound,
        left to :func:`settled_final`."""
        final = list(map(ge, column, limit))  # at the bound
        for j in searched:
            final[j] = final[j] or bool(self.search.final[i, j])
        for j, optimum in known.items():
            if self.search.allows(i, j):
                final[j] = True
            elif not final[j] and column[j] >= optimum:
                self.unsettled.add((i, j))
        if i < len(self.ys):
            final[:i] = [self.finals[k][i] for k in range(i)]
        self.finals[i] = final


# Most cells times cuts for which a column's cuts across the length are tried in plain
# integers (about 0.06 µs each); beyond it over the arrays, which first need the columns
# before written to them (about 15 µs a column in all).
PLAIN_CUTS = 256


class _Grid(NamedTuple):
    """What a floor solver starts from (see :func:`_grid`)."""

    xs: np.ndarray  # raster points along the length, the width's the first of them
    count: np.ndarray  # (len(xs), width's points): homogeneous counts
    bound: np.ndarray  # the same cells' Barnes bounds
    rests: np.ndarray  # of xs, as _rests gives them
    halves: list[int]


def _grid(capacity: int, width: int, box: tuple[int, int]) -> _Grid:
    """The raster points of a ``capacity x width`` floor, each cell's homogeneous count and
    Barnes bound, and the rests of its cuts: every floor no longer and no wider has the
    first rows and columns of each (the raster points of a side are the first of a
    longer side's, and so are the rests: see :func:`_rests`)."""
    xs = raster_points(capacity, box)
    ys = xs[: int(np.searchsorted(xs, width, side="right"))]
    rests, halves = _rests(xs)
    return _Grid(xs, homogeneous(xs[:, None], ys[None, :], box).astype(np.int64, copy=False),
                 barnes_bound(xs[:, None], ys[None, :], box), rests, halves)


def _turned_cells(rows, column, decision, limit, i) -> None:
    """Take the cells of column i narrower than they are long from row i, the same
    floors turned, already solved (the raster points of both sides are the same sums);
    their bound becomes their count, so no search runs on them twice."""
    for j in range(i):
        if rows[j][i] > column[j]:
            column[j], decision[j] = rows[j][i], _TURNED
        limit[j] = column[j]


def _sharpen_bounds(limit: list[int], column: list[int], length: int, points: list[int], box, hulls: dict,
                    skip=()) -> None:
    """Lower the bound of each cell of a column still below it to its line bound
    (:func:`line_bound`), where smaller: a cell whose count reaches it is optimal, and
    the pinwheel and L-approach searches, which cost far more, skip it. Each cell's
    bound depends on the cell alone. Cells in ``skip`` keep their bound.

    The sides are raster points (their own reduced sides, above 0 but for the first
    cell, at its bound), and the hull across each width is kept in ``hulls``.
    """
    along = None
    for j, (count, bound) in enumerate(zip(column, limit)):
        if count < bound and j not in skip:
            if along is None:
                along = _knapsack_hull(length, box[0], box[1])
            across = hulls.get(j)
            if across is None:
                across = hulls[j] = _knapsack_hull(points[j], box[1], box[0])
            limit[j] = min(bound, _line_bound(along, across, length, points[j], box))


def _exact_bound(bound: int, count: int, length: int, width: int, box) -> int:
    """The least of ``bound``, the raster programme's bound (:func:`raster_lp_bound`,
    once it pays: :func:`programme_pays`) and, where that stays above ``count`` (what
    the cell already holds), the most boxes by exhaustive search (beyond its budget it
    leaves the bound as it is)."""
    bound = programme_bound(bound, length, width, box)
    if bound <= count:
        return bound
    exact = small_floor_optimum(length, width, box)
    return bound if exact is None else min(bound, exact)


# Steps the L-approach has taken in this process (_LSearch.improve adds its own).
_SEARCHED = {"steps": 0}
# The raster programme's bound settles in about 1.5 ms most cells the L-approach would
# search in vain (5-30 ms each), but its solver (scipy.optimize) takes about 0.16 s to
# import, as much as some 2,500 steps of search (about 60 µs each). So it is used once
# the searches have cost that much (a ski-rental rule: never more than twice the better
# choice made in hindsight), or once scipy.optimize is imported anyway. A single
# ``estimator pack`` seldom gets there; a Monte Carlo run of many packages soon does.
PROGRAMME_AFTER_STEPS = 2500


def programme_bound(bound: int, length: int, width: int, box) -> int:
    """``bound``, lowered to the raster programme's (:func:`raster_lp_bound`) once it pays
    (:func:`programme_pays`)."""
    return min(bound, raster_lp_bound(length, width, box)) if programme_pays() else bound


def programme_pays() -> bool:
    """Whether to bound cells by the raster programme before searching them (see
    :data:`PROGRAMME_AFTER_STEPS`). Either way the counts are the same: it only proves
    sooner what the search would find."""
    return _SEARCHED["steps"] >= PROGRAMME_AFTER_STEPS or "scipy.optimize" in sys.modules


def _rests(points: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """What a cut leaves: ``rests[n, m]`` the largest raster point inside
    ``points[n] - points[m]``; and ``halves[n]``, the end of the cuts up to half of
    ``points[n]`` (the others mirror them). Neither reaches past ``points[n]``, so the
    first rows and columns are those of the first points alone."""
    rests = largest_at_most(points, points[:, None] - points[None, :])
    return rests, np.searchsorted(points, points / 2, side="right").tolist()


def _firsts(halves: list[int], n: int) -> list[int]:
    """The first parts (indices) of the cuts across ``points[n]`` worth trying: those up
    to half of it, and the one that keeps the previous size whole, so that a larger
    floor never holds fewer, whatever the budgets left out of the smaller one's search."""
    return list(range(1, halves[n])) + [n - 1]


def _corners(points: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Inner corners ``c1 < c2`` of a pinwheel along a side of length ``points[n]``, and
    their indices in ``points[1:n]`` and in ``points[n] - points[1:n][::-1]``.

    ``c1`` is a raster point and ``c2`` a side minus a raster point: pushing ``c1``
    down to a raster point, or ``c2`` up until ``side - c2`` is one, only widens the
    blocks whose count can change, so these pairs lose nothing.
    """
    near = points[1:n]
    far = points[n] - near[::-1]
    first, second = np.nonzero(near[:, None] < far[None, :])
    return near[first], far[second], first, second


def _corner_pairs(points: np.ndarray, n: int, blocks: dict) -> int:
    """How many corner pairs :func:`_corners` gives along ``points[n]``: from ``blocks``
    where built (:func:`_best_five_blocks`), else counted without building them."""
    if n in blocks:
        return blocks[n][0]
    near = points[1:n]
    far = points[n] - near[::-1]
    return len(near) * len(far) - int(np.searchsorted(far, near, side="right").sum())


def _undominated(first: np.ndarray, second: np.ndarray, blocks: tuple[np.ndarray, ...]) -> np.ndarray:
    """Which pinwheel corner pairs along one axis to keep: those whose five blocks (raster
    indices, :func:`_pinwheel_blocks`) the next pair along either index does not all
    contain.

    A table's count never falls as a cell grows (each cell tries the cut that keeps the
    next smaller one whole), so a pair whose blocks another pair's all contain never
    makes a better pinwheel, whatever the pairs across; nor does a chain of such pairs
    lose its last. The next pairs suffice: a pair contains another's blocks only if
    their corners ``c1`` and ``side - c2`` round down alike, and so do those of the next
    pair between them. In the layouts' floors this drops about two thirds of the pairs
    across each cell, and as many along (``benchmarks/packing.py``, +-2.5 cm).
    """
    sides = np.stack(blocks, axis=1)
    # Pair numbers by index, -1 for none; the last row and column stay -1, and index -1
    # reads the last column: no next pair beyond either end.
    position = np.full((first.max(initial=0) + 2, second.max(initial=0) + 2), -1)
    position[first, second] = np.arange(len(first))
    dominated = np.zeros(len(first), dtype=bool)
    # The next c1 along, and the next raster point for side - c2 (the c2 before).
    for other in (position[first + 1, second], position[first, second - 1]):
        has = other >= 0
        dominated[has] |= (sides[other[has]] >= sides[has]).all(axis=1)
    return ~dominated


def _best_five_blocks(column, decision, first, pinwheels, finished, xs, ys, i, rows, y_blocks) -> None:
    """Improve each cell (i, j) of ``rows`` (in ``column``, plain integers) by the best
    pinwheel of five blocks: its corners ``x1`` in ``first[j]``, ``(x2, y1, y2)`` in
    ``pinwheels[j]`` (the rest of the cell's ``argument``).

    With inner corners ``x1 < x2`` and ``y1 < y2`` the blocks are ``x1 x y2`` at the
    origin, ``(L - x1) x y1`` beside it, ``(L - x2) x (W - y1)`` opposite, ``x2 x (W - y2)``
    above, and ``(x2 - x1) x (y2 - y1)`` in the middle; each holds the best pattern of
    its raster-reduced size (count[] of smaller cells, themselves guillotine or
    pinwheel: the recursive five-block algorithm [2]_). The mirror pinwheel is the
    same set of block sizes, so one handedness is enough.

    The blocks' raster indices along the length are found once for the column, those
    across the width once per width (kept in ``y_blocks``); corner pairs whose blocks
    another pair's contain are dropped (:func:`_undominated`). The cells are then searched
    together, a few gathers per group of them (:func:`_pinwheel_totals`), from
    ``finished``: the columns before i (all a pinwheel's blocks are shorter than the cell)
    in 32 bits.
    """
    if not rows:
        return
    x1, x2, near, far = _corners(xs, i)
    # Turning a pinwheel half round maps (x1, x2) to (L - x2, L - x1) with the same blocks.
    half = x1 + x2 <= xs[i]
    pairs = int(half.sum())  # the budget counts the pairs before any is dropped
    # Within the budget only; the pairs across are counted before any block is built
    # (a wide floor's widest cells have hundreds of thousands).
    searched = [j for j in rows if 0 < pairs * _corner_pairs(ys, j, y_blocks) <= FIVE_BLOCK_BUDGET]
    if not searched:
        return
    x1, x2, near, far = x1[half], x2[half], near[half], far[half]
    along = _pinwheel_blocks(xs, xs[i], x1, x2)
    kept = _undominated(near, far, along)
    x1, x2 = x1[kept], x2[kept]
    # The blocks' rows, once for the column: every cell of it gathers from the same rows.
    block_rows = [finished[part[kept]] for part in along]
    for j in searched:
        if j not in y_blocks:
            y1, y2, near, far = _corners(ys, j)
            across = _pinwheel_blocks(ys, ys[j], y1, y2)
            kept = _undominated(near, far, across)
            y_blocks[j] = (len(y1), y1[kept], y2[kept], tuple(part[kept] for part in across))
    for group in _groups_within(searched, [len(y_blocks[j][1]) for j in searched], PINWHEEL_GATHER // len(x1)):
        total, starts = _pinwheel_totals(block_rows, [y_blocks[j][3] for j in group])
        best = np.maximum.reduceat(total.max(axis=0), starts).tolist()
        for j, found, start in zip(group, best, starts.tolist()):
            if found > column[j]:
                _, y1, y2, _ = y_blocks[j]
                p, q = divmod(int(np.argmax(total[:, start:start + len(y1)])), len(y1))
                column[j], decision[j], first[j] = found, _FIVE_BLOCK, int(x1[p])
                pinwheels[j] = (int(x2[p]), int(y1[q]), int(y2[q]))


# Most pinwheels gathered at once (corner pairs along times pairs across, over a group of
# cells of one column): 8 MB of 32-bit counts. Above it the cells are split into groups.
PINWHEEL_GATHER = 1 << 21


def _groups_within(items: list, sizes: list[int], most: int) -> list[list]:
    """``items`` in order, in consecutive groups whose ``sizes`` add up to at most ``most``
    (an item larger than that alone)."""
    groups, group, total = [], [], 0
    for item, size in zip(items, sizes):
        if group and total + size > most:
            groups.append(group)
            group, total = [], 0
        group.append(item)
        total += size
    return groups + [group] if group else groups


def _pinwheel_totals(block_rows: list[np.ndarray], acrosses: list[tuple[np.ndarray, ...]]):
    """Boxes in every pinwheel of a group of cells of one column: the corner pairs along
    (rows) by every cell's pairs across, side by side (columns); and where each cell's
    columns start.

    ``block_rows[k]`` holds the counts of block k's length for every pair along, at every
    width; block k takes its width from the pairs across in the order of
    :func:`_block_sizes`: (x1, y2), (L - x1, y1), (L - x2, W - y1), (x2, W - y2),
    (x2 - x1, y2 - y1), while :func:`_pinwheel_blocks` lists y1, W - y1, W - y2, y2, y2 - y1.
    """
    widths = [np.concatenate([across[k] for across in acrosses]) for k in range(5)]
    total = np.take(block_rows[0], widths[3], axis=1)
    for rows_of_block, k in zip(block_rows[1:], (0, 1, 2, 4)):
        total += np.take(rows_of_block, widths[k], axis=1)
    starts = np.cumsum([0] + [len(across[0]) for across in acrosses[:-1]])
    return total, starts


def _pinwheel_blocks(points, side, c1, c2) -> tuple[np.ndarray, ...]:
    """Raster indices of the pinwheel blocks' sides along one axis of a cell ``side`` long
    with inner corners ``c1 < c2``: ``c1``, ``side - c1``, ``side - c2``, ``c2``, ``c2 - c1``."""
    return tuple(largest_at_most(points, part) for part in (c1, side - c1, side - c2, c2, c2 - c1))


def _block_sizes(length, width, x1, x2, y1, y2):
    """Sides of the five blocks of a pinwheel, in the order of :func:`_block_origins`."""
    return (
        (x1, y2),
        (length - x1, y1),
        (length - x2, width - y1),
        (x2, width - y2),
        (x2 - x1, y2 - y1),
    )


def _block_origins(x1, x2, y1, y2):
    """Lower-left corners of the five blocks of a pinwheel."""
    return ((0, 0), (x1, 0), (x2, y1), (0, y2), (x1, y1))


def bar_waste(x, y, bar):
    """Least area that ``1 x bar`` strips, either way round, leave uncovered in ``x x y``.

    Barnes [5]_: with ``r = x mod bar`` and ``s = y mod bar`` the least waste is
    ``min(r s, (bar - r)(bar - s))`` when both sides hold a strip; a side shorter than a
    strip leaves the other side's remainder along all of it.
    """
    r, s = x % bar, y % bar  # a side shorter than a strip is its own remainder
    short = (x < bar) | (y < bar)  # then the waste is r s: lift the other choice above it
    other = (bar - r) * (bar - s) + short * r * s
    # Plain integers stay plain (numpy on scalars costs microseconds a call).
    return min(r * s, other) if type(r) is int else np.minimum(r * s, other)


def barnes_bound(x, y, box: tuple[int, int]):
    """Barnes's bound: floor area less the waste both strip packings must leave [5]_.

    An ``l x w`` box is ``w`` strips of ``1 x l`` and ``l`` strips of ``1 x w``, so a
    packing of boxes leaves at least the larger of the two least strip wastes. Sides are
    divided by the box sides' common factor first (raster sides are multiples of it).
    Never above the area bound (floor area over box area); for ``(49, 28, 8, 3)`` it is 57.
    """
    l, w = box
    g = math.gcd(l, w)
    x, y = x // g, y // g
    along, across = bar_waste(x, y, l // g), bar_waste(x, y, w // g)
    waste = max(along, across) if type(along) is int else np.maximum(along, across)
    return (x * y - waste) // ((l // g) * (w // g))


# The L-approach [6]_. An L-piece key (X, Y, x, y) holds raster point indices: the X x Y
# rectangle less its top-right (X - x) x (Y - y) corner; a rectangle's key is (X, Y, X, Y).
# Cuts are listed for one orientation and tried on the transposed piece as well:
#   _VERTICAL_IN_ARM   a vertical cut through the upright arm: rectangle + L;
#   _VERTICAL_IN_FOOT  a vertical cut through the foot: L + rectangle;
#   _NOTCH_DOWN        from the inner corner down, then right: L + rectangle;
#   _STEP_TWO_L        from the top of the arm down, then right: two L-pieces;
#   _STEP_DOWN_LEFT    from the top of the foot down, then left: two L-pieces;
#   _CORNER_DOWN_LEFT  from the inner corner down, left, down: two L-pieces;
#   _CORNER_DOWN_RIGHT from the inner corner down, right, down: two L-pieces;
#   _STAIRCASE         a rectangle cut up, across and up again: two L-pieces.
# With their transposes these hold the nine subdivisions B1-B9 of Birgin et al. [3]_
# (B6 and B7 are the staircase and its transpose; a corner cut is a staircase from the
# corner) and the straight cuts of an L-piece into an L-piece and a rectangle.
(_VERTICAL_IN_ARM, _VERTICAL_IN_FOOT, _NOTCH_DOWN, _STEP_TWO_L, _STEP_DOWN_LEFT, _CORNER_DOWN_LEFT,
 _CORNER_DOWN_RIGHT, _STAIRCASE) = range(8)

# Budget: cells whose raster grid (points along the length times points along the
# width, both counted from 0) exceeds L_APPROACH_CELLS, or with more than
# L_APPROACH_SIDE points on a side, keep their guillotine and five-block answer. The
# test is on the cell's own grid, so a cell's count never depends on the table around
# it. Chosen so that benchmarks/packing.py keeps its median under 50 ms a case: most
# container floors have grids of hundreds of cells, and a cell below its bound that
# the class cannot improve costs a full search to prove it.
L_APPROACH_CELLS = 150
L_APPROACH_SIDE = 24
# The whole floor (floor_count, whole_floor) is searched alone under a larger budget:
# a raster grid of up to WHOLE_FLOOR_CELLS points (WHOLE_FLOOR_SIDE a side) and
# WHOLE_FLOOR_STEPS pieces whose cuts are listed (``_LSearch.steps``). (49, 28, 8, 3)
# needs 43 x 22 points and about 650 steps; a floor the class cannot improve stops at
# the step budget, a few tenths of a second.
WHOLE_FLOOR_CELLS = 1024
WHOLE_FLOOR_SIDE = 48
WHOLE_FLOOR_STEPS = 1000


def _piece(X: int, Y: int, x: int, y: int) -> tuple[int, int, int, int]:
    """The key of an L-piece, a rectangle if an arm is empty or fills its side."""
    if x == 0:
        return (X, y, X, y)
    if y == 0:
        return (x, Y, x, Y)
    if x >= X or y >= Y:
        return (X, Y, X, Y)
    return (X, Y, x, y)


def _transposed(key):
    X, Y, x, y = key
    return (Y, X, y, x)


def _l_cuts(X, Y, x, y, rest, two_l=True):
    """Every cut of L-piece (X, Y, x, y) in one orientation: (kind, params, a, b).

    Cut positions are raster points; each remaining piece is reduced to the largest
    raster sizes inside it (``rest``), which loses nothing [6]_.
    """
    RX, RY, Rx, Ry = rest[X], rest[Y], rest[x], rest[y]
    for k in range(1, x):
        yield _VERTICAL_IN_ARM, (k,), (k, Y, k, Y), _piece(RX[k], Y, Rx[k], y)
    for k in range(x, X):
        yield _VERTICAL_IN_FOOT, (k,), _piece(k, Y, x, y), (RX[k], y, RX[k], y)
    for t in range(1, y):
        yield _NOTCH_DOWN, (t,), _piece(X, Y, x, t), (RX[x], Ry[t], RX[x], Ry[t])
    if two_l:
        for k in range(1, x):
            for t in range(1, y):
                yield _STEP_TWO_L, (k, t), _piece(X, Y, k, t), _piece(RX[k], RY[t], Rx[k], Ry[t])
    for k in range(x, X):
        for t in range(1, y):
            yield _STEP_DOWN_LEFT, (k, t), _piece(k, RY[t], x, Ry[t]), _piece(X, y, RX[k], t)
    for k in range(1, x):
        for t in range(1, y):
            yield _CORNER_DOWN_LEFT, (k, t), _piece(x, Y, k, RY[t]), _piece(RX[k], y, RX[x], t)
    for k in range(x + 1, X):
        for t in range(1, y):
            yield _CORNER_DOWN_RIGHT, (k, t), _piece(k, Y, x, t), _piece(RX[x], y, RX[k], Ry[t])


def _rectangle_cuts(X, Y, _x, _y, rest, two_l=True):
    """Every staircase cut of rectangle (X, Y) into two L-pieces, one orientation.

    Up from the foot at ``k1``, across at ``Y - t``, up at ``k2``: the left piece, turned
    upside down, is (k2, Y, k1, t); the right piece, mirrored, is (X - k1, Y, X - k2, ..).
    """
    for k2 in range(1, X):
        for k1 in range(k2):
            for t in range(1, Y):
                yield _staircase(X, Y, k1, k2, t, rest)


def _staircase(X, Y, k1, k2, t, rest):
    """The staircase cut of rectangle (X, Y) at ``k1 < k2`` and ``t`` (see :func:`_rectangle_cuts`)."""
    RX, RY = rest[X], rest[Y]
    return _STAIRCASE, (k1, k2, t), _piece(k2, Y, k1, t), _piece(RX[k1], Y, RX[k2], RY[t])


def _both_ways(cuts, key, rest):
    """The cuts of ``key`` and of its transpose, pieces keyed in ``key``'s orientation."""
    X, Y, x, y = key
    for kind, params, a, b in cuts(X, Y, x, y, rest):
        yield kind, params, False, a, b
    # (Each piece transposed as _transposed does, inline: this runs for every cut listed.)
    for kind, params, (aX, aY, ax, ay), (bX, bY, bx, by) in cuts(Y, X, y, x, rest, two_l=False):
        yield kind, params, True, (aY, aX, ay, ax), (bY, bX, by, bx)


def _cut_frames(kind, params, P, key):
    """Where each piece of a cut lies in its parent: (x, y, mirrored in x, in y).

    A mirrored piece's (x, y) is its far corner: a box at local ``bx`` lies at
    ``x - bx - dx``.
    """
    X, Y, x, _ = key
    if kind in (_STAIRCASE, _CORNER_DOWN_LEFT):
        return (0, P[Y], False, True), (P[X], 0, True, False)
    if kind == _STEP_DOWN_LEFT:
        return (0, P[params[1]], False, False), (P[X], 0, True, False)
    if kind == _CORNER_DOWN_RIGHT:
        return (0, 0, False, False), (P[X], P[key[3]], True, True)
    if kind == _NOTCH_DOWN:
        return (0, 0, False, False), (P[x], P[params[0]], False, False)
    if kind == _STEP_TWO_L:
        return (0, 0, False, False), (P[params[0]], P[params[1]], False, False)
    return (0, 0, False, False), (P[params[0]], 0, False, False)


class _OutOfSteps(Exception):
    """A search went past its step budget."""


class _LSearch:
    """Best patterns of L-pieces by recursive two-piece cuts, memoised, bound-driven.

    :meth:`reach` says whether an L-piece holds ``target`` boxes in the class; per
    piece it keeps the best count found (``low``) and the least proven bound
    (``high``), so every answer is exact and no question is searched twice.
    Rectangles are the table's cells, final when asked (smaller cells come first).

    Parameters
    ----------
    xs, ys, count, box
        The table being built (or built): raster points, cells and box. ``count`` is
        read, not written.
    final : (n, m) bool array, optional
        Cells whose count is already the class optimum (besides those at Barnes's
        bound); :meth:`improve` adds each cell it finishes. Pieces inside them get the
        corner bound.
    side : int, optional
        Raster points on the longest side searched; default ``L_APPROACH_SIDE + 1``.
    most_steps : int, optional
        Most pieces whose cuts are listed; past it :meth:`improve` returns the best
        found so far, and leaves the cell out of ``final``. Default: no limit.
    barnes, rests : arrays, optional
        Already known: :func:`barnes_bound` of every cell, and the rests of
        :func:`_rests` of ``xs`` (which must then be at least as long as ``ys``).
    """

    def __init__(self, xs, ys, count, box, final=None, side=None, most_steps=None, barnes=None, rests=None):
        self.points = (xs if len(xs) >= len(ys) else ys).tolist()
        self.count, self.box_area = count, box[0] * box[1]
        self.steps, self.most_steps = 0, math.inf if most_steps is None else most_steps
        self.low, self.high, self.cuts = {}, {}, {}
        self.final = np.zeros(count.shape, dtype=bool) if final is None else final.copy()
        self.barnes = barnes_bound(xs[:, None], ys[None, :], box) if barnes is None else barnes
        self.barnes_rows = self.barnes.tolist()  # plain copy, for speed
        self.points_array = np.asarray(self.points)
        self.settled = self.final.tolist()  # plain copy of final, for speed
        self.pending = []  # L-pieces bounded while their enclosing cell was unsettled
        self.colours = _Colours(box)
        self.coloured = set()
        self.cells = count.tolist()  # plain-integer copy of the final cells, for speed
        side = min(len(self.points), L_APPROACH_SIDE + 1 if side is None else side)
        if rests is None:
            p = np.asarray(self.points[:side])
            self.rest_array = largest_at_most(p, np.clip(p[:, None] - p[None, :], 0, None))
        else:  # the same, a cut past the piece's end (a negative rest) kept at 0
            self.rest_array = np.maximum(rests[:side, :side], 0)
        self.rest = self.rest_array.tolist()

    def release(self) -> None:
        """Drop the memo once no cell will be searched again; the cuts stay, for placements."""
        self.low = self.high = self.cells = self.settled = self.pending = self.coloured = None
        self.colours = self.barnes = self.barnes_rows = None

    @staticmethod
    def allows(i: int, j: int) -> bool:
        """Whether cell (i, j) is within the budget (its own raster grid only)."""
        return max(i, j) <= L_APPROACH_SIDE and (i + 1) * (j + 1) <= L_APPROACH_CELLS

    def improve(self, i: int, j: int, bound: int) -> int:
        """Best count of cell (i, j) with staircase cuts into two L-pieces, up to ``bound``."""
        key = (i, j, i, j)
        self.cells = self.count.tolist()  # every cell the search reads is final by now
        best = self.cells[i][j]
        start = self.steps
        try:
            while best < bound:
                target = best + 1
                cut = next((cut for cut in self._promising_staircases(i, j, target) if self._splits(cut, target)), None)
                if cut is None:
                    break
                best = self._low(cut[3]) + self._low(cut[4])
                self.cuts[key] = cut
        except _OutOfSteps:  # the best found stands, but is not known to be the class optimum
            self.cells[i][j] = best
            return best
        finally:
            _SEARCHED["steps"] += self.steps - start
        self.cells[i][j], self.settled[i][j], self.final[i, j] = best, True, True
        for piece in self.pending:  # only the cell's own pieces: smaller cells were settled first
            self.high[piece] = min(self.high[piece], self._corner_bound(piece))
        self.pending.clear()
        return best

    def reach(self, key, target: int) -> bool:
        """Whether piece ``key`` holds ``target`` boxes in the class (exact)."""
        if self._low(key) >= target:
            return True
        if self._high(key) < target:
            return False
        if key not in self.coloured:  # dearer than the area bound: only before listing cuts
            self.coloured.add(key)
            self.high[key] = min(self.high[key], self.colours.l_bound(*(self.points[k] for k in key)))
            if self.high[key] < target:
                return False
        cut = self._first_cut(key, _l_cuts, target)
        if cut is None:
            self.high[key] = target - 1
            return False
        self.low[key] = self._low(cut[3]) + self._low(cut[4])
        self.cuts[key] = cut
        return True

    def _first_cut(self, key, cuts, target):
        self.steps += 1
        if self.steps > self.most_steps:
            raise _OutOfSteps
        known, high, cells = self.high, self._high, self.cells
        for cut in _both_ways(cuts, key, self.rest):
            # The first test of _splits inline (most cuts stop at it), as _high has it.
            a, b = cut[3], cut[4]
            bound_a = cells[a[0]][a[1]] if a[2] == a[0] else known.get(a)
            if bound_a is None:
                bound_a = high(a)
            bound_b = cells[b[0]][b[1]] if b[2] == b[0] else known.get(b)
            if bound_b is None:
                bound_b = high(b)
            if bound_a + bound_b >= target and self._splits(cut, target):
                return cut
        return None

    def _splits(self, cut, target: int) -> bool:
        """Whether the two pieces of ``cut`` hold ``target`` boxes together (exact)."""
        a, b = cut[3], cut[4]
        if self._high(a) + self._high(b) < target:
            return False
        # Ask b for what a's best count leaves; when b falls short, its bound is
        # now lower, so ask a for more; stop when a cannot give it.
        while True:
            if self.reach(b, target - self._low(a)):
                return True
            if not self.reach(a, target - self._high(b)):
                return False

    def _promising_staircases(self, i: int, j: int, target: int):
        """The staircase cuts of cell (i, j) (either way round) whose pieces' bounds add up
        to at least ``target``, highest first, ties in the order of :func:`_rectangle_cuts`.

        The bounds (see :meth:`_static_bound`) are computed for every cut at once, and
        use nothing the search has learnt, so the order depends on the cell alone.
        """
        settled = self.final | (self.count >= self.barnes)
        settled[i, j] = False
        frames = []
        frames_of_cells = ((i, j, self.count, settled), (j, i, self.count.T, settled.T))
        for transposed, (X, Y, cells, done) in enumerate(frames_of_cells):
            k1, k2 = np.triu_indices(X, k=1)
            t = np.arange(1, Y)
            k1, k2, t = (np.repeat(k1, len(t)), np.repeat(k2, len(t)), np.tile(t, len(k1)))
            R = self.rest_array
            promise = (self._static_bound(k2, Y, k1, t, cells, done)
                       + self._static_bound(R[X, k1], Y, R[X, k2], R[Y, t], cells, done))
            keep = promise >= target
            frames.append((promise[keep], np.full(int(keep.sum()), transposed), k1[keep], k2[keep], t[keep]))
        promise, transposed, k1, k2, t = (np.concatenate(parts) for parts in zip(*frames))
        order = np.argsort(-promise, kind="stable")
        for n in order.tolist():
            X, Y = (j, i) if transposed[n] else (i, j)
            kind, params, a, b = _staircase(X, Y, int(k1[n]), int(k2[n]), int(t[n]), self.rest)
            yield (kind, params, True, _transposed(a), _transposed(b)) if transposed[n] else (kind, params, False, a, b)

    def _static_bound(self, X, Y, x, y, cells, settled):
        """Bounds of pieces ``(X, Y, x, y)`` (arrays, in the frame of ``cells``) from the
        table alone: a rectangle's count, an L-piece's area bound and, inside a settled
        cell, its corner bound."""
        X, Y, x, y = np.broadcast_arrays(X, Y, x, y)
        P = self.points_array
        rectangle = (x == 0) | (y == 0) | (x >= X) | (y >= Y)
        rows = np.where(x == 0, X, np.where(y == 0, x, X))
        columns = np.where(x == 0, y, Y)
        area = (P[X] * P[y] + P[x] * (P[Y] - P[y])) // self.box_area
        R = self.rest_array
        corner = np.where(settled[X, Y], cells[X, Y] - cells[R[X, x], R[Y, y]], area)
        return np.where(rectangle, cells[rows, columns], np.minimum(area, corner))

    def _low(self, key) -> int:
        """Best count found in ``key``: a cell's count, or at first an L's better split
        into two rectangles (its first cut either way round)."""
        X, Y, x, y = key
        if x == X:
            return self.cells[X][Y]
        if key not in self.low:
            rest = self.rest
            upright = (_VERTICAL_IN_FOOT, (x,), False, (x, Y, x, Y), (rest[X][x], y, rest[X][x], y))
            across = (_VERTICAL_IN_FOOT, (y,), True, (X, y, X, y), (x, rest[Y][y], x, rest[Y][y]))
            cells = self.cells
            self.low[key], self.cuts[key] = max(
                (cells[c[3][0]][c[3][1]] + cells[c[4][0]][c[4][1]], c) for c in (upright, across)
            )
        return self.low[key]

    def _high(self, key) -> int:
        """Least proven bound of ``key``: a cell's count, or at first an L's area bound."""
        found = self.high.get(key)
        if found is None:
            X, Y, x, y = key
            if x == X:
                return self.cells[X][Y]
            P = self.points
            found = (P[X] * P[y] + P[x] * (P[Y] - P[y])) // self.box_area
            if self.settled[X][Y] or self.cells[X][Y] >= self.barnes_rows[X][Y]:
                found = min(found, self._corner_bound(key))
            else:
                self.pending.append(key)
            self.high[key] = found
        return found

    def _corner_bound(self, key) -> int:
        """A settled cell's count less its corner's: the L-piece and the corner it leaves
        out are the two pieces of one of the cell's staircase cuts."""
        X, Y, x, y = key
        return self.cells[X][Y] - self.cells[self.rest[X][x]][self.rest[Y][y]]


class _Colours:
    """Colour bounds of L-pieces: colour cell (p, q) by ``(p + q) mod m`` (or ``(p - q)``).

    With sides divided by their common factor, an ``l x w`` box either way round covers
    ``w`` cells of every colour mod ``l`` (``w`` rows or columns of ``l`` consecutive
    cells) and ``l`` of every colour mod ``w``, so no region holds more boxes than its
    rarest colour's cells over ``w`` (or ``l``): the strip argument of Barnes [5]_ for a
    region of any shape, here an L-piece (its two rectangles less their overlap).
    """

    def __init__(self, box):
        l, w = box
        self.g = math.gcd(l, w)
        self.moduli = ((l // self.g, w // self.g), (w // self.g, l // self.g))
        self.rectangles = {}

    def l_bound(self, X, Y, x, y) -> int:
        """Least bound over both colourings and both moduli of L-piece ``(X, Y, x, y)`` (sides)."""
        g = self.g
        X, Y, x, y = X // g, Y // g, x // g, y // g
        best = X * Y
        rectangle = self._rectangle
        for m, per_box in self.moduli:
            # Both colourings at once: the rarest colour of either.
            rarest = int((rectangle(X, y, m) + rectangle(x, Y, m) - rectangle(x, y, m)).min())
            best = min(best, rarest // per_box)
        return best

    def _rectangle(self, X, Y, m):
        """Cells of each colour mod ``m`` in ``[0, X) x [0, Y)``: by ``p + q`` (row 0) and by
        ``p - q`` (row 1)."""
        found = self.rectangles.get((X, Y, m))
        if found is None:
            c = np.arange(m)
            r, s = Y % m, X % m

            def below(n):  # of 0 .. n - 1, how many are below r mod m
                return (n // m) * r + np.minimum(n % m, r)

            plus = X * (Y // m) + (X // m) * r + below(c + m + 1) - below(c - s + 1 + m)
            # By p - q: the same counts rolled by 1 - Y (np.roll, as one gather).
            found = self.rectangles[X, Y, m] = plus[np.stack((c, (c + Y - 1) % m))]
        return found


def line_bound(length: int, width: int, box: tuple[int, int]) -> int:
    """Most ``box`` rectangles (either way round) in ``length x width``, by lines across.

    Notes
    -----
    Call a rectangle with its first side along the length type A, the other type B, and
    ``n_A``, ``n_B`` their numbers. A line along the length meets ``p`` of type A and
    ``q`` of type B with ``p a + q b <= length``, so ``(p, q)`` lies in the convex hull
    of those integer points; averaged over every such line across the (raster-reduced)
    width ``W*``, ``(n_A b, n_B a) / W*`` lies in that hull too, because each rectangle
    of type A is met by lines over ``b`` of the width. The same holds for lines along
    the width. The largest ``n_A + n_B`` meeting both (a linear programme in two
    variables, solved at the vertices) is a bound; it is below the area bound when the
    rectangles cannot fill a line (two 1135 mm sides in 2330 mm leave 60 mm, one
    1381 mm side 949 mm).

    Examples
    --------
    >>> line_bound(2330, 2380, (1135, 1381))  # the area bound says 3
    2
    """
    a, b = box
    reduced = [largest_raster_point(side, (a, b)) for side in (length, width)]
    if min(reduced) == 0:
        return 0
    return _line_bound(_knapsack_hull(length, a, b), _knapsack_hull(width, b, a), *reduced, box)


def _line_bound(along, across, length: int, width: int, box: tuple[int, int]) -> int:
    """:func:`line_bound` from the hulls of the lines along the length and across it
    (:func:`_knapsack_hull` of each side with the box's sides in that order) and the
    raster-reduced sides."""
    a, b = box
    rows = [  # (coefficient of n_A, of n_B, right-hand side): a x + b y <= c
        (alpha * b, beta * a, gamma * width) for alpha, beta, gamma in along
    ] + [
        (alpha * a, beta * b, gamma * length) for alpha, beta, gamma in across
    ]
    return _two_variable_lp_floor(rows)


def _knapsack_hull(limit: int, first: int, second: int) -> list[tuple[int, int, int]]:
    """Facets ``alpha p + beta q <= gamma`` of the hull of ``{p, q >= 0 whole: p first + q second <= limit}``."""
    hull = []  # upper concave hull of (p, q), from p = 0
    for point in ((p, (limit - p * first) // second) for p in range(limit // first + 1)):
        while len(hull) >= 2 and _turns_up(hull[-2], hull[-1], point):
            hull.pop()
        hull.append(point)
    facets = [(0, 1, hull[0][1]), (1, 0, hull[-1][0])]
    for (p1, q1), (p2, q2) in zip(hull, hull[1:]):
        facets.append((q1 - q2, p2 - p1, (q1 - q2) * p1 + (p2 - p1) * q1))
    return facets


def _turns_up(first, middle, last) -> bool:
    """Whether ``middle`` lies on or below the segment from ``first`` to ``last``."""
    return (middle[0] - first[0]) * (last[1] - first[1]) - (middle[1] - first[1]) * (last[0] - first[0]) >= 0


def _two_variable_lp_floor(rows: list[tuple[int, int, int]]) -> int:
    """Floor of the largest ``x + y`` with ``x, y >= 0`` and every row ``a x + b y <= c``
    (whole numbers ``a, b, c >= 0``, the optimum bounded).

    By duality it is the least ``sum c_i u_i`` over ``u >= 0`` with ``sum a_i u_i >= 1``
    and ``sum b_i u_i >= 1``, reached at a vertex: one row with ``u = 1 / min(a, b)``, or
    two rows with both sums equal to 1. Each vertex is a ratio of whole numbers, so the
    floor is exact.
    """
    best = min((c // min(a, b) for a, b, c in rows if min(a, b) > 0), default=None)
    for (a1, b1, c1), (a2, b2, c2) in combinations(rows, 2):
        det = a1 * b2 - a2 * b1
        if det > 0:
            u, v = b2 - a2, a1 - b1  # u and v times det
        elif det < 0:
            det, u, v = -det, a2 - b2, b1 - a1
        else:
            continue
        if u >= 0 and v >= 0:
            value = (c1 * u + c2 * v) // det
            if best is None or value < best:
                best = value
    return best


def small_floor_optimum(length: int, width: int, box: tuple[int, int]) -> int | None:
    """The most ``box`` rectangles (either way round) in ``length x width``, by exhaustive
    search, or None where the floor has more than ``EXACT_SPOTS`` raster positions or the
    search more than ``EXACT_NODES`` steps.

    Notes
    -----
    A packing pushed towards the corner puts every rectangle at raster points, and two
    rectangles placed there overlap exactly when both cover the raster point at the
    lower corner of their overlap, so the answer is the largest set of raster
    placements no two of which cover a common raster point (a maximum independent set,
    found by branching on each placement with the count of those left as the bound).

    Examples
    --------
    >>> small_floor_optimum(2330, 2380, (1135, 1381))  # the area bound says 3
    2
    >>> small_floor_optimum(2340, 2380, (894, 1313))  # four round a 419 mm hole
    4
    """
    _, _, starts = _raster_starts(length, width, box)
    spots = [(x, y, a, b) for a, b, along, across in starts for x in along.tolist() for y in across.tolist()]
    if len(spots) > EXACT_SPOTS:
        return None
    clashes = [
        sum(1 << k for k, (u, v, c, d) in enumerate(spots) if x < u + c and u < x + a and y < v + d and v < y + b)
        for x, y, a, b in spots
    ]
    return _largest_independent_set(clashes, (1 << len(spots)) - 1)


def raster_lp_bound(length: int, width: int, box: tuple[int, int]) -> int:
    """Most ``box`` rectangles (either way round) in ``length x width`` by the linear
    relaxation of the raster-point model: an upper bound, often the optimum.

    Notes
    -----
    As in :func:`small_floor_optimum`, rectangles pushed to the corner sit at raster
    points, and two overlap exactly when both cover the raster point at the lower corner
    of their overlap; so no raster point is covered twice, and letting each placement
    count a fraction in [0, 1] bounds the count from above. Letchford and Amaral [7]_
    find this bound the strongest known and almost always the optimum; it proves most
    of the cells the L-approach would search in vain (a cell one box below Barnes's
    bound costs a search of 5-30 ms, the programme 1-3 ms).

    The bound is taken from the solver's dual values, not its objective: raster-point
    weights under which every placement covers at least 1 bound the count by their sum,
    so they are scaled until that holds exactly, and the floor is taken a hair above the
    sum, so that rounding in the solver can only weaken the bound, never make it wrong.

    Examples
    --------
    >>> raster_lp_bound(950, 950, (230, 260))  # Barnes's bound says 14; 13 fit
    13
    """
    # Imported only where a floor needs it (scipy.optimize takes about 0.16 s).
    from scipy.optimize import linprog

    cover = _raster_cover(length, width, box)
    if not cover.shape[1]:
        return 0
    # A cell's programme (at most L_APPROACH_CELLS rows, typically 100 by 50) is solved a
    # third faster without presolve (the 98 of the +-2.5 cm Monte Carlo case: 0.17 ->
    # 0.12 s); a whole floor's (up to WHOLE_FLOOR_CELLS rows) keeps it, which is no slower
    # on (49, 28, 8, 3) and faster on larger programmes.
    result = linprog(-np.ones(cover.shape[1]), A_ub=cover, b_ub=np.ones(cover.shape[0]), bounds=(0, None),
                     method="highs", options={"presolve": cover.shape[0] > L_APPROACH_CELLS})
    weights = np.maximum(-result.ineqlin.marginals, 0.0) if result.status == 0 else np.zeros(cover.shape[0])
    with np.errstate(invalid="ignore", over="ignore"):  # duals of no use end in the check below
        least = float((cover.T @ weights).min())
        value = float(weights.sum()) / least if least > 0 else math.nan
    if not math.isfinite(value):  # no usable dual values: the area bound stands
        return length * width // (box[0] * box[1])
    return math.floor(value * (1 + 1e-9))


# Largest raster cover (rows times columns) handed to the solver as a plain array: the
# floor tables' cells (at most L_APPROACH_CELLS raster points) are solved about 10 %
# faster so; a whole floor's (up to WHOLE_FLOOR_CELLS points) would take 16 MB.
DENSE_COVER = 100_000


def _raster_cover(length: int, width: int, box: tuple[int, int]):
    """Which raster points (rows, ``p * len(ys) + q``) each raster placement of the box
    (columns, in the order of :func:`_raster_starts`) covers, as ones: a plain array
    where small (the solver takes it faster), else a sparse one."""
    xs, ys, starts = _raster_starts(length, width, box)
    blocks = []
    for a, b, starts_x, starts_y in starts:
        along = (xs[:, None] >= starts_x[None, :]) & (xs[:, None] < starts_x[None, :] + a)
        across = (ys[:, None] >= starts_y[None, :]) & (ys[:, None] < starts_y[None, :] + b)
        blocks.append(np.kron(along, across))
    cover = np.hstack(blocks)
    if cover.size <= DENSE_COVER:
        return cover.astype(float)
    import scipy.sparse as sparse

    return sparse.csc_array(cover, dtype=float)


def _raster_starts(length: int, width: int, box: tuple[int, int]):
    """The raster points of both sides, and for each way round ``(a, b)`` of the box the
    raster points where it can start along the length and across the width."""
    xs, ys = (raster_points(side, tuple(box)) for side in (length, width))
    return xs, ys, [(a, b, xs[xs + a <= length], ys[ys + b <= width]) for a, b in {tuple(box), tuple(reversed(box))}]


def _largest_independent_set(clashes: list[int], candidates: int) -> int | None:
    """Size of the largest set among ``candidates`` (a bit mask) with no two clashing,
    or None beyond ``EXACT_NODES`` branches.

    Depth first, the branch that takes the lowest spot before the one that leaves it;
    the taking branch is searched next at once, so only the other waits on the stack.
    """
    keep = [~clash for clash in clashes]  # what taking each spot leaves (a spot clashes with itself)
    best, steps = 0, 0
    pending = [(candidates, 0)]
    while pending:
        left, taken = pending.pop()
        while True:
            steps += 1
            if steps > EXACT_NODES:
                return None
            if taken + left.bit_count() <= best:
                break
            if not left:
                best = taken
                break
            low = left & -left
            pending.append((left ^ low, taken))
            left, taken = left & keep[low.bit_length() - 1], taken + 1
    return best


def floor_count(length: int, width: int, box: tuple[int, int]) -> int:
    """The best count in ``length x width`` over the three pattern classes (guillotine,
    recursive pinwheels, L-approach; see the module docstring), the whole floor
    searched under its own budget (:func:`whole_floor`).

    Examples
    --------
    A pinwheel of four boxes round a hole beats every guillotine pattern:

    >>> floor_count(5, 5, (3, 2))
    4
    >>> int(floor_table(5, 5, (3, 2), pinwheel_length=0).count[-1, -1])
    3
    """
    return int(whole_floor(length, width, _sorted(box)).count[-1, -1])


@lru_cache(maxsize=1024)
def whole_floor(length: int, width: int, box: tuple[int, int]) -> FloorTable:
    """:func:`floor_table` with the whole floor also searched by the L-approach when its
    raster grid is within ``WHOLE_FLOOR_CELLS`` points (``WHOLE_FLOOR_SIDE`` a side).

    Only the last cell can change: every other cell keeps its own budget, so its count
    still depends on that cell alone, and the search reads them as they are.

    Parameters
    ----------
    length, width : int
        Floor sides in resolution units. [mm]
    box : tuple of two ints
        Box sides, shorter first. [mm]

    Returns
    -------
    FloorTable
        Placements of the whole floor's best pattern by :func:`floor_placements`.
    """
    table = floor_table(length, width, box)
    i, j = len(table.xs) - 1, len(table.ys) - 1
    bound = int(barnes_bound(table.xs[i], table.ys[j], box))
    if table.count[i, j] >= bound or not _whole_floor_admits(i + 1, j + 1):
        return table
    final = settled_final(table)
    if final[i, j]:
        return table
    # A search the count cannot beat runs to its step budget: prove that first.
    bound = programme_bound(bound, int(table.xs[i]), int(table.ys[j]), box)
    if table.count[i, j] >= bound:
        return table
    count = table.count.copy()
    search = _LSearch(table.xs, table.ys, count, box, final, side=max(i, j) + 1,
                      most_steps=WHOLE_FLOOR_STEPS)
    count[i, j] = search.improve(i, j, bound)
    decision = table.decision.copy()
    if count[i, j] > table.count[i, j]:
        decision[i, j] = _L_APPROACH
    return FloorTable(table.xs, table.ys, table.box, count, decision, table.argument,
                      {**table.cuts, **search.cuts}, search.final)


def whole_floor_searched(length: int, width: int, box: tuple[int, int]) -> bool:
    """Whether :func:`whole_floor` searches the floor (its raster grid within the budget),
    found from the raster points alone, without solving the table."""
    sizes = tuple(box)
    return _whole_floor_admits(len(raster_points(length, sizes)), len(raster_points(width, sizes)))


def _whole_floor_admits(length_points: int, width_points: int) -> bool:
    return max(length_points, width_points) - 1 <= WHOLE_FLOOR_SIDE and length_points * width_points <= WHOLE_FLOOR_CELLS


def floor_bound(length: int, width: int, box: tuple[int, int]) -> int:
    """Barnes's bound on the floor reduced to its largest raster sides."""
    sizes = tuple(box)
    return int(barnes_bound(largest_raster_point(length, sizes), largest_raster_point(width, sizes), _sorted(box)))


def _sorted(box) -> tuple[int, int]:
    return tuple(sorted(int(side) for side in box))


def floor_placements(table: FloorTable, i: int | None = None, j: int | None = None):
    """The rectangles of the best pattern in cell (i, j) (default: the whole floor),
    whatever its class: blocks, cuts, pinwheels and L-approach pieces alike.

    Returns
    -------
    list of (x, y, dx, dy) tuples in resolution units, origin at the floor's corner.
    """
    i = len(table.xs) - 1 if i is None else i
    j = len(table.ys) - 1 if j is None else j
    placed: list[tuple[int, int, int, int]] = []
    _place(table, i, j, 0, 0, placed)
    return placed


def _place(table: FloorTable, i, j, x0, y0, placed) -> None:
    xs, ys = table.xs, table.ys
    kind, arg = table.decision[i, j], table.argument[i, j]
    if kind == _HOMOGENEOUS:
        placed.extend(_block(xs[i], ys[j], table.box, x0, y0))
    elif kind == _CUT_LENGTH:
        k = arg[0]
        _place(table, k, j, x0, y0, placed)
        _place(table, largest_at_most(xs, xs[i] - xs[k]), j, x0 + xs[k], y0, placed)
    elif kind == _CUT_WIDTH:
        k = arg[0]
        _place(table, i, k, x0, y0, placed)
        _place(table, i, largest_at_most(ys, ys[j] - ys[k]), x0, y0 + ys[k], placed)
    elif kind == _FIVE_BLOCK:
        x1, x2, y1, y2 = (int(v) for v in arg)
        sizes = _block_sizes(int(xs[i]), int(ys[j]), x1, x2, y1, y2)
        for (dx, dy), (ox, oy) in zip(sizes, _block_origins(x1, x2, y1, y2)):
            _place(table, largest_at_most(xs, dx), largest_at_most(ys, dy), x0 + ox, y0 + oy, placed)
    elif kind == _TURNED:
        placed.extend((x0 + y, y0 + x, dy, dx) for x, y, dx, dy in floor_placements(table, j, i))
    else:
        key = (int(i), int(j), int(i), int(j))
        placed.extend((x0 + x, y0 + y, dx, dy) for x, y, dx, dy in _cut_boxes(table, key))


def _piece_boxes(table: FloorTable, key) -> list[tuple[int, int, int, int]]:
    """The boxes of the best pattern found for a piece, from its own corner."""
    X, Y, x, _ = key
    if x == X:
        placed: list[tuple[int, int, int, int]] = []
        _place(table, X, Y, 0, 0, placed)
        return placed
    return _cut_boxes(table, key)


def _cut_boxes(table: FloorTable, key) -> list[tuple[int, int, int, int]]:
    """The boxes of both pieces of the cut recorded for ``key``, placed in its frame."""
    kind, params, transposed, a, b = table.cuts[key]
    points = (table.xs if len(table.xs) >= len(table.ys) else table.ys).tolist()
    frames = _cut_frames(kind, params, points, _transposed(key) if transposed else key)
    placed = []
    for piece, (fx, fy, mirror_x, mirror_y) in zip((a, b), frames):
        boxes = _piece_boxes(table, piece)
        if transposed:
            boxes = [(y, x, dy, dx) for x, y, dx, dy in boxes]
        for x, y, dx, dy in boxes:
            x = fx - x - dx if mirror_x else fx + x
            y = fy - y - dy if mirror_y else fy + y
            placed.append((y, x, dy, dx) if transposed else (x, y, dx, dy))
    return placed


def _block(length, width, box, x0, y0):
    """Placements of a homogeneous block in its better orientation."""
    l, w = box
    if (length // w) * (width // l) > (length // l) * (width // w):
        l, w = w, l
    return [
        (x0 + p * l, y0 + q * w, l, w)
        for p in range(int(length // l))
        for q in range(int(width // w))
    ]
