"""Whole counts from float arrays, refused when they leave the range counted exactly.

The model computes in float64, which holds every whole number up to 2**53 (about
9.0e15) exactly; numpy's cast of a larger float to int64 wraps or saturates silently
(1e300 becomes -9.2e18). Inputs that lead there are outside what the model can count,
and almost always a slip of unit or scale (``1e300 m``), so they are refused in one line.

References
----------
.. [1] IEEE 754-2008, binary64: a 53-bit significand.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from estimator.errors import InputError

MAX_COUNT = 2**53


def whole_counts(values, what: str) -> np.ndarray:
    """Floor ``values`` to int64 after checking they are at most :data:`MAX_COUNT`.

    Parameters
    ----------
    values : array_like
        Non-negative counts as floats (already whole, or to be floored).
    what : str
        What is counted, for the error message ("crates by space per container").

    Raises
    ------
    InputError
        Some value is above MAX_COUNT (or not finite).

    Examples
    --------
    >>> whole_counts([2.0, 3.7], "rounds").tolist()
    [2, 3]
    """
    values = np.floor(np.asarray(values, dtype=float))
    too_many = ~(values <= MAX_COUNT)
    if np.any(too_many):
        worst = float(np.max(np.where(too_many & ~np.isnan(values), values, np.inf)))
        raise InputError(
            f"the inputs give {worst:.3g} {what}, more than the {MAX_COUNT:.3g} the model "
            "counts exactly; check the units and sizes given"
        )
    return values.astype(np.int64)


def floor_of_product(product) -> np.ndarray:
    """Floor a product of floats that may stand for a whole number it falls just short of.

    A share typed as a decimal is stored a hair below it, and one rounded product can
    fall below a whole number it equals (0.3 x 10 = 2.9999999999999996): together at most
    two units in the last place. The product is moved up two units in the last place
    before flooring, which covers that and adds under a quarter of a round below 2**49
    (about 5.6e14 rounds); nearer 2**53 it may add one or two, the float's own resolution
    there. (A relative allowance such as 1e-12 adds a thousand rounds at 10**15.)

    Examples
    --------
    >>> floor_of_product(0.3 * 10).tolist(), floor_of_product(2.75).tolist()
    (3.0, 2.0)
    """
    product = np.asarray(product, dtype=float)
    return np.floor(np.nextafter(np.nextafter(product, np.inf), np.inf))


def floor_of_share_times(share, whole) -> np.ndarray:
    """``floor(share x whole)`` for a share typed as a decimal, exactly, below 2**53.

    A share is taken as the shortest decimal that reads back as its float (``repr``:
    0.3, not 0.299999999999999988898). The float product is within two units in its
    last place of that decimal's product (one rounding of the share, one of the
    product), so where flooring two units either side agrees it is the answer; the few
    products nearer a whole number than that are floored again in exact rational
    arithmetic. A share whose 1,024ths are whole (1, 0.5, 0.75) times a whole number
    below 2**42 is an exact float product and needs neither.

    Parameters
    ----------
    share : array_like
        Shares (floats).
    whole : array_like
        Whole numbers as floats (exact below 2**53), broadcast with ``share``.

    Returns
    -------
    numpy.ndarray
        The floors, as floats.

    Examples
    --------
    >>> floor_of_share_times(0.207, 722433619191 * 486).tolist()
    72678266957852.0
    >>> floor_of_share_times([0.3, 0.5], [10.0, 7.0]).tolist()
    [3.0, 3.0]
    """
    share, whole = np.broadcast_arrays(np.asarray(share, dtype=float), np.asarray(whole, dtype=float))
    product = share * whole
    above, below = (np.floor(np.nextafter(np.nextafter(product, end), end)) for end in (np.inf, -np.inf))
    dyadic = share * 1024 == np.floor(share * 1024)
    unsure = (above != below) & (product < MAX_COUNT) & ~(dyadic & (whole < 2**42))
    floors = np.where(unsure, above, np.floor(product))
    if np.any(unsure):
        # One complex number a pair: a 1-D unique, many times faster than unique rows.
        pairs, where = np.unique(share[unsure] + 1j * whole[unsure], return_inverse=True)
        exact = [math.floor(Fraction(repr(pair.real)) * Fraction(pair.imag)) for pair in pairs.tolist()]
        floors[unsure] = np.asarray(exact, dtype=float)[where.ravel()]
    return floors


def packages_for(rounds, items, items_per_round: int) -> np.ndarray:
    """Whole packages of ``items`` items each that ``rounds`` rounds of ``items_per_round``
    items need: ``ceil(R q / k)``.

    Examples
    --------
    >>> packages_for(np.array([0, 1, 3]), 2, 1).tolist()
    [0, 1, 2]
    """
    rounds = np.asarray(rounds, dtype=np.int64)
    return -((-rounds * items_per_round) // np.asarray(items, dtype=np.int64))


def largest_meeting(fits, low, high) -> np.ndarray:
    """Largest whole R in [low, high] with ``fits(R)``, elementwise, by vectorised bisection.

    ``fits`` must hold at ``low`` and, for each element, from 0 up to some R and not above.

    Examples
    --------
    >>> largest_meeting(lambda r: r * r <= np.array([10, 99]), np.zeros(2, dtype=np.int64), np.full(2, 20)).tolist()
    [3, 9]
    """
    low, high = (a.copy() for a in np.broadcast_arrays(np.asarray(low, dtype=np.int64),
                                                         np.asarray(high, dtype=np.int64)))
    while np.any(low < high):
        middle = (low + high + 1) // 2
        ok = fits(middle)
        low = np.where(ok, middle, low)
        high = np.where(ok, high, middle - 1)
    return low
