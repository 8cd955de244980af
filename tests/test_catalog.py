"""The sourced data: every number cited, and every bad file refused in one line."""

import shutil

import pytest

from estimator.catalog import builtin_dir, load_catalog
from estimator.errors import DataError

CATALOG = load_catalog()


def all_numbers(catalog):
    for container in catalog.containers.values():
        for key, number in container.numbers.items():
            yield f"{container.id}.{key}", number
    for munition in catalog.munitions.values():
        for package in munition.packages.values():
            for key, number in package.numbers.items():
                yield f"{munition.id}.{package.id}.{key}", number
    yield from catalog.loading.items()


@pytest.mark.parametrize("name, number", list(all_numbers(CATALOG)), ids=lambda x: x if isinstance(x, str) else "")
def test_every_assumption_has_a_source_or_a_derivation(name, number):
    text = number.source or number.derived
    assert text and len(text.strip()) >= 10, f"{name} has no usable source"


@pytest.mark.parametrize("name, number", list(all_numbers(CATALOG)), ids=lambda x: x if isinstance(x, str) else "")
def test_unverified_measurements_are_ranges(name, number):
    # A count may stay a point (its crate is sized for it); measurements may not.
    if number.unverified and not name.endswith(".items"):
        assert number.is_range, f"{name} is unverified but given as a point"


def test_yonhap_claim_has_both_alternatives_as_data():
    claim = CATALOG.claims["yonhap-2023-11-02"]
    assert claim.containers == 2000 and claim.container == "20ft"
    assert [(a.munition, a.rounds, a.qualifier) for a in claim.alternatives] == [
        ("122mm", 200_000, "over"), ("152mm", 1_000_000, "over"),
    ]


def test_calibre_selects_both_122mm_families():
    ids = {m.id for m in CATALOG.select_munitions(["122mm"])}
    assert ids == {"122mm-shell", "122mm-rocket"}
    assert {m.family for m in CATALOG.select_munitions(["122mm"])} == {"howitzer shell", "MLRS rocket"}


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "assumptions"
    shutil.copytree(builtin_dir(), target)
    return target


