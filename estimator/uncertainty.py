"""Monte Carlo over the sourced ranges: distributions, seeded sampling, exact percentiles.

Every ranged parameter has a distribution (``dist`` in the data files, uniform unless the
data says otherwise; see :data:`estimator.catalog.DISTRIBUTIONS`). A draw picks one value
of every parameter, and :func:`estimator.model.evaluate` turns thousands of draws into
rounds per container in one vectorised call per chunk. Randomness comes only from the
``numpy.random.Generator`` a caller passes in: the same seed gives the same output.

Uncertainty about the munition, its packaging and the container rating is *shared* by a
shipment: one draw describes every box, so ``total = floor(containers x share x per
container)``. A parameter marked ``per_container`` (in the data, or ``--per-container``)
instead differs from box to box: for each shipment draw its distribution is represented
by :data:`INNER` stratified quantile points, giving the mean ``m`` and standard deviation
``s`` of one box's count, and the total of N boxes is ``share x (N m + sqrt(N) s Z)``
with Z standard normal (the central limit theorem), kept between N times the fewest and
the most a box can hold. NOTES.md shows the difference with numbers.

Counts are integers, so each result is kept as a :class:`Tally` (distinct values and how
often each was drawn). Tallies of chunks merge exactly, and are merged as they come
(:class:`RunningTally`), so percentiles of 10^8 draws need memory for the distinct values
only, never for the draws or the chunks.

References
----------
.. [1] Vose, D. (2008). Risk Analysis: A Quantitative Guide, 3rd ed., ch. 9 (PERT).
.. [2] Kerman, J. (2011). A closed-form approximation for the median of the beta
   distribution. arXiv:1111.0433.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
import zlib

import numpy as np

from estimator.counts import floor_of_product
from estimator.intervals import Interval, interval, widened_by_draws
from estimator.model import MASS, SPACE, Capacity, evaluate, fleet_total
from estimator.parameters import Parameter, Scenario

DEFAULT_DRAWS = 100_000
DEFAULT_SEED = 20231102  # the Yonhap report's date; any fixed number would do
PERCENTILES = (5, 50, 95)
CHUNK = 1 << 15  # draws evaluated at once: small enough to stay in cache (fastest here), and bounds memory
# Chunk tallies kept before they are merged into one, so that the memory held does not
# grow with the number of draws (each tally is a few kB; 10^11 draws are 3 million chunks).
MERGE_EVERY = 64
HISTOGRAM_BINS = 16
# Stratified points per per-container parameter and shipment draw: the midpoint rule
# errs by at most 1/(2 INNER) of the count's spread over that parameter.
INNER = 32
# The standard normal quantile at 95 %: a 90 % interval spans +-Z90 standard deviations.
Z90 = 1.6448536269514722


# --- distributions -------------------------------------------------------------------


def sample_parameter(parameter: Parameter, n: int, rng: np.random.Generator):
    """``n`` draws of one parameter in SI units; a point value is returned as a scalar.

    Integer parameters (items per package) give whole numbers.
    """
    low, high = parameter.low, parameter.high
    if low == high:
        return np.float64(low)
    if parameter.integer and parameter.dist == "uniform":
        # 32-bit integers draw faster than 64-bit ones; counts per package are small.
        return rng.integers(int(low), int(high) + 1, size=n, dtype=np.int32).astype(float)
    draws = _continuous(parameter, n, rng)
    return np.clip(np.rint(draws), low, high) if parameter.integer else draws


def _continuous(parameter: Parameter, n: int, rng: np.random.Generator) -> np.ndarray:
    low, high, mode = parameter.low, parameter.high, parameter.mode
    if parameter.dist == "uniform":
        return rng.uniform(low, high, size=n)
    if parameter.dist == "triangular":
        return rng.triangular(low, mode, high, size=n)
    if parameter.dist == "pert":
        alpha, beta = _pert_shape(low, mode, high)
        return low + (high - low) * rng.beta(alpha, beta, size=n)
    if parameter.dist == "lognormal90":
        mu, sigma = _lognormal90_shape(low, high)
        return np.clip(np.exp(mu + sigma * _truncated_normal(n, Z90, rng)), low, high)
    raise ValueError(f"unknown distribution {parameter.dist!r}")  # catalog validation prevents this


def _pert_shape(low: float, mode: float, high: float) -> tuple[float, float]:
    """Beta shape parameters of the PERT distribution (weight 4 on the mode) [1]_."""
    return 1 + 4 * (mode - low) / (high - low), 1 + 4 * (high - mode) / (high - low)


def _lognormal90_shape(low: float, high: float) -> tuple[float, float]:
    """Log-mean and log-sd of the lognormal whose 5th and 95th percentiles are low and high."""
    return (np.log(low) + np.log(high)) / 2, (np.log(high) - np.log(low)) / (2 * Z90)


def _truncated_normal(n: int, bound: float, rng: np.random.Generator) -> np.ndarray:
    """Standard normal draws kept within +-bound, by rejection.

    A lognormal given by its 90 % interval is truncated to it: the interval stays the
    physical bound of the sourced values, so a draw never falls outside the corners.
    """
    out = np.empty(n)
    filled = 0
    while filled < n:
        z = rng.standard_normal(n - filled)
        z = z[np.abs(z) <= bound]
        out[filled:filled + z.size] = z
        filled += z.size
    return out


def parameter_median(parameter: Parameter) -> float:
    """The median of a parameter's distribution in SI units (whole for integers).

    PERT uses the closed-form approximation of the beta median [2]_ (within 1 %).
    """
    low, high, mode = parameter.low, parameter.high, parameter.mode
    if low == high or parameter.dist == "uniform":
        median = (low + high) / 2
    elif parameter.dist == "triangular":
        if mode >= (low + high) / 2:
            median = low + np.sqrt((high - low) * (mode - low) / 2)
        else:
            median = high - np.sqrt((high - low) * (high - mode) / 2)
    elif parameter.dist == "pert":
        alpha, beta = _pert_shape(low, mode, high)
        median = low + (high - low) * (alpha - 1 / 3) / (alpha + beta - 2 / 3)
    else:  # lognormal90, truncated symmetrically in log space
        median = np.sqrt(low * high)
    return float(np.clip(np.rint(median), low, high)) if parameter.integer else float(median)


def quantile_points(parameter: Parameter, k: int, rng: np.random.Generator) -> np.ndarray:
    """The parameter's values at the ``k`` probability midpoints ``(j + 1/2) / k`` [SI].

    PERT has no closed-form quantile without scipy; its points are quantiles of 2^16 draws.
    """
    u = (np.arange(k) + 0.5) / k
    low, high, mode = parameter.low, parameter.high, parameter.mode
    if parameter.integer and parameter.dist == "uniform":
        return np.floor(low + u * (high - low + 1))
    if parameter.dist == "uniform":
        points = low + u * (high - low)
    elif parameter.dist == "triangular":
        split = (mode - low) / (high - low)
        points = np.where(u < split, low + np.sqrt(u * (high - low) * (mode - low)),
                          high - np.sqrt((1 - u) * (high - low) * (high - mode)))
    elif parameter.dist == "lognormal90":
        mu, sigma = _lognormal90_shape(low, high)
        points = np.exp(mu + sigma * np.array([NormalDist().inv_cdf(0.05 + 0.9 * p) for p in u]))
    else:
        points = np.quantile(_continuous(parameter, 1 << 16, rng), u)
    points = np.clip(points, low, high)
    return np.rint(points) if parameter.integer else points


def sample_values(scenario: Scenario, n: int, rng: np.random.Generator) -> dict:
    """``n`` draws of every parameter, keyed by name, in a fixed (sorted) order of names.

    Reported-only parameters (effect 0: door, tare) do not change the count; they stay at
    their median instead of spending draws.
    """
    return {
        name: sample_parameter(p, n, rng) if p.effect else np.float64(parameter_median(p))
        for name, p in sorted(scenario.parameters.items())
    }


# --- exact summaries of integer draws -----------------------------------------------


@dataclass(frozen=True)
class Tally:
    """A distribution of whole numbers: distinct values (ascending) and their counts."""

    values: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, draws) -> Tally:
        """Tally whole-number draws: by counting when their span is small, else by sorting."""
        draws = np.asarray(draws, dtype=np.int64).ravel()
        if draws.size == 0:
            return cls(np.empty(0, np.int64), np.empty(0, np.int64))
        low, high = int(draws.min()), int(draws.max())
        if high - low <= 4 * draws.size + 1024:  # a count array no bigger than a few copies of the draws
            counts = np.bincount(draws - low)
            seen = np.flatnonzero(counts)
            return cls(seen + low, counts[seen].astype(np.int64))
        values, counts = np.unique(draws, return_counts=True)
        return cls(values, counts.astype(np.int64))

    @classmethod
    def merge(cls, tallies) -> Tally:
        """One tally of all the draws of ``tallies``: exact, whatever the chunking."""
        values = np.concatenate([t.values for t in tallies])
        counts = np.concatenate([t.counts for t in tallies])
        merged, inverse = np.unique(values, return_inverse=True)
        return cls(merged, np.bincount(inverse, weights=counts, minlength=merged.size).astype(np.int64))

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def quantile(self, q: float) -> int:
        """The smallest value with at least a share ``q`` of draws at or below it.

        The same as ``numpy.quantile(draws, q, method="inverted_cdf")``: always a drawn
        value, never an interpolation between two humps of a multimodal result.
        """
        cumulative = np.cumsum(self.counts)
        index = np.searchsorted(cumulative, q * self.n, side="left")
        return int(self.values[min(index, self.values.size - 1)])

    def percentile_of(self, x: float) -> float:
        """Share of draws below ``x``, counting draws equal to it as half (mid-rank)."""
        below = self.counts[self.values < x].sum()
        equal = self.counts[self.values == x].sum()
        return float((below + equal / 2) / self.n)

    def mean(self) -> float:
        return float(np.dot(self.values.astype(float), self.counts) / self.n)

    def histogram(self, low: int, high: int, bins: int = HISTOGRAM_BINS) -> tuple[list[int], list[int]]:
        """Counts in at most ``bins`` equal whole-number bins from ``low`` to ``high``.

        Returns edges (``len(counts) + 1``; a bin holds ``edges[i] <= x < edges[i+1]``)
        and counts.
        """
        width = max(1, -(-(high - low + 1) // bins))
        edges = np.arange(low, high + width + 1, width)
        counts, _ = np.histogram(self.values, edges, weights=self.counts)
        return [int(e) for e in edges], [int(c) for c in counts]


# --- simulation ---------------------------------------------------------------------


class RunningTally:
    """The tally of draws added chunk by chunk, merged every :data:`MERGE_EVERY` chunks:
    exact (:meth:`Tally.merge`), in memory that does not grow with the number of chunks."""

    def __init__(self):
        self._tallies: list[Tally] = []

    def add(self, draws) -> None:
        self._tallies.append(Tally.of(draws))
        if len(self._tallies) >= MERGE_EVERY:
            self._tallies = [Tally.merge(self._tallies)]

    def tally(self) -> Tally:
        return Tally.merge(self._tallies)


@dataclass(frozen=True)
class Simulation:
    """Seeded Monte Carlo of one scenario: rounds per container and in total."""

    per_container: Tally
    total: Tally
    mass_share: float  # share of draws bound by mass (ties count as mass)

    @property
    def binding_share(self) -> dict[str, float]:
        return {MASS: self.mass_share, SPACE: 1.0 - self.mass_share}


def chunk_sizes(draws: int, chunk: int = CHUNK) -> list[int]:
    """Split ``draws`` into chunks of at most ``chunk``."""
    full, rest = divmod(draws, chunk)
    return [chunk] * full + ([rest] if rest else [])


def draw_chunks(scenario: Scenario, draws: int, rng: np.random.Generator, chunk: int = CHUNK):
    """Yield ``(values, capacity)`` for ``draws`` seeded draws, at most ``chunk`` at a time.

    Every array in a chunk has the chunk's length (point values are broadcast). Only
    ``rounds`` and ``mass_binds`` are read, so with layouts the crates by space are laid
    out only where space could bind (``model.evaluate``'s ``exact_space``).
    """
    for size in chunk_sizes(draws, chunk):
        values = sample_values(scenario, size, rng)
        capacity = evaluate(values, scenario, exact_space=False)
        yield values, Capacity(*(np.broadcast_to(a, (size,)) for a in (
            capacity.rounds, capacity.rounds_by_mass, capacity.rounds_by_space)), capacity.crates_by_space)


def varies_per_container(scenario: Scenario) -> list[str]:
    """Names of the ranged parameters that change the count and differ from box to box."""
    return sorted(
        name for name, p in scenario.parameters.items() if p.per_container and p.effect and p.low != p.high
    )


def per_container_totals(scenario: Scenario, values: dict, size: int, rng: np.random.Generator) -> np.ndarray:
    """Totals of shipments whose boxes differ in the per-container parameters.

    ``values`` holds one draw per shipment (the per-container parameters' own draws are
    replaced). For each shipment the count of one box is evaluated at INNER stratified
    points of the per-container parameters (paired at random between parameters, Latin
    hypercube style); their mean and spread give the total by the central limit theorem.
    """
    inner = {name: np.broadcast_to(v, (size,))[np.newaxis, :] for name, v in values.items()}
    for index, name in enumerate(varies_per_container(scenario)):
        points = quantile_points(scenario.parameters[name], INNER, rng)
        strata = np.arange(INNER)[:, np.newaxis]
        if index:  # pair each parameter's strata at random with the first one's
            strata = rng.permuted(np.broadcast_to(strata, (INNER, size)), axis=0)
        inner[name] = points[strata]
    rounds = np.broadcast_to(evaluate(inner, scenario, exact_space=False).rounds, (INNER, size))
    containers = np.broadcast_to(values["fleet.containers"], (size,))
    share = np.broadcast_to(values["fleet.share"], (size,))
    exact = share * (containers * rounds.mean(axis=0)
                     + np.sqrt(containers) * rounds.std(axis=0) * rng.standard_normal(size))
    fewest, most = (share * containers * bound for bound in (rounds.min(axis=0), rounds.max(axis=0)))
    return floor_of_product(np.clip(exact, fewest, most)).astype(np.int64)


def simulate(scenario: Scenario, draws: int, rng: np.random.Generator, chunk: int = CHUNK) -> Simulation:
    """``draws`` seeded draws of a scenario, evaluated in chunks of at most ``chunk``, from
    the scenario's own stream of ``rng``'s seed (:func:`scenario_rng`)."""
    return simulate_with(scenario, draws, rng, chunk)[0]


def simulate_with(scenario: Scenario, draws: int, rng: np.random.Generator, chunk: int = CHUNK, extra=None):
    """:func:`simulate`, and a tally of ``extra(values, capacity)`` over the same draws.

    Returns ``(Simulation, Tally or None)``; ``extra`` maps a chunk to whole numbers per draw.
    """
    rng = scenario_rng(rng, scenario)
    per_container, totals, extras, mass_bound = RunningTally(), RunningTally(), RunningTally(), 0
    for values, capacity in draw_chunks(scenario, draws, rng, chunk):
        per_container.add(capacity.rounds)
        if varies_per_container(scenario):
            totals.add(per_container_totals(scenario, values, capacity.rounds.size, rng))
        else:
            totals.add(fleet_total(values["fleet.containers"], values["fleet.share"], capacity.rounds))
        mass_bound += int(capacity.mass_binds.sum())
        if extra is not None:
            extras.add(extra(values, capacity))
    simulation = Simulation(per_container.tally(), totals.tally(), mass_bound / draws)
    return simulation, extras.tally() if extra is not None else None


def summary(tally: Tally) -> dict:
    """``p5``, ``p50``, ``p95`` and ``mean`` of a tally (mean to 0.1)."""
    record = {f"p{q}": tally.quantile(q / 100) for q in PERCENTILES}
    record["mean"] = round(tally.mean(), 1)
    return record


@dataclass(frozen=True)
class Estimate:
    """A scenario's interval corners beside its seeded Monte Carlo."""

    interval: Interval
    simulation: Simulation

    @property
    def scenario(self) -> Scenario:
        return self.interval.scenario


def scenario_rng(rng: np.random.Generator, scenario: Scenario) -> np.random.Generator:
    """A generator of the scenario's own: a stream of ``rng``'s seed keyed by the
    scenario's munition, round and container, so that its draws are the same whichever
    scenarios run beside it or before it (``estimate`` of every munition, or of the one,
    gives it the same percentiles). ``rng`` itself is not advanced.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> one = S(munition="152mm-shell", round="complete", container="20ft")
    >>> first = scenario_rng(np.random.default_rng(1), one).random()
    >>> parent = np.random.default_rng(1); _ = parent.random(5)
    >>> first == scenario_rng(parent, one).random()
    True
    """
    seeds = rng.bit_generator.seed_seq
    key = zlib.crc32(f"{scenario.munition}/{scenario.round}/{scenario.container}".encode())
    return np.random.default_rng(np.random.SeedSequence(seeds.entropy, spawn_key=(*seeds.spawn_key, key)))


def estimate(scenario: Scenario, draws: int, rng: np.random.Generator) -> Estimate:
    """Interval corners and ``draws`` seeded draws of one scenario (layout corners widened
    to the draws: :func:`intervals.widened_by_draws`)."""
    corners, simulation = interval(scenario), simulate(scenario, draws, rng)
    return Estimate(widened_by_draws(corners, simulation.per_container, simulation.total), simulation)
