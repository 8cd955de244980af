"""Parsing quantities typed by people: units, dimensions and the 'ton' trap."""

import pytest
from hypothesis import given, strategies as st

from estimator.errors import InputError
from estimator.units import parse_quantity, parse_si


@pytest.mark.parametrize(
    "text, dimension, expected",
    [
        ("26 t", "mass", 26_000.0),
        ("26000 kg", "mass", 26_000.0),
        ("26 tonne", "mass", 26_000.0),
        ("57320 lb", "mass", 57_320 * 0.45359237),
        ("2 short_ton", "mass", 2 * 907.18474),
        ("1.2 ft", "length", 1.2 * 0.3048),
        ("490 cm", "length", 4.9),
        ("12 inches", "length", 12 * 0.0254),
        ("0.9", "dimensionless", 0.9),
        ("90 %", "dimensionless", 0.9),
    ],
)
def test_people_units_are_read_in_si(text, dimension, expected):
    assert parse_si(text, dimension, "x") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["26 ton", "26 tons", "3ton"])
def test_ton_is_refused_with_a_hint(text):
    with pytest.raises(InputError) as error:
        parse_si(text, "mass", "container.payload")
    message = str(error.value)
    assert "short ton" in message and "'t'" in message and "container.payload" in message
    assert "\n" not in message


def test_wrong_dimension_names_the_input_the_dimension_and_the_value():
    with pytest.raises(InputError) as error:
        parse_si("26 m", "mass", "container.payload")
    message = str(error.value)
    assert message.startswith("container.payload: '26 m' has dimension [length], expected mass")


@pytest.mark.parametrize("text", ["", "abc", "1,000 kg", "nan kg", "1e999 kg", "10**10**10 kg", "5 parsec"])
def test_malformed_quantities_are_refused(text):
    with pytest.raises(InputError, match="crate.length"):
        parse_si(text, "length", "crate.length")


@given(st.floats(0.001, 1e5), st.sampled_from([("m", 1.0), ("cm", 0.01), ("mm", 0.001), ("ft", 0.3048), ("in", 0.0254)]))
def test_length_units_scale_exactly(value, unit_and_factor):
    unit, factor = unit_and_factor
    assert parse_si(f"{value!r} {unit}", "length", "x") == pytest.approx(value * factor, rel=1e-12)


@pytest.mark.parametrize("typed, unit", [('48"', "inch"), ("48''", "inch"), ("48\u2033", "inch"), ('48 "', "inch"),
                                         ("4'", "foot"), ("4\u2032", "foot"), ("4 '", "foot")])
def test_foot_and_inch_marks_are_read_as_feet_and_inches(typed, unit):
    number = float(typed.rstrip("'\"\u2032\u2033 "))
    assert parse_quantity(typed, "length", "crate.length") == parse_quantity(f"{number} {unit}", "length", "x")


@pytest.mark.parametrize("typed", ['4\'6"', '"48', "'", '48"" '])
def test_marks_that_make_no_length_are_refused(typed):
    with pytest.raises(InputError, match="crate.length"):
        parse_quantity(typed, "length", "crate.length")


@pytest.mark.parametrize("typed, hint", [("57,320 lb", "commas are not read"), ("26,000kg", "commas are not read"),
                                         ("1,5 t", "commas are not read"), ("26 t", None)])
def test_a_comma_between_digits_is_named_as_the_reason(typed, hint):
    if hint is None:
        assert parse_si(typed, "mass", "container.payload") == 26_000.0
        return
    with pytest.raises(InputError) as error:
        parse_si(typed, "mass", "container.payload")
    assert hint in str(error.value) and repr(typed) in str(error.value)


@pytest.mark.parametrize("typed", ['4\'6"', "4' 6\"", "4\u20326\u2033", "4ft6in", "4 ft 6 in"])
def test_feet_and_inches_in_one_value_are_refused_with_the_single_unit_way(typed):
    with pytest.raises(InputError, match="one number and one unit a value: write 4'6\" or 4ft6in as 54in"):
        parse_quantity(typed, "length", "crate.length")


@pytest.mark.parametrize("typed, hint", [
    ("26t-27t", "a range is written LOW..HIGH"), ("26\u201327 t", "a range is written LOW..HIGH"),
    ("26 000 kg", "no spaces inside a number"),
])
def test_a_dash_range_or_grouped_digits_are_named_as_the_reason(typed, hint):
    with pytest.raises(InputError) as error:
        parse_si(typed, "mass", "container.payload")
    assert hint in str(error.value)


@pytest.mark.parametrize("typed", ["1e-3 kgg", "5 parsec", "abc"])
def test_an_exponent_or_an_unknown_unit_gets_no_misleading_hint(typed):
    with pytest.raises(InputError) as error:
        parse_si(typed, "mass", "container.payload")
    assert str(error.value).endswith(")")  # the generic message alone, no "; ..." hint
