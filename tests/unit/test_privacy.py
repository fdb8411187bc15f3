"""The public view's promise, attacked as an outsider would: no count from 1 to k-1 can be worked out."""

from __future__ import annotations

import pytest

from tests.helpers import K, Outsider, hidden_cells, make_app, privacy_dataset, trends_download


@pytest.fixture(scope="module")
def public_client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('privacy') / 'privacy.db'}"
    return make_app(url, privacy_dataset(), suppression_k=K).server.test_client()


def test_an_outsider_cannot_work_out_a_hidden_count(public_client):
    """Shifted periods, governorate sets, syndrome, sex and age complements and visit counts, over the public API and
    the trends page's downloads: no difference of published numbers gives a hidden cell's true value."""
    truth = hidden_cells()
    outsider = Outsider(public_client, lambda chart, query: trends_download(public_client, chart, query))
    recovered = {(c.cell, c.how) for c in outsider.claims() if truth.get(c.cell) == c.value}
    cells = {cell for cell, _how in recovered}
    assert not recovered, (
        f"{len(cells)} of {len(truth)} hidden cells recovered in {outsider.requests} public requests: "
        + "; ".join(f"{cell} by {how}" for cell, how in sorted(recovered, key=str)[:12])
    )
