"""Check public claims against the model.

A claim gives a number of containers and, for each alternative joined by "or", a number
of rounds of a munition (an id, a calibre such as ``122mm``, or ``any``). Each alternative
is checked against every matching munition and round definition: the rounds per container
it implies, the model's range in the claim's container type, the limit that binds, and a
verdict. A claim that states containers only gets the model's capacity for them instead.

Verdicts compare the claimed rounds with the model's total for the claimed containers.
The claim's *percentile* is the share of seeded Monte Carlo draws that give fewer rounds
(draws equal to it count half). The verdict is ``beyond`` when the claim exceeds the high
corner (more than any combination of the sourced values allows: the physical bound),
``below`` when its percentile is under 5, ``above`` when over 95, ``within`` otherwise.
A percentile is a share of draws, stable from seed to seed to within its binomial
standard error (0.07 points at 5 % with 100,000 draws), unlike a quantile of a
multimodal result, which can jump between humps; so no verdict rests on p5 or p95.
``corner_verdict`` keeps the plain comparison with the corners (below, within, above).
The qualifier ("over", "about") is reported beside it: for an "over" claim, ``below``
means the figure understates what the containers could carry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.catalog import Alternative, Catalog, Claim
from estimator.intervals import Interval
from estimator.parameters import Override, apply_overrides, build_scenario, vary_per_container
from estimator.uncertainty import Estimate, Simulation, estimate

BELOW, WITHIN, ABOVE, BEYOND = "below", "within", "above", "beyond"
# The model's central band, in percent: a claim outside it is unlikely on these assumptions.
BAND = (5, 95)
# Qualifiers that make a figure a lower bound: the model carrying more does not contradict it.
LOWER_BOUNDS = ("over", "more than")


@dataclass(frozen=True)
class AlternativeCheck:
    """One alternative of a claim against one munition and round definition."""

    claim: Claim
    alternative: Alternative
    index: int
    interval: Interval
    simulation: Simulation

    @property
    def key(self) -> tuple[str, int, str, str]:
        """Claim id, alternative index, munition and round definition: unique within a check run."""
        return self.claim.id, self.index, self.interval.scenario.munition, self.interval.scenario.round

    @property
    def implied_per_container(self) -> float:
        return self.alternative.rounds / self.claim.containers

    @property
    def position(self) -> float:
        """Where the claim falls from the model's low (0) to its high (1); outside is <0 or >1."""
        low, high = self.interval.total
        if high == low:
            return 0.5 if self.alternative.rounds == low else float(self.alternative.rounds > low) * 2 - 0.5
        return (self.alternative.rounds - low) / (high - low)

    @property
    def corner_verdict(self) -> str:
        """Below, within or above the interval corners of the model's total."""
        low, high = self.interval.total
        if self.alternative.rounds < low:
            return BELOW
        if self.alternative.rounds > high:
            return ABOVE
        return WITHIN

    @property
    def percentile(self) -> float:
        """Percent of draws whose total is below the claim (draws equal to it count half)."""
        return 100 * self.simulation.total.percentile_of(self.alternative.rounds)

    @property
    def verdict(self) -> str:
        """below, within or above the model's 5-95 % band, or beyond the high corner."""
        if self.alternative.rounds > self.interval.total[1]:
            return BEYOND
        return band_verdict(self.percentile)

    @property
    def exceeded_lower_bound(self) -> bool:
        """Whether the figure is a lower bound (qualified "over" or "more than") that the
        model exceeds (``below``): the claim then holds, understating what the containers
        could carry."""
        return self.verdict == BELOW and self.alternative.qualifier in LOWER_BOUNDS


@dataclass(frozen=True)
class ClaimReport:
    """Every check of one claim, or, for a claim without rounds, its capacity rows."""

    claim: Claim
    checks: tuple[AlternativeCheck, ...]
    capacity: tuple[Estimate, ...]
    # (alternative index, munition id) the claim names but ``--round`` leaves out: the
    # munition has no such round definition (the Grad has no "projectile").
    left_out: tuple[tuple[int, str], ...] = ()

    def fits(self, index: int) -> list[AlternativeCheck]:
        """The munitions and round definitions within whose central band alternative ``index`` falls."""
        return [c for c in self.checks if c.index == index and c.verdict == WITHIN]

    def possible(self, index: int) -> list[AlternativeCheck]:
        """Where alternative ``index`` is possible only near the optimistic corner (``above``)."""
        return [c for c in self.checks if c.index == index and c.verdict == ABOVE]


def band_verdict(percentile: float) -> str:
    """below, within or above the model's central band, from the claim's percentile."""
    if percentile < BAND[0]:
        return BELOW
    if percentile > BAND[1]:
        return ABOVE
    return WITHIN


def scenarios_for(catalog: Catalog, selector: str, container: str, containers: int,
                  overrides: list[Override], round_filter: str = "all", per_container=()):
    """Scenarios of every munition matching ``selector`` and every round definition kept.

    ``per_container`` names parameters that differ from box to box (``--per-container``).
    """
    for munition in catalog.select_munitions([selector]):
        for round_name in munition.rounds:
            if round_filter in ("all", round_name):
                scenario = build_scenario(catalog, container, munition.id, round_name, containers)
                yield vary_per_container(apply_overrides(scenario, overrides), per_container, catalog)


def munitions_claimed(catalog: Catalog, round_filter: str = "all") -> list:
    """Every munition some claim of the catalog is checked against (a claim without
    figures, against all) that has a round definition ``round_filter`` keeps."""
    selectors = {alternative.munition for claim in catalog.claims.values() for alternative in claim.alternatives}
    if any(not claim.alternatives for claim in catalog.claims.values()):
        selectors.add("any")
    chosen = {munition.id for munition in catalog.select_munitions(sorted(selectors))} if selectors else set()
    return [munition for munition in catalog.munitions.values()
            if munition.id in chosen and round_filter in ("all", *munition.rounds)]


def check_claim(catalog: Catalog, claim: Claim, overrides: list[Override], draws: int,
                rng: np.random.Generator, round_filter: str = "all", per_container=()) -> ClaimReport:
    """Check one claim with ``draws`` seeded draws per scenario; see the module docstring."""
    checks = []
    for index, alternative in enumerate(claim.alternatives):
        for scenario in scenarios_for(
            catalog, alternative.munition, claim.container, claim.containers, overrides, round_filter,
            per_container,
        ):
            result = estimate(scenario, draws, rng)
            checks.append(AlternativeCheck(claim, alternative, index, result.interval, result.simulation))
    left_out = tuple(
        (index, munition.id)
        for index, alternative in enumerate(claim.alternatives)
        for munition in catalog.select_munitions([alternative.munition])
        if round_filter not in ("all", *munition.rounds)
    )
    capacity = ()
    if not claim.alternatives:
        capacity = tuple(
            estimate(s, draws, rng)
            for s in scenarios_for(
                catalog, "any", claim.container, claim.containers, overrides, round_filter, per_container
            )
        )
    return ClaimReport(claim, tuple(checks), capacity, left_out)


def check_claims(catalog: Catalog, overrides: list[Override], draws: int, rng: np.random.Generator,
                 round_filter: str = "all", per_container=()) -> list[ClaimReport]:
    """Check every claim in the catalog, in file order, drawing from one generator."""
    return [
        check_claim(catalog, claim, overrides, draws, rng, round_filter, per_container)
        for claim in catalog.claims.values()
    ]
