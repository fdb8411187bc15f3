"""Shared callbacks: the filter bar keeps its choice in the page's link."""

from dashboard.callbacks import filtered_href


def test_filters_replace_their_arguments_and_keep_the_others():
    href = filtered_href(
        "/briefing", "?screen=map&governorate=IQ-AN&start=2017-01-01", ["2018-01-01", "2018-03-31"], ["IQ-DA", "IQ-KI"]
    )
    assert href == "/briefing?screen=map&start=2018-01-01&end=2018-03-31&governorate=IQ-DA&governorate=IQ-KI"


def test_clearing_governorates_shows_all():
    assert filtered_href("/coordinator", "?governorate=IQ-AN", ["2018-01-01", "2018-01-31"], []) == (
        "/coordinator?start=2018-01-01&end=2018-01-31"
    )


def test_a_half_chosen_range_goes_nowhere():
    assert filtered_href("/coordinator", "", ["2018-01-01", None], []) is None
    assert filtered_href(None, "", ["2018-01-01", "2018-01-02"], []) is None
