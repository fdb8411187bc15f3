"""Files as they come from the field, built here in the shapes of CCCM, DTM, OCHA, HDX and EWARN files: names in
Arabic without hamza and in Kurdish, other column names and hashtag rows, dates and numbers as spreadsheets write
them. Each loads with few edits, or is refused with a message that says what to change."""

from __future__ import annotations

import pytest

from dashboard.data import loading
from dashboard.domain import aliases
from dashboard.domain.reference import governorate_match
from tests.helpers import run_import as run

CAMPS = "camp_code,camp_name,governorate,latitude,longitude,population,population_date"
CLINICS = "clinic_code,clinic_name,unit_type,governorate,base_latitude,base_longitude,clinicians"


def _errors(outcome) -> list[tuple]:
    return [(e["rows"], e["column"], e["message"]) for e in outcome.errors]


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("اربيل", "IQ-AR"),  # OCHA's Arabic, without hamza
        ("أربيل", "IQ-AR"),
        ("الانبار", "IQ-AN"),
        ("الأنبار", "IQ-AN"),
        ("هەولێر", "IQ-AR"),  # Sorani Kurdish
        ("سلێمانی", "IQ-SU"),
        ("دهۆک", "IQ-DA"),
        ("Suleimaniyah", "IQ-SU"),
        ("Sulaymaniya", "IQ-SU"),
        ("Diyalah", "IQ-DI"),
        ("Babel", "IQ-BB"),
        ("Al-Anbar Governorate", "IQ-AN"),
        ("محافظة دهوك", "IQ-DA"),
        ("IQG13", "IQ-KI"),  # OCHA P-codes, in both forms
        ("IQ13", "IQ-KI"),
        ("IQ.TS", "IQ-KI"),  # Natural Earth's HASC for Kirkuk
        ("Diyālā", "IQ-DI"),
    ],
)
def test_governorates_are_recognised_as_people_write_them(written, iso):
    assert governorate_match(written) == (iso, None)


@pytest.mark.parametrize("written", ["Halabja", "Halabjah", "حلبجة", "هەڵەبجە"])
def test_halabja_is_counted_under_sulaymaniyah_and_named(written):
    assert governorate_match(written) == ("IQ-SU", "Halabja")


def test_no_name_in_the_alias_file_points_at_two_governorates_or_two_codes():
    from dashboard.domain.reference import _governorate_lookup

    seen: dict[str, str] = {}
    for g_iso, names in aliases.names("governorates").items():
        for name in names:
            key = aliases.fold(name)
            assert seen.setdefault(key, g_iso) == g_iso, name
            assert _governorate_lookup()[key][0] == g_iso, name
    for section in ("syndromes", "sexes", "unit_types", "site_types"):
        owner: dict[str, str] = {}
        for code, names in aliases.names(section).items():
            for name in names:
                assert owner.setdefault(aliases.fold(name), code) == code, (section, name)


def test_an_ocha_style_camp_file_in_arabic_loads_and_says_how_it_read_it(engine):
    content = (
        "SSID,Site Name,ADM1_AR,ADM2_EN,Latitude,Longitude,Individuals,Date\n"
        'IQ1505-0009,Khanke,دهوك,Sumel,36.97,42.73,"16,500",2017-01-01\n'
        "IQ1103-0003,Baharka,اربيل,Erbil,36.27,43.97,4 310,2017-01-01\n"
        'IQ0106-0022,Amriyat Al-Fallujah,الانبار,Falluja,"33,18","43,65",12450,2017-01-01\n'
    )
    outcome = run(engine, "camps", content)
    assert outcome.loaded, outcome.errors
    assert outcome.added == 3
    assert (
        "Columns read by another name: 'SSID' as camp_code, 'Site Name' as camp_name, 'ADM1_AR' as governorate, "
        "'ADM2_EN' as district, 'Individuals' as population, 'Date' as population_date." in outcome.notes
    )
    assert "2 population values have thousands separators: read without." in outcome.notes
    assert "1 latitude value has a decimal comma: read as a point." in outcome.notes
    assert "1 longitude value has a decimal comma: read as a point." in outcome.notes
    rows = {r["camp_code"]: r for r in loading.export_rows(engine, "camps")}
    assert (rows["IQ1505-0009"]["governorate"], rows["IQ1505-0009"]["population"]) == ("IQ-DA", 16500)
    assert (rows["IQ1103-0003"]["governorate"], rows["IQ1103-0003"]["population"]) == ("IQ-AR", 4310)
    assert (rows["IQ0106-0022"]["latitude"], rows["IQ0106-0022"]["longitude"]) == (33.18, 43.65)


