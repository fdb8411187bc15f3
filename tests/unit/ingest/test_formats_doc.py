"""docs/formats.md says what the product accepts: its alias tables are the alias file's, and it names every column of
every kind and every code."""

from __future__ import annotations

import importlib.util

from dashboard.config import ROOT
from dashboard.domain.reference import AGE_GROUPS, GOVERNORATES, SEXES, SITE_TYPES, SYNDROMES, UNIT_TYPES
from dashboard.ingest import formats, weekly

DOC = ROOT / "docs" / "formats.md"


def _builder():
    spec = importlib.util.spec_from_file_location("build_formats_doc", ROOT / "scripts" / "build_formats_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_alias_tables_of_the_document_are_the_alias_file_s():
    text = DOC.read_text(encoding="utf-8")
    assert text == _builder().document(text), "run: PYTHONPATH=. python scripts/build_formats_doc.py"


def test_the_document_names_every_column_and_code():
    text = DOC.read_text(encoding="utf-8")
    columns = {c.name for kind in formats.KINDS for c in formats.SPECS[kind]}
    columns |= {key for key, _h, _t in weekly.template_columns()[:4]} | {"week_start"}
    codes = {*SYNDROMES, *SEXES, *AGE_GROUPS, *UNIT_TYPES, *SITE_TYPES, *(g.iso for g in GOVERNORATES)}
    missing = sorted(name for name in columns | codes if f"`{name}`" not in text)
    assert not missing


def test_the_readme_and_the_data_page_point_to_the_document():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/formats.md" in readme
    assert "shared/domain" not in readme
