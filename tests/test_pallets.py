"""Pallets: unit loads stay within the pallet's deck, height and load mass; palletising
never fits more crates than loose stowage; the ``pack --pallet`` contract."""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import strategies as phys
from cli_helpers import run
from estimator.errors import InputError
from estimator.packing import layout_for
from estimator.pallets import PalletSpec, pack_pallets, pallet_spec, unit_load

CATALOG = phys.CATALOG
PALLETS = [pallet_spec(p, optimistic) for p in CATALOG.pallets.values() for optimistic in (False, True)]

crate_sides = st.tuples(st.floats(0.15, 1.3), st.floats(0.15, 0.9), st.floats(0.1, 0.8))
crate_mass = st.floats(5.0, 300.0)


def overlapping_pairs(boxes):
    """Pairs of distinct boxes (x, y, z, dx, dy, dz) whose interiors meet."""
    b = np.asarray(boxes, dtype=np.int64)
    low, high = b[:, :3], b[:, :3] + b[:, 3:]
    meet = np.all((low[:, None, :] < high[None, :, :]) & (low[None, :, :] < high[:, None, :]), axis=2)
    np.fill_diagonal(meet, False)
    return int(meet.sum()) // 2


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PALLETS), crate_sides, crate_mass, st.booleans(), st.integers(0, 6))
def test_crates_on_a_pallet_never_exceed_its_deck_height_or_load_mass(pallet, sides, mass, upright, max_layers):
    try:
        load = unit_load(pallet, sides, mass, upright, max_layers)
    except InputError:
        return  # not one fits: refused, never a pallet of nothing
    boxes = load.placements()
    assert len(boxes) == load.crates > 0
    deck = (pallet.deck_length_m * 1000, pallet.deck_width_m * 1000)
    for x, y, z, dx, dy, dz in boxes:
        assert x >= 0 and y >= 0 and z >= 0
        assert x + dx <= deck[0] + 1e-6 and y + dy <= deck[1] + 1e-6
        assert z + dz <= pallet.max_load_height_m * 1000 + 1e-6
    assert load.crates * mass <= pallet.max_load_mass_kg * (1 + 1e-12)
    assert load.layers <= max_layers or not max_layers
    assert load.outer_m[2] <= pallet.base_height_m + pallet.max_load_height_m + 1e-9
    assert overlapping_pairs(boxes) == 0


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PALLETS), crate_sides, crate_mass, st.floats(1.05, 2.0))
def test_more_load_mass_never_puts_fewer_crates_on_a_pallet(pallet, sides, mass, factor):
    try:
        light = unit_load(pallet, sides, mass, False).crates
    except InputError:
        return
    heavier = replace(pallet, max_load_mass_kg=pallet.max_load_mass_kg * factor)
    assert unit_load(heavier, sides, mass, False).crates >= light


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(PALLETS), crate_sides, crate_mass, st.sampled_from(sorted(CATALOG.containers)))
def test_palletised_count_never_exceeds_the_loose_count_by_space(pallet, sides, mass, container):
    numbers = CATALOG.containers[container].numbers
    interior = tuple(numbers[f"interior_{side}"].low - 0.02 for side in ("length", "width", "height"))
    assume(interior[0] * interior[1] * interior[2] / (sides[0] * sides[1] * sides[2]) <= 2000)
    try:
        palletised = pack_pallets(interior, sides, mass, False, pallet)
    except InputError:
        return
    assert palletised.crates <= layout_for(interior, sides, False).count


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PALLETS), crate_sides, crate_mass)
def test_chosen_unit_load_carries_at_least_as_many_crates_as_the_fullest_pallet(pallet, sides, mass):
    interior = (5.847, 2.31, 2.36)
    try:
        best = pack_pallets(interior, sides, mass, False, pallet)
    except InputError:
        return
    fullest = unit_load(pallet, sides, mass, False, height_limit_m=interior[2])
    assert best.crates >= fullest.crates * layout_for(interior, fullest.outer_m, True, fullest.stack_layers).count


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PALLETS), crate_sides, st.floats(5.0, 40.0), st.integers(1, 4))
def test_stacked_unit_loads_never_put_more_crate_layers_in_a_column_than_the_cap(pallet, sides, mass, cap):
    interior = (5.847, 2.31, 2.36)
    try:
        packed = pack_pallets(interior, sides, mass, False, pallet, max_layers=cap)
    except InputError:
        return
    assert packed.unit_load.layers * packed.unit_load.stack_layers <= cap
    assert all(section.layers <= packed.unit_load.stack_layers for section in packed.layout.sections)


def test_lower_unit_loads_that_stack_beat_one_tall_layer_of_pallets():
    # 0.75 x 0.2 x 0.2 m crates of 20 kg on EUR: a 2.14 m unit load is one pallet high;
    # five layers (1.144 m with the base) stack two high within EPAL's 4,000 kg.
    result = run("pack", "--container", "20ft", "--package", "0.75x0.2x0.2m", "--mass", "20kg", "--pallet", "EUR",
                 "--format", "json")
    record = json.loads(result.stdout)
    assert record["unit_load"]["limit"] == "stacking"
    assert record["pallets"] == 22 and record["crates"] == 660


def test_overlap_check_finds_a_shared_corner_but_not_a_shared_face():
    assert overlapping_pairs([(0, 0, 0, 2, 2, 2), (1, 1, 1, 2, 2, 2)]) == 1
    assert overlapping_pairs([(0, 0, 0, 2, 2, 2), (2, 0, 0, 2, 2, 2)]) == 0


