"""Check public claims against the model.

A claim gives a number of containers and, for each alternative joined by "or", a number
of rounds of a munition (an id, a calibre such as ``122mm``, or ``any``). Each alternative
is checked against every matching munition and round definition: the rounds per container
it implies, the model's range in the claim's container type, the limit that binds, and a
verdict. A claim that states containers only gets the model's capacity for them instead.

Verdicts compare the claimed rounds with the model's total for the claimed containers:
``below`` when fewer than the low corner gives, ``above`` when more than the high corner
gives, ``within`` otherwise. The qualifier ("over", "about") is reported beside it: for an
"over" claim, ``below`` means the figure understates what the containers could carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.catalog import Alternative, Catalog, Claim
from estimator.model import Interval, interval
from estimator.parameters import Override, apply_overrides, build_scenario

BELOW, WITHIN, ABOVE = "below", "within", "above"


@dataclass(frozen=True)
class AlternativeCheck:
    """One alternative of a claim against one munition and round definition."""

    claim: Claim
    alternative: Alternative
    index: int
    interval: Interval

    @property
    def implied_per_container(self) -> float:
        return self.alternative.rounds / self.claim.containers

    @property
    def model_per_container(self) -> tuple[float, float]:
        """The model's rounds per container shipped (per container x fleet.share)."""
        low, high = self.interval.total
        return low / self.claim.containers, high / self.claim.containers

    @property
    def position(self) -> float:
        """Where the claim falls from the model's low (0) to its high (1); outside is <0 or >1."""
        low, high = self.interval.total
        if high == low:
            return 0.5 if self.alternative.rounds == low else float(self.alternative.rounds > low) * 2 - 0.5
        return (self.alternative.rounds - low) / (high - low)

    @property
    def verdict(self) -> str:
        low, high = self.interval.total
        if self.alternative.rounds < low:
            return BELOW
        if self.alternative.rounds > high:
            return ABOVE
        return WITHIN


@dataclass(frozen=True)
class ClaimReport:
    """Every check of one claim, or, for a claim without rounds, its capacity rows."""

    claim: Claim
    checks: tuple[AlternativeCheck, ...]
    capacity: tuple[Interval, ...]

    def fits(self, index: int) -> list[AlternativeCheck]:
        """The munitions and round definitions within whose range alternative ``index`` falls."""
        return [c for c in self.checks if c.index == index and c.verdict == WITHIN]


def scenarios_for(catalog: Catalog, selector: str, container: str, containers: int,
                  overrides: list[Override], round_filter: str = "all"):
    """Scenarios of every munition matching ``selector`` and every round definition kept."""
    for munition in catalog.select_munitions([selector]):
        for round_name in munition.rounds:
            if round_filter in ("all", round_name):
                scenario = build_scenario(catalog, container, munition.id, round_name, containers)
                yield apply_overrides(scenario, overrides)


def check_claim(catalog: Catalog, claim: Claim, overrides: list[Override],
                round_filter: str = "all") -> ClaimReport:
    """Check one claim; see the module docstring."""
    checks = tuple(
        AlternativeCheck(claim, alternative, index, interval(scenario))
        for index, alternative in enumerate(claim.alternatives)
        for scenario in scenarios_for(
            catalog, alternative.munition, claim.container, claim.containers, overrides, round_filter
        )
    )
    capacity = ()
    if not claim.alternatives:
        capacity = tuple(
            interval(s)
            for s in scenarios_for(catalog, "any", claim.container, claim.containers, overrides, round_filter)
        )
    return ClaimReport(claim, checks, capacity)


def check_claims(catalog: Catalog, overrides: list[Override], round_filter: str = "all") -> list[ClaimReport]:
    """Check every claim in the catalog, in file order."""
    return [check_claim(catalog, claim, overrides, round_filter) for claim in catalog.claims.values()]
