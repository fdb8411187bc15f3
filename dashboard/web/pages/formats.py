"""The data formats and the definition of every figure (docs/formats.md), for everyone: a coordinator preparing a
file, and a reader asking what a figure means. The document is the repository's own, shown as it is."""

from __future__ import annotations

from functools import lru_cache

import dash
from dash import dcc, html

from dashboard.config import ROOT
from dashboard.i18n import N_, _, language
from dashboard.web import ids
from dashboard.web.components import ui

dash.register_page(
    __name__, path="/formats", name=N_("Formats"), title=lambda: _("Data formats and definitions · MMC Iraq")
)

DOCUMENT = ROOT / "docs" / "formats.md"


@lru_cache(maxsize=1)
def _text() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def layout(**_query):
    document = dcc.Markdown(_text(), id=ids.FORMATS_DOC, className="formats-doc", link_target="_blank")
    if language() == "en":
        return document
    # The document is the repository's own, in English: said in the viewer's language, and marked as English so
    # that screen readers read it as such.
    notice = ui.alert(_("This document is in English: it is the data formats' reference, kept with the code."))
    return html.Div([notice, html.Div(document, lang="en", dir="ltr")])
