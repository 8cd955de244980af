"""The parameter table: one dotted name per input, shared by data, ``--set`` and output.

A *scenario* is one container type, one munition and one round definition. Its parameters
are named ``container.<field>`` (``container.payload``), ``<package>.<field>``
(``crate.gross_mass``, ``charge_crate.items``), ``load.fraction``, ``fleet.share`` and
``fleet.containers``. Each has a low and a high value in SI units (m, kg, or a number),
its source, and its *effect*: +1 when a larger value never gives fewer rounds, -1 when it
never gives more, 0 when the count does not use it. Interval answers come from the two
corners this defines; ``tests/test_model_properties.py`` proves the monotonicity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from estimator.catalog import CONTAINER_FIELDS, LOADING_FIELDS, MAY_BE_ZERO, OPTIONAL_PACKAGE_FIELDS, PACKAGE_FIELDS
from estimator.catalog import OPTIONAL_PALLET_FIELDS, PALLET_FIELDS, Catalog, KitPart, Number, Pallet, canonical_id
from estimator.errors import InputError

USER_SOURCE = "set by the user (--set)"


@dataclass(frozen=True)
class Parameter:
    """One named input with its range in SI units and where it comes from."""

    name: str
    low: float
    high: float
    dimension: str  # "length", "mass" or "dimensionless"
    unit: str  # the unit to show it in
    effect: int  # +1, -1 or 0, see the module docstring
    integer: bool
    citation: str
    unverified: bool
    dist: str = "uniform"  # how the range is sampled, see estimator/uncertainty.py
    mode: float | None = None  # SI, for triangular and PERT
    per_container: bool = False  # drawn for each container of a shipment, not once for all

    def corner(self, optimistic: bool) -> float:
        """The value at the corner that gives the fewest (or, if optimistic, most) rounds."""
        if self.effect < 0:
            optimistic = not optimistic
        return self.high if optimistic else self.low


@dataclass(frozen=True)
class Scenario:
    """One container type, munition and round definition, with its parameters."""

    container: str
    munition: str
    round: str
    kit: tuple[KitPart, ...]
    upright: dict[str, bool]
    parameters: dict[str, Parameter]
    packing: str = "grid"  # how the space limit counts crates: "grid" or "layout" (fastspace.py)
    pallet: str | None = None  # the pallet type crates travel on (pallet_model.py); None: loose crates

    def max_layers_name(self, package: str) -> str | None:
        """The parameter that caps the layers of ``package``, or None when nothing does."""
        name = f"{package}.max_layers"
        return name if name in self.parameters else None


def _from_number(name: str, number: Number, effect: int, integer: bool = False) -> Parameter:
    return Parameter(
        name, number.low, number.high, number.dimension, number.unit, effect, integer,
        number.citation, number.unverified, number.dist, number.mode, number.per_container,
    )


def _fleet_containers(containers: int) -> Parameter:
    return Parameter(
        "fleet.containers", float(containers), float(containers), "dimensionless", "1", +1,
        True, "given on the command line (--containers) or by the claim", False,
    )


def build_scenario(
    catalog: Catalog, container_id: str, munition_id: str, round_name: str, containers: int
) -> Scenario:
    """Collect the parameters of one scenario from the catalog."""
    container = catalog.container(container_id)
    munition = catalog.munitions[munition_id]
    definition = munition.rounds[round_name]
    params: dict[str, Parameter] = {}
    for field, (_, effect) in CONTAINER_FIELDS.items():
        name = f"container.{field}"
        params[name] = _from_number(name, container.numbers[field], effect)
    for part in definition.kit:
        package = munition.packages[part.package]
        for field, (dimension, effect) in PACKAGE_FIELDS.items():
            name = f"{package.id}.{field}"
            params[name] = _from_number(name, package.numbers[field], effect, dimension == "count")
        for field, (_, effect) in OPTIONAL_PACKAGE_FIELDS.items():
            if field in package.numbers:
                name = f"{package.id}.{field}"
                params[name] = _from_number(name, package.numbers[field], effect, integer=True)
    for group, fields in LOADING_FIELDS.items():
        for field, (_, effect) in fields.items():
            name = f"{group}.{field}"
            params[name] = _from_number(name, catalog.loading[name], effect)
    params["fleet.containers"] = _fleet_containers(containers)
    upright = {part.package: munition.packages[part.package].upright for part in definition.kit}
    return Scenario(container.id, munition_id, round_name, definition.kit, upright, params)


# --- overrides: --set NAME=VALUE or NAME=LOW..HIGH ----------------------------------

# Any identifier, dotted or not, is taken as a name here: one that names no parameter
# (``foo=1m``) is refused by the callers as an unknown parameter, not as bad syntax.
_OVERRIDE = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*=\s*(?P<value>.*\S)\s*$")
_BARE_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DIMENSIONS = {"length": "length", "mass": "mass", "count": "dimensionless", "fraction": "dimensionless"}


@dataclass(frozen=True)
class Override:
    """A checked ``--set``: the parameter name and its new range in SI units."""

    name: str
    low: float
    high: float
    choice: str | None = None  # for a setting (SETTINGS) instead of a parameter
    parameters: tuple = ()  # for load.pallet: the pallet's numbers as Parameters


def split_override(text: str, option: str = "--set") -> tuple[str, str, str]:
    """Split ``NAME=VALUE`` or ``NAME=LOW..HIGH`` into name, low and high text.

    A unit written on HIGH alone applies to LOW too. ``option`` names the command-line
    option in error messages.

    Examples
    --------
    >>> split_override("container.payload=20..26 t")
    ('container.payload', '20 t', '26 t')
    """
    match = _OVERRIDE.match(text)
    if not match:
        raise InputError(
            f"{option} {text!r}: expected NAME=VALUE or NAME=LOW..HIGH, such as container.payload=26t"
        )
    value = match["value"]
    if ".." not in value:
        return match["name"], value, value
    low, _, high = (part.strip() for part in value.partition(".."))
    if high.startswith("."):  # 26t...27t: a third dot would be read as a decimal point
        raise InputError(f"{option} {text!r}: a range takes two dots, such as 20t..26t")
    if not low or not high:
        raise InputError(f"{option} {text!r}: a range needs both ends, such as 20t..26t")
    bare = _BARE_NUMBER.match(high)
    if _BARE_NUMBER.fullmatch(low) and bare and bare.end() < len(high):
        low = f"{low} {high[bare.end():].strip()}"
    return match["name"], low, high


def parameter_kinds(catalog: Catalog) -> dict[str, str]:
    """Every name ``--set`` accepts, with its kind: length, mass, count or fraction."""
    kinds = {f"container.{field}": dim for field, (dim, _) in CONTAINER_FIELDS.items()}
    for group, fields in LOADING_FIELDS.items():
        kinds.update({f"{group}.{field}": dim for field, (dim, _) in fields.items()})
    for munition in catalog.munitions.values():
        for package in munition.packages:
            kinds.update({f"{package}.{field}": dim for field, (dim, _) in PACKAGE_FIELDS.items()})
            kinds.update({f"{package}.{field}": dim for field, (dim, _) in OPTIONAL_PACKAGE_FIELDS.items()})
    kinds.update({f"pallet.{field}": dim for field, dim in {**PALLET_FIELDS, **OPTIONAL_PALLET_FIELDS}.items()})
    return kinds


def parse_override(text: str, kinds: dict[str, str], option: str = "--set") -> Override:
    """Parse and check one ``--set`` (or ``option``) against the kind of the parameter it names."""
    from estimator.units import parse_si

    name, low_text, high_text = split_override(text, option)
    if name not in kinds:
        raise InputError(f"{option} {name}: unknown parameter; expected one of {', '.join(sorted(kinds))}")
    kind, what = kinds[name], f"{option} {name}"
    low, high = (parse_si(t, _DIMENSIONS[kind], what) for t in (low_text, high_text))
    if low > high:
        raise InputError(f"{what}: low {low_text!r} is above high {high_text!r}")
    if low < 0 or (low == 0 and name not in MAY_BE_ZERO):
        raise InputError(f"{what}: {low_text!r} must be {'zero or more' if name in MAY_BE_ZERO else 'above zero'}")
    if kind == "count" and not (low.is_integer() and high.is_integer()):
        raise InputError(f"{what}: expected a whole number, got {_typed_value(text)!r}")
    if kind == "fraction" and high > 1:
        raise InputError(f"{what}: {high_text!r} is a share and must lie in (0, 1]")
    return Override(name, low, high)


def _typed_value(text: str) -> str:
    """The value of ``NAME=VALUE`` as the user typed it (``1..1.5``), for error messages."""
    return text.partition("=")[2].strip()


# Scenario settings ``--set`` accepts beside the parameters: name -> allowed values.
# ``load.pallet`` takes a pallet id of the catalog (or ``none``), checked against it.
SETTINGS = {"load.packing": ("grid", "layout"), "load.pallet": ()}
NO_PALLET = "none"
# Whether a larger value of a pallet field never gives fewer rounds (+1) or never more (-1).
PALLET_EFFECTS = {
    "length": -1, "width": -1, "deck_length": +1, "deck_width": +1, "base_height": -1, "tare": -1,
    "max_load_height": +1, "max_load_mass": +1, "stack_load": +1,
}


def parse_setting(text: str, catalog: Catalog | None = None) -> Override:
    """Parse ``--set load.packing=grid|layout`` or ``--set load.pallet=ID|none`` (a choice,
    not a number); a pallet id must be one of ``catalog``'s.

    Examples
    --------
    >>> parse_setting("load.packing=layout").choice
    'layout'
    """
    name, low_text, high_text = split_override(text)
    if name == "load.pallet" and low_text == high_text:
        return _pallet_setting(low_text, catalog)
    if name == "load.pallet":
        raise InputError(f"--set load.pallet={low_text}..{high_text}: expected one pallet id (such as EUR) or "
                         f"{NO_PALLET}, not a range")
    choices = SETTINGS[name]
    if low_text != high_text or low_text not in choices:
        raise InputError(f"--set {name}={low_text if low_text == high_text else low_text + '..' + high_text}: "
                         f"expected one of {', '.join(choices)}")
    return Override(name, float("nan"), float("nan"), low_text)


def _pallet_setting(pallet_id: str, catalog: Catalog | None) -> Override:
    """``load.pallet=ID``: the pallet's numbers become parameters ``pallet.<field>``."""
    if pallet_id.lower() == NO_PALLET:
        return Override("load.pallet", float("nan"), float("nan"), NO_PALLET)
    pallet_id = pallet_id if catalog is None else canonical_id(catalog.pallets, pallet_id) or pallet_id
    if catalog is None or pallet_id not in catalog.pallets:
        known = ", ".join(sorted(catalog.pallets)) if catalog is not None and catalog.pallets else "none defined"
        raise InputError(f"pallet {pallet_id!r}: unknown; expected one of {known} (assumptions/pallets.toml "
                         f"or a [pallet.ID] of --assumptions), or {NO_PALLET} for loose crates")
    return Override("load.pallet", float("nan"), float("nan"), pallet_id, pallet_parameters(catalog.pallets[pallet_id]))


