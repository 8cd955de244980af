"""The inverse question: how many containers do R rounds need?

For one draw (or corner) of the assumptions a container holds ``per_container`` rounds of
which a share ``fleet.share`` ship, so R rounds need the least whole number of containers
``c`` with ``fleet_total(c, share, per_container) >= R``: the exact inverse of
:func:`estimator.model.fleet_total`, so ``need`` and ``estimate`` agree to the container.
The fewest containers come from the optimistic corner, the most from the pessimistic one;
percentiles come from the same seeded draws as ``estimate``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.intervals import Interval, interval, widened_by_draws
from estimator.model import fleet_total
from estimator.parameters import Scenario
from estimator.uncertainty import CHUNK, Simulation, Tally, simulate_with

# Containers "needed" where a container holds none of the rounds: no number suffices.
NEVER = np.iinfo(np.int64).max


def containers_needed(rounds: int, share, per_container) -> np.ndarray:
    """Least whole containers whose ``fleet_total`` reaches ``rounds``; NEVER if none does."""
    share = np.asarray(share, dtype=float)
    per_container = np.asarray(per_container, dtype=np.int64)
    capacity = share * per_container
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = np.ceil(rounds / np.where(capacity > 0, capacity, 1.0)).astype(np.int64)
    guess = np.maximum(guess, 1)
    # The floor inside fleet_total (and its rounding allowance) can move the answer by one.
    fewer = np.maximum(guess - 1, 1)
    guess = np.where(fleet_total(fewer, share, per_container) >= rounds, fewer, guess)
    guess = np.where(fleet_total(guess, share, per_container) >= rounds, guess, guess + 1)
    return np.where(capacity > 0, guess, NEVER)


@dataclass(frozen=True)
class Need:
    """Containers that ``rounds`` rounds of one scenario need: corners and draws."""

    rounds: int
    interval: Interval  # the scenario's per-container corners
    containers: tuple[int, int]  # fewest (optimistic corner), most (pessimistic corner)
    draws: Tally  # containers needed, per draw
    simulation: Simulation  # per container and binding, from the same draws (total: of 1 container)

    @property
    def scenario(self) -> Scenario:
        return self.interval.scenario


def need(scenario: Scenario, rounds: int, draws: int, rng: np.random.Generator, chunk: int = CHUNK) -> Need:
    """Containers that ``rounds`` rounds need, at the corners and over seeded draws."""
    corners = interval(scenario)
    share = scenario.parameters["fleet.share"]
    fewest, most = (
        int(containers_needed(rounds, share.corner(optimistic), per))
        for optimistic, per in ((True, corners.per_container[1]), (False, corners.per_container[0]))
    )
    simulation, needed = simulate_with(
        scenario, draws, rng, chunk,
        extra=lambda values, capacity: containers_needed(rounds, values["fleet.share"], capacity.rounds),
    )
    widened = widened_by_draws(corners, simulation.per_container, simulation.total)
    if widened is not corners:  # layouts: the containers needed widened to the draws' too
        fewest, most = min(fewest, int(needed.values[0])), max(most, int(needed.values[-1]))
    return Need(rounds, widened, (fewest, most), needed, simulation)
