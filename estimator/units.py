"""The package's one unit registry, and parsing of quantities typed by people.

Every quantity a user or a data file gives passes through :func:`parse_quantity`, which
checks its dimension. The numeric core never sees pint: :func:`to_si` turns a checked
quantity into a plain float in SI units (m, kg, or a pure number).

Notes
-----
``t``, ``tonne`` and ``metric_ton`` are the metric tonne (1,000 kg). The bare word ``ton``
is refused: pint's default registry reads it as the US short ton (907.185 kg), which is
not what users of this tool mean, so a silent guess either way would be wrong.

References
----------
.. [1] NIST SP 811 (2008), Guide for the Use of the International System of Units,
   Appendix B. https://www.nist.gov/pml/special-publication-811
.. [2] MetPy keeps a single registry module for a whole package:
   Unidata/MetPy ``src/metpy/units.py``.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

from estimator.errors import InputError


def _import_pint_without_scipy():
    """Import pint without letting it import scipy.

    pint's ``compat`` module imports scipy only to record that it is installed (no pint
    feature this package uses needs it), which costs start-up time for every command. A
    ``None`` entry in ``sys.modules`` makes that import fail fast; it is removed at once,
    so a command that needs scipy later imports it as usual.
    """
    if "scipy" in sys.modules or "pint" in sys.modules:
        import pint
        return pint
    sys.modules["scipy"] = None
    try:
        import pint
    finally:
        del sys.modules["scipy"]
    return pint


pint = _import_pint_without_scipy()

DEFINITIONS_FILE = Path(__file__).with_name("units.txt")

# Dimension names as pint prints them, keyed by the short names the catalog uses.
DIMENSIONS = {
    "length": "[length]",
    "mass": "[mass]",
    "dimensionless": "dimensionless",
}
SI_UNITS = {"length": "m", "mass": "kg", "dimensionless": "dimensionless"}

_AMBIGUOUS_TON = re.compile(r"(?<![A-Za-z_])tons?(?![A-Za-z_])")
# Foot and inch marks as people type them (48", 4', 48″): the units they stand for, and a
# pattern matching any one of them (the longest first).
MARKS = {"''": "inch", '"': "inch", "\u2033": "inch", "'": "foot", "\u2032": "foot"}
MARK_PATTERN = "|".join(re.escape(mark) for mark in MARKS)
_NUMBER_THEN_UNIT = re.compile(
    r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>[A-Za-z_%][A-Za-z_0-9 */^.]*|"
    + MARK_PATTERN + r")?$"
)


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """Return the package's unit registry, built once from ``units.txt``."""
    return pint.UnitRegistry(str(DEFINITIONS_FILE), autoconvert_offset_to_baseunit=True)


