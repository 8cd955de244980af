"""Shared hypothesis strategies with physical bounds.

Bounds: interiors from a 1 m box to beyond a 45 ft one (1-14 m long, 1-3 m wide and
high); packages from a 0.1 m carton to a 3.5 m rocket crate, 2-500 kg; payloads from
1 t to 40 t (above every ISO rating); load fractions from 5 % to 100 %.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from estimator.model import PackageArrays

interior_length = st.floats(1.0, 14.0)
interior_side = st.floats(1.0, 3.0)
package_side = st.floats(0.1, 3.5)
package_mass = st.floats(2.0, 500.0)
payload = st.floats(1_000.0, 40_000.0)
load_fraction = st.floats(0.05, 1.0)
clearance = st.floats(0.0, 0.2)
items = st.integers(1, 4)


@st.composite
def package(draw, items_per_round=None):
    """One kit part as scalar arrays."""
    return PackageArrays(
        np.float64(draw(package_side)),
        np.float64(draw(package_side)),
        np.float64(draw(package_side)),
        np.float64(draw(package_mass)),
        np.int64(draw(items)),
        draw(st.integers(1, 2)) if items_per_round is None else items_per_round,
        draw(st.booleans()),
    )


kits = st.lists(package(), min_size=1, max_size=3)

# Per parameter kind, the range values are drawn from.
KIND_VALUES = {
    "container.interior_length": interior_length,
    "container.interior_width": interior_side,
    "container.interior_height": interior_side,
    "container.payload": payload,
    "load.fraction": load_fraction,
    "load.clearance": clearance,
    "fleet.share": st.floats(0.01, 1.0),
    "fleet.containers": st.integers(1, 10_000).map(float),
}
PACKAGE_VALUES = {
    "length": package_side,
    "width": package_side,
    "height": package_side,
    "gross_mass": package_mass,
    "items": items.map(float),
}


def value_strategy(name: str):
    """The strategy for a parameter name such as ``crate.gross_mass``."""
    if name in KIND_VALUES:
        return KIND_VALUES[name]
    field = name.split(".", 1)[1]
    if field in PACKAGE_VALUES:
        return PACKAGE_VALUES[field]
    return st.floats(1.0, 10_000.0)  # reported-only values (door, tare)


@st.composite
def scenario_values(draw, scenario):
    """A value for every parameter of ``scenario``, as 0-d arrays keyed by name."""
    return {name: np.float64(draw(value_strategy(name))) for name in scenario.parameters}


@st.composite
def scenario_ranges(draw, scenario):
    """A (low, high) pair for every parameter of ``scenario``."""
    ranges = {}
    for name in scenario.parameters:
        a, b = draw(value_strategy(name)), draw(value_strategy(name))
        ranges[name] = (min(a, b), max(a, b))
    return ranges
