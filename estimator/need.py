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

from estimator.counts import MAX_COUNT, largest_meeting
from estimator.errors import InputError
from estimator.intervals import Interval, interval, widened_by_draws
from estimator.model import fleet_total
from estimator.parameters import Scenario
from estimator.uncertainty import CHUNK, Simulation, Tally, simulate_with

# Containers "needed" where a container holds none of the rounds: no number suffices.
NEVER = np.iinfo(np.int64).max


def containers_needed(rounds: int, share, per_container) -> np.ndarray:
    """Least whole containers whose ``fleet_total`` reaches ``rounds``; NEVER if none does.

    Parameters
    ----------
    rounds : int
        Rounds to ship, at most ``estimator.catalog.MAX_ROUNDS``. [1]
    share : array_like
        Share of each container that carries the munition (``fleet.share``), above 0. [1]
    per_container : array_like
        Rounds one container holds. [1]

    Returns
    -------
    numpy.ndarray
        int64 containers, elementwise; NEVER where a container holds none of the rounds.

    Raises
    ------
    InputError
        Some element needs more than :data:`estimator.counts.MAX_COUNT` containers (a
        tiny ``fleet.share``): more than the model counts exactly.

    Notes
    -----
    ``fleet_total`` floors ``share * (c * per_container)`` exactly for the share's
    decimal (``counts.floor_of_share_times``); the quotient ``rounds / (share *
    per_container)`` is rounded differently, so it is only a first guess, and the answer
    is found by bisection on ``fleet_total`` itself between bounds around it, so that
    ``need`` and ``estimate`` agree to the container at every size.

    Examples
    --------
    >>> containers_needed(1000, 0.5, np.array([250, 0])).tolist()[0]
    8
    """
    share, per_container = np.broadcast_arrays(np.asarray(share, dtype=float),
                                               np.asarray(per_container, dtype=np.int64))
    holds = share * per_container > 0
    # Where a container holds none, search as for one round per container, then say NEVER.
    share, per_container = np.where(holds, share, 1.0), np.where(holds, per_container, 1)
    with np.errstate(over="ignore", divide="ignore"):  # inf where share * per_container underflows
        guess = rounds / (share * per_container)
    _refuse_beyond_exact(rounds, guess, share, per_container)
    # The bounds bracket the answer: one container more than the quotient carries a whole
    # container's rounds more than float rounding (relative 1e-16) can take away, and 1e-9
    # fewer lose far more than fleet_total's allowance (two ulps) adds; where the guess is
    # clipped to MAX_COUNT, _refuse_beyond_exact has found that MAX_COUNT containers suffice.
    high = np.minimum(np.ceil(guess) + 1, MAX_COUNT).astype(np.int64)
    low = np.maximum(np.floor(guess * (1 - 1e-9)) - 1, 0).astype(np.int64)
    most_short = largest_meeting(lambda c: fleet_total(c, share, per_container) < rounds, low, high)
    return np.where(holds, most_short + 1, NEVER)


def _refuse_beyond_exact(rounds: int, guess: np.ndarray, share: np.ndarray, per_container: np.ndarray) -> None:
    """Raise InputError where even MAX_COUNT containers carry fewer than ``rounds``.

    Only elements whose ``guess`` is above MAX_COUNT / 2 are tested with ``fleet_total``:
    there ``share * per_container`` is below ``2 rounds / MAX_COUNT`` (under 1), so
    MAX_COUNT containers carry under 2 x 10^15 rounds and the count itself stays exact.
    """
    candidates = guess > MAX_COUNT / 2
    if not np.any(candidates):
        return
    carried = fleet_total(MAX_COUNT, np.where(candidates, share, 0.0), per_container)
    beyond = candidates & (carried < rounds)
    if np.any(beyond):
        worst = int(np.argmax(np.where(beyond, guess, -np.inf)))
        per = int(per_container.flat[worst])
        about = f"about {guess.flat[worst]:.3g}" if np.isfinite(guess.flat[worst]) else "more than 1e308"
        raise InputError(
            f"{rounds:,} rounds at fleet.share {share.flat[worst]:.3g} and {per:,} rounds per "
            f"container need {about} containers, more than the "
            f"{MAX_COUNT:.3g} the model counts exactly; expected a fleet.share of at least "
            f"{rounds / (MAX_COUNT * per):.3g} or fewer --rounds"
        )


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
    try:
        # The pessimistic corner first: a refusal there names the share every draw can be counted at.
        most, fewest = (
            int(containers_needed(rounds, share.corner(optimistic), per))
            for optimistic, per in ((False, corners.per_container[0]), (True, corners.per_container[1]))
        )
    except InputError as error:
        raise InputError(f"{scenario.munition} {scenario.round}: {error}") from None
    simulation, needed = simulate_with(
        scenario, draws, rng, chunk,
        extra=lambda values, capacity: containers_needed(rounds, values["fleet.share"], capacity.rounds),
    )
    widened = widened_by_draws(corners, simulation.per_container, simulation.total)
    if widened is not corners:  # layouts: the containers needed widened to the draws' too
        fewest, most = min(fewest, int(needed.values[0])), max(most, int(needed.values[-1]))
    return Need(rounds, widened, (fewest, most), needed, simulation)
