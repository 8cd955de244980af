"""Load and validate the sourced assumptions in ``assumptions/*.toml``.

Every number in a data file is a table such as::

    payload = { value = [21700, 28320], unit = "kg", source = "..." }

with ``value`` a number or a ``[low, high]`` range, a ``unit`` (``"1"`` for counts and
ratios), and either ``source`` (title or address) or ``derived`` (how it was computed).
A value nobody could source carries ``unverified = true`` and an honest, wide range.
Loading checks all of it and fails with one line naming the file, the key and the problem.

Files
-----
containers.toml : container types (interior, door, tare, payload), one table per id.
munitions.toml  : munitions, their packages and their round definitions (kits).
loading.toml    : how a container is loaded (``load.fraction``, ``load.clearance``) and
                  shared (``fleet.share``).
claims.toml     : the public claims the model is checked against.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from estimator.errors import DataError
from estimator.errors import InputError

# Where the built-in data lives: inside the package in a wheel, beside it in a checkout.
_PACKAGE_DIR = Path(__file__).parent
BUILTIN_DIRS = (_PACKAGE_DIR / "assumptions", _PACKAGE_DIR.parent / "assumptions")

# Field name -> (dimension, effect on rounds). Effect +1: more of it never means fewer
# rounds; -1: more of it never means more rounds; 0: reported, not used by the count.
CONTAINER_FIELDS = {
    "interior_length": ("length", +1),
    "interior_width": ("length", +1),
    "interior_height": ("length", +1),
    "door_width": ("length", 0),
    "door_height": ("length", 0),
    "tare": ("mass", 0),
    "payload": ("mass", +1),
}
PACKAGE_FIELDS = {
    "length": ("length", -1),
    "width": ("length", -1),
    "height": ("length", -1),
    "gross_mass": ("mass", -1),
    "items": ("count", +1),
}
LOADING_FIELDS = {
    "load": {"fraction": ("fraction", +1), "clearance": ("length", -1)},
    "fleet": {"share": ("fraction", +1)},
}
NUMBER_KEYS = {"value", "unit", "source", "derived", "unverified", "note"}
MUNITION_SELECT_ANY = "any"


@dataclass(frozen=True)
class Number:
    """A sourced value or range, held in SI units (m, kg, or a pure number)."""

    low: float
    high: float
    unit: str
    dimension: str
    source: str | None = None
    derived: str | None = None
    unverified: bool = False
    note: str | None = None

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    @property
    def citation(self) -> str:
        """The source, or the derivation prefixed with ``derived:``."""
        return self.source if self.source else f"derived: {self.derived}"


@dataclass(frozen=True)
class Container:
    id: str
    name: str
    numbers: dict[str, Number]


@dataclass(frozen=True)
class Package:
    """A shipping package (crate) of one item type: projectiles, charges or rockets."""

    id: str
    description: str
    upright: bool
    upright_source: str
    numbers: dict[str, Number]


@dataclass(frozen=True)
class KitPart:
    """One part of a round definition: ``items_per_round`` items of ``package``.

    Items per round (not packages per round) are stored because the package's own item
    count is a parameter a user may change; packages per round follow from both.
    """

    package: str
    items_per_round: int


@dataclass(frozen=True)
class RoundDefinition:
    name: str
    kit: tuple[KitPart, ...]
    note: str


@dataclass(frozen=True)
class Munition:
    id: str
    name: str
    calibre: str
    family: str
    packages: dict[str, Package]
    rounds: dict[str, RoundDefinition]


@dataclass(frozen=True)
class Alternative:
    """One figure of a claim; alternatives of one claim are joined by ``or``."""

    munition: str
    rounds: int
    qualifier: str
    note: str


@dataclass(frozen=True)
class Claim:
    id: str
    who: str
    date: date
    source: str
    containers: int
    containers_qualifier: str
    container: str
    container_source: str
    alternatives: tuple[Alternative, ...]
    note: str


@dataclass(frozen=True)
class Catalog:
    containers: dict[str, Container]
    munitions: dict[str, Munition]
    loading: dict[str, Number]
    claims: dict[str, Claim] = field(default_factory=dict)

    def select_munitions(self, selectors: tuple[str, ...] | list[str]) -> list[Munition]:
        """Munitions named by id (``152mm-shell``), calibre (``122mm``) or ``any``.

        Raises
        ------
        InputError
            When a selector matches nothing; the message lists the valid names.
        """
        chosen: dict[str, Munition] = {}
        for selector in selectors or (MUNITION_SELECT_ANY,):
            matches = self._match_munition(selector)
            if not matches:
                valid = sorted(self.munitions) + sorted({m.calibre for m in self.munitions.values()})
                raise InputError(
                    f"unknown munition {selector!r}: expected one of {', '.join(valid)} or 'any'"
                )
            chosen.update((m.id, m) for m in matches)
        return list(chosen.values())

    def _match_munition(self, selector: str) -> list[Munition]:
        key = selector.strip().lower().replace(" ", "")
        if key == MUNITION_SELECT_ANY:
            return list(self.munitions.values())
        return [m for m in self.munitions.values() if key in (m.id.lower(), m.calibre.lower())]

    def container(self, container_id: str) -> Container:
        """Return a container type by id, or raise InputError listing the valid ids."""
        try:
            return self.containers[container_id]
        except KeyError:
            raise InputError(
                f"unknown container {container_id!r}: expected one of {', '.join(self.containers)}"
            ) from None


def builtin_dir() -> Path:
    """Return the folder of the built-in assumption files."""
    for candidate in BUILTIN_DIRS:
        if (candidate / "containers.toml").is_file():
            return candidate
    raise DataError(f"built-in assumptions not found in {' or '.join(map(str, BUILTIN_DIRS))}")


def load_catalog(folder: Path | None = None) -> Catalog:
    """Load and validate every assumption file in ``folder`` (the built-in ones by default)."""
    folder = folder or builtin_dir()
    containers = _load_containers(folder / "containers.toml")
    munitions = _load_munitions(folder / "munitions.toml")
    loading = _load_loading(folder / "loading.toml")
    claims = _load_claims(folder / "claims.toml", containers, munitions)
    return Catalog(containers, munitions, loading, claims)


# --- reading files -----------------------------------------------------------------


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path}: not valid TOML ({error})") from None


class _Where:
    """File and key of the value being validated, for one-line error messages."""

    def __init__(self, path: Path, key: str = "") -> None:
        self.path, self.key = path, key

    def child(self, key: str) -> _Where:
        return _Where(self.path, f"{self.key}.{key}" if self.key else key)

    def fail(self, problem: str) -> DataError:
        return DataError(f"{self.path.name}: {self.key}: {problem}")


def _table(value: object, where: _Where) -> dict:
    if not isinstance(value, dict):
        raise where.fail(f"expected a table, got {value!r}")
    return value


def _text(table: dict, key: str, where: _Where, required: bool = True) -> str:
    value = table.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise where.child(key).fail("expected a non-empty string")
    return value.strip()


def _check_keys(table: dict, allowed: set[str], where: _Where) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise where.fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _number(raw: object, dimension: str, where: _Where) -> Number:
    """Validate one sourced number; ``dimension`` may be length, mass, count or fraction."""
    from estimator.units import parse_si  # pint is needed only when data is read

    table = _table(raw, where)
    _check_keys(table, NUMBER_KEYS, where)
    if "value" not in table:
        raise where.fail("missing 'value'")
    if "unit" not in table or not isinstance(table["unit"], str):
        raise where.fail("missing 'unit' (a string; \"1\" for counts and ratios)")
    source, derived = table.get("source"), table.get("derived")
    if not any(isinstance(text, str) and text.strip() for text in (source, derived)):
        raise where.fail("missing 'source' (title or address) or 'derived' (how it was computed)")
    unverified = table.get("unverified", False)
    if not isinstance(unverified, bool):
        raise where.child("unverified").fail(f"expected true or false, got {unverified!r}")
    low, high = _low_high(table["value"], where)
    unit = table["unit"].strip()
    si_dimension = "dimensionless" if dimension in ("count", "fraction") else dimension
    unit_text = "" if unit in ("1", "") else unit
    try:
        low_si, high_si = (parse_si(f"{v!r} {unit_text}", si_dimension, where.key) for v in (low, high))
    except InputError as error:
        raise where.fail(str(error).split(": ", 1)[1]) from None
    _check_range(low_si, high_si, dimension, where)
    return Number(low_si, high_si, unit or "1", si_dimension, source, derived, unverified, table.get("note"))


def _low_high(value: object, where: _Where) -> tuple[float, float]:
    if isinstance(value, list):
        if len(value) != 2:
            raise where.child("value").fail(f"a range must be [low, high], got {value!r}")
        low, high = value
    else:
        low = high = value
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            raise where.child("value").fail(f"expected a number, got {bound!r}")
        if not math.isfinite(bound):
            raise where.child("value").fail(f"expected a finite number, got {bound!r}")
    if low > high:
        raise where.child("value").fail(f"low {low!r} is above high {high!r}")
    return float(low), float(high)


def _check_range(low: float, high: float, dimension: str, where: _Where) -> None:
    if low <= 0:
        raise where.child("value").fail(f"must be positive, got {low:g}")
    if dimension == "count" and not (low.is_integer() and high.is_integer()):
        raise where.child("value").fail(f"a count must be a whole number, got {low:g}..{high:g}")
    if dimension == "fraction" and high > 1:
        raise where.child("value").fail(f"a share must lie in (0, 1], got {high:g}")


# --- containers, munitions, loading -------------------------------------------------


def _numbers(table: dict, fields: dict[str, tuple[str, int]], where: _Where) -> dict[str, Number]:
    missing = [name for name in fields if name not in table]
    if missing:
        raise where.fail(f"missing {missing[0]!r}")
    return {name: _number(table[name], dim, where.child(name)) for name, (dim, _) in fields.items()}


def _load_containers(path: Path) -> dict[str, Container]:
    data = _read_toml(path)
    if not data:
        raise _Where(path, "(file)").fail("defines no container")
    containers = {}
    for container_id, raw in data.items():
        where = _Where(path, container_id)
        table = _table(raw, where)
        _check_keys(table, {"name", *CONTAINER_FIELDS}, where)
        numbers = _numbers(table, CONTAINER_FIELDS, where)
        containers[container_id] = Container(container_id, _text(table, "name", where), numbers)
    return containers


def _load_package(package_id: str, raw: object, where: _Where) -> Package:
    table = _table(raw, where)
    _check_keys(table, {"description", "upright", "upright_source", *PACKAGE_FIELDS}, where)
    upright = table.get("upright")
    if not isinstance(upright, bool):
        raise where.child("upright").fail(f"expected true or false, got {upright!r}")
    return Package(
        package_id,
        _text(table, "description", where),
        upright,
        _text(table, "upright_source", where),
        _numbers(table, PACKAGE_FIELDS, where),
    )


def _load_round(name: str, raw: object, packages: dict[str, Package], where: _Where) -> RoundDefinition:
    table = _table(raw, where)
    _check_keys(table, {"kit", "note"}, where)
    kit_raw = table.get("kit")
    if not isinstance(kit_raw, list) or not kit_raw:
        raise where.child("kit").fail("expected a non-empty list of {package, items_per_round}")
    kit = []
    for index, part in enumerate(kit_raw):
        part_where = where.child(f"kit[{index}]")
        part = _table(part, part_where)
        _check_keys(part, {"package", "items_per_round"}, part_where)
        package = part.get("package")
        if package not in packages:
            raise part_where.fail(f"unknown package {package!r} (defined: {', '.join(packages)})")
        per_round = part.get("items_per_round")
        if isinstance(per_round, bool) or not isinstance(per_round, int) or per_round < 1:
            raise part_where.fail(f"items_per_round must be a whole number >= 1, got {per_round!r}")
        kit.append(KitPart(package, per_round))
    return RoundDefinition(name, tuple(kit), _text(table, "note", where, required=False))


def _load_munitions(path: Path) -> dict[str, Munition]:
    data = _read_toml(path)
    if not data:
        raise _Where(path, "(file)").fail("defines no munition")
    munitions = {}
    for munition_id, raw in data.items():
        where = _Where(path, munition_id)
        table = _table(raw, where)
        _check_keys(table, {"name", "calibre", "family", "packages", "rounds"}, where)
        packages_raw = _table(table.get("packages"), where.child("packages"))
        packages = {
            pid: _load_package(pid, praw, where.child(f"packages.{pid}"))
            for pid, praw in packages_raw.items()
        }
        rounds_raw = _table(table.get("rounds"), where.child("rounds"))
        rounds = {
            name: _load_round(name, rraw, packages, where.child(f"rounds.{name}"))
            for name, rraw in rounds_raw.items()
        }
        if not rounds:
            raise where.child("rounds").fail("defines no round definition")
        munitions[munition_id] = Munition(
            munition_id,
            _text(table, "name", where),
            _text(table, "calibre", where).lower().replace(" ", ""),
            _text(table, "family", where),
            packages,
            rounds,
        )
    return munitions


def _load_loading(path: Path) -> dict[str, Number]:
    data = _read_toml(path)
    _check_keys(data, set(LOADING_FIELDS), _Where(path, "(file)"))
    numbers = {}
    for group, fields in LOADING_FIELDS.items():
        where = _Where(path, group)
        table = _table(data.get(group), where)
        _check_keys(table, set(fields), where)
        numbers.update({f"{group}.{k}": v for k, v in _numbers(table, fields, where).items()})
    return numbers


# --- claims ------------------------------------------------------------------------

CLAIM_KEYS = {
    "who", "date", "source", "containers", "containers_qualifier", "container",
    "container_source", "alternatives", "note",
}
QUALIFIERS = {"about", "over", "more than", "exactly", "up to"}


def _load_claims(path: Path, containers: dict, munitions: dict) -> dict[str, Claim]:
    if not path.exists():
        return {}
    claims = {}
    for claim_id, raw in _read_toml(path).items():
        where = _Where(path, claim_id)
        table = _table(raw, where)
        _check_keys(table, CLAIM_KEYS, where)
        when = table.get("date")
        if not isinstance(when, date):
            raise where.child("date").fail(f"expected a TOML date such as 2023-11-02, got {when!r}")
        container = _text(table, "container", where)
        if container not in containers:
            raise where.child("container").fail(
                f"unknown container {container!r} (defined: {', '.join(containers)})"
            )
        claims[claim_id] = Claim(
            claim_id,
            _text(table, "who", where),
            when,
            _text(table, "source", where),
            _positive_int(table.get("containers"), where.child("containers")),
            _qualifier(table.get("containers_qualifier"), where.child("containers_qualifier")),
            container,
            _text(table, "container_source", where),
            _alternatives(table.get("alternatives", []), munitions, where),
            _text(table, "note", where, required=False),
        )
    return claims


def _positive_int(value: object, where: _Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise where.fail(f"expected a whole number above 0, got {value!r}")
    return value


def _qualifier(value: object, where: _Where) -> str:
    if value not in QUALIFIERS:
        raise where.fail(f"expected one of {', '.join(sorted(QUALIFIERS))}, got {value!r}")
    return value


def _alternatives(raw: object, munitions: dict, where: _Where) -> tuple[Alternative, ...]:
    if not isinstance(raw, list):
        raise where.child("alternatives").fail("expected a list of tables")
    alternatives = []
    calibres = {m.calibre for m in munitions.values()}
    for index, item in enumerate(raw):
        item_where = where.child(f"alternatives[{index}]")
        table = _table(item, item_where)
        _check_keys(table, {"munition", "rounds", "qualifier", "note"}, item_where)
        munition = _text(table, "munition", item_where)
        if munition not in munitions and munition not in calibres and munition != MUNITION_SELECT_ANY:
            raise item_where.child("munition").fail(
                f"unknown munition {munition!r} (an id, a calibre, or 'any')"
            )
        alternatives.append(
            Alternative(
                munition,
                _positive_int(table.get("rounds"), item_where.child("rounds")),
                _qualifier(table.get("qualifier"), item_where.child("qualifier")),
                _text(table, "note", item_where, required=False),
            )
        )
    return tuple(alternatives)
