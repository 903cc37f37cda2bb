"""Finding an editor's quote in a source text, tolerant of the text's typographic traps."""

import difflib
from dataclasses import dataclass

from models.enums import MatchKind

# Characters typed differently from how sources print them; whitespace is dropped altogether.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


@dataclass(frozen=True)
class Passage:
    """Where a quote stands in the raw text, as Python `str` offsets `[start, end)`."""

    start: int
    end: int
    match: MatchKind


class QuoteError(ValueError):
    """A quote that does not pick out exactly one passage."""


class FoldedText:
    """A text with its typography folded, and the way back to the raw offsets."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        kept = [(index, char) for index, char in enumerate(raw.translate(_FOLD)) if not char.isspace()]
        self.folded = "".join(char for _, char in kept)
        self.positions = [index for index, _ in kept]

    def locate(self, quote: str) -> Passage:
        """The one passage `quote` stands for: an exact match if there is one, else a folded one."""
        exact = _occurrences(self.raw, quote)
        if len(exact) == 1:
            return Passage(exact[0], exact[0] + len(quote), MatchKind.EXACT)
        needle = fold(quote)
        if not needle:
            raise QuoteError("the quote is empty")
        found = _occurrences(self.folded, needle)
        if not found:
            raise QuoteError(f"the quote is not on the page; the nearest passage is {self.nearest(quote)!r}")
        if len(found) > 1:
            raise QuoteError("the quote occurs more than once on the page; quote a few more words")
        start = self.positions[found[0]]
        end = self.positions[found[0] + len(needle) - 1] + 1
        return Passage(start, end, MatchKind.NORMALIZED)

    def nearest(self, quote: str) -> str:
        """The raw passage most like `quote`, to show an editor what they probably meant."""
        needle = fold(quote)
        width = len(needle)
        best, best_at = -1.0, 0
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(needle)
        for at in range(0, max(1, len(self.folded) - width + 1), max(1, width // 8)):
            matcher.set_seq1(self.folded[at : at + width])
            ratio = matcher.quick_ratio() and matcher.ratio()
            if ratio > best:
                best, best_at = ratio, at
        last = min(best_at + width, len(self.positions)) - 1
        return self.raw[self.positions[best_at] : self.positions[last] + 1]


def fold(text: str) -> str:
    """The text with typography folded and whitespace removed."""
    return "".join(char for char in text.translate(_FOLD) if not char.isspace())


def _occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    at = haystack.find(needle)
    while at != -1 and len(found) < 2:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found
