"""A kit's package types sharing one container (``pack --round``, kit_pack.py): the best
split of the length against every split, the placements inside their own lengths and
disjoint, the mass limit against a count by hand, and the command line."""

import json

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from cli_helpers import assert_one_line_error, run
from estimator.kit_pack import KitPart, kit_limits, pack_kit, rounds_by_mass
from estimator.packing import _canonical, best_layout, kit_rounds_by_length
from estimator.pallet_loading import raster_points
from test_packing import assert_disjoint_and_inside

boxes = st.tuples(st.integers(120, 400), st.integers(120, 400), st.integers(120, 400))


def part(name, sides, items=1, per_round=1, mass=50.0, upright=False):
    return KitPart(name, tuple(side / 1000 for side in sides), mass, upright, 0, items, per_round)


def rounds_alone(p, box, length, width, height):
    """Whole rounds of part ``p`` laid out alone in ``length`` of the interior."""
    count = best_layout((length, width, height), _canonical(box, p.upright), p.upright, whole_floors=False).count
    return count * p.items // p.items_per_round


@settings(max_examples=15, deadline=None)
@given(boxes, st.integers(1, 3), boxes, st.integers(1, 3), st.booleans(),
       st.integers(500, 1500), st.integers(400, 900), st.integers(300, 700))
@example((300, 300, 1000), 1, (280, 500, 850), 2, False, 1500, 900, 700)
def test_the_split_is_the_best_of_every_split_and_each_part_lies_in_its_own_length(
        first, first_items, second, second_rounds, upright, length, width, height):
    parts = [part("a", first, items=first_items, upright=upright), part("b", second, per_round=second_rounds)]
    packed = pack_kit((length / 1000, width / 1000, height / 1000), parts)
    # The first part's count steps up only at sums of its sides, so the best split gives
    # it one of those lengths (the second part's count never falls as its length grows).
    best = max(min(rounds_alone(parts[0], first, x, width, height),
                   rounds_alone(parts[1], second, length - x, width, height))
               for x in raster_points(length, first).tolist())
    assert packed.rounds_by_space == best
    assert packed.rounds_by_part == tuple(rounds_alone(p, box, layout.interior[0], width, height)
                                          for p, box, layout in zip(parts, (first, second), packed.layouts))
    assert [layout.interior[0] for layout in packed.layouts] == [packed.starts[1], length - packed.starts[1]]
    placed = packed.placements()
    assert len(placed) == sum(layout.count for layout in packed.layouts)
    assert_disjoint_and_inside(placed, packed.interior)
    counts = [layout.count for layout in packed.layouts]
    for k, (start, layout) in enumerate(zip(packed.starts, packed.layouts)):
        own = placed[sum(counts[:k]): sum(counts[: k + 1])]
        assert all(start <= x and x + dx <= start + layout.interior[0] for x, _, _, dx, _, _ in own)


@given(st.floats(0, 40_000), st.lists(st.tuples(st.floats(1, 200), st.integers(1, 4), st.integers(1, 4)),
                                      min_size=1, max_size=3))
