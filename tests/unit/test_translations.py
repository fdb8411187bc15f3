"""The catalogues (dashboard/translations): complete, with the English placeholders, extracted from the code as it is;
plural forms by each language's rule; the language chosen from the link, the cookie or the browser; numbers and
dates in the language's way."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dashboard import i18n
from dashboard.config import ROOT

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
# Latin words a translation keeps: formats, standards, data sources and their column names, units, a file's codes
# and column names as the file writes them, and the examples of what a file may hold
KEPT_LATIN = """
    CSV XLSX xlsx xls Excel SVG PDF UTF SHA UTC GeoJSON GeoPackage shapefile zip prj GIS EPSG WGS GPS Kobo ODK
    MMC CCCM OCHA COD AB ADM1 adm1 PCODE EN NAME HASC shapeISO shapeName geoBoundaries GADM Natural Earth EWARN ISO
    IQ AN DA P Anbar ARI AD Skin diseases F k x y YYYY MM DD docs formats md
    start end freq month weekdays date year week camp mmc ambulance female male consultations cases syndrome name
    format json csv by api v1 openapi path query
    Sunday Wednesday Sun Wed
"""


def _template():
    with (i18n.CATALOGUE_DIR / "messages.pot").open("rb") as pot:
        return read_po(pot)


def _catalogue(code: str):
    with i18n.catalogue_path(code).open("rb") as po:
        return read_po(po, locale=i18n.LANGUAGES[code][2])


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_template_holds_every_string_the_code_marks_for_translation():
    """`pybabel extract` (README, "Translations") was run after the last change of a user-facing string."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "dashboard"),
        method_map=[("**.py", "python"), ("web/templates/**.html", "jinja2")],
        keywords={
            "_": None,
            "N_": None,
            "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2),
            "Message": None,
            "Plural": (1, 2),
        },
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    listed = {m.id for m in _template() if m.id}
    assert found - listed == set(), "run pybabel extract (README, Translations): strings missing from messages.pot"
    assert listed - found == set(), "run pybabel extract: messages.pot holds strings the code no longer has"


