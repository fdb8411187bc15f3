"""Filters from URL query arguments, and errors that name the parameter."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from dashboard.domain.filters import Filters, ParameterError, parse_filters

D = dt.date
FIRST, LAST = D(2016, 1, 3), D(2018, 12, 31)


def test_defaults_are_the_latest_52_whole_weeks():
    assert parse_filters({}, FIRST, LAST) == Filters(D(2018, 1, 1), D(2018, 12, 30))


@pytest.mark.parametrize(
    "args",
    [
        MultiDict([("governorate", "IQ-DA"), ("governorate", "Anbar")]),  # repeated (the API's way)
        {"governorate": ["IQ-DA", "IQG01"]},  # a list (Dash pages' way)
        {"governorate": "IQ-DA,IQ-AN"},  # comma-separated
    ],
)
def test_governorates_in_every_form(args):
    assert parse_filters(args, FIRST, LAST).governorates == ("IQ-AN", "IQ-DA")


def test_everything_given():
    f = parse_filters({"start": "2017-02-01", "end": "2017-02-28", "syndrome": "awd", "freq": "month"}, FIRST, LAST)
    assert f == Filters(D(2017, 2, 1), D(2017, 2, 28), (), "awd", "month")
    assert f.days == 28
    assert f.query() == {"start": "2017-02-01", "end": "2017-02-28", "syndrome": "awd", "freq": "month"}


@pytest.mark.parametrize(
    ("args", "parameter", "message"),
    [
        ({"start": "2017-13-01"}, "start", "start must be a date as YYYY-MM-DD"),
        ({"end": "soon"}, "end", "end must be a date"),
        ({"start": "2017-05-02", "end": "2017-05-01"}, "start", "after end"),
        ({"governorate": "Narnia"}, "governorate", "unknown governorate 'Narnia'"),
        ({"syndrome": "flu"}, "syndrome", "unknown syndrome 'flu'"),
        ({"freq": "day"}, "freq", "freq must be week or month"),
        (MultiDict([("start", "2017-01-01"), ("start", "2017-02-01")]), "start", "start takes one value"),
    ],
)
def test_bad_parameters_are_named(args, parameter, message):
    with pytest.raises(ParameterError, match=message) as exc:
        parse_filters(args, FIRST, LAST)
    assert exc.value.parameter == parameter
