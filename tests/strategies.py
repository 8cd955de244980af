"""Shared hypothesis strategies with physical bounds.

Bounds: interiors from a 1 m box to beyond a 45 ft one (1-14 m long, 1-3 m wide and
high); packages from a 0.1 m carton to a 3.5 m rocket crate, 2-500 kg; payloads from
1 t to 40 t (above every ISO rating); load fractions from 5 % to 100 %.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from estimator.catalog import load_catalog
from estimator.model import PackageArrays
from estimator.parameters import build_scenario

# Every built-in scenario: each container type, munition and round definition, 2,000 boxes.
CATALOG = load_catalog()
SCENARIOS = [
    build_scenario(CATALOG, container, munition.id, round_name, 2000)
    for container in CATALOG.containers
    for munition in CATALOG.munitions.values()
    for round_name in munition.rounds
]


def swept_scenarios(axes, munition, containers=1, round_filter="all"):
    """The scenarios ``estimator sweep`` covers for these axes, built as the command does."""
    from estimator.claims import scenarios_for
    from estimator.sweep import keep_swept, swept_containers

    return keep_swept(axes, [s for container in swept_containers(axes, "20ft")
                             for s in scenarios_for(CATALOG, munition, container, containers, [], round_filter)])


interior_length = st.floats(1.0, 14.0)
interior_side = st.floats(1.0, 3.0)
package_side = st.floats(0.1, 3.5)
DOOR_PASSES_ALL = 3.5
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
    "load.dunnage_height": st.floats(0.0, 0.2),
    "container.door_width": interior_side,
    "container.door_height": interior_side,
    "fleet.share": st.floats(0.01, 1.0),
    "fleet.containers": st.integers(1, 10_000).map(float),
}
PACKAGE_VALUES = {
    "length": package_side,
    "width": package_side,
    "height": package_side,
    "gross_mass": package_mass,
    "items": items.map(float),
    "max_layers": st.integers(1, 12).map(float),
}


def value_strategy(name: str):
    """The strategy for a parameter name such as ``crate.gross_mass``."""
    if name in KIND_VALUES:
        return KIND_VALUES[name]
    field = name.split(".", 1)[1]
    if field in PACKAGE_VALUES:
        return PACKAGE_VALUES[field]
    return st.floats(1.0, 10_000.0)  # reported-only values (tare)


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
        if name.startswith("container.door_"):
            # The largest door passes every generated package (sides up to 3.5 m), so a
            # scenario is never refused at the door (tests/test_loading_rules.py tests
            # that); the low end still blocks packages at the pessimistic corner.
            ranges[name] = (min(a, b), DOOR_PASSES_ALL)
    return ranges


# --- fuzzing: command lines from the CLI's own grammar, and assumption files --------

# Text a person (or a copy-paste) might type: odd unicode digits and spaces, signs,
# control characters, right-to-left marks, emoji, and plain garbage.
ODD_TEXT = st.one_of(
    st.sampled_from(["", " ", "-", "--", "..", "=", "nan", "inf", "-inf", "1e400", "1e-400", "0", "-0",
                     "٣", "５", "²", "1\u00a0m", "1\u2009kg", "\u200f5", "\x00", "🚢", "１２ｔ", "1,000",
                     "1_000", "0x10", "10**10**10", "1e308*10", "(1)", "1/0", "{}", "'", '"']),
    st.text(max_size=12),
)
NUMBER_TEXT = st.one_of(
    st.floats(1e-3, 1e5).map(repr),  # plausible values first, so that many lines run the model
    st.integers(1, 100_000).map(str),
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e-320", "5e-324", "1.7976931348623157e308", "1e16", "9007199254740993", ".5", "5.", "+3"]),
    ODD_TEXT,
)
UNIT_TEXT = st.sampled_from(["", "m", " m", "cm", "mm", "ft", "in", "kg", "t", "lb", "g", "%", "ton", "tons",
                             "short_ton", "m**2", "m^2", "kg/m", "m/m", "furlong", "µm", "K", "degC", "1"])


@st.composite
def quantity_text(draw):
    """A number with or without a unit, or a LOW..HIGH range of them."""
    one = st.builds(lambda n, u: f"{n}{u}", NUMBER_TEXT, UNIT_TEXT)
    return draw(st.one_of(one, st.builds(lambda a, b: f"{a}..{b}", one, one)))


def set_text(names):
    """``--set NAME=VALUE`` texts: real parameter names or odd ones, odd values."""
    real = st.sampled_from(sorted(names))
    name = st.one_of(real, real, real, ODD_TEXT, st.sampled_from(["crate", "crate.", ".x", "a.b.c"]))
    return st.one_of(st.builds(lambda n, v: f"{n}={v}", name, quantity_text()), ODD_TEXT)


@st.composite
def command_line(draw, group, values_for):
    """A command line of ``group``: a command, then options drawn from its own parameters.

    ``values_for(option)`` returns a strategy for an option's value, or None to use the
    option's click type (choices, integer ranges) mixed with odd text.
    """
    import click

    name = draw(st.sampled_from(sorted(group.commands)))
    command = group.commands[name]
    args = [name]
    options = [p for p in command.params if isinstance(p, click.Option)]
    required = [p for p in options if p.required and draw(st.integers(0, 9)) > 0]  # mostly present
    for option in required + draw(st.lists(st.sampled_from(options), max_size=4)):
        flag = draw(st.sampled_from(option.opts))
        if option.is_flag:
            args.append(flag)
            continue
        strategy = values_for(option)
        args += [flag, draw(_click_type_values(option.type) if strategy is None else strategy)]
    if draw(st.booleans()) and draw(st.booleans()):
        args.insert(draw(st.integers(0, len(args))), draw(ODD_TEXT))  # a stray token
    return args


def _click_type_values(param_type):
    import click

    if isinstance(param_type, click.Choice):
        return st.one_of(st.sampled_from(list(param_type.choices)), ODD_TEXT)
    if isinstance(param_type, click.IntRange):
        low = param_type.min if param_type.min is not None else -10
        high = param_type.max if param_type.max is not None else 10**6
        return st.one_of(st.integers(low - 2, low + 10_000).map(str), st.integers(high - 2, high + 2).map(str),
                         NUMBER_TEXT)
    return ODD_TEXT


# Assumption files: SI bounds per field (as above), units with their factor to SI written
# out here, independently of the package's registry, so the test has its own oracle.
LENGTH_UNITS = {"m": 1.0, "cm": 0.01, "mm": 0.001, "ft": 0.3048, "in": 0.0254}
MASS_UNITS = {"kg": 1.0, "t": 1000.0, "g": 0.001, "lb": 0.45359237}
COUNT_UNITS = {"1": 1.0}
FILE_FIELDS = {
    "container": {
        "interior_length": (LENGTH_UNITS, 1.0, 14.0), "interior_width": (LENGTH_UNITS, 1.0, 3.0),
        "interior_height": (LENGTH_UNITS, 1.0, 3.0), "door_width": (LENGTH_UNITS, 1.0, 3.0),
        "door_height": (LENGTH_UNITS, 1.0, 3.0), "tare": (MASS_UNITS, 1_000.0, 5_000.0),
        "payload": (MASS_UNITS, 1_000.0, 40_000.0),
    },
    "package": {
        "length": (LENGTH_UNITS, 0.1, 3.5), "width": (LENGTH_UNITS, 0.1, 3.5), "height": (LENGTH_UNITS, 0.1, 3.5),
        "gross_mass": (MASS_UNITS, 2.0, 500.0), "items": (COUNT_UNITS, 1, 4),
    },
    "load": {"fraction": (COUNT_UNITS, 0.05, 1.0), "clearance": (LENGTH_UNITS, 0.001, 0.2)},
}
# What can be wrong with one number; each must be refused.
NUMBER_FAULTS = ("negative", "zero", "nan", "inf", "low_above_high", "wrong_unit", "missing_unit",
                 "missing_source", "unknown_key", "text_value", "bool_value", "ton", "three_values")


def _toml_float(value: float) -> str:
    text = repr(float(value))
    return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(text, text)


@st.composite
def _number_entry(draw, units, low_si, high_si, fault):
    """One ``{ value, unit, source }`` table and the SI (low, high) it means if valid."""
    unit = draw(st.sampled_from(sorted(units)))
    factor = units[unit]
    if units is COUNT_UNITS and isinstance(low_si, int):
        a, b = sorted(draw(st.integers(low_si, high_si)) for _ in range(2))
        values = [a, b]
    else:
        a, b = sorted(draw(st.floats(low_si, high_si)) for _ in range(2))
        values = [float(_toml_float(a / factor)), float(_toml_float(b / factor))]
    fields = {"unit": f'"{unit}"', "source": '"generated"'}
    if fault == "negative":
        values[0] = -abs(values[1]) or -1.0
    elif fault == "zero":
        values[0] = 0
    elif fault in ("nan", "inf"):
        values[draw(st.integers(0, 1))] = float(fault)
    elif fault == "low_above_high":
        values = [values[1] + abs(values[1]) + 1, values[1]]
    elif fault == "wrong_unit":
        fields["unit"] = '"kg"' if units is LENGTH_UNITS else '"m"'
    elif fault == "missing_unit":
        del fields["unit"]
    elif fault == "missing_source":
        del fields["source"]
    elif fault == "unknown_key":
        fields[draw(st.sampled_from(["sauce", "Value", "ünit", "source2"]))] = '"x"'
    elif fault == "ton":
        fields["unit"] = '"ton"' if units is MASS_UNITS else '"m ton"'
    shown = [str(v) if isinstance(v, int) else _toml_float(v) for v in values]
    value = f"[{shown[0]}, {shown[1]}]" if values[0] != values[1] or draw(st.booleans()) else shown[0]
    if fault == "text_value":
        value = '"heavy"'
    elif fault == "bool_value":
        value = "true"
    elif fault == "three_values":
        value = f"[{shown[0]}, {shown[1]}, {shown[1]}]"
    body = ", ".join(f"{k} = {v}" for k, v in fields.items())
    return f"{{ value = {value}, {body} }}", (values[0] * factor, values[1] * factor)


@st.composite
def assumption_file(draw):
    """A user assumptions file: a container, a one-crate munition and maybe loading.

    Returns ``(content bytes, expected, si)``: ``expected`` is "valid" (must load),
    "invalid" (must be refused) or "either"; ``si`` maps each field to its SI (low, high).
    """
    faulty = draw(st.booleans())
    sections = [(group, name) for group, fields in FILE_FIELDS.items() for name in fields]
    include_load = draw(st.booleans())
    if not include_load:
        sections = [s for s in sections if s[0] != "load"]
    bad = draw(st.sampled_from(sections)) if faulty else None
    fault = draw(st.sampled_from(NUMBER_FAULTS)) if faulty else None
    lines, si = {"container": [], "package": [], "load": []}, {}
    for group, name in sections:
        units, low, high = FILE_FIELDS[group][name]
        text, si[f"{group}.{name}"] = draw(_number_entry(units, low, high, fault if bad == (group, name) else None))
        lines[group].append(f"{name} = {text}")
    content = "\n".join([
        '[container."fuzz-box"]', 'name = "generated box"', *lines["container"], "",
        '[munition."fuzz-shell"]', 'name = "generated shell"', 'calibre = "99mm"', 'family = "test"', "",
        '[munition."fuzz-shell".packages.crate]', 'description = "generated crate"',
        f"upright = {draw(st.sampled_from(['true', 'false']))}", 'upright_source = "generated"',
        *lines["package"], "",
        '[munition."fuzz-shell".rounds.projectile]', 'kit = [{ package = "crate", items_per_round = 1 }]', "",
        *(["[load]", *lines["load"], ""] if include_load else []),
    ]).encode("utf-8")
    expected = "invalid" if faulty else "valid"
    damage = draw(st.sampled_from(["none"] * 6 + ["truncate", "not_utf8"]))
    if damage == "truncate":
        content = content[: draw(st.integers(0, len(content) - 1))]
        expected = "either"  # a cut at a line end may leave a valid file
    elif damage == "not_utf8":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + b"\xff" + content[at:]
        expected = "invalid"
    return content, expected, si


UNITS_OF_KIND = {"length": ["m", "cm", "mm", "ft", "in"], "mass": ["kg", "t", "g", "lb"],
                 "count": [""], "fraction": ["", "%"]}
# Magnitudes from 1e-30 to 1e30 on a log scale: far beyond anything physical both ways.
MAGNITUDE = st.builds(lambda mantissa, exponent: mantissa * 10.0**exponent, st.floats(1.0, 9.99), st.integers(-30, 30))


@st.composite
def well_formed_set(draw, kinds):
    """A ``--set NAME=VALUE`` or ``NAME=LOW..HIGH`` with a real name and a unit of its kind."""
    name = draw(st.sampled_from(sorted(kinds)))
    unit = draw(st.sampled_from(UNITS_OF_KIND[kinds[name]]))
    low, high = sorted(draw(MAGNITUDE) for _ in range(2))
    if kinds[name] == "count" or draw(st.booleans()):
        low = high = float(round(high)) if kinds[name] == "count" else high
    return f"{name}={low!r}{unit}" if low == high else f"{name}={low!r}..{high!r}{unit}"


def monotonicity_breaks(count, interior, box, upright: bool, axis: int, factor: float) -> list[str]:
    """How ``count(interior, box, upright)`` breaks monotonicity when side ``axis`` of the
    interior, or of the box, is multiplied by ``factor >= 1``: empty when it holds."""
    def grown(sides):
        sides = list(sides)
        sides[axis] *= factor
        return sides

    base = int(count(interior, box, upright))
    breaks = []
    if int(count(grown(interior), box, upright)) < base:
        breaks.append("a larger interior holds fewer")
    if int(count(interior, grown(box), upright)) > base:
        breaks.append("a larger box fits more")
    return breaks

