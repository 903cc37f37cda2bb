"""Partial dates: the EDTF subset the sources use, with the days each one can mean."""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.enums import DatePrecision

_PART = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$|^(?P<decade>\d{3})X$")
_COARSENESS = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.DECADE]


class PartialDateError(ValueError):
    """A date text that is not in the supported EDTF subset."""


@dataclass(frozen=True)
class PartialDate:
    """A date known to a precision: its text form and the first and last day it can mean."""

    text: str
    precision: DatePrecision
    earliest: date
    latest: date

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse `1882`, `1882-05`, `1882-05-22`, `196X`, or an interval `A/B` of those."""
        start, slash, end = text.partition("/")
        first = _parse_part(start, text)
        if not slash:
            return cls(text, *first)
        last = _parse_part(end, text)
        if last[2] < first[1]:
            raise PartialDateError(f"interval {text!r} ends before it begins")
        precision = max(first[0], last[0], key=_COARSENESS.index)
        return cls(text, precision, first[1], last[2])


def _parse_part(part: str, text: str) -> tuple[DatePrecision, date, date]:
    match = _PART.match(part)
    if match is None:
        raise PartialDateError(
            f"{text!r} is not a partial date: use YYYY, YYYY-MM, YYYY-MM-DD, a decade like 196X, or A/B"
        )
    if match["decade"]:
        first_year = int(match["decade"]) * 10
        return DatePrecision.DECADE, date(first_year, 1, 1), date(first_year + 9, 12, 31)
    year = int(match["year"])
    try:
        if match["day"]:
            day = date(year, int(match["month"]), int(match["day"]))
            return DatePrecision.DAY, day, day
        if match["month"]:
            month = int(match["month"])
            last_day = calendar.monthrange(year, month)[1]
            return DatePrecision.MONTH, date(year, month, 1), date(year, month, last_day)
    except (ValueError, calendar.IllegalMonthError) as error:
        raise PartialDateError(f"{text!r} is not a real date: {error}") from None
    return DatePrecision.YEAR, date(year, 1, 1), date(year, 12, 31)


UNDATED = date.max
UNDATED_GOING_DOWN = date.min
PRECISION_RANK = {precision: rank for rank, precision in enumerate(_COARSENESS)}
UNDATED_RANK = len(_COARSENESS)


def date_columns(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    """The four columns a partial date is stored in, all empty for an unknown date."""
    return {
        f"{prefix}_text": value.text if value else None,
        f"{prefix}_precision": value.precision.value if value else None,
        f"{prefix}_earliest": value.earliest if value else None,
        f"{prefix}_latest": value.latest if value else None,
    }


def span_columns(start: PartialDate | None, end: PartialDate | None) -> dict[str, Any]:
    """Where something with a date and an end date lies, and where it sorts.

    Its span runs from the first day its date can mean to the last day its end (or its date) can mean;
    known only by its end, it lies at that end. It sorts by the first day of its span, finer precision
    first; an undated item sorts after every date going up (`sort_date`) and going down
    (`sort_date_desc`).
    """
    anchor = start or end
    if anchor is None:
        return {
            "span_start": None,
            "span_end": None,
            "sort_date": UNDATED,
            "sort_date_desc": UNDATED_GOING_DOWN,
            "sort_precision": UNDATED_RANK,
        }
    return {
        "span_start": anchor.earliest,
        "span_end": (end or anchor).latest,
        "sort_date": anchor.earliest,
        "sort_date_desc": anchor.earliest,
        "sort_precision": PRECISION_RANK[DatePrecision(anchor.precision)],
    }