def test_unit_load_stops_whole_layers_at_the_load_mass():
    eur = pallet_spec(CATALOG.pallet("EUR"))  # 1,000 kg at its pessimistic end
    load = unit_load(eur, (0.4, 0.3, 0.2), 60.0, True)  # 8 a layer of 480 kg
    assert (load.per_layer, load.layers, load.limit) == (8, 2, "mass")
    assert load.gross_mass_kg == pytest.approx(eur.tare_kg + 16 * 60.0)


def test_twenty_foot_box_holds_eleven_eur_pallets():
    # Reference: 11 EUR pallets in a 20 ft box (freightutils.com, ../shared/reference/containers.md).
    result = run("pack", "--container", "20ft", "--package", "0.4x0.3x0.3m", "--mass", "30kg", "--pallet", "EUR",
                 "--format", "json", "--upright")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    # Floor positions: unit loads stacked two high still stand on 11 places.
    floor = {(b["start_mm"], b["footprint_mm"][0]) for b in record["blocks"]}
    per_level = sum(b["per_layer"] for b in record["blocks"])
    assert per_level == 11, floor


def test_pack_pallet_json_contract():
    result = run("pack", "--container", "20ft", "--munition", "152mm-shell", "--pallet", "EUR", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert {"count", "bound", "blocks", "pallet", "pallets", "crates_per_pallet", "crates", "unit_load"} <= set(record)
    assert record["pallet"] == "EUR" and record["count"] == record["pallets"]
    assert record["crates"] == record["pallets"] * record["crates_per_pallet"]
    load = record["unit_load"]
    assert load["per_layer"] * load["layers"] == record["crates_per_pallet"]
    assert (load["length_m"], load["width_m"]) == (1.2, 0.8)
    # The catalog crate at its pessimistic corner: 76 kg, within EUR's 1,000 kg.
    assert record["crates_per_pallet"] * 76 <= 1000
    loose = json.loads(run("pack", "--container", "20ft", "--munition", "152mm-shell", "--format", "json").stdout)
    assert record["crates"] <= loose["count"]


def test_pack_pallet_csv_and_table_name_the_pallet_counts():
    table = run("pack", "--container", "20ft", "--munition", "122mm-shell", "--pallet", "463L")
    assert table.exit_code == 0 and "Pallets (463L):" in table.stdout
    csv = run("pack", "--container", "20ft", "--munition", "122mm-shell", "--pallet", "463L", "--format", "csv")
    assert csv.stdout.splitlines()[0].endswith("pallet,crates_per_pallet,crates")


@pytest.mark.parametrize("args, fragments", [
    (["--package", "1x0.3x0.3m", "--pallet", "EUR"], ["--pallet needs the package's gross mass"]),
    (["--munition", "152mm-shell", "--pallet", "pallet-9"], ["unknown pallet 'pallet-9'", "463L, EUR"]),
    (["--munition", "122mm-rocket", "--pallet", "EUR"], ["not one fits on pallet EUR", "deck 1.2 x 0.8 m"]),
    (["--package", "1x0.3x0.3m", "--mass", "2t", "--pallet", "EUR"], ["not one fits on pallet EUR", "1000 kg"]),
    (["--munition", "152mm-shell", "--crate", "lid"], ["--crate 'lid'", "crate, charge_crate"]),
    (["--munition", "99mm-gun"], ["--munition '99mm-gun'"]),
    (["--package", "1x0.3x0.3m", "--mass", "-3kg", "--pallet", "EUR"], ["--mass"]),
    ([], ["give --package LxWxH or --munition ID"]),
])
def test_pack_pallet_bad_input_is_one_line(args, fragments):
    result = run("pack", "--container", "20ft", *args)
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


HALF_PALLET = {
    "length": (800, "mm"), "width": (600, "mm"), "deck_length": (800, "mm"), "deck_width": (600, "mm"),
    "base_height": (144, "mm"), "tare": (10, "kg"), "max_load_height": (1, "m"), "max_load_mass": (500, "kg"),
}


def pallet_file(tmp_path, pallet_id: str, **changes) -> str:
    """An assumptions file with one pallet: HALF_PALLET with ``changes`` as (value, unit)."""
    path = tmp_path / "pallet.toml"
    numbers = {**HALF_PALLET, **changes}
    path.write_text("\n".join([
        f"[pallet.{pallet_id}]", f'name = "{pallet_id} pallet"',
        *(f'{name} = {{ value = {value}, unit = "{unit}", source = "test" }}' for name, (value, unit) in numbers.items()),
    ]), encoding="utf-8")
    return str(path)


def test_user_pallet_too_large_to_count_is_one_line(tmp_path):
    path = pallet_file(tmp_path, "huge", length=(1e30, "m"), deck_length=(1e30, "m"))
    result = run("pack", "--container", "20ft", "--package", "0.4x0.3x0.25m", "--mass", "20kg", "--pallet", "huge",
                 "--assumptions", path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    # refused when the file is read (catalog.PLAUSIBLE), naming the file, the pallet's key and the value
    assert len(lines) == 1 and lines[0].startswith("Error: pallet.toml: pallet.huge.length.value: 1e+30 m")


def test_user_pallet_is_read_from_an_assumptions_file(tmp_path):
    path = pallet_file(tmp_path, "half")
    result = run("pack", "--container", "20ft", "--package", "0.4x0.3x0.25m", "--mass", "20kg", "--pallet", "half",
                 "--assumptions", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["crates_per_pallet"] == 4 * 4  # 4 a layer, 4 layers of 0.25 m in 1 m
    assert record["unit_load"]["limit"] == "height"


def test_pallet_spec_takes_the_pessimistic_end_of_each_range():
    low, high = pallet_spec(CATALOG.pallet("463L")), pallet_spec(CATALOG.pallet("463L"), optimistic=True)
    assert low.max_load_mass_kg < high.max_load_mass_kg
    assert low.tare_kg > high.tare_kg
    assert isinstance(low, PalletSpec) and low.stack_load_kg is None
