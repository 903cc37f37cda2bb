"""Partial dates mean exactly the days they can mean."""

from datetime import date

import pytest

from models.dates import PartialDate, PartialDateError
from models.enums import DatePrecision


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("1882", DatePrecision.YEAR, date(1882, 1, 1), date(1882, 12, 31)),
        ("2016-02", DatePrecision.MONTH, date(2016, 2, 1), date(2016, 2, 29)),
        ("2013-05-07", DatePrecision.DAY, date(2013, 5, 7), date(2013, 5, 7)),
        ("196X", DatePrecision.DECADE, date(1960, 1, 1), date(1969, 12, 31)),
        ("1950/1953", DatePrecision.YEAR, date(1950, 1, 1), date(1953, 12, 31)),
        ("196X/197X", DatePrecision.DECADE, date(1960, 1, 1), date(1979, 12, 31)),
    ],
)
def test_a_partial_date_spans_the_days_it_can_mean(text, precision, earliest, latest):
    assert PartialDate.parse(text) == PartialDate(text, precision, earliest, latest)


@pytest.mark.parametrize("text", ["", "82", "1882-13", "1882-02-30", "19XX", "1953/1950", "1950/", "in 1882"])
def test_anything_else_is_refused(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)
