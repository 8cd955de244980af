"""Which assumptions drive the answer: Sobol indices (global) and a tornado table (local).

The quantity studied is the rounds per container shipped, ``fleet.share`` times the rounds
per container, for one scenario. Its *uncertain* parameters are those the count uses
(effect +1 or -1) whose low and high values differ; each is taken as uniform over its
range, independently of the others.

- **Global**: first-order and total Sobol indices from :func:`scipy.stats.sobol_indices`
  (Saltelli 2010 / Jansen estimators), with bootstrap confidence intervals. A first-order
  index is the share of the output's variance explained by one parameter alone, the total
  index adds its interactions with the others.
- **Local**: the tornado, the output with one parameter at its low and then at its high
  value, every other at the centre of its range.

References
----------
.. [1] Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
   Design and estimator for the total sensitivity index. Computer Physics
   Communications 181(2), 259-270. https://doi.org/10.1016/j.cpc.2009.09.018
.. [2] scipy.stats.sobol_indices, SciPy documentation.
   https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.sobol_indices.html
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from estimator.model import evaluate
from estimator.parameters import Scenario
from estimator.uncertainty import scenario_rng

CONFIDENCE_LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 999
DEFAULT_DRAWS = 2**10

Ranges = Mapping[str, tuple[float, float]]
Function = Callable[[dict[str, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Index:
    """One Sobol index and its bootstrap confidence interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Swing:
    """The output with one parameter at its low and at its high value, others central."""

    central: float
    at_low: float
    at_high: float

    @property
    def swing(self) -> float:
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True)
class ParameterSensitivity:
    """Everything known about one parameter's influence in one scenario."""

    name: str
    low: float  # [SI]
    high: float  # [SI]
    dimension: str
    first_order: Index
    total_order: Index
    tornado: Swing


@dataclass(frozen=True)
class ScenarioSensitivity:
    scenario: Scenario
    draws: int
    parameters: tuple[ParameterSensitivity, ...]  # largest tornado swing first


def check_draws(draws: int) -> None:
    """Sobol sampling needs a power of two of at least 2; raise InputError otherwise."""
    from estimator.errors import InputError

    if draws < 2 or draws & (draws - 1):
        below = 1 << max(1, draws.bit_length() - 1)
        raise InputError(
            f"--draws {draws}: Sobol sampling needs a power of two, such as {below} or {below * 2}"
        )


def sobol(function: Function, ranges: Ranges, draws: int, rng: np.random.Generator) -> dict[str, tuple[Index, Index]]:
    """First-order and total Sobol indices of ``function`` over uniform parameters.

    Parameters
    ----------
    function : callable
        Maps a dict of equal-length 1-d arrays keyed by parameter name to a 1-d array of
        outputs; it must be vectorised.
    ranges : mapping of name to (low, high)
        Each parameter is uniform on its range; every range must have low < high.
    draws : int
        Base sample size, a power of two; the function is evaluated on
        ``draws * (len(ranges) + 2)`` points.
    rng : numpy.random.Generator
        The only source of randomness (sampling and bootstrap).

    Returns
    -------
    dict of name to (first-order Index, total-order Index)
        The index is 0 and its interval NaN where the output does not vary at all.

    Notes
    -----
    scipy's ``sobol_indices(func=callable, dists=...)`` samples with ``rng``, but its
    ``SobolResult.bootstrap`` resamples from numpy's global random state, so the same
    seed gave different intervals. Here the sample is drawn as scipy draws it (a scrambled
    Sobol' sequence of 2d columns split into A and B, mapped through each distribution's
    ``ppf``), the indices come from ``sobol_indices`` given the evaluations, and the
    bootstrap from ``scipy.stats.bootstrap`` with the same ``rng``. The interval is the
    percentile one: BCa's jackknife leaves one sample out, and ``sobol_indices`` accepts
    only a power of two of them.
    """
    from scipy.stats import bootstrap, sobol_indices

    names = list(ranges)
    f_a, f_b, f_ab = _saltelli_evaluations(function, ranges, draws, rng)

    def indices(rows: np.ndarray) -> np.ndarray:
        result = sobol_indices(func={"f_A": f_a[:, rows], "f_B": f_b[:, rows], "f_AB": f_ab[..., rows]}, n=draws)
        return np.concatenate([np.ravel(result.first_order), np.ravel(result.total_order)])

    estimate = indices(np.arange(draws))
    # A parameter that never changes the output makes the bootstrap degenerate; its
    # interval is then NaN, reported as such rather than as a warning.
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spread = bootstrap((np.arange(draws),), indices, vectorized=False, n_resamples=BOOTSTRAP_RESAMPLES,
                           confidence_level=CONFIDENCE_LEVEL, method="percentile", rng=rng).confidence_interval
    d = len(names)
    return {
        name: (
            Index(float(estimate[i]), float(spread.low[i]), float(spread.high[i])),
            Index(float(estimate[d + i]), float(spread.low[d + i]), float(spread.high[d + i])),
        )
        for i, name in enumerate(names)
    }