def test_an_hdx_file_is_read_by_its_hashtags_when_its_headers_are_its_own(engine):
    content = (
        "Camp identifier,Camp,Muhafaza code,N,E,Persons,As at\n"
        "#loc+code,#loc+name,#adm1+pcode,#geo+lat,#geo+lon,#affected+ind,#date+reported\n"
        "IQ1505-0009,Khanke,IQG09,36.97,42.73,16500,2017-01-01\n"
    )
    outcome = run(engine, "camps", content)
    assert outcome.loaded, outcome.errors
    assert (
        "Columns read by another name: 'Camp' as camp_name, 'Camp identifier' (#loc+code) as camp_code, "
        "'Muhafaza code' (#adm1+pcode) as governorate, 'N' (#geo+lat) as latitude, 'E' (#geo+lon) as "
        "longitude, 'Persons' (#affected+ind) as population, 'As at' (#date+reported) as population_date."
        in outcome.notes
    )


def test_halabja_camps_load_under_sulaymaniyah_with_a_note(engine):
    outcome = run(engine, "camps", f"{CAMPS}\nHB-1,Halabja site,هەڵەبجە,35.18,45.99,900,2017-01-01")
    assert outcome.loaded, outcome.errors
    assert (
        "1 row names Halabja: counted under Sulaymaniyah, as ISO 3166-2, OCHA's boundaries and the programme's "
        "seven governorates do." in outcome.notes
    )
    assert next(iter(loading.export_rows(engine, "camps")))["governorate"] == "IQ-SU"


def test_messages_suggest_the_likely_fix(engine):
    content = (
        f"{CAMPS}\n"
        "A1,Camp A,Dohuk,42.73,36.97,100,13/04/2018\n"  # latitude and longitude swapped; day/month/year
        "A2,Camp B,Dohuk,36°58'N,42.73,100,02/05/2018\n"  # degrees and minutes
        "A3,Camp C,Dohk,36.97,42.73,1.250,43191\n"  # a misspelt governorate, a thousands point, a day number
        "A4,Camp D,Dohuk,36.97,42.73,100.5,2018/04/01\n"
    )
    outcome = run(engine, "camps", content)
    assert not outcome.loaded
    assert _errors(outcome) == [
        (
            [2],
            "latitude",
            "latitude 42.73 and longitude 36.97 look swapped: in Iraq latitudes are 29.0 to 37.5 and longitudes "
            "38.7 to 48.7; exchange the two columns' headers or values",
        ),
        (  # one problem for the column's dates, with an example: a file of them still lists its other errors
            [2, 3],
            "population_date",
            "dates look like day/month/year: write them as YYYY-MM-DD (13/04/2018 is 2018-04-13)",
        ),
        (
            [3],
            "latitude",
            "'36°58'N' is in degrees, minutes and seconds: write decimal degrees (36° 51' 00\" is 36.85), as GPS "
            "apps and the Kobo and ODK forms give them",
        ),
        (
            [4],
            "governorate",
            "unknown governorate 'Dohk': use an ISO code (IQ-AN), an OCHA P-code (IQG01) or a name in English, "
            "Arabic or Kurdish (Anbar, الأنبار); did you mean Dohuk?",
        ),
        ([4], "population", "1.250 is not a whole number: if the point separates thousands, write 1250"),
        (
            [4],
            "population_date",
            "dates are spreadsheet day numbers: format the column as a date (43191 is 2018-04-01)",
        ),
        ([5], "population", "100.5 is not a whole number"),
        (
            [5],
            "population_date",
            "dates are written with slashes or dots: write them as YYYY-MM-DD (2018/04/01 is 2018-04-01)",
        ),
    ]


def test_a_camp_placed_in_another_governorate_is_a_warning_that_names_both(engine):
    content = f"{CAMPS}\nM1,Near Mosul,Dohuk,36.34,43.13,100,2017-01-01\nK1,Khanke,Dohuk,36.97,42.73,100,2017-01-01"
    outcome = run(engine, "camps", content)
    assert outcome.loaded
    assert [(w["rows"], w["message"]) for w in outcome.warnings] == [
        (
            [2],
            "the position (36.34, 43.13) lies in Ninewa, not in Dohuk as the governorate column says: check the "
            "coordinates (or the governorate)",
        )
    ]