def pallet_parameters(pallet: Pallet) -> tuple[Parameter, ...]:
    """The pallet's numbers as parameters ``pallet.<field>``, with their effects."""
    return tuple(_from_number(f"pallet.{field}", number, PALLET_EFFECTS[field])
                 for field, number in pallet.numbers.items())


def parse_overrides(texts, catalog: Catalog) -> list[Override]:
    """Parse every ``--set`` text (parameters and SETTINGS); the first bad one raises InputError.

    A ``pallet.<field>`` needs a pallet (``load.pallet``) among the same settings.
    """
    kinds = parameter_kinds(catalog)
    overrides = [
        parse_setting(text, catalog) if split_override(text)[0] in SETTINGS else parse_override(text, kinds)
        for text in texts
    ]
    refuse_repeated_names([override.name for override in overrides], "--set")
    pallets = [o.choice for o in overrides if o.name == "load.pallet"]
    for override in overrides:
        if override.name.startswith("pallet.") and (not pallets or pallets[-1] == NO_PALLET):
            raise InputError(f"--set {override.name}: no pallet chosen; expected --pallet ID or "
                             f"--set load.pallet=ID as well")
    return overrides


def shared_package_settings(names, munitions) -> dict[str, list[str]]:
    """The parameter ``names`` of a package (``crate.length``) that more than one of
    ``munitions`` has, each with those munitions' ids: one value then stands for
    different crates (a projectile crate and a rocket crate), which a user may not mean."""
    shared = {}
    for name in names:
        package = name.partition(".")[0]
        ids = [munition.id for munition in munitions if package in munition.packages]
        if len(ids) > 1:
            shared[name] = ids
    return shared