def test_rounds_by_mass_is_the_most_whole_rounds_whose_whole_packages_fit_the_payload(usable, kit):
    parts = [part(f"p{k}", (300, 300, 300), items=items, per_round=per_round, mass=mass)
             for k, (mass, items, per_round) in enumerate(kit)]

    def mass_of(rounds):  # whole packages: ceil(R q / k) of each
        return sum(-(-rounds * p.items_per_round // p.items) * p.gross_mass_kg for p in parts)

    rounds = rounds_by_mass(usable, parts)
    assert mass_of(rounds) <= usable * (1 + 1e-9) and mass_of(rounds + 1) > usable


# --- the command line -------------------------------------------------------------------


def kit_json(*extra):
    result = run("pack", "--munition", "152mm-shell", "--round", "complete", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_pack_round_json_holds_the_fewer_of_space_and_mass_and_every_part():
    record = kit_json("--container", "20ft")
    assert record["rounds"] == min(record["rounds_by_space"], record["rounds_by_mass"]) > 0
    assert record["binding"] == ("mass" if record["rounds_by_mass"] <= record["rounds_by_space"] else "space")
    parts = record["parts"]
    assert [p["package"] for p in parts] == ["crate", "charge_crate"]
    assert record["rounds_by_space"] == min(p["rounds"] for p in parts)
    assert sum(p["length_mm"] for p in parts) == record["interior_mm"][0]
    for p in parts:
        assert p["count"] == sum(block["count"] for block in p["blocks"])
        assert p["rounds"] == p["count"] * p["items"] // p["items_per_round"]
        assert all(p["start_mm"] <= b["start_mm"] and b["start_mm"] + b["length_mm"] <= p["start_mm"] + p["length_mm"]
                   for b in p["blocks"])


def test_pack_round_in_an_interior_has_no_mass_limit():
    record = kit_json("--interior", "5x2.3x2.3m")
    assert record["rounds_by_mass"] is None and record["binding"] is None
    assert record["rounds"] == record["rounds_by_space"]
    table = run("pack", "--munition", "152mm-shell", "--round", "complete", "--interior", "5x2.3x2.3m").stdout
    assert "no mass limit" in table


def test_pack_round_of_one_package_type_equals_packing_that_package():
    record = kit_json("--container", "20ft")
    alone = json.loads(run("pack", "--munition", "152mm-shell", "--round", "projectile", "--container", "20ft",
                           "--format", "json").stdout)
    crate = json.loads(run("pack", "--munition", "152mm-shell", "--container", "20ft", "--format", "json").stdout)
    assert len(alone["parts"]) == 1 and alone["rounds_by_space"] <= crate["count"]
    assert record["rounds_by_space"] <= alone["rounds_by_space"]


@pytest.mark.parametrize("args, fragment", [
    (["--round", "complete"], "--munition"),
    (["--munition", "152mm-shell", "--round", "whole"], "'whole'"),
    (["--munition", "152mm-shell", "--round", "complete", "--package", "1x1x1m"], "--package"),
    (["--munition", "152mm-shell", "--round", "complete", "--crate", "charge_crate"], "--crate"),
    (["--munition", "152mm-shell", "--round", "complete", "--pallet", "EUR"], "--pallet"),
    (["--munition", "152mm-shell", "--round", "complete", "--mass", "60kg"], "--mass"),
])
def test_pack_round_refuses_what_it_cannot_do_in_one_line(args, fragment):
    assert_one_line_error(run("pack", "--container", "20ft", *args), fragment)


def test_pack_round_plot_writes_an_image(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "kit.png"
    result = run("pack", "--container", "20ft", "--munition", "152mm-shell", "--round", "complete",
                 "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_kit_part_that_cannot_pass_the_door_is_an_error_naming_it():
    from estimator.errors import InputError

    parts = [part("crate", (1000, 300, 300)), part("charge_crate", (850, 500, 280))]
    with pytest.raises(InputError, match="charge_crate"):
        pack_kit((5.8, 2.3, 2.3), parts, door_m=(0.45, 0.45))


def test_pack_round_says_which_package_fits_the_interior_in_no_orientation():
    args = ("pack", "--munition", "152mm-shell", "--round", "complete", "--interior", "0.9x0.5x0.5m")
    record = json.loads(run(*args, "--format", "json").stdout)
    assert record["rounds"] == 0 and [p["count"] for p in record["parts"]] == [0, 1]
    table = run(*args).stdout
    assert "The crate (1,000 x 300 x 300 mm) fits the interior (900 x 500 x 500 mm) in no orientation." in table
    assert "charge_crate (" not in table.split("in no orientation")[0].split("\n\n")[-1]


@pytest.mark.parametrize("order", [1, -1])
def test_kit_blocks_lie_in_their_parts_length_along_the_container_in_turned_layouts_too(order):
    from estimator.render import kit_pack_record

    # In this interior the projectile crates are best turned (layers along the length).
    parts = [part("crate", (1000, 300, 300)), part("charge_crate", (850, 500, 280), items=2)][::order]
    kit = pack_kit((5.717, 2.18, 2.179), parts)
    record = kit_pack_record(kit, kit_limits(kit, None), None, "152mm-shell", "complete")
    frames = [p["frame"] for p in record["parts"]]
    assert ["height", "width", "length"] in frames  # a turned part, first or second
    for p in record["parts"]:
        along = p["frame"].index("length")  # the block axis that runs along the container's length
        for b in p["blocks"]:
            begin, extent = ((b["start_mm"], b["length_mm"]), (b["left_mm"], b["width_mm"]),
                             (b["base_mm"], b["layers"] * b["vertical_mm"]))[along]
            assert p["start_mm"] <= begin and begin + extent <= p["start_mm"] + p["length_mm"], (p["package"], b)


def test_pack_round_sentence_says_round_for_one():
    table = run("pack", "--munition", "152mm-shell", "--round", "projectile", "--interior", "1x0.3x0.3m").stdout
    assert "1 projectile round of 152mm-shell by space" in table


@settings(max_examples=15, deadline=None)
@given(boxes, boxes, st.integers(1, 3), st.integers(600, 2000), st.integers(1, 400), st.integers(500, 900),
       st.integers(400, 700))
def test_a_longer_container_never_carries_fewer_kit_rounds_nor_more_than_a_part_alone(
        first, second, second_items, length, longer, width, height):
    parts = [part("a", first), part("b", second, items=second_items)]
    boxes_mm = [_canonical(box, p.upright) for box, p in zip((first, second), parts)]
    by_length = kit_rounds_by_length((length + longer, width, height), boxes_mm, [False, False], [1, second_items],
                                     [1, 1])
    assert (np.diff(by_length) >= 0).all()  # at every length up to the longer one
    for side in (length, length + longer):
        packed = pack_kit((side / 1000, width / 1000, height / 1000), parts)
        assert packed.rounds_by_space == by_length[side]
        # Each part alone in the whole container carries at least its rounds in its share.
        for k, (p, box) in enumerate(zip(parts, (first, second))):
            assert packed.rounds_by_part[k] <= rounds_alone(p, box, side, width, height)


def test_the_kit_plot_caption_gives_the_mass_limit_and_what_binds():
    pytest.importorskip("matplotlib")
    from estimator.catalog import load_catalog
    from estimator.figures import kit_figure
    from estimator.pack_inputs import catalog_kit, smallest_interior, smallest_usable_payload

    catalog = load_catalog()
    interior_m, door = smallest_interior(catalog, "20ft")
    kit = pack_kit(interior_m, catalog_kit(catalog, "152mm-shell", "complete"), door)
    limits = kit_limits(kit, smallest_usable_payload(catalog, "20ft"))
    caption = kit_figure(kit, limits).axes[-1].get_xlabel()
    assert f"{limits.by_space:,} rounds by space, {limits.by_mass:,} by mass: {limits.rounds:,} " \
           f"({limits.binding} binds)" in caption
    assert "by mass" not in kit_figure(kit).axes[-1].get_xlabel()  # pack --interior: no payload known