def test_a_unit_base_across_the_border_is_a_warning(engine):
    outcome = run(engine, "clinics", f"{CLINICS}\nU1,Team,mmc,Anbar,33.5,39.0,2")
    assert outcome.loaded
    assert outcome.warnings[0]["message"].startswith("the position (33.5, 39.0) lies outside every governorate's")


def test_labels_and_codes_of_ewarn_sheets_are_read_as_the_format_s_codes(engine):
    run(engine, "camps", f"{CAMPS}\nA,Camp A,Dohuk,36.97,42.73,100,2017-01-01")
    run(engine, "clinics", f"{CLINICS}\nM1,Team,Mobile medical clinic,Dohuk,36.9,42.8,2")
    content = (
        "Date,Team,Site,Disease,Gender,Age,Cases,Referred\n"
        "2017-02-01,M1,A,AD,F,<5,3,0\n"
        "2017-02-01,M1,A,Acute Respiratory Infection,ذكر,5+,4,1\n"
        "2017-02-01,M1,A,Skin diseases,Female,5 and over,2,0\n"
        "2017-02-01,M1,A,HTN,M,5 years and over,1,0\n"
    )
    outcome = run(engine, "records", content)
    assert outcome.loaded, outcome.errors
    stored = sorted((r["syndrome"], r["sex"], r["age_group"]) for r in loading.export_rows(engine, "records"))
    assert stored == [
        ("ari", "male", "5plus"),
        ("awd", "female", "under5"),
        ("hypertension", "male", "5plus"),
        ("other", "female", "5plus"),
    ]


def test_an_unknown_label_is_one_line_for_all_its_rows_with_a_suggestion(engine):
    run(engine, "camps", f"{CAMPS}\nA,Camp A,Dohuk,36.97,42.73,100,2017-01-01")
    run(engine, "clinics", f"{CLINICS}\nM1,Team,mmc,Dohuk,36.9,42.8,2")
    rows = "\n".join(f"2017-02-{d:02d},M1,A,scabis,female,5plus,1,0" for d in range(1, 21))
    outcome = run(
        engine, "records", f"date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals\n{rows}"
    )
    assert outcome.error_count == 20
    assert len(outcome.errors) == 1
    error = outcome.errors[0]
    assert (error["count"], error["rows"][:3]) == (20, [2, 3, 4])
    assert error["message"].endswith("did you mean scabies?")


def test_a_name_in_a_code_column_is_told_its_code(engine):
    run(engine, "camps", f"{CAMPS}\nIQ1505-0009,Khanke,Dohuk,36.97,42.73,100,2017-01-01")
    run(engine, "clinics", f"{CLINICS}\nM1,Team,mmc,Dohuk,36.9,42.8,2")
    header = "date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals"
    outcome = run(engine, "records", f"{header}\n2017-02-01,M1,Khanke,ari,female,5plus,1,0")
    assert (
        outcome.errors[0]["message"] == "unknown camp code 'Khanke': it is the name of camp IQ1505-0009; write its code"
    )
    assert "1 camp code is not loaded: Khanke." in outcome.notes


def test_a_deployment_adds_its_own_labels_in_an_aliases_file(tmp_path, engine):
    extra = tmp_path / "aliases.toml"
    extra.write_text('[syndromes]\nscabies = ["Skin diseases (scabies)", "Jarab"]\n', encoding="utf-8")
    try:
        aliases.configure(str(extra))
        assert aliases.lookup("syndromes")[aliases.fold("Jarab")] == "scabies"
        assert aliases.lookup("syndromes")[aliases.fold("ARI")] == "ari"  # the shipped names stay
    finally:
        aliases.configure(None)
    assert aliases.fold("Jarab") not in aliases.lookup("syndromes")


def test_an_aliases_file_that_is_not_toml_stops_with_its_name(tmp_path):
    bad = tmp_path / "aliases.toml"
    bad.write_text("[syndromes\n", encoding="utf-8")
    with pytest.raises(aliases.AliasFileError, match=r"ALIASES_FILE .*aliases.toml: not a TOML file"):
        aliases.configure(str(bad))
    aliases.configure(None)
