"""Sweeps: the model's answer over a grid of one or two parameters.

A sweep axis is a parameter and the values it takes: a range ``LOW..HIGH`` cut into
``STEPS`` evenly spaced values, a list of values, or, for the container type, a list of
container ids. Every grid point gets the same answer as ``estimate``: the low and high
corners of every other assumption, with the swept parameters fixed at the point's values.

The grid is evaluated vectorised: the two corners lie on a leading axis of length 2, each
numeric sweep axis on an axis of its own, and :func:`estimator.model.evaluate` broadcasts
them, so one call answers every point of one scenario. Only the container type, which
changes the scenario itself, is looped over in Python; and on pallets, where the range is
a search over the crate's sides (``intervals.palletised_interval``), each point.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

import numpy as np

from estimator.catalog import Catalog
from estimator.errors import InputError
from estimator.intervals import Interval, corner_pair, corner_values, interval
from estimator.model import MASS, SPACE, evaluate, fleet_total
from estimator.parameters import (
    Override, Scenario, apply_overrides, optional_parameters, parameter_kinds, parse_override,
)
from estimator.uncertainty import scenario_rng

OPTION = "--vary"
DEFAULT_STEPS = 11
MAX_STEPS = 1000
MAX_AXES = 2
# Model evaluations above which a sweep is worth a progress bar (about a second's work).
LONG_SWEEP = 10**6
# Parameters that select among catalog entries rather than take a number.
CATEGORICAL = ("container",)
SI_UNIT_OF_KIND = {"length": "m", "mass": "kg", "count": "1", "fraction": "1"}


@dataclass(frozen=True)
class Axis:
    """One swept parameter and its values: SI floats, or container ids when categorical."""

    name: str
    values: tuple
    unit: str  # SI unit of the values ("m", "kg", "1"), "" for a categorical axis

    @property
    def categorical(self) -> bool:
        return self.name in CATEGORICAL


@dataclass(frozen=True)
class SweepPoint:
    """The answer at one grid point: the estimate's interval and the swept values [SI];
    when drawing, the p5, p50 and p95 of the rounds "per_container" and in "total"."""

    interval: Interval
    point: dict[str, float]
    percentiles: dict[str, tuple[int, int, int]] | None = None


# Draws every parameter of a scenario: (scenario, draws, rng) -> arrays keyed by name [SI].
Sampler = Callable[[Scenario, int, np.random.Generator], Mapping[str, np.ndarray]]


# --- parsing --vary ---------------------------------------------------------------


def _split_steps(text: str) -> tuple[str, int | None]:
    """Split a trailing ``:STEPS`` off ``NAME=LOW..HIGH:STEPS``."""
    body, colon, steps = text.rpartition(":")
    if not colon:
        return text, None
    if not steps.strip().isdigit():
        raise InputError(f"{OPTION} {text!r}: steps {steps!r} must be a whole number, such as :25")
    count = int(steps)
    if not 2 <= count <= MAX_STEPS:
        raise InputError(f"{OPTION} {text!r}: steps must lie between 2 and {MAX_STEPS}, got {count}")
    return body, count


def _categorical_axis(name: str, value_text: str, catalog: Catalog) -> Axis:
    ids = tuple(part.strip() for part in value_text.split(",") if part.strip())
    if len(ids) < 2:
        raise InputError(f"{OPTION} {name}={value_text}: expected a list of at least two, such as 20ft,40ft")
    try:
        canonical = tuple(catalog.container(container_id).id for container_id in ids)
    except InputError as error:
        raise InputError(f"{OPTION} {name}: {error}") from None
    _refuse_repeats(name, ids, canonical)
    return Axis(name, canonical, "")


def _list_axis(name: str, value_text: str, kinds: dict[str, str]) -> Axis:
    items = [part.strip() for part in value_text.split(",")]
    if len(items) < 2 or not all(items):
        raise InputError(f"{OPTION} {name}={value_text}: expected a list of at least two values, such as 60kg,80kg")
    values = tuple(parse_override(f"{name}={item}", kinds, OPTION).low for item in items)
    _refuse_repeats(name, items, values)
    return Axis(name, values, SI_UNIT_OF_KIND[kinds[name]])


def _refuse_repeats(name: str, texts: Sequence[str], values: Sequence) -> None:
    """InputError naming the first value of a list given twice (``60kg,60000g``): it would
    repeat a row of the sweep."""
    seen = {}
    for text, value in zip(texts, values):
        if value in seen:
            raise InputError(f"{OPTION} {name}: {text!r} is the same as {seen[value]!r}; give each value once")
        seen[value] = text


def _range_axis(text: str, steps: int | None, kinds: dict[str, str]) -> Axis:
    override = parse_override(text, kinds, OPTION)
    if override.low == override.high:
        raise InputError(f"{OPTION} {text!r}: expected a range LOW..HIGH[:STEPS] or a list A,B, not one value")
    kind = kinds[override.name]
    if kind == "count":
        values = np.arange(override.low, override.high + 1)
        if steps is not None:
            values = np.unique(np.rint(np.linspace(override.low, override.high, steps)))
    else:
        values = np.linspace(override.low, override.high, steps or DEFAULT_STEPS)
    if len(values) > MAX_STEPS:
        raise InputError(f"{OPTION} {text!r}: {len(values)} values, more than {MAX_STEPS}; give fewer steps")
    return Axis(override.name, tuple(float(v) for v in values), SI_UNIT_OF_KIND[kind])


def parse_axis(text: str, catalog: Catalog) -> Axis:
    """Parse one ``--vary`` into an axis.

    Accepts ``NAME=LOW..HIGH[:STEPS]`` (default 11 steps; every whole number for a count
    without steps), ``NAME=A,B,...`` and ``container=ID,ID,...``. Values take any unit.

    Examples
    --------
    >>> from estimator.catalog import load_catalog
    >>> parse_axis("container.payload=18..30 t:3", load_catalog()).values
    (18000.0, 24000.0, 30000.0)
    """
    body, steps = _split_steps(text)
    name, equals, value_text = (part.strip() for part in body.partition("="))
    if name in CATEGORICAL:
        if steps is not None or not equals:
            raise InputError(f"{OPTION} {text!r}: the container type takes a list, such as container=20ft,40ft")
        return _categorical_axis(name, value_text, catalog)
    kinds = parameter_kinds(catalog)
    if "," in value_text:
        if steps is not None:
            raise InputError(f"{OPTION} {text!r}: a list of values takes no :STEPS")
        return _list_axis(name, value_text, kinds)
    return _range_axis(body, steps, kinds)


def parse_axes(texts: Sequence[str], catalog: Catalog, overrides: Sequence[Override]) -> list[Axis]:
    """Parse one or two ``--vary`` options and check that they do not clash."""
    if not 1 <= len(texts) <= MAX_AXES:
        raise InputError(f"{OPTION}: give one or two parameters to sweep, got {len(texts)}")
    axes = [parse_axis(text, catalog) for text in texts]
    names = [axis.name for axis in axes]
    if len(set(names)) < len(names):
        raise InputError(f"{OPTION} {names[0]}: the same parameter is swept twice")
    for override in overrides:
        if override.name in names:
            raise InputError(f"--set {override.name}: this parameter is also swept with {OPTION}; give it once")
    return axes


# --- evaluation -----------------------------------------------------------------------


def on_grid(leading: Mapping[str, np.ndarray], axes: Sequence[Axis]) -> dict[str, np.ndarray]:
    """Arrays shaped to broadcast over (m, n_1, ..., n_k).

    Each array of ``leading`` (corners or draws, length m, or a single value) lies on
    axis 0; the values of sweep axis i lie on axis i + 1 and replace that parameter.
    """
    values = {name: np.asarray(array, dtype=float).reshape((-1,) + (1,) * len(axes))
              for name, array in leading.items()}
    for index, axis in enumerate(axes):
        shape = [1] * (1 + len(axes))
        shape[1 + index] = len(axis.values)
        values[axis.name] = np.asarray(axis.values, dtype=float).reshape(shape)
    return values


def grid_values(scenario: Scenario, axes: Sequence[Axis]) -> dict[str, np.ndarray]:
    """Every parameter over (2, n_1, ..., n_k): axis 0 holds the pessimistic and optimistic
    corners, and the swept values replace their parameter in both."""
    return on_grid(corner_values(scenario), axes)


def grid_points(scenario: Scenario, axes: Sequence[Axis]) -> list[SweepPoint]:
    """The interval at every point of a numeric grid, from one vectorised evaluation
    (on pallets, one search per point: :func:`palletised_points`)."""
    if scenario.pallet is not None:
        return palletised_points(scenario, axes)
    values = grid_values(scenario, axes)
    capacity = evaluate(values, scenario)
    shape = (2,) + tuple(len(axis.values) for axis in axes)
    rounds = np.broadcast_to(capacity.rounds, shape)
    totals = np.broadcast_to(fleet_total(values["fleet.containers"], values["fleet.share"], rounds), shape)
    mass_binds = np.broadcast_to(capacity.mass_binds, shape)
    by_mass = np.broadcast_to(capacity.rounds_by_mass, shape)
    by_space = np.broadcast_to(capacity.rounds_by_space, shape)
    points = []
    for index in np.ndindex(*shape[1:]):
        at = (slice(None),) + index
        points.append(SweepPoint(
            Interval(
                scenario,
                corner_pair(rounds[at]),
                corner_pair(totals[at]),
                tuple(MASS if b else SPACE for b in mass_binds[at]),
                corner_pair(by_mass[at]),
                corner_pair(by_space[at]),
            ),
            {axis.name: axis.values[i] for axis, i in zip(axes, index)},
        ))
    return points


def palletised_points(scenario: Scenario, axes: Sequence[Axis]) -> list[SweepPoint]:
    """The interval at every grid point on pallets: ``intervals.interval`` of the scenario with
    the swept parameters fixed there, since on pallets the count is not monotone in the
    crate's sides and the range is a search over them, not two corners."""
    points = []
    for index in np.ndindex(*(len(axis.values) for axis in axes)):
        point = {axis.name: axis.values[i] for axis, i in zip(axes, index)}
        fixed = apply_overrides(scenario, [Override(name, value, value) for name, value in point.items()])
        points.append(SweepPoint(interval(fixed), point))
    return points


