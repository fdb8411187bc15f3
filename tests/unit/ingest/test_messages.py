"""A file's problems and notes are made in the ingest layer, in English, and said in the reader's language on the
data page (domain.messages, words.say): the same check, the same rows, in English, Arabic and Kurdish, after the
outcome's trip through JSON between requests."""

from __future__ import annotations

import json
import pickle
import re

from dashboard import i18n, words
from dashboard.domain.messages import Message, Plural, as_data, from_data
from tests.helpers import make_app, run_import, texts

CAMPS = (
    "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"
    "K1,Khanke,Narnia,36.97,42.73,16500,2018-01-01\n"
    "B1,Baharka,Erbil,36.27,43.97,4310,13/04/2018\n"
    "B2,Baharka 2,Erbil,44.00,36.27,12.5,2018-01-01\n"
)


def test_a_message_is_its_english_words_and_what_they_were_made_from():
    found = Message("unknown value '{value}': use {listing}{suggestion}", value="flu", listing="ari", suggestion="")
    assert found == "unknown value 'flu': use ari"
    assert from_data(json.loads(json.dumps(as_data(found)))) == found
    assert pickle.loads(pickle.dumps(found)).template == found.template  # (RQ pickles a job's result)
    one, three = (
        Plural("{n} camp code is not loaded: {codes}.", "{n} camp codes are not loaded: {codes}.", n, n=n, codes=codes)
        for n, codes in ((1, "K1"), (3, "K1, K2, K3"))
    )
    assert (one, three) == ("1 camp code is not loaded: K1.", "3 camp codes are not loaded: K1, K2, K3.")
    with i18n.use("ar"):  # each language's own plural forms
        assert words.say(one) == "رمز مخيم واحد غير محمّل: \u2068K1\u2069."
        assert words.say(three) == "3 رموز مخيمات غير محمّلة: \u2068K1, K2, K3\u2069."


def test_a_files_problems_are_said_in_the_readers_language(engine):
    outcome = json.loads(json.dumps(run_import(engine, "camps", CAMPS, dry_run=True).to_dict()))
    assert outcome["error_count"] >= 3
    english = [words.say(p["text"]) for p in outcome["errors"]]
    assert english == [p["message"] for p in outcome["errors"]]  # English: as the file's checks wrote it
    assert any("unknown governorate 'Narnia'" in e for e in english)
    with i18n.use("ar"):
        arabic = [words.say(p["text"]) for p in outcome["errors"]]
        rows = [words.rows_text(p) for p in outcome["errors"]]
    assert any("محافظة غير معروفة '\u2068Narnia\u2069'" in a for a in arabic)
    assert any("متبادلان" in a for a in arabic)  # latitude and longitude swapped, the values kept
    for said in arabic:  # no English word left but codes, columns and the file's own values
        left = re.sub(r"'[^']*'|\b[A-Z]{2,}[\w-]*\b|\b[a-z]+_[a-z_]+\b|YYYY-MM-DD|[\d.,/:-]+", "", said)
        assert not re.search(r"\b(is|the|not|use|or|a|and|write)\b", left), said
    assert all(r.startswith("الصف") for r in rows if r)
    with i18n.use("ckb"):
        kurdish = [words.say(p["text"]) for p in outcome["errors"]]
    assert any("پارێزگای نەناسراو '\u2068Narnia\u2069'" in k for k in kurdish)


def test_the_data_page_shows_a_refused_files_problems_and_notes_in_arabic(sqlite_url):
    app = make_app(sqlite_url)
    from dashboard.web.pages import coordinator_data  # (a page: once the app is made)

    engine = app.server.config["MMC_ENGINE"]
    outcome = json.loads(json.dumps(run_import(engine, "camps", CAMPS, dry_run=True).to_dict()))
    with i18n.use("ar"):
        shown = " ".join(
            texts(coordinator_data.job_view({"phase": "checked", "filename": "camps.csv", "outcome": outcome})[0])
        )
    assert "محافظة غير معروفة '\u2068Narnia\u2069'" in shown
    assert "unknown governorate" not in shown


def test_a_file_without_the_columns_says_which_kind_of_file_in_words(engine):
    outcome = run_import(engine, "camps", "site,people\nKhanke,16500\n").to_dict()
    [problem] = [p for p in outcome["errors"] if "needs the columns" in p["message"]]
    assert problem["message"].startswith("a camps and sites file needs the columns camp_code, camp_name,")
    with i18n.use("ar"):
        said = words.say(problem["text"])
    assert said.startswith("يحتاج ملف المخيمات والمواقع إلى الأعمدة \u2068camp_code, camp_name,")
    assert "camps" not in said.replace("camp_", "")
