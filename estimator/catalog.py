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
loading.toml    : how a container is loaded (``load.fraction``, ``load.clearance``,
                  ``load.dunnage_height``) and shared (``fleet.share``).
pallets.toml    : pallet types a unit load of crates can be built on (estimator/pallets.py).
claims.toml     : the public claims the model is checked against.

User files (``--assumptions PATH``, ``--claims PATH``; a file or a folder of ``*.toml``)
are validated by the same code. An assumptions file says what each entry is by its
top-level table: ``[container.ID]``, ``[munition.ID]``, ``[pallet.ID]`` (same fields as
the built-in files), ``[load]`` and ``[fleet]`` (any of their numbers). An entry replaces the built-in
entry of the same id whole, or adds a new one; the same id twice in user files is an
error. A claims file has the layout of ``claims.toml``; its claims replace the built-in
ones. Every file read is recorded with its SHA-256, so an output can name its inputs.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
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
    # A package that cannot pass the door is not loaded (model.door_blocks), so a
    # larger door never gives fewer rounds.
    "door_width": ("length", +1),
    "door_height": ("length", +1),
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
# Optional package fields: absent means no limit.
OPTIONAL_PACKAGE_FIELDS = {
    "max_layers": ("count", +1),  # most crates one above the other
}
# A pallet: its base (outer and usable deck), its own mass, and the load it may carry.
PALLET_FIELDS = {
    "length": "length",  # outer base, longer side
    "width": "length",  # outer base, shorter side
    "deck_length": "length",  # usable for the load, within the outer base
    "deck_width": "length",
    "base_height": "length",
    "tare": "mass",
    "max_load_height": "length",  # of the load above the deck
    "max_load_mass": "mass",
}
# Optional: the most a loaded pallet may bear, its own load and the unit loads stacked on
# it; absent, unit loads on this pallet are not stacked.
OPTIONAL_PALLET_FIELDS = {"stack_load": "mass"}
LOADING_FIELDS = {
    "load": {"fraction": ("fraction", +1), "clearance": ("length", -1), "dunnage_height": ("length", -1)},
    "fleet": {"share": ("fraction", +1)},
}
NUMBER_KEYS = {
    "value", "unit", "source", "derived", "unverified", "note", "dist", "mode", "mode_source", "per_container",
}
# How a range is sampled (estimator/uncertainty.py). Uniform unless the data says otherwise;
# triangular and PERT need a sourced ``mode``; lognormal90 reads [low, high] as a 90 % interval.
DISTRIBUTIONS = ("uniform", "triangular", "pert", "lognormal90")
NEEDS_MODE = ("triangular", "pert")
# Allowances that may be nothing at all: a value of 0 is accepted for these.
MAY_BE_ZERO = ("load.dunnage_height",)
MUNITION_SELECT_ANY = "any"
# The top-level tables of a user assumptions file, and what each holds.
USER_SECTIONS = ("container", "munition", "pallet", *LOADING_FIELDS)
# A package id becomes the first half of its parameter names (crate.gross_mass), so it
# must be a name --set can type and must not shadow the other groups.
PACKAGE_ID = re.compile(r"[A-Za-z_]\w*", re.ASCII)
RESERVED_PACKAGE_IDS = ("container", "pallet", *LOADING_FIELDS)
# Whole numbers in claims stay well inside the float64 range the model counts in exactly.
MAX_CONTAINERS = 10**12
MAX_ROUNDS = 10**15


@dataclass(frozen=True)
class SourceFile:
    """A data file that was read: its role (builtin, assumptions, claims), name and digest."""

    role: str
    name: str
    sha256: str


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
    dist: str = "uniform"
    mode: float | None = None  # SI, for triangular and PERT
    mode_source: str | None = None
    per_container: bool = False  # drawn for each container, not once per shipment

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
class Pallet:
    """A pallet type: base sizes, tare and load limits (see PALLET_FIELDS)."""

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
    files: tuple[SourceFile, ...] = ()
    pallets: dict[str, Pallet] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """One digest of every file read, in order: SHA-256 of lines ``role sha256``.

        Names are left out, so the digest depends only on what the files say and the role
        each played, not on where they were stored.
        """
        lines = "".join(f"{f.role} {f.sha256}\n" for f in self.files)
        return hashlib.sha256(lines.encode("ascii")).hexdigest()

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

    def pallet(self, pallet_id: str) -> Pallet:
        """Return a pallet type by id, or raise InputError listing the valid ids."""
        return _lookup(self.pallets, pallet_id, "pallet")

    def container(self, container_id: str) -> Container:
        """Return a container type by id, or raise InputError listing the valid ids."""
        return _lookup(self.containers, container_id, "container")


