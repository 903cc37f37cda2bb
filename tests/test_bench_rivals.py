"""PostGraphile's answers are timed against the API's only when their rows are the same, in the same order."""

import copy
from typing import Any

import orjson
import pytest

from bench.rivals import RowsDiffer, check_same_rows, rows


def participant(role: str, code: str | None, name: str | None = None, basis: str | None = None) -> dict[str, Any]:
    country = None if code is None else {"code": code, **({"name": name} if name else {})}
    return {"role": role, **({"basis": basis} if basis else {}), "country": country}


def bilateral_event(slug: str, kind: str, date: tuple[str, str] | None, codes: list[str | None]) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": f"Title of {slug}",
        "kind": kind.upper(),
        "date": None if date is None else {"text": date[0], "precision": date[1].upper()},
        "participants": [participant("PARTY", code) for code in codes],
    }


def postgraphile_event(slug: str, kind: str, date: tuple[str, str] | None, codes: list[str | None]) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": f"Title of {slug}",
        "kind": kind,
        "dateText": None if date is None else date[0],
        "datePrecision": None if date is None else date[1],
        "participants": [participant("party", code) for code in codes],
    }


EVENTS = [
    ("e-1", "summit", ("1990", "year"), [None, "AAA", "BBB"]),  # a person first: no country
    ("e-2", "war", ("199X", "decade"), ["AAA", "BBB"]),
    ("e-3", "agreement_signed", None, ["BBB"]),
]


def large(event: Any) -> dict[str, Any]:
    """The large query's answer with `event` making each event: the API's shape or PostGraphile's."""
    words = str.upper if event is bilateral_event else str
    relations = [
        {"slug": "AAA-BBB", "status": words("diplomatic"), "events": {"nodes": [event(*each) for each in EVENTS]}},
        {"slug": "AAA-CCC", "status": words("alliance"), "events": {"nodes": []}},
    ]
    countries = [
        {"code": "AAA", "name": "Aland", "relations": {"nodes": relations}},
        {"code": "BBB", "name": "Bland", "relations": {"nodes": relations[:1]}},
    ]
    return {"data": {"countries": {"nodes": countries}}}


def medium_bilateral() -> dict[str, Any]:
    citation = {"excerpt": "they met", "start": 10, "end": 18}
    return {
        "data": {
            "node": {
                "slug": "AAA-BBB",
                "status": "DIPLOMATIC",
                "established": {"text": "1949", "precision": "YEAR"},
                "events": {
                    "nodes": [
                        {
                            "slug": "e-1",
                            "title": "Title of e-1",
                            "kind": "SUMMIT",
                            "date": None,
                            "participants": [
                                participant("HOST", None, basis="STATED"),
                                participant("PARTY", "AAA", "Aland", "INFERRED"),
                            ],
                            "citations": [citation],
                        }
                    ]
                },
                "citations": [],
            }
        }
    }


def medium_postgraphile() -> dict[str, Any]:
    citation = {"excerpt": "they met", "start": 10, "end": 18}
    return {
        "data": {
            "node": {
                "slug": "AAA-BBB",
                "status": "diplomatic",
                "establishedText": "1949",
                "establishedPrecision": "year",
                "events": {
                    "nodes": [
                        {
                            "slug": "e-1",
                            "title": "Title of e-1",
                            "kind": "summit",
                            "dateText": None,
                            "datePrecision": None,
                            "participants": [
                                participant("host", None, basis="stated"),
                                participant("party", "AAA", "Aland", "inferred"),
                            ],
                            "citations": [citation],
                        }
                    ]
                },
                "citations": [],
            }
        }
    }


def body(answer: dict[str, Any]) -> bytes:
    return orjson.dumps(answer)


def test_both_shapes_of_the_large_answer_make_the_same_rows():
    count = check_same_rows("large", body(large(bilateral_event)), body(large(postgraphile_event)))
    found = rows("large", large(postgraphile_event)["data"])
    # Each country: itself, its relations, their events (3) and the events' participants (3 + 2 + 1).
    assert count == len(found) == (1 + 2 + 3 + 6) + (1 + 1 + 3 + 6)
    assert found[:4] == [
        ("country", "AAA", "Aland"),
        ("relation", "AAA-BBB", "DIPLOMATIC"),
        ("event", "e-1", "Title of e-1", "SUMMIT", ("1990", "YEAR")),
        ("participant", "PARTY", None),
    ]
    assert ("event", "e-3", "Title of e-3", "AGREEMENT_SIGNED", None) in found


def test_both_shapes_of_the_medium_answer_make_the_same_rows():
    assert check_same_rows("medium", body(medium_bilateral()), body(medium_postgraphile())) == 5
    assert rows("medium", medium_postgraphile()["data"]) == [
        ("relation", "AAA-BBB", "DIPLOMATIC", ("1949", "YEAR")),
        ("event", "e-1", "Title of e-1", "SUMMIT", None),
        ("participant", "HOST", "STATED", None, None),
        ("participant", "PARTY", "INFERRED", "AAA", "Aland"),
        ("event citation", "they met", 10, 18),
    ]


def test_the_same_events_in_another_order_are_reported_with_where_they_first_differ():
    reordered = large(postgraphile_event)
    nodes = reordered["data"]["countries"]["nodes"][0]["relations"]["nodes"][0]["events"]["nodes"]
    nodes[0], nodes[1] = nodes[1], nodes[0]
    with pytest.raises(RowsDiffer) as raised:
        check_same_rows("large", body(large(bilateral_event)), body(reordered))
    message = str(raised.value)
    assert "the large query holds the same rows in another order" in message
    assert "at row 3, Bilateral has ('event', 'e-1'" in message
    assert "PostGraphile ('event', 'e-2'" in message


def test_participants_in_another_order_are_reported():
    swapped = medium_postgraphile()
    people = swapped["data"]["node"]["events"]["nodes"][0]["participants"]
    people.reverse()
    with pytest.raises(RowsDiffer, match=r"another order .* at row 3, Bilateral has \('participant', 'HOST'"):
        check_same_rows("medium", body(medium_bilateral()), body(swapped))


def test_a_missing_or_changed_row_is_reported_as_different_rows():
    shorter = copy.deepcopy(large(postgraphile_event))
    shorter["data"]["countries"]["nodes"].pop()
    shortened = r"different rows \(Bilateral has 23 rows, PostGraphile 12\): after row 12, Bilateral goes on with"
    with pytest.raises(RowsDiffer, match=shortened + r" \('country', 'BBB'"):
        check_same_rows("large", body(large(bilateral_event)), body(shorter))
    changed = medium_postgraphile()
    changed["data"]["node"]["establishedPrecision"] = "month"
    with pytest.raises(RowsDiffer, match=r"different rows .* at row 1"):
        check_same_rows("medium", body(medium_bilateral()), body(changed))


def test_an_answer_with_errors_is_never_equal():
    failed = {"errors": [{"message": "Cannot query field"}], "data": None}
    with pytest.raises(RowsDiffer, match="PostGraphile failed the small query"):
        check_same_rows("small", body({"data": {"country": {"name": "Aland"}}}), body(failed))
