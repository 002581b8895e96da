"""Quantities in every notation, as k8s.io/apimachinery/pkg/api/resource parses and rounds them
(quantity_test.go: TestQuantityParse, TestQuantityRoundUp / MilliValue and Value round up)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kubelint.k8s import quantity


@pytest.mark.parametrize("text, exact", [
    ("0", 0), ("1", 1), ("+2", 2), ("-3", -3), ("0.5", Fraction(1, 2)), (".5", Fraction(1, 2)), ("1.", 1),
    ("250m", Fraction(1, 4)), ("100m", Fraction(1, 10)), ("1500m", Fraction(3, 2)), ("5n", Fraction(5, 10 ** 9)),
    ("7u", Fraction(7, 10 ** 6)), ("1k", 1000), ("2M", 2 * 10 ** 6), ("3G", 3 * 10 ** 9), ("4T", 4 * 10 ** 12),
    ("5P", 5 * 10 ** 15), ("6E", 6 * 10 ** 18),
    ("1Ki", 1024), ("1Mi", 2 ** 20), ("1.5Gi", 3 * 2 ** 29), ("2Ti", 2 * 2 ** 40), ("1Pi", 2 ** 50), ("1Ei", 2 ** 60),
    ("1e3", 1000), ("1E3", 1000), ("12e-3", Fraction(12, 1000)), ("1.5e+2", 150), ("4039892Ki", 4039892 * 1024),
])
def test_parses_every_notation(text, exact):
    assert quantity.parse(text) == exact


@pytest.mark.parametrize("value, exact", [(2, 2), (0.5, Fraction(1, 2)), (1e3, 1000)])
def test_yaml_numbers_are_quantities(value, exact):
    assert quantity.parse(value) == exact


@pytest.mark.parametrize("text", ["", "1.5.0", "10 GB", "512MB", "1Kib", "m", "1e", "ki", "1 ", "0x10", "1,5"])
def test_rejects_what_the_api_server_rejects(text):
    with pytest.raises(quantity.QuantityError):
        quantity.parse(text)
    assert not quantity.is_quantity(text)


def test_booleans_are_not_quantities():
    with pytest.raises(quantity.QuantityError):
        quantity.parse(True)


@pytest.mark.parametrize("text, milli, value", [
    ("0.0001", 1, 1),          # MilliValue and Value round up
    ("100m", 100, 1),
    ("1", 1000, 1),
    ("1.5", 1500, 2),
    ("250m", 250, 1),
    ("1500u", 2, 1),
    ("2Gi", 2 * 2 ** 30 * 1000, 2 * 2 ** 30),
])
def test_rounds_up_like_value_and_milli_value(text, milli, value):
    assert quantity.milli_value(text) == milli
    assert quantity.value(text) == value


@pytest.mark.parametrize("name, amount, text", [
    ("cpu", 1500, "1500m"), ("cpu", 2000, "2"), ("cpu", 0, "0"),
    ("memory", 2 * 2 ** 30, "2Gi"), ("memory", 1536 * 2 ** 20, "1536Mi"), ("memory", 500 * 10 ** 6, "500M"),
    ("memory", 1000, "1k"), ("memory", 1023, "1023"), ("pods", 110, "110"), ("nvidia.com/gpu", 2, "2"),
    ("ephemeral-storage", 100 * 2 ** 30, "100Gi"),
])
def test_formats_as_kubernetes_writes_quantities(name, amount, text):
    assert quantity.format_resource(name, amount) == text
    assert quantity.parse(text) * (1000 if name == "cpu" else 1) == amount