def canonical_id(entries: dict, entry_id: str) -> str | None:
    """The key of ``entries`` that ``entry_id`` names, in any letter case as munitions are
    (``40FT`` is ``40ft``, ``eur`` is ``EUR``); None if none or several do."""
    if entry_id in entries:
        return entry_id
    matches = [key for key in entries if key.lower() == entry_id.strip().lower()]
    return matches[0] if len(matches) == 1 else None


def _lookup(entries: dict, entry_id: str, kind: str):
    """The entry that ``entry_id`` names (:func:`canonical_id`), or InputError naming the
    ids there are."""
    key = canonical_id(entries, entry_id)
    if key is not None:
        return entries[key]
    raise InputError(
        f"unknown {kind} {entry_id!r}: expected one of {', '.join(entries) or '(none defined)'}"
    )


def builtin_dir() -> Path:
    """Return the folder of the built-in assumption files."""
    for candidate in BUILTIN_DIRS:
        if (candidate / "containers.toml").is_file():
            return candidate
    raise DataError(f"built-in assumptions not found in {' or '.join(map(str, BUILTIN_DIRS))}")


def load_catalog(folder: Path | None = None, assumptions=(), claims=()) -> Catalog:
    """Load and validate the built-in assumption files, then the user's.

    Parameters
    ----------
    folder : Path, optional
        Folder of the base files (containers, munitions, loading, claims); the built-in
        one by default.
    assumptions : sequence of str or Path
        User assumption files or folders of them (``--assumptions``), applied in order.
    claims : sequence of str or Path
        User claims files or folders (``--claims``); when given, they replace the base
        claims.

    Raises
    ------
    DataError
        A file is missing, unreadable or fails validation; one line naming file, key and
        problem.
    """
    reader = _Reader()
    folder = folder or builtin_dir()
    containers = _load_containers(*reader.read(folder / "containers.toml", "builtin"))
    munitions = _load_munitions(*reader.read(folder / "munitions.toml", "builtin"))
    loading = _load_loading(*reader.read(folder / "loading.toml", "builtin"))
    pallets = {}
    if (folder / "pallets.toml").exists():
        pallets = _load_pallets(*reader.read(folder / "pallets.toml", "builtin"))
    _apply_user_assumptions(reader, assumptions, containers, munitions, loading, pallets)
    claim_files = [reader.read(p, "claims") for p in _user_files(claims, "--claims")]
    if not claim_files and (folder / "claims.toml").exists():
        claim_files = [reader.read(folder / "claims.toml", "builtin")]
    claim_entries = _merge([_load_claims(data, path, containers, munitions) for data, path in claim_files], "claim")
    claims_found = {claim_id: entry.value for claim_id, entry in claim_entries.items()}
    return Catalog(containers, munitions, loading, claims_found, tuple(reader.files), pallets)


def _user_files(paths, option: str) -> list[Path]:
    """Expand each user path into TOML files: the file itself, or a folder's ``*.toml``."""
    files = []
    for text in paths:
        if not str(text).strip():
            raise DataError(f"{option} {str(text)!r}: expected a TOML file or a folder of them")
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.toml") if p.is_file())
            if not found:
                raise DataError(f"{path}: no .toml file in this folder ({option} expects TOML files)")
            files += found
        else:
            files.append(path)
    return files


def _apply_user_assumptions(reader, paths, containers: dict, munitions: dict, loading: dict, pallets: dict) -> None:
    """Add or replace entries from the user's assumption files, in place."""
    parsed = [_load_user_file(*reader.read(p, "assumptions")) for p in _user_files(paths, "--assumptions")]
    targets = (("container", containers), ("munition", munitions), ("pallet", pallets), ("loading", loading))
    for kind, target in targets:
        entries = _merge([entries[kind] for entries in parsed], kind)
        for entry_id in entries:
            _check_case(entry_id, target, entries[entry_id].where, kind)
        target.update((entry_id, entry.value) for entry_id, entry in entries.items())


