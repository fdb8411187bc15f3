"""Camps' names in Arabic and Kurdish (the camps file's optional camp_name_ar and camp_name_ku): read under their
own names, their other names or HXL hashtags, kept through an export, and shown to readers of those languages on
every table of camps; camp_name where a file gave none, and in English. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from dashboard.config import Settings
from dashboard.domain.filters import Filters
from dashboard.services import figures
from tests.helpers import export_text, load_tiny_as_files, run_import

PERIOD = Filters(dt.date(2017, 1, 1), dt.date(2017, 2, 28))
SETTINGS = Settings.from_env(database_url="sqlite://", secret_key="x")


def _names(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(text("SELECT code, name, name_ar, name_ku FROM camps"))}


def test_a_camps_file_gives_each_camps_arabic_and_kurdish_names_under_the_names_people_use(real):
    # a DTM-like header: "Name AR" and "name_ckb" for the two names
    outcome = run_import(
        real,
        "camps",
        "camp_code,camp_name,Name AR,name_ckb,governorate,latitude,longitude,population,population_date\n"
        "A,Camp A,مخيم أ,کەمپی ئا,IQ-DA,36.8,42.9,2000,2017-02-01\n"
        "B,Camp B,,,IQ-AN,33.4,43.3,500,2017-01-15\n",
    )
    assert outcome.loaded, outcome.errors
    names = _names(real)
    assert names["A"] == ("Camp A", "مخيم أ", "کەمپی ئا")
    assert names["B"] == ("Camp B", None, None)  # optional: an empty cell is no name
    # exported as the import format, the names are in their own columns, and load back the same
    exported = export_text(real, "camps")
    assert exported.splitlines()[0].startswith("camp_code,camp_name,camp_name_ar,camp_name_ku,")
    assert "مخيم أ,کەمپی ئا" in exported


def test_an_hxl_file_takes_the_plain_name_tag_for_the_name_whatever_its_order(real):
    outcome = run_import(
        real,
        "camps",
        "Nom (AR),Nom du site,Identifiant,Gouvernorat,Lat,Lon,Individus,Au\n"
        "#loc+name+i_ar,#loc+name,#loc+code,#adm1+code,#geo+lat,#geo+lon,#population,#date\n"
        "مخيم أ,Camp A,A,IQ-DA,36.8,42.9,2000,2017-02-01\n",
    )
    assert outcome.loaded, outcome.errors
    assert _names(real)["A"] == ("Camp A", "مخيم أ", None)


def test_a_camps_name_in_another_language_too_long_is_refused_by_row_and_column(real):
    outcome = run_import(
        real,
        "camps",
        "camp_code,camp_name,camp_name_ar,governorate,latitude,longitude,population,population_date\n"
        f"A,Camp A,{'م' * 129},IQ-DA,36.8,42.9,2000,2017-02-01\n",
    )
    assert not outcome.loaded
    assert [(e["row"], e["column"]) for e in outcome.to_dict()["errors"]] == [(2, "camp_name_ar")]
    assert _names(real)["A"] == ("Camp A", None, None)  # nothing written


def test_a_name_given_on_an_earlier_row_of_the_camp_is_kept(real):
    outcome = run_import(
        real,
        "camps",
        "camp_code,camp_name,camp_name_ar,governorate,latitude,longitude,population,population_date\n"
        "A,Camp A,مخيم أ,IQ-DA,36.8,42.9,1000,2017-01-01\n"
        "A,Camp A,,IQ-DA,36.8,42.9,2000,2017-02-01\n",
    )
    assert outcome.loaded, outcome.errors
    assert _names(real)["A"][1] == "مخيم أ"


def test_every_camp_table_names_the_camps_in_the_readers_language_from_one_cached_result(engine):
    load_tiny_as_files(engine)
    assert run_import(
        engine,
        "camps",
        "camp_code,camp_name,camp_name_ar,camp_name_ku,governorate,latitude,longitude,population,population_date\n"
        "A,Camp A,مخيم أ,کەمپی ئا,IQ-DA,36.8,42.9,2000,2017-02-01\n",
    ).loaded
    english = figures.gaps(engine, PERIOD, SETTINGS, language="en").set_index("code")["name"]
    arabic = figures.gaps(engine, PERIOD, SETTINGS, language="ar").set_index("code")["name"]
    kurdish = figures.gaps(engine, PERIOD, SETTINGS, language="ckb").set_index("code")["name"]
    assert (english["A"], arabic["A"], kurdish["A"]) == ("Camp A", "مخيم أ", "کەمپی ئا")
    assert arabic["C"] == "Camp C"  # no Arabic name given: the camps file's name
    # the cached table is the same for every language: English after Arabic still says the English name
    assert figures.gaps(engine, PERIOD, SETTINGS, language="en").set_index("code")["name"]["A"] == "Camp A"
    table = figures.camp_table(engine, PERIOD, _coordinator(), SETTINGS)
    named = figures.camps_named(engine, table, "ar").set_index("code")["name"]
    assert named["A"] == "مخيم أ"
    assert table.set_index("code")["name"]["A"] == "Camp A"  # the cached table itself untouched


def _coordinator():
    from dashboard.domain.policy import Audience

    return Audience(None)


def test_the_api_names_camps_in_the_language_its_link_asks_for(sqlite_url):
    from tests.helpers import make_app

    app = make_app(sqlite_url)
    load_tiny_as_files(app.server.config["MMC_ENGINE"])
    assert run_import(
        app.server.config["MMC_ENGINE"],
        "camps",
        "camp_code,camp_name,camp_name_ar,governorate,latitude,longitude,population,population_date\n"
        "A,Camp A,مخيم أ,IQ-DA,36.8,42.9,2000,2017-02-01\n",
    ).loaded
    client = app.server.test_client()
    query = "start=2017-01-02&end=2017-02-26"

    def names(link):
        return {f["properties"]["code"]: f["properties"]["name"] for f in client.get(link).get_json()["features"]}

    english, arabic = names(f"/api/v1/camps?{query}"), names(f"/api/v1/camps?{query}&lang=ar")
    assert (english["A"], arabic["A"]) == ("Camp A", "مخيم أ")
    assert arabic.keys() == english.keys()