def swept_containers(axes: Sequence[Axis], container_id: str) -> tuple[str, ...]:
    """The container types a sweep covers: a categorical axis's, else the one given."""
    categorical = [axis for axis in axes if axis.categorical]
    return categorical[0].values if categorical else (container_id,)


def keep_swept(axes: Sequence[Axis], scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios that have every swept parameter (an optional field, such as
    ``crate.max_layers``, wherever its package is in the kit); InputError if none has."""
    numeric = [axis.name for axis in axes if not axis.categorical]
    scenarios = [replace(s, parameters={**s.parameters, **optional_parameters(s, numeric)}) for s in scenarios]
    kept = [s for s in scenarios if all(name in s.parameters for name in numeric)]
    if not kept:
        raise InputError(f"{OPTION} {', '.join(numeric)}: no selected munition and round definition has this parameter")
    return kept


def run_sweep(scenarios: Sequence[Scenario], axes: Sequence[Axis], on_progress: Callable[[int], None] | None = None,
              sampler: Sampler | None = None, draws: int = 0, rng: np.random.Generator | None = None,
              ) -> list[SweepPoint]:
    """Evaluate the grid for every scenario.

    With a ``sampler``, also the percentiles over ``draws`` draws at every point; a
    scenario's points share its draws, so curves do not jitter from point to point.
    ``on_progress`` is called with 1 after each of :func:`progress_steps` steps.
    """
    numeric = [axis for axis in axes if not axis.categorical]
    points = []
    for scenario in scenarios:
        grid = grid_points(scenario, numeric)
        if sampler is None:
            if on_progress is not None:
                on_progress(1)
        else:
            found = grid_percentiles(scenario, numeric, sampler(scenario, draws, scenario_rng(rng, scenario)),
                                     on_progress)
            flat = {key: array.reshape(len(PERCENTILES), -1) for key, array in found.items()}
            grid = [replace(p, percentiles={key: tuple(int(v) for v in array[:, i]) for key, array in flat.items()})
                    for i, p in enumerate(grid)]
        points += grid
    return points


def sweep_evaluations(scenarios: Sequence[Scenario], axes: Sequence[Axis], draws: int = 0) -> int:
    """Model evaluations a sweep makes: two corners, and the draws, at every point."""
    return (2 + draws) * _grid_size(axes) * len(scenarios)


def _grid_size(axes: Sequence[Axis]) -> int:
    return int(np.prod([len(axis.values) for axis in axes if not axis.categorical]))


def progress_steps(scenarios: Sequence[Scenario], axes: Sequence[Axis], draws: int = 0) -> int:
    """How many progress steps :func:`run_sweep` makes, or 0 for a sweep too short to
    need a progress bar."""
    if sweep_evaluations(scenarios, axes, draws) < LONG_SWEEP:
        return 0
    if not draws:
        return len(scenarios)
    shape = [len(axis.values) for axis in axes if not axis.categorical] or [1]
    return len(scenarios) * -(-shape[0] // _rows_per_chunk(draws, shape))


# --- drawn values: percentiles per point -------------------------------------------------

PERCENTILES = (5, 50, 95)
# Elements per evaluation chunk: draws x grid points, about 16 MB per float array.
CHUNK_ELEMENTS = 2 * 10**6


def grid_percentiles(scenario: Scenario, axes: Sequence[Axis], drawn: Mapping[str, np.ndarray],
                     on_progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Percentiles of the rounds per container and in total at every point of a grid.

    Parameters
    ----------
    scenario : Scenario
    axes : sequence of Axis
        One or two numeric axes; their values replace the drawn values of those parameters.
    drawn : mapping of name to 1-d array or single value
        Draws of every parameter, arrays all of one length. [SI]
    on_progress : callable, optional
        Called with 1 after each chunk of grid rows.

    Returns
    -------
    dict with keys "per_container" and "total"
        Integer arrays of shape (len(PERCENTILES), n_1, ..., n_k): the 5th, 50th and 95th
        percentiles over the draws, each a drawn value (numpy's ``inverted_cdf``).

    Notes
    -----
    The draws lie on axis 0 and the grid on the axes after it; the grid's first axis is
    cut into chunks of rows so that no array holds more than about ``CHUNK_ELEMENTS``.
    """
    draws = max(np.size(array) for array in drawn.values())
    if not axes:  # the container type alone: one point
        if on_progress is not None:
            on_progress(1)
        return _percentiles(on_grid(drawn, []), scenario, (draws,))
    shape = tuple(len(axis.values) for axis in axes)
    rows_per_chunk = _rows_per_chunk(draws, shape)
    result = {key: np.empty((len(PERCENTILES),) + shape, dtype=np.int64) for key in ("per_container", "total")}
    for start in range(0, shape[0], rows_per_chunk):
        rows = slice(start, min(start + rows_per_chunk, shape[0]))
        values = on_grid(drawn, [Axis(axes[0].name, axes[0].values[rows], axes[0].unit), *axes[1:]])
        for key, array in _percentiles(values, scenario, (draws, rows.stop - rows.start) + shape[1:]).items():
            result[key][:, rows] = array
        if on_progress is not None:
            on_progress(1)
    return result


def _percentiles(values: Mapping[str, np.ndarray], scenario: Scenario, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """PERCENTILES over axis 0 of the rounds per container and in total, draws by points."""
    rounds = evaluate(values, scenario, exact_space=False).rounds
    totals = fleet_total(values["fleet.containers"], values["fleet.share"], rounds)
    return {key: np.percentile(np.broadcast_to(array, shape), PERCENTILES, axis=0, method="inverted_cdf")
            for key, array in (("per_container", rounds), ("total", totals))}


def _rows_per_chunk(draws: int, shape: Sequence[int]) -> int:
    """Rows of the grid's first axis evaluated at once, about CHUNK_ELEMENTS elements."""
    return max(1, CHUNK_ELEMENTS // (draws * int(np.prod(shape[1:]))))
