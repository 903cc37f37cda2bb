"""Quotes typed by editors find their passage in the raw source text."""

import pytest

from models.enums import MatchKind
from seeds import FIXTURES
from seeds.quotes import FoldedText, QuoteError

TEXT = FoldedText((FIXTURES / "mofa-north-america.txt").read_text(encoding="utf-8"))


def test_an_exact_quote_is_found_where_it_stands():
    passage = TEXT.locate("signed the Mutual Defense Treaty in 1953")
    assert (passage.start, passage.end, passage.match) == (692, 732, MatchKind.EXACT)


def test_a_plain_apostrophe_finds_the_curly_one():
    passage = TEXT.locate("upon Japan's defeat in the World War")
    assert TEXT.raw[passage.start : passage.end] == "upon Japan’s defeat in the World War"
    assert passage.match is MatchKind.NORMALIZED


def test_a_plain_hyphen_finds_the_en_dash():
    passage = TEXT.locate("After the Korean War (1950-1953)")
    assert (passage.start, passage.end) == (637, 669)


def test_plain_double_quotes_find_the_curly_ones():
    passage = TEXT.locate('which is called "the relationship forged in the blood"')
    assert (passage.start, passage.end) == (734, 788)


def test_a_plain_space_finds_the_non_breaking_one():
    assert TEXT.raw[2813] == "\u00a0"
    passage = TEXT.locate('Peaceful Uses of Nuclear Energy" in 2015')
    assert TEXT.raw[passage.start : passage.end] == 'Peaceful Uses of Nuclear Energy"\u00a0 in 2015'


def test_spacing_slips_in_the_source_do_not_stop_a_match():
    passage = TEXT.locate("the ROK and the U.S. advanced their relationship")
    assert TEXT.raw[passage.start : passage.end] == "the ROK and the U.S.advanced their relationship"


def test_an_absent_quote_names_the_nearest_passage():
    with pytest.raises(QuoteError, match=r"not on the page; the nearest passage is .*Mutual Defense Treaty"):
        TEXT.locate("signed the Mutual Defence Treaty in 1953")


def test_a_quote_that_occurs_twice_is_ambiguous():
    with pytest.raises(QuoteError, match="more than once"):
        TEXT.locate("the Korean War")
