"""Governorate codes and names resolve to ISO 3166-2, whatever the source calls them."""

import pytest

from dashboard.domain.reference import GOVERNORATES, PROGRAMME_GOVERNORATES, governorate_iso


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("IQ-AN", "IQ-AN"),
        ("IQG01", "IQ-AN"),
        ("Al-Anbar", "IQ-AN"),
        (" anbar ", "IQ-AN"),
        ("الأنبار", "IQ-AN"),
        ("At-Ta'mim", "IQ-KI"),
        ("Kirkuk", "IQ-KI"),
        ("IQ.TS", "IQ-KI"),
        ("Dihok", "IQ-DA"),
        ("Duhok", "IQ-DA"),
        ("Arbil", "IQ-AR"),
        ("هەولێر", "IQ-AR"),
        ("As-Sulaymaniyah", "IQ-SU"),
        ("Sala ad-Din", "IQ-SD"),
        ("Baghdad", "IQ-BG"),
        ("Diyala", "IQ-DI"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_governorate_iso(value, iso):
    assert governorate_iso(value) == iso


def test_the_seven_programme_governorates():
    assert len(GOVERNORATES) == 18
    assert sorted(g.name_en for g in PROGRAMME_GOVERNORATES) == [
        "Anbar",
        "Baghdad",
        "Diyala",
        "Dohuk",
        "Erbil",
        "Kirkuk",
        "Sulaymaniyah",
    ]
