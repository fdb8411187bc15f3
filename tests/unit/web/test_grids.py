"""The gap grid's rows cut on the server: AG Grid's filter and sort models applied as the grid itself would."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.web import grids

TABLE = pd.DataFrame(
    {
        "name": ["Tazade", "al-Amal", "Baharka", "Zakho", "amiriyat"],
        "days": [None, 3.0, 40.0, 12.0, 3.0],
        "units": ["Team Alpha", "", "Team Bravo, Ambulance Charlie", None, "Team Alpha"],
        "last_visit": [None, dt.date(2017, 2, 1), dt.date(2016, 12, 20), dt.date(2017, 1, 22), dt.date(2017, 2, 1)],
    }
)


def _names(table):
    return table["name"].tolist()


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"filterType": "text", "type": "contains", "filter": "AM"}, ["al-Amal", "amiriyat"]),  # any case
        ({"filterType": "text", "type": "notContains", "filter": "a"}, []),
        ({"filterType": "text", "type": "startsWith", "filter": "ba"}, ["Baharka"]),
        ({"filterType": "text", "type": "endsWith", "filter": "O"}, ["Zakho"]),
        ({"filterType": "text", "type": "equals", "filter": "zakho"}, ["Zakho"]),
        ({"filterType": "text", "type": "notEqual", "filter": "zakho"}, ["Tazade", "al-Amal", "Baharka", "amiriyat"]),
    ],
)
def test_text_filters(condition, expected):
    assert _names(grids.filtered(TABLE, {"name": condition})) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"filterType": "number", "type": "equals", "filter": 3}, ["al-Amal", "amiriyat"]),
        ({"filterType": "number", "type": "greaterThan", "filter": 12}, ["Baharka"]),
        ({"filterType": "number", "type": "lessThanOrEqual", "filter": 12}, ["al-Amal", "Zakho", "amiriyat"]),
        ({"filterType": "number", "type": "inRange", "filter": 3, "filterTo": 12}, ["al-Amal", "Zakho", "amiriyat"]),
        ({"filterType": "number", "type": "blank"}, ["Tazade"]),  # never visited
        ({"filterType": "number", "type": "notBlank"}, ["al-Amal", "Baharka", "Zakho", "amiriyat"]),
    ],
)
def test_number_filters_leave_out_what_has_no_number(condition, expected):
    assert _names(grids.filtered(TABLE, {"days": condition})) == expected


def test_conditions_joined_and_columns_together():
    either = {
        "filterType": "number",
        "operator": "OR",
        "conditions": [{"type": "equals", "filter": 40}, {"type": "lessThan", "filter": 5}],
    }
    assert _names(grids.filtered(TABLE, {"days": either})) == ["al-Amal", "Baharka", "amiriyat"]
    both = {
        "filterType": "text",
        "operator": "AND",
        "condition1": {"type": "contains", "filter": "a"},
        "condition2": {"type": "notContains", "filter": "m"},
    }  # the older form of two conditions
    assert _names(grids.filtered(TABLE, {"name": both})) == ["Tazade", "Baharka", "Zakho"]
    blank_units = {
        "units": {"filterType": "text", "type": "blank"},
        "days": {"filterType": "number", "type": "notBlank"},
    }
    assert _names(grids.filtered(TABLE, blank_units)) == ["al-Amal", "Zakho"]  # empty text is blank, as in the grid
    dates = {"last_visit": {"filterType": "text", "type": "startsWith", "filter": "2017-02"}}
    assert _names(grids.filtered(TABLE, dates)) == ["al-Amal", "amiriyat"]  # dates filtered as they are shown
    assert _names(grids.filtered(TABLE, None)) == _names(TABLE)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ({"nowhere": {"filterType": "text", "type": "contains", "filter": "a"}}, "no column 'nowhere'"),
        ({"days": {"filterType": "number", "type": "equals", "filter": "three"}}, "'days': equals needs a number"),
        ({"days": {"filterType": "set", "values": ["3"]}}, "'days': cannot apply a set filter"),
    ],
)
def test_a_filter_that_cannot_be_applied_is_named(model, message):
    with pytest.raises(grids.GridRequestError, match=message):
        grids.filtered(TABLE, model)


def test_order_ignores_case_puts_blanks_lowest_and_keeps_ties_in_place():
    assert _names(grids.ordered(TABLE, [{"colId": "name", "sort": "asc"}])) == [
        "al-Amal",
        "amiriyat",
        "Baharka",
        "Tazade",
        "Zakho",
    ]
    assert _names(grids.ordered(TABLE, [{"colId": "days", "sort": "asc"}])) == [
        "Tazade",
        "al-Amal",
        "amiriyat",
        "Zakho",
        "Baharka",
    ]
    assert _names(grids.ordered(TABLE, [{"colId": "days", "sort": "desc"}])) == [
        "Baharka",
        "Zakho",
        "al-Amal",
        "amiriyat",
        "Tazade",
    ]
    two = [{"colId": "days", "sort": "asc"}, {"colId": "name", "sort": "desc"}]
    assert _names(grids.ordered(TABLE, two))[1:3] == ["amiriyat", "al-Amal"]
    longest_wait = {"days": lambda t: t["days"].fillna(np.inf)}  # a column's own key: never visited waits longest
    assert _names(grids.ordered(TABLE, [{"colId": "days", "sort": "desc"}], longest_wait))[0] == "Tazade"
    assert _names(grids.ordered(TABLE, [])) == _names(TABLE)
    with pytest.raises(grids.GridRequestError, match="cannot sort by 'days' 'up'"):
        grids.ordered(TABLE, [{"colId": "days", "sort": "up"}])


def test_a_block_and_its_rows_ready_to_send():
    rows = grids.records(grids.block(TABLE, {"startRow": 1, "endRow": 3}), ["name", "days", "units", "last_visit"])
    assert rows == [
        {"name": "al-Amal", "days": 3.0, "units": "", "last_visit": "2017-02-01"},
        {"name": "Baharka", "days": 40.0, "units": "Team Bravo, Ambulance Charlie", "last_visit": "2016-12-20"},
    ]
    assert grids.records(grids.block(TABLE, {"startRow": 4, "endRow": 100}), ["days"]) == [{"days": 3.0}]
    assert grids.records(grids.block(TABLE, {"startRow": 0, "endRow": 1}), ["name", "days"]) == [
        {"name": "Tazade", "days": None}
    ]