def test_no_translated_string_hides_inside_an_f_string():
    """pybabel extract does not look inside f-strings: a string translated there would never reach a catalogue."""
    hidden = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "dashboard").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""\bf(["']).*\{(_|ngettext|pgettext)\(""", line)
    ]
    assert not hidden


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_translates_every_string_with_its_placeholders(code):
    catalogue = _catalogue(code)
    translated = {m.id: m for m in catalogue if m.id}
    problems = []
    for message in _template():
        if not message.id:
            continue
        found = translated.get(message.id)
        forms = found.string if found is not None else None
        if not forms or (isinstance(forms, tuple) and not all(forms)) or "fuzzy" in found.flags:
            problems.append(f"untranslated: {message.id!r}")
            continue
        if isinstance(message.id, tuple):
            assert len(forms) == catalogue.num_plurals, message.id
            allowed = _placeholders(message.id[1]) | _placeholders(message.id[0])
            # every form uses only the English placeholders; the general ("other") form uses all of them
            if any(not _placeholders(form) <= allowed for form in forms):
                problems.append(f"a placeholder not in the English: {message.id[1]!r}")
            if _placeholders(forms[-1]) != _placeholders(message.id[1]):
                problems.append(f"placeholders differ: {message.id[1]!r} / {forms[-1]!r}")
        elif _placeholders(forms) != _placeholders(message.id):
            problems.append(f"placeholders differ: {message.id!r} / {forms!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_translation_holds_no_latin_words_but_codes_and_names(code):
    """A string left in English inside a catalogue (copied, not translated) is caught: Latin words may only be codes,
    formats, file and column names, and proper names that have no translation."""
    allowed = {word.lower() for word in KEPT_LATIN.split()}
    for message in _catalogue(code):
        if not message.id:  # (the header)
            continue
        for form in message.string if isinstance(message.string, tuple) else [message.string]:
            words = re.findall(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*", PLACEHOLDER.sub("", form or ""))
            words = [  # (with an underscore or a digit: a setting, a column or a code)
                w for w in words if w.lower() not in allowed and "_" not in w and not any(c.isdigit() for c in w)
            ]
            assert not words, (message.id, words)


def test_arabic_uses_its_six_plural_forms_and_kurdish_its_two():
    def camps(n):
        return i18n.ngettext("Type to search {n} camp", "Type to search {n} camps", n, n=n)

    with i18n.use("ar"):
        forms = {n: camps(n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) == 6, forms
    assert "واحد" in forms[1]
    assert "مخيمين" in forms[2]
    assert "مخيمات" in forms[3]
    assert "مخيمًا" in forms[11]
    with i18n.use("ckb"):
        assert camps(1) == "بنووسە بۆ گەڕان لە 1 کەمپدا"
    with i18n.use("en"):
        assert camps(1) == "Type to search 1 camp"
        assert camps(2) == "Type to search 2 camps"


def test_figures_and_dates_are_written_the_languages_way(monkeypatch):
    day = dt.date(2026, 3, 5)
    with i18n.use("en"):
        assert (i18n.number(12345), i18n.percent(0.625), i18n.date_text(day)) == ("12,345", "63%", "05 Mar 2026")
    with i18n.use("ar"):  # Iraq's month names; Latin digits by default (the common choice in Iraqi health reports)
        assert (i18n.number(12345), i18n.percent(0.625), i18n.date_text(day)) == ("12,345", "63%", "05 آذار 2026")
        monkeypatch.setattr(i18n, "_digits", "arab")
        assert (i18n.number(12345.5), i18n.percent(0.625)) == ("١٢٬٣٤٥٫٥", "٦٣٪")
        assert i18n.date_text(day) == "٠٥ آذار ٢٠٢٦"
    with i18n.use("ckb"):
        assert i18n.month_text(day, "MMMM y") == "ئازار ٢٠٢٦"
    with i18n.use("en"):  # English keeps Latin digits whatever the setting
        assert i18n.number(12345) == "12,345"


def test_names_dates_and_codes_keep_their_own_order_inside_a_right_to_left_sentence():
    """After Arabic letters, an ISO date or a hyphenated code would be read as separate Arabic numbers and shown
    reordered; each such value is isolated (FSI ... PDI). Arabic words and plain numbers need nothing."""
    template = "Visited on {day}"
    with i18n.use("ar"):
        assert (
            i18n._("{code} in {file}", code="DEMO-MMC-01", file="camps.csv")
            == "\u2068DEMO-MMC-01\u2069 in \u2068camps.csv\u2069"
        )
        assert i18n._(template, day="2018-02-28").endswith("\u20682018-02-28\u2069")
        assert i18n._(template, day="28 شباط 2018").endswith(" 28 شباط 2018")  # already reads right
        assert i18n._(template, day="12,345").endswith(" 12,345")
        assert i18n._(template, day="الأنبار") == "Visited on الأنبار"
    with i18n.use("en"):  # left to right: nothing added
        assert i18n._(template, day="2018-02-28") == "Visited on 2018-02-28"


def test_the_language_switch_names_each_language_in_its_own_words():
    assert dict(i18n.own_names()) == {"en": "English", "ar": "العربية", "ckb": "کوردی"}
    assert [i18n.known(c) for c in ("AR", "ar-IQ", "ckb_IQ", "ku", "fr", "", None)] == [
        "ar",
        "ar",
        "ckb",
        None,
        None,
        None,
        None,
    ]


@pytest.fixture
def client(sqlite_url):
    from tests.helpers import make_app, tiny_dataset

    return make_app(sqlite_url, tiny_dataset()).server.test_client()


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def test_the_language_comes_from_the_link_then_the_cookie_then_the_browser(client):
    arabic = client.get("/?lang=ar")
    assert _html_tag(arabic) == '<html lang="ar" dir="rtl">'
    assert "mmc_lang=ar" in arabic.headers["Set-Cookie"]
    assert "العيادات الطبية المتنقلة" in arabic.get_data(as_text=True)  # the title, as the page is first sent
    # the cookie now holds Arabic: the page's callbacks (no lang= in them) answer in it, whatever the browser says
    assert _html_tag(client.get("/trends", headers={"Accept-Language": "en"})) == '<html lang="ar" dir="rtl">'
    assert _html_tag(client.get("/trends?lang=ckb")) == '<html lang="ckb" dir="rtl">'
    client.delete_cookie("mmc_lang")
    browser = client.get("/trends", headers={"Accept-Language": "fr-FR, ckb;q=0.8, ar;q=0.9"})
    assert _html_tag(browser) == '<html lang="ar" dir="rtl">'  # the browser's first language the app has
    assert "Set-Cookie" not in browser.headers  # only the switch and a link's lang= set the cookie
    assert _html_tag(client.get("/?lang=xx", headers={"Accept-Language": "fr"})) == '<html lang="en" dir="ltr">'
    assert {"Cookie", "Accept-Language"} <= set(browser.vary)  # shared caches keep each language apart
    script = client.get("/assets/map.js", headers={"Accept-Language": "ar"})
    assert script.status_code == 200
    assert "Accept-Language" not in script.vary  # (the same in every language: one copy in a shared cache)


def test_a_public_answer_kept_for_one_language_is_not_sent_in_another(client):
    """The process keeps the public's answers (server/answers.py): by language too."""

    def layout(language: str) -> str:
        answer = client.get("/_dash-layout", headers={"Accept-Language": language})
        return json.dumps(answer.get_json(), ensure_ascii=False)

    english, arabic = layout("en"), layout("ar")
    assert "Sign in" in english
    assert "تسجيل الدخول" in arabic
    assert "تسجيل الدخول" not in english
    assert layout("en") == english


def test_the_api_takes_lang_for_its_names(client):
    english = client.get("/api/v1/summary").get_json()
    arabic = client.get("/api/v1/summary?lang=ar").get_json()
    names = {g["governorate"]: g["name"] for g in english["governorates"]}
    named = {g["governorate"]: g["name"] for g in arabic["governorates"]}
    arabic_names = {"IQ-AN": "الأنبار", "IQ-BG": "بغداد", "IQ-DA": "دهوك", "IQ-AR": "أربيل", "IQ-DI": "ديالى"}
    assert names
    assert names.keys() == named.keys()
    for code in names:
        assert names[code] != named[code]
        assert named[code] == arabic_names.get(code, named[code])


def test_the_apis_refusals_are_said_in_the_requests_language_and_name_the_parameter_by_its_code(client):
    english = client.get("/api/v1/camps?colour=red")
    arabic = client.get("/api/v1/camps?colour=red&lang=ar")
    assert english.status_code == arabic.status_code == 400
    assert english.get_json()["error"] == {
        "message": "unknown parameter 'colour': use " + english.get_json()["error"]["message"].split(": use ", 1)[1],
        "parameter": "colour",
    }
    said = arabic.get_json()["error"]
    assert said["parameter"] == "colour"
    assert said["message"].startswith("معامل غير معروف \u2068'colour'\u2069: استخدم")
    assert client.get("/api/v1/gaps?lang=ckb").get_json()["error"]["message"] == (
        "وەک هەماهەنگکار بچۆ ژوورەوە بۆ خوێندنەوەی خشتەی کەلێنەکان"
    )


def test_the_catalogues_ship_with_the_code():
    for code in TRANSLATED:
        assert Path(i18n.catalogue_path(code)).is_file()


def test_cached_figures_are_shared_by_every_language_and_each_renders_its_own_names(tiny, monkeypatch):
    """On SQLite and PostgreSQL (the `tiny` database): a figure computed for one language is not computed again for
    another, and each gets its own governorates' names."""
    from dashboard.data import queries
    from dashboard.domain.filters import Filters
    from dashboard.domain.policy import Audience
    from dashboard.services import figures

    asked = []
    counted = queries.period_totals
    monkeypatch.setattr(queries, "period_totals", lambda *a, **k: asked.append(a) or counted(*a, **k))
    period = Filters(dt.date(2017, 1, 1), dt.date(2017, 2, 28))
    english = figures.summary(tiny, period, Audience(None), language="en")
    arabic = figures.summary(tiny, period, Audience(None), language="ar")
    kurdish = figures.summary(tiny, period, Audience(None), language="ckb")
    assert len(asked) == 1  # computed once, for the first language
    assert english["totals"] == arabic["totals"] == kurdish["totals"]
    names = [{g["governorate"]: g["name"] for g in found["governorates"]} for found in (english, arabic, kurdish)]
    assert names[0]["IQ-DA"] == "Dohuk"
    assert names[1]["IQ-DA"] == "دهوك"
    assert names[2]["IQ-DA"] == "دهۆک"
    # the gap table: the same camps for every language, its reasons and names in each
    from dashboard.config import Settings
    from dashboard.words import with_reasons

    settings = Settings.from_env(database_url="sqlite://", secret_key="x")
    with i18n.use("en"):
        reasons_en = with_reasons(figures.gaps(tiny, period, settings, language="en"), settings)
    with i18n.use("ar"):
        reasons_ar = with_reasons(figures.gaps(tiny, period, settings, language="ar"), settings)
    assert list(reasons_en["code"]) == list(reasons_ar["code"])
    assert "Never visited" in set(reasons_en["reason"])
    assert "لم يُزر قط" in set(reasons_ar["reason"])
    assert set(reasons_ar["governorate_name"]) <= {"دهوك", "الأنبار"}


def test_a_links_bad_parameter_is_named_in_the_readers_language(client):
    """The notice of a link's parameter that was not understood, with the reason the domain layer gave, in Arabic."""
    from tests.helpers import page_content

    client.set_cookie("mmc_lang", "ar")
    shown = json.dumps(json.loads(page_content(client, "/", "?start=2017-02-30")), ensure_ascii=False)
    # the parameter's name and the date each kept in their own order (isolated) inside the right-to-left sentence:
    # without it, the date after Arabic letters reads '30-02-2017'
    assert "يجب أن يكون start تاريخًا بصيغة YYYY-MM-DD، لا \u2068'2017-02-30'\u2069" in shown
    assert "لم يُفهم \u2068start\u2069 في الرابط" in shown
    assert "must be a date" not in shown


def test_the_sign_in_form_offers_the_other_languages_keeping_where_it_leads(client):
    page = client.get("/login?lang=ar&next=/coordinator").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert (
        'href="/login?lang=en&amp;next=%2Fcoordinator"' in page
        or 'href="/login?next=%2Fcoordinator&amp;lang=en"' in page
    )
    assert ">English</a>" in page
    assert ">کوردی</a>" in page
    assert ">العربية</a>" not in page  # (the language it is in already)