def _saltelli_evaluations(function: Function, ranges: Ranges, draws: int, rng: np.random.Generator):
    """``f(A)``, ``f(B)`` and ``f(AB_i)`` for the Saltelli design, shapes (1, n), (1, n), (d, 1, n).

    A and B are the two halves of a scrambled Sobol' sample with 2d columns, each column
    mapped onto its uniform range; AB_i is A with column i taken from B [1]_.
    """
    from scipy.stats import qmc, uniform

    names = list(ranges)
    d = len(names)
    unit = qmc.Sobol(d=2 * d, rng=rng, bits=64).random(draws).T.reshape(2, d, draws)
    sample = np.stack([uniform(loc=low, scale=high - low).ppf(unit[:, i]) for i, (low, high) in enumerate(
        ranges.values())], axis=1)
    a, b = sample
    ab = np.repeat(a[np.newaxis], d, axis=0)
    ab[np.arange(d), np.arange(d)] = b
    stacked = np.concatenate([a, b, np.concatenate(list(ab), axis=1)], axis=1)
    output = np.asarray(function(dict(zip(names, stacked))), dtype=float)
    return output[np.newaxis, :draws], output[np.newaxis, draws:2 * draws], output[2 * draws:].reshape(d, 1, draws)


def tornado(function: Function, ranges: Ranges, central: Mapping[str, float]) -> dict[str, Swing]:
    """The output with each parameter alone at its low and its high end, in one call.

    Parameters
    ----------
    function : callable
        As for :func:`sobol`.
    ranges : mapping of name to (low, high)
        The parameters to swing.
    central : mapping of name to value
        The value of every parameter ``function`` needs when it is not being swung.

    Returns
    -------
    dict of name to Swing
    """
    names = list(ranges)
    rows = 1 + 2 * len(names)  # row 0 all central; rows 2i+1, 2i+2: parameter i low, high
    values = {name: np.full(rows, float(value)) for name, value in central.items()}
    for i, name in enumerate(names):
        values[name][2 * i + 1], values[name][2 * i + 2] = ranges[name]
    output = np.asarray(function(values), dtype=float)
    return {name: Swing(output[0], output[2 * i + 1], output[2 * i + 2]) for i, name in enumerate(names)}


# --- the model as such a function --------------------------------------------------------


def uncertain_ranges(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The parameters the count uses whose range is not a single value. [SI]"""
    return {
        name: (p.low, p.high)
        for name, p in scenario.parameters.items()
        if p.effect != 0 and p.low < p.high
    }


def central_values(scenario: Scenario) -> dict[str, float]:
    """Every parameter at the middle of its range (whole counts rounded up). [SI]"""
    centre = {name: (p.low + p.high) / 2 for name, p in scenario.parameters.items()}
    return {name: float(np.ceil(v)) if scenario.parameters[name].integer else v for name, v in centre.items()}


def shipped_rounds(scenario: Scenario, fixed: Mapping[str, float]) -> Function:
    """The function studied: rounds per container times ``fleet.share``.

    Parameters not passed to it take their ``fixed`` value.
    """

    def function(values: dict[str, np.ndarray]) -> np.ndarray:
        merged = {name: np.asarray(values.get(name, value), dtype=float) for name, value in fixed.items()}
        capacity = evaluate(merged, scenario, exact_space=False)
        return capacity.rounds * merged["fleet.share"]

    return function


def analyse(scenario: Scenario, draws: int, rng: np.random.Generator) -> ScenarioSensitivity:
    """Sobol indices and tornado of one scenario; parameters by largest swing first."""
    ranges = uncertain_ranges(scenario)
    central = central_values(scenario)
    function = shipped_rounds(scenario, central)
    indices = sobol(function, ranges, draws, scenario_rng(rng, scenario)) if ranges else {}
    swings = tornado(function, ranges, central)
    parameters = [
        ParameterSensitivity(name, low, high, scenario.parameters[name].dimension, *indices[name], swings[name])
        for name, (low, high) in ranges.items()
    ]
    parameters.sort(key=lambda p: -p.tornado.swing)
    return ScenarioSensitivity(scenario, draws, tuple(parameters))


def analyse_all(scenarios, draws: int, rng: np.random.Generator,
                on_progress: Callable[[int], None] | None = None) -> list[ScenarioSensitivity]:
    """:func:`analyse` every scenario in turn, each with its own stream of ``rng``'s seed
    (``uncertainty.scenario_rng``); ``on_progress(1)`` after each."""
    analyses = []
    for scenario in scenarios:
        analyses.append(analyse(scenario, draws, rng))
        if on_progress is not None:
            on_progress(1)
    return analyses