def _edit(folder, file, old, new):
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_EDITS = [
    ("containers.toml", 'unit = "kg", source = "Low: a box', 'source = "Low: a box', "containers.toml: 20ft.payload: missing 'unit'"),
    ("containers.toml", 'interior_width = { value = [2.330, 2.352], unit = "m", source = "powertex', 'interior_width = { value = [2.330, 2.352], unit = "m", sauce = "powertex', "containers.toml: 20ft.interior_width: unknown key 'sauce'"),
    ("containers.toml", "value = [5.867, 5.900]", "value = [5.900, 5.867]", "containers.toml: 20ft.interior_length.value: low 5.9 is above high 5.867"),
    ("containers.toml", "value = [5.867, 5.900]", "value = [-5.867, 5.900]", "containers.toml: 20ft.interior_length.value: must be positive"),
    ("containers.toml", "value = [5.867, 5.900]", "value = [nan, 5.900]", "containers.toml: 20ft.interior_length.value: expected a finite number"),
    ("containers.toml", 'value = [5.867, 5.900], unit = "m"', 'value = [5.867, 5.900], unit = "kg"', "containers.toml: 20ft.interior_length: "),
    ("containers.toml", '["20ft"]', '["20ft"', "containers.toml: not valid TOML"),
    ("munitions.toml", 'items = { value = 1, unit = "1", source', 'items = { value = 1.5, unit = "1", source', "munitions.toml: 152mm-shell.packages.crate.items.value: a count must be a whole number"),
    ("munitions.toml", 'kit = [{ package = "crate", items_per_round = 1 }]', 'kit = [{ package = "box", items_per_round = 1 }]', "munitions.toml: 152mm-shell.rounds.projectile.kit[0]: unknown package 'box'"),
    ("munitions.toml", 'upright = false', 'upright = "no"', "munitions.toml: 152mm-shell.packages.crate.upright: expected true or false"),
    ("loading.toml", "value = [0.8, 1.0]", "value = [0.8, 1.2]", "loading.toml: load.fraction.value: a share must lie in (0, 1]"),
    ("munitions.toml", 'length = { value = [0.90, 1.20], unit = "m", unverified = true', 'length = { value = [0.90, 1.20], unit = "m", dist = "normal", unverified = true', "munitions.toml: 122mm-shell.packages.crate.length.dist: expected one of uniform, triangular, pert, lognormal90, got 'normal'"),
    ("munitions.toml", 'length = { value = [0.90, 1.20], unit = "m", unverified = true', 'length = { value = [0.90, 1.20], unit = "m", dist = "pert", unverified = true', "munitions.toml: 122mm-shell.packages.crate.length.mode: 'pert' needs a 'mode'"),
    ("munitions.toml", 'length = { value = [0.90, 1.20], unit = "m", unverified = true', 'length = { value = [0.90, 1.20], unit = "m", dist = "pert", mode = 1.3, mode_source = "x", unverified = true', "munitions.toml: 122mm-shell.packages.crate.length.mode: 1.3 lies outside value [0.9, 1.2]"),
    ("munitions.toml", 'length = { value = [0.90, 1.20], unit = "m", unverified = true', 'length = { value = [0.90, 1.20], unit = "m", dist = "triangular", mode = 1.0, unverified = true', "munitions.toml: 122mm-shell.packages.crate.length.mode_source: a mode needs its own source"),
    ("munitions.toml", 'length = { value = [0.90, 1.20], unit = "m", unverified = true', 'length = { value = [0.90, 1.20], unit = "m", mode = 1.0, mode_source = "x", unverified = true', "munitions.toml: 122mm-shell.packages.crate.length.mode: only triangular and pert take a mode, not 'uniform'"),
    ("loading.toml", 'share = { value = 1.0, unit = "1",', 'share = { value = 1.0, unit = "1", dist = "lognormal90",', "loading.toml: fleet.share.dist: 'lognormal90' needs a range [low, high], got a single value"),
    ("loading.toml", 'fraction = { value = [0.8, 1.0], unit = "1",', 'fraction = { value = [0.8, 1.0], unit = "1", per_container = "yes",', "loading.toml: load.fraction.per_container: expected true or false"),
    ("claims.toml", 'container = "20ft"', 'container = "30ft"', "claims.toml: yonhap-2023-11-02.container: unknown container '30ft'"),
    ("claims.toml", "rounds = 200000", "rounds = -5", "claims.toml: yonhap-2023-11-02.alternatives[0].rounds: expected a whole number above 0"),
    ("claims.toml", 'munition = "122mm"', 'munition = "999mm"', "claims.toml: yonhap-2023-11-02.alternatives[0].munition: unknown munition '999mm'"),
]


@pytest.mark.parametrize("file, old, new, expected", BAD_EDITS)
def test_bad_data_is_refused_in_one_line_naming_file_and_key(data_copy, file, old, new, expected):
    _edit(data_copy, file, old, new)
    with pytest.raises(DataError) as error:
        load_catalog(data_copy)
    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_missing_source_is_refused(data_copy):
    path = data_copy / "loading.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("share = {")
    path.write_text(text[:start] + 'share = { value = 1.0, unit = "1" }\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"loading.toml: fleet.share: missing 'source'"):
        load_catalog(data_copy)


@pytest.mark.parametrize("typed, expected", [("40FT", "40ft"), ("40Ft-HC", "40ft-hc"), (" 20ft", "20ft")])
def test_container_ids_are_read_in_any_letter_case_like_munitions(typed, expected):
    assert load_catalog().container(typed).id == expected


def test_pallet_ids_are_read_in_any_letter_case():
    assert load_catalog().pallet("eur").id == "EUR"
