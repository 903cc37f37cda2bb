"""Each rule of evidence refused in turn: an invented page whose every entry claims what its quotes do not hold."""

from pathlib import Path

import pytest

import seeds

UNSUPPORTED = Path(__file__).parent / "pages" / "unsupported"

# In the order they stand in the file.
REFUSALS = [
    (
        "unsupported-claims.yaml, "
        "line 18: countries #1 (KOR): `for: [name]`: this entry makes no such claim here (the field is "
        "empty, inferred, or its value comes from ISO 3166-1, which is never cited to the page)"
    ),
    (
        "unsupported-claims.yaml, "
        "line 22: countries #2 (XTL): `short_name` 'TL': the quote 'Testland established diplomatic "
        "relations' is given `for: [short_name]` but a quote for it must contain the words 'TL'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 34: relations #1 (KOR-XTL): `established` '1998': the quote 'The Republic of Korea and "
        "Testland established diplomatic relations in 1999' is given `for: [established]` but a quote for"
        " it must contain '1998'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 39: relations #2 (KOR-XOL): `status` 'alliance': the quote 'have worked together since "
        "2001' is given `for: [status]` but a quote for it must contain 'alliance' or 'allied'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 41: relations #2 (KOR-XOL): `summary` 'Allies since 2001.' has no evidence: add a quote "
        "with `for: [summary]`; it must be a passage the text restates"
    ),
    (
        "unsupported-claims.yaml, "
        "line 43: relations #2 (KOR-XOL): `for: [dat]`: a Relation has no claim 'dat'; its claims are: "
        "status, established, summary, section"
    ),
    (
        "unsupported-claims.yaml, "
        "line 52: agreements #1 (testland-trade-accord): `signed` '2004': the quote 'In 2004, the two "
        "countries' is given `for: [signed]` but a quote for it must contain '2004', with a word "
        "beginning 'sign'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 53: agreements #1 (testland-trade-accord): `summary` 'An accord on trade.' has no evidence:"
        " add a quote with `for: [summary]`; it must be a passage the text restates"
    ),
    (
        "unsupported-claims.yaml, "
        "line 64: events #1 (summit-in-test-city): `place` 'Test Town': the quote 'The two countries held"
        " a summit in Test City in 2010' is given `for: [place]` but a quote for it must contain the "
        "words 'Test Town'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 68: events #1 (summit-in-test-city): `country` 'XOL' has no evidence: add a quote; it must "
        "name XOL (or say 'the two countries', 'two sides' or 'both' in the section of its relation); the"
        " nearest passage on the page is 'The two countries held a summit'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 69: events #1 (summit-in-test-city): an inferred link needs a `reason`: one line saying "
        "what it is inferred from"
    ),
    (
        "unsupported-claims.yaml, "
        "line 76: events #2 (otherland-cooperation): `relation` 'KOR-XOL' has no evidence: add a quote; "
        "it must stand inside the page's section about KOR-XOL; the nearest passage on the page is 'In "
        "2004, the two countries signed'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 82: statistics #1 (test-cargo): `value` '1250': the quote 'More than 1,250.5 tonnes of test"
        " cargo travel between them each year' is given `for: [value]` but a quote for it must contain "
        "'1,250' or '1250'"
    ),
    (
        "unsupported-claims.yaml, "
        "line 83: statistics #1 (test-cargo): `qualifier` 'exact': the quote 'More than 1,250.5 tonnes of"
        " test cargo travel between them each year' is given `for: [qualifier]` but a quote for it must "
        "contain none of 'more than', 'over', 'less than', 'about', 'nearly', 'approximately', 'some'"
    ),
]


def test_every_claim_without_evidence_is_refused_with_what_its_quote_must_hold():
    with pytest.raises(seeds.FixtureError) as raised:
        seeds.read_fixtures(UNSUPPORTED)
    assert [str(problem) for problem in raised.value.problems] == REFUSALS