@dataclass(frozen=True)
class _Entry:
    """A validated entry and where it was defined (for duplicate-id messages)."""

    value: object
    where: _Where


def _merge(groups: list[dict], kind: str) -> dict:
    """Join entries from several files; the same id in two files is an error."""
    merged: dict = {}
    for group in groups:
        for entry_id, entry in group.items():
            if not entry_id.strip() or not entry_id.isprintable():
                raise entry.where.fail(f"{kind} id {entry_id!r} must be printable text, not blank")
            if entry_id in merged:
                first = merged[entry_id]
                raise entry.where.fail(
                    f"duplicate {kind} id {entry_id!r}, already defined in {first.where.path}"
                )
            merged[entry_id] = entry
    return merged


def _check_case(entry_id: str, builtin: dict, where: _Where, kind: str) -> None:
    """Refuse an id that differs from a built-in one only in case: replace or add, not both."""
    for known in builtin:
        if known != entry_id and known.lower() == entry_id.lower():
            raise where.fail(f"{kind} id {entry_id!r} differs from the built-in {known!r} only in case; "
                             f"write {known!r} to replace it")


def _load_user_file(data: dict, path: Path) -> dict[str, dict[str, _Entry]]:
    """Validate one user assumptions file: its container, munition, load and fleet tables."""
    file_where = _Where(path, "(file)")
    if not data:
        raise file_where.fail(f"defines nothing; expected tables {_section_list()}")
    unknown = sorted(set(data) - set(USER_SECTIONS))
    if unknown:
        raise _Where(path, unknown[0]).fail(
            f"unknown table; expected {_section_list()} (claims go in --claims)"
        )
    entries: dict[str, dict[str, _Entry]] = {"container": {}, "munition": {}, "pallet": {}, "loading": {}}
    for container_id, raw in _table(data.get("container", {}), _Where(path, "container")).items():
        where = _Where(path, f"container.{container_id}")
        entries["container"][container_id] = _Entry(_container(container_id, raw, where), where)
    for munition_id, raw in _table(data.get("munition", {}), _Where(path, "munition")).items():
        where = _Where(path, f"munition.{munition_id}")
        entries["munition"][munition_id] = _Entry(_munition(munition_id, raw, where), where)
    for pallet_id, raw in _table(data.get("pallet", {}), _Where(path, "pallet")).items():
        where = _Where(path, f"pallet.{pallet_id}")
        entries["pallet"][pallet_id] = _Entry(_pallet(pallet_id, raw, where), where)
    for group, fields in LOADING_FIELDS.items():
        where = _Where(path, group)
        table = _table(data.get(group, {}), where)
        _check_keys(table, set(fields), where)
        for name, raw in table.items():
            entries["loading"][f"{group}.{name}"] = _Entry(
                _number(raw, fields[name][0], where.child(name)), where.child(name)
            )
    return entries


def _section_list() -> str:
    return "[container.ID], [munition.ID], [pallet.ID], " + ", ".join(f"[{g}]" for g in LOADING_FIELDS)


# --- reading files -----------------------------------------------------------------


class _Reader:
    """Reads TOML files and records each one's role, name and SHA-256."""

    def __init__(self) -> None:
        self.files: list[SourceFile] = []

    def read(self, path: Path, role: str) -> tuple[dict, Path]:
        """Return the parsed file and its path (for messages); record its digest."""
        raw = _read_bytes(path)
        name = path.name if role == "builtin" else str(path)
        self.files.append(SourceFile(role, name, hashlib.sha256(raw).hexdigest()))
        return _parse_toml(raw, path), path


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from None
    except ValueError as error:  # a NUL character in the path
        raise DataError(f"{str(path)!r}: cannot read ({error})") from None


