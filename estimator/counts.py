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