def refuse_repeated_names(names, option: str) -> None:
    """InputError for a parameter named twice by ``option``: only one could be used, so
    the other would be dropped without a word (``--pallet ID`` counts as ``--set
    load.pallet=ID``)."""
    names = list(names)
    for name in names:
        if names.count(name) > 1:
            raise InputError(f"{option} {name}: given {names.count(name)} times; give each parameter once"
                             + (" (--pallet ID is --set load.pallet=ID)" if name == "load.pallet" else ""))


def apply_overrides(scenario: Scenario, overrides: list[Override]) -> Scenario:
    """Apply the overrides whose names this scenario has; others belong to other scenarios.

    Settings come first, so ``pallet.<field>`` applies to the pallet chosen whatever the order.
    """
    params = dict(scenario.parameters)
    for override in overrides:
        if override.name == "load.packing":
            scenario = replace(scenario, packing=override.choice)
        elif override.name == "load.pallet":
            scenario, params = _with_pallet(scenario, params, override)
    for override in overrides:
        if override.name in SETTINGS:
            continue
        if override.name not in params:  # a pallet's own field is already there (_with_pallet)
            params.update(optional_parameters(scenario, [override.name]))
        if override.name in params:
            params[override.name] = replace(
                params[override.name], low=override.low, high=override.high,
                citation=USER_SOURCE, unverified=False, dist="uniform", mode=None,
            )
    return replace(scenario, parameters=params)