def parse_quantity(text: str | float | int, dimension: str, what: str) -> pint.Quantity:
    """Parse ``text`` such as ``"26 t"`` or ``"1.2 ft"`` and check its dimension.

    Parameters
    ----------
    text : str or number
        The quantity as typed. A bare number is taken as dimensionless, so it is
        accepted only where ``dimension`` is ``"dimensionless"``.
    dimension : {"length", "mass", "dimensionless"}
        The dimension the quantity must have.
    what : str
        The name of the input, used in error messages (``"crate.length"``).

    Returns
    -------
    pint.Quantity

    Raises
    ------
    InputError
        When the text is not a number with a known unit, has the wrong dimension, says
        ``ton``, or is not finite.

    Examples
    --------
    >>> parse_quantity("26 t", "mass", "container.payload").to("kg").magnitude
    26000.0
    >>> round(parse_quantity("1.2 ft", "length", "crate.length").to("m").magnitude, 5)
    0.36576
    >>> round(parse_quantity('48"', "length", "crate.length").to("m").magnitude, 4)
    1.2192
    """
    if isinstance(text, bool):
        raise InputError(f"{what}: expected a {dimension} quantity, got {text!r}")
    raw = str(text).strip()
    if _AMBIGUOUS_TON.search(raw):
        raise InputError(
            f"{what}: {raw!r} says 'ton', which pint reads as the US short ton (907.185 kg); "
            "write 't' for metric tonnes or 'short_ton' if you mean 2,000 lb"
        )
    match = _NUMBER_THEN_UNIT.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        unit = MARKS.get(match["unit"], (match["unit"] or "").strip() or "dimensionless")
        # Number and unit are read apart so that pint never evaluates arbitrary
        # arithmetic typed by a user ("10**10**10 kg").
        quantity = registry().Quantity(float(match["number"]), registry().Unit(unit))
    except Exception:  # pint raises several unrelated types for unreadable units
        raise InputError(
            f"{what}: cannot read {raw!r} as a {dimension} quantity "
            f"(expected a number with a unit, such as {_EXAMPLES[dimension]}){_unreadable_hint(raw)}"
        ) from None
    expected = DIMENSIONS[dimension]
    if str(quantity.dimensionality) != expected and not (
        dimension == "dimensionless" and quantity.dimensionless
    ):
        raise InputError(
            f"{what}: {raw!r} has dimension {quantity.dimensionality}, expected {dimension} "
            f"(such as {_EXAMPLES[dimension]})"
        )
    magnitude = float(quantity.to(SI_UNITS[dimension]).magnitude)
    if magnitude != magnitude or magnitude in (float("inf"), float("-inf")):
        raise InputError(f"{what}: {raw!r} is not a finite number")
    return quantity


# A comma between digits: a thousands separator (57,320 lb) or a decimal comma (1,5 m),
# which cannot be told apart, so neither is read.
_DIGIT_COMMA_DIGIT = re.compile(r"\d,\d")
# Two units in one value, such as 4'6" or 4ft6in (feet then inches).
_COMPOUND = re.compile(r"\d\s*(?:" + MARK_PATTERN + r"|[A-Za-z]+)\s*\d")
# A range written with a dash (26t-27t, 26–27 t), not an exponent (1e-3).
_DASH_RANGE = re.compile(r"\d\s*(?:[A-DF-Za-df-z][A-Za-z]*\s*|[eE][A-Za-z]+\s*)?[-\u2013\u2014]\s*\.?\d")
# Digits in groups (26 000 kg).
_SPACED_DIGITS = re.compile(r"\d\s+\d")


def _unreadable_hint(raw: str) -> str:
    """Why a value that looks like a number with a unit was not read, if a common cause
    explains it (appended to the error message)."""
    if _DIGIT_COMMA_DIGIT.search(raw):
        return "; commas are not read (thousands or decimal): write 57320 lb or 1.5 m"
    if _DASH_RANGE.search(raw):
        return "; a range is written LOW..HIGH, such as 26t..27t"
    if _SPACED_DIGITS.search(raw):
        return "; no spaces inside a number: write 26000 kg"
    if _COMPOUND.search(raw):
        return "; one number and one unit a value: write 4'6\" or 4ft6in as 54in"
    return ""


def to_si(quantity: pint.Quantity, dimension: str) -> float:
    """Return the magnitude of ``quantity`` in the SI unit of ``dimension`` (m, kg, 1)."""
    return float(quantity.to(SI_UNITS[dimension]).magnitude)


def parse_si(text: str | float | int, dimension: str, what: str) -> float:
    """Parse ``text`` with :func:`parse_quantity` and return its SI magnitude."""
    return to_si(parse_quantity(text, dimension, what), dimension)


def from_si(value: float, unit: str, dimension: str) -> float:
    """Convert an SI magnitude (m, kg, 1) to ``unit``; counts and ratios stay as they are."""
    if dimension == "dimensionless":
        return float(value)
    return float(registry().Quantity(value, SI_UNITS[dimension]).to(unit).magnitude)


_EXAMPLES = {
    "length": "'1.2 m', '120 cm' or '4 ft'",
    "mass": "'26 t', '26000 kg' or '57320 lb'",
    "dimensionless": "'0.9' or '90 %'",
}