def _parse_toml(raw: bytes, path: Path) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text (byte {error.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem = str(error)
        if "twice" in problem or "overwrite" in problem.lower() or "Duplicate" in problem:
            raise DataError(f"{path}: duplicate key or table ({problem})") from None
        raise DataError(f"{path}: not valid TOML ({problem})") from None


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
    _check_range(low_si, high_si, dimension, where, allow_zero=where.key in MAY_BE_ZERO)
    dist, mode_si, mode_source = _distribution(table, low_si, high_si, unit_text, si_dimension, where)
    per_container = table.get("per_container", False)
    if not isinstance(per_container, bool):
        raise where.child("per_container").fail(f"expected true or false, got {per_container!r}")
    return Number(
        low_si, high_si, unit or "1", si_dimension, source, derived, unverified, table.get("note"),
        dist, mode_si, mode_source, per_container,
    )


def _distribution(table: dict, low: float, high: float, unit_text: str, dimension: str, where: _Where):
    """Validate ``dist``, ``mode`` and ``mode_source``; return them with the mode in SI units."""
    from estimator.units import parse_si

    dist = table.get("dist", "uniform")
    if dist not in DISTRIBUTIONS:
        raise where.child("dist").fail(f"expected one of {', '.join(DISTRIBUTIONS)}, got {dist!r}")
    if dist != "uniform" and low == high:
        raise where.child("dist").fail(f"{dist!r} needs a range [low, high], got a single value")
    if dist not in NEEDS_MODE:
        if "mode" in table or "mode_source" in table:
            raise where.child("mode").fail(f"only {' and '.join(NEEDS_MODE)} take a mode, not {dist!r}")
        return dist, None, None
    if "mode" not in table:
        raise where.child("mode").fail(f"{dist!r} needs a 'mode' inside the range")
    mode = table["mode"]
    if isinstance(mode, bool) or not isinstance(mode, (int, float)) or not math.isfinite(mode):
        raise where.child("mode").fail(f"expected a finite number, got {mode!r}")
    mode_source = table.get("mode_source")
    if not isinstance(mode_source, str) or not mode_source.strip():
        raise where.child("mode_source").fail("a mode needs its own source (title, address or derivation)")
    mode_si = parse_si(f"{mode!r} {unit_text}", dimension, where.key)
    if not low <= mode_si <= high:
        raise where.child("mode").fail(f"{mode!r} lies outside value {table['value']!r}")
    return dist, mode_si, mode_source.strip()


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


# Sizes and masses a container, crate or pallet of this model can have, in SI units: far
# beyond any of them (a 10,000 t payload, a 1 km crate), a value is a slip of unit or
# scale, and the counts built on it would leave the range the model counts exactly.
PLAUSIBLE = {"length": (1e-3, 1e3, "m"), "mass": (1e-3, 1e7, "kg")}


def _check_range(low: float, high: float, dimension: str, where: _Where, allow_zero: bool = False) -> None:
    if low < 0 or (low == 0 and not allow_zero):
        raise where.child("value").fail(f"must be {'zero or more' if allow_zero else 'positive'}, got {low:g}")
    if dimension in PLAUSIBLE:
        least, most, unit = PLAUSIBLE[dimension]
        # Within float error of an end is at it: 1 mm typed in feet is 0.9999999999999987 mm.
        outside = [v for v in (low, high) if v > most * (1 + 1e-12) or 0 < v < least * (1 - 1e-12)]
        if outside:
            raise where.child("value").fail(
                f"{outside[0]:g} {unit} is no {dimension} of a container, crate or pallet; expected "
                f"{least:g}..{most:g} {unit} (a slip of unit or scale?)")
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


def _load_containers(data: dict, path: Path) -> dict[str, Container]:
    if not data:
        raise _Where(path, "(file)").fail("defines no container")
    return {cid: _container(cid, raw, _Where(path, cid)) for cid, raw in data.items()}


def _container(container_id: str, raw: object, where: _Where) -> Container:
    table = _table(raw, where)
    _check_keys(table, {"name", *CONTAINER_FIELDS}, where)
    numbers = _numbers(table, CONTAINER_FIELDS, where)
    return Container(container_id, _text(table, "name", where), numbers)


def _load_pallets(data: dict, path: Path) -> dict[str, Pallet]:
    return {pid: _pallet(pid, raw, _Where(path, pid)) for pid, raw in data.items()}


def _pallet(pallet_id: str, raw: object, where: _Where) -> Pallet:
    """Validate one pallet type: every field, and a deck that lies within the base."""
    table = _table(raw, where)
    _check_keys(table, {"name", *PALLET_FIELDS, *OPTIONAL_PALLET_FIELDS}, where)
    numbers = _numbers(table, {name: (dim, 0) for name, dim in PALLET_FIELDS.items()}, where)
    numbers.update({name: _number(table[name], dim, where.child(name))
                    for name, dim in OPTIONAL_PALLET_FIELDS.items() if name in table})
    for deck, outer in (("deck_length", "length"), ("deck_width", "width")):
        if numbers[deck].high > numbers[outer].low:
            raise where.child(deck).fail(f"the deck must lie within the base: above {outer} {numbers[outer].low:g} m")
    return Pallet(pallet_id, _text(table, "name", where), numbers)


def _load_package(package_id: str, raw: object, where: _Where) -> Package:
    if not PACKAGE_ID.fullmatch(package_id) or package_id in RESERVED_PACKAGE_IDS:
        raise where.fail(
            f"package id {package_id!r} must be letters, digits and _ (it names parameters such as "
            f"{package_id}.gross_mass) and not one of {', '.join(RESERVED_PACKAGE_IDS)}"
        )
    table = _table(raw, where)
    _check_keys(table, {"description", "upright", "upright_source", *PACKAGE_FIELDS, *OPTIONAL_PACKAGE_FIELDS}, where)
    upright = table.get("upright")
    if not isinstance(upright, bool):
        raise where.child("upright").fail(f"expected true or false, got {upright!r}")
    optional = {
        name: _number(table[name], dim, where.child(name))
        for name, (dim, _) in OPTIONAL_PACKAGE_FIELDS.items() if name in table
    }
    return Package(
        package_id,
        _text(table, "description", where),
        upright,
        _text(table, "upright_source", where),
        {**_numbers(table, PACKAGE_FIELDS, where), **optional},
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


def _load_munitions(data: dict, path: Path) -> dict[str, Munition]:
    if not data:
        raise _Where(path, "(file)").fail("defines no munition")
    return {mid: _munition(mid, raw, _Where(path, mid)) for mid, raw in data.items()}


def _munition(munition_id: str, raw: object, where: _Where) -> Munition:
    table = _table(raw, where)
    _check_keys(table, {"name", "calibre", "family", "packages", "rounds"}, where)
    packages_raw = _table(table.get("packages"), where.child("packages"))
    if not packages_raw:
        raise where.child("packages").fail("defines no package")
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
    return Munition(
        munition_id,
        _text(table, "name", where),
        _text(table, "calibre", where).lower().replace(" ", ""),
        _text(table, "family", where),
        packages,
        rounds,
    )


def _load_loading(data: dict, path: Path) -> dict[str, Number]:
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


def _load_claims(data: dict, path: Path, containers: dict, munitions: dict) -> dict[str, _Entry]:
    if not data:
        raise _Where(path, "(file)").fail("defines no claim")
    claims = {}
    for claim_id, raw in data.items():
        where = _Where(path, claim_id)
        claims[claim_id] = _Entry(_claim(claim_id, raw, where, containers, munitions), where)
    return claims


def _claim(claim_id: str, raw: object, where: _Where, containers: dict, munitions: dict) -> Claim:
    table = _table(raw, where)
    _check_keys(table, CLAIM_KEYS, where)
    when = table.get("date")
    if not isinstance(when, date) or isinstance(when, datetime):
        raise where.child("date").fail(f"expected a TOML date such as 2023-11-02, got {when!r}")
    container = canonical_id(containers, _text(table, "container", where)) or _text(table, "container", where)
    if container not in containers:
        raise where.child("container").fail(
            f"unknown container {container!r} (defined: {', '.join(containers)})"
        )
    return Claim(
        claim_id,
        _text(table, "who", where),
        when,
        _text(table, "source", where),
        _positive_int(table.get("containers"), where.child("containers"), MAX_CONTAINERS),
        _qualifier(table.get("containers_qualifier"), where.child("containers_qualifier")),
        container,
        _text(table, "container_source", where),
        _alternatives(table.get("alternatives", []), munitions, where),
        _text(table, "note", where, required=False),
    )


def _positive_int(value: object, where: _Where, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
        raise where.fail(f"expected a whole number above 0 and up to {maximum:,}, got {value!r}")
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
                _positive_int(table.get("rounds"), item_where.child("rounds"), MAX_ROUNDS),
                _qualifier(table.get("qualifier"), item_where.child("qualifier")),
                _text(table, "note", item_where, required=False),
            )
        )
    return tuple(alternatives)