def _with_pallet(scenario: Scenario, params: dict, override: Override):
    """The scenario on the pallet ``override`` chooses (or loose crates, ``none``).

    On a pallet the floor dunnage is not used (the pallet is the dunnage), so its effect is 0.
    """
    params = {name: p for name, p in params.items() if not name.startswith("pallet.")}
    dunnage = scenario.parameters["load.dunnage_height"]
    if override.choice == NO_PALLET:
        params["load.dunnage_height"] = dunnage
        return replace(scenario, pallet=None), params
    params.update({p.name: p for p in override.parameters})
    params["load.dunnage_height"] = replace(dunnage, effect=0)
    return replace(scenario, pallet=override.choice), params


def optional_parameters(scenario: Scenario, names) -> dict[str, Parameter]:
    """Placeholders for the optional fields among ``names`` that the scenario's kit or
    pallet has but the catalog leaves out (``crate.max_layers``), before a value is set
    or swept."""
    return {name: _optional_parameter(name) for name in names
            if name not in scenario.parameters and _is_optional_field_of(scenario, name)}


def _is_optional_field_of(scenario: Scenario, name: str) -> bool:
    """Whether ``name`` is an optional field of a package in the kit (``crate.max_layers``)
    or of the scenario's pallet (``pallet.stack_load``)."""
    group, _, field = name.partition(".")
    if group == "pallet":
        return field in OPTIONAL_PALLET_FIELDS and scenario.pallet is not None
    return field in OPTIONAL_PACKAGE_FIELDS and group in scenario.upright


def _optional_parameter(name: str) -> Parameter:
    """A parameter for an optional field the catalog leaves out, before ``--set`` fills it."""
    group, _, field = name.partition(".")
    if group == "pallet":
        return Parameter(name, 0.0, 0.0, "mass", "kg", PALLET_EFFECTS[field], False, USER_SOURCE, False)
    dimension, effect = OPTIONAL_PACKAGE_FIELDS[field]
    return Parameter(name, 0.0, 0.0, "dimensionless", "1", effect, dimension == "count", USER_SOURCE, False)


def vary_per_container(scenario: Scenario, names, catalog: Catalog) -> Scenario:
    """Make the named parameters vary from container to container (``--per-container``)."""
    kinds = parameter_kinds(catalog)
    for name in names:
        if name not in kinds:
            raise InputError(f"--per-container {name}: unknown parameter; expected one of {', '.join(sorted(kinds))}")
    refuse_repeated_names(names, "--per-container")
    params = {
        name: replace(p, per_container=True) if name in names else p for name, p in scenario.parameters.items()
    }
    return replace(scenario, parameters=params)
