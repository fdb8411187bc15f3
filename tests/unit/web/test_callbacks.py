"""Shared callbacks: the filter bar keeps its choice in the page's link, and ignores a control drawing itself."""

from dashboard.web.callbacks import filtered_href


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


def _fired(prop_id: str, value) -> bool:
    from contextvars import copy_context

    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from dashboard.web import ids
    from dashboard.web.callbacks import user_changed

    drawn_values = {ids.FILTER_PERIOD: ["2018-01-01", "2018-12-30"], ids.FILTER_GOVERNORATES: []}

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": value}]))
        return user_changed(drawn_values)

    return copy_context().run(call)


def test_a_control_reporting_the_value_it_was_drawn_with_is_not_a_change():
    from dashboard.web import ids

    assert not _fired(f"{ids.FILTER_PERIOD}.value", ["2018-01-01 00:00:00", "2018-12-30"])
    assert not _fired(f"{ids.FILTER_GOVERNORATES}.value", None)
    assert _fired(f"{ids.FILTER_PERIOD}.value", ["2018-02-01", "2018-12-30"])
    assert _fired(f"{ids.FILTER_GOVERNORATES}.value", ["IQ-AN"])
    assert _fired("something-else.value", 1)
