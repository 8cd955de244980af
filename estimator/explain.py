"""What would it take: the value of one parameter that would make a claim the model's answer.

For a claim outside the model's 5-95 % band, each parameter is taken in turn, every other
parameter is held at the median of its distribution, and the root finder looks for the
value at which the model's total reaches the claim (at least the claimed rounds when the
claim is above the model, at most when below). The count is monotone in every parameter
(tests/test_model_properties.py), so a bracket found by stepping away from the median in
the parameter's direction of effect holds exactly one crossing, and
``scipy.optimize.brentq`` finds it. The answer is reported with whether it lies inside
the parameter's sourced range: a claim that needs a value outside every source is a
claim the sources do not support on that parameter alone.

scipy is imported inside :func:`solve_parameter` only, so ``check`` without ``--explain``
never loads it.

References
----------
.. [1] Brent, R. P. (1973). Algorithms for Minimization without Derivatives, ch. 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.model import evaluate, fleet_total
from estimator.parameters import Parameter, Scenario
from estimator.uncertainty import parameter_median

# Parameters the solver leaves alone: the claim fixes the number of containers.
FIXED = ("fleet.containers",)
# How far a bracket may reach from the median: 2**30 times up, or down to 2**-30 of it
# (beyond that the model's counts would leave the range it counts exactly).
MAX_DOUBLINGS = 30
# Relative tolerance of the root; the reported value is then moved onto the side that meets.
RTOL = 1e-7


@dataclass(frozen=True)
class Requirement:
    """The value of one parameter (SI) that would make the model give the claim."""

    parameter: Parameter
    median: float  # the parameter's median, where the search starts [SI]
    value: float | None  # None: no value of this parameter alone reaches the claim
    total: int | None = None  # the model's total at ``value``: far from the claim where the count jumps past it

    @property
    def within_range(self) -> bool:
        """Whether the value lies inside the parameter's sourced range."""
        return self.value is not None and self.parameter.low <= self.value <= self.parameter.high


@dataclass(frozen=True)
class Explanation:
    """What each parameter would need to be for the model's central answer to be the claim."""

    claimed_total: int
    median_total: int  # the model's total with every parameter at its median
    requirements: tuple[Requirement, ...]


def median_values(scenario: Scenario) -> dict[str, np.float64]:
    """Every parameter at the median of its distribution, keyed by name [SI]."""
    return {name: np.float64(parameter_median(p)) for name, p in scenario.parameters.items()}


def total_at(scenario: Scenario, values: dict) -> int:
    """The model's total (rounds in all the containers) at one point."""
    rounds = evaluate(values, scenario, exact_space=False).rounds
    return int(fleet_total(values["fleet.containers"], values["fleet.share"], rounds))


def meets(total, claimed: int, more: bool):
    """Whether a total meets the claim: at least it when more rounds are needed, else at most."""
    return total >= claimed if more else total <= claimed


def solve_parameter(scenario: Scenario, base: dict, name: str, claimed: int, more: bool) -> float | None:
    """The least change of parameter ``name`` from ``base`` that makes the total meet the claim.

    Parameters
    ----------
    scenario : Scenario
    base : dict
        Every parameter's value [SI]; ``name`` is varied from ``base[name]``.
    name : str
        The parameter to solve for.
    claimed : int
        The claimed total rounds.
    more : bool
        True when the claim is above the model at ``base`` (the total must rise).

    Returns
    -------
    float or None
        The value [SI], whole for integer parameters; None when no value within the
        search limits (or the parameter's physical limit, 1 for a share) reaches it.
    """
    from scipy.optimize import brentq

    parameter = scenario.parameters[name]
    start = float(base[name])
    upward = (parameter.effect > 0) == more

    def meets_at(value: float) -> bool:
        return meets(total_at(scenario, {**base, name: np.float64(value)}), claimed, more)

    def gap(value: float) -> float:
        """Positive where the claim is met, negative where not; never zero."""
        total = total_at(scenario, {**base, name: np.float64(value)})
        return (total - claimed + 0.5) if more else (claimed + 0.5 - total)

    far = _bracket_end(scenario, base, name, claimed, more, upward)
    if far is None:
        return None
    root = brentq(gap, min(start, far), max(start, far), xtol=RTOL * abs(start), rtol=RTOL)
    value = _onto_meeting_side(root, far, meets_at)
    if parameter.integer:
        value = float(np.ceil(value - 1e-9) if upward else np.floor(value + 1e-9))
    return value if meets_at(value) else None


def _bracket_end(scenario: Scenario, base: dict, name: str, claimed: int, more: bool, upward: bool) -> float | None:
    """The nearest of the steps by factors of two from the median that meets the claim.

    All steps are evaluated in one vectorised call. They stop at the parameter's
    physical limit: 1 for a share (a pure number that is not a count), 1 item per
    package for a count. None when no step meets the claim.
    """
    parameter = scenario.parameters[name]
    share = parameter.dimension == "dimensionless" and not parameter.integer
    steps = float(base[name]) * 2.0 ** (np.arange(1, MAX_DOUBLINGS + 1) * (1 if upward else -1))
    if upward and share:
        steps = np.minimum(steps, 1.0)
    if not upward and parameter.integer:
        steps = np.maximum(steps, 1.0)
    values = {**base, name: steps}
    rounds = evaluate(values, scenario, exact_space=False).rounds
    totals = fleet_total(values["fleet.containers"], values["fleet.share"], rounds)
    meeting = np.flatnonzero(meets(totals, claimed, more))
    return float(steps[meeting[0]]) if meeting.size else None


def _onto_meeting_side(root: float, far: float, meets_at) -> float:
    """Nudge the root toward ``far`` until the claim is met (brentq stops within RTOL)."""
    step = abs(root) * RTOL * 4 or RTOL
    direction = 1.0 if far > root else -1.0
    value = root
    while not meets_at(value):
        value += direction * step
        step *= 2
    return value


def what_would_it_take(scenario: Scenario, claimed: int) -> Explanation:
    """For each parameter that affects the count, the value that makes the claim the answer."""
    base = median_values(scenario)
    median_total = total_at(scenario, base)
    more = claimed > median_total
    requirements = tuple(
        _requirement(scenario, base, name, claimed, more)
        for name, p in scenario.parameters.items()
        if p.effect != 0 and name not in FIXED and claimed != median_total
    )
    return Explanation(claimed, median_total, requirements)


def _requirement(scenario: Scenario, base: dict, name: str, claimed: int, more: bool) -> Requirement:
    """The value parameter ``name`` alone would need, with the model's total there (a door
    just too small for the crate drops the count from full to 0 at once: the total shows it)."""
    value = solve_parameter(scenario, base, name, claimed, more)
    total = None if value is None else total_at(scenario, {**base, name: np.float64(value)})
    return Requirement(scenario.parameters[name], float(base[name]), value, total)


def explain_reports(reports) -> dict[tuple, Explanation]:
    """What it would take, for every check whose claim lies outside the model's central
    band and is not met as it stands: a figure qualified "over" (or "more than") below
    the band is a lower bound the model already exceeds, so nothing would need to change.

    Keyed by :attr:`estimator.claims.AlternativeCheck.key`.
    """
    from estimator.claims import WITHIN

    return {
        check.key: what_would_it_take(check.interval.scenario, check.alternative.rounds)
        for report in reports
        for check in report.checks
        if check.verdict != WITHIN and not check.exceeded_lower_bound
    }
