"""Claims and their evidence: which served values are facts of the page, and how a passage proves one.

A claim is one served value of one record (an event's date, a figure's qualifier, one participant).
Each table that fixtures cite declares its claims once, beside its model, as a field and the check
its evidence must pass: the checks are data (`Check` and a few words per value), the same for the
loader, which refuses a fixture whose claim has no passage passing its check, and for the tests,
which read every served record back through GraphQL and run the same checks on what is served.

Every quote supports the record's existence: the page mentions it, and with it the claims a mention
carries (declared `implied`: a name, a link to a relation, a participant); a quote's `for:` names the
claims it is evidence for besides (a date, a place, a figure). Editorial text
(summaries, descriptions) is the editors' paraphrase: it needs passages that it restates, but no
check can prove a paraphrase. Values from a standard (ISO 3166 names and codes) are never cited.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import SQLModel

from models.dates import PartialDate

EXISTENCE = ""  # the claim a quote without `for:` supports: the record itself
STANDARD = "ISO 3166-1"  # where the names and codes of countries with ISO codes come from
PAIR_WORDS = ("the two countries", "two countries", "two sides", "both countries", "both sides", "both")


class Check(StrEnum):
    """How a passage proves a claim's value."""

    TEXT = "text"  # the value itself occurs in the passage (typography, spacing and case folded)
    DATE = "date"  # the date as the page writes it: 1882, 1960s, 1950–1953 or 1950-53
    NUMBER = "number"  # the figure as written: 26,000 or 26000; a rank as an ordinal (second)
    WORDS = "words"  # one of the words the claim declares for the value ("more than", "alliance")
    NAMED = "named"  # the country or person is named, or "the two countries"/"two sides" in its relation's section
    SECTION = "section"  # the passage stands in the page's section about the relation
    EDITORIAL = "editorial"  # the editors' words: passages they restate are cited, nothing is proved


@dataclass(frozen=True)
class Claim:
    """One claim of a table: its fixture field, its GraphQL field, its check, and the words it needs."""

    field: str
    check: Check
    graphql: str = ""
    # Whether the record's own quotes (those naming no claim) prove it too: a name or a link a mention carries.
    implied: bool = False
    # For WORDS: the words each value needs, one of them, and `!words` that must not stand with it. For DATE:
    # words one of which must stand with the date (a verb).
    words: Mapping[str, tuple[str, ...]] | tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The field's GraphQL name: `in_force` is `inForce` unless declared otherwise."""
        if self.graphql:
            return self.graphql
        head, *rest = self.field.split("_")
        return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class Claims:
    """The claims of one table's rows, under the name of the GraphQL type that serves them."""

    typename: str
    table: str
    rules: dict[str, Claim] = field(default_factory=dict)

    def coordinate(self, claim: str) -> str:
        """The schema coordinate a passage supporting `claim` names: `Event.date`, or `Event` for existence."""
        return self.typename if claim == EXISTENCE else f"{self.typename}.{self.rules[claim].name}"

    def by_graphql(self, name: str) -> Claim | None:
        return next((claim for claim in self.rules.values() if claim.name == name), None)


CLAIMS: dict[str, Claims] = {}


def claims(model: type[SQLModel], *rules: Claim) -> Claims:
    """Declare the claims of `model`'s rows; every table a fixture cites declares them, even none."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]  # SQLModel does not declare it to type checkers
    declared = Claims(model.__name__, table.name, {rule.field: rule for rule in rules})
    if table.name in CLAIMS:
        raise ValueError(f"the claims of {model.__name__} are declared twice")
    CLAIMS[table.name] = declared
    return declared


# What a check needs besides the passage: who is named how, and where each relation's section stands.


@dataclass(frozen=True)
class Context:
    """What the checks know of the page: the names of countries and people, and the relations' sections."""

    names: Mapping[str, Sequence[str]]  # a country code or person slug → the names the page may use for it
    # A relation slug → its section of each source that has one: (source slug, start, end).
    sections: Mapping[str, Sequence[tuple[str, int, int]]]


@dataclass(frozen=True)
class Passage:
    """A cited passage: its words and where it stands."""

    excerpt: str
    start: int
    end: int
    source: str = ""  # the slug of the source it is from


@dataclass(frozen=True)
class Subject:
    """What a check may need of the record whose claim it proves: the relation it belongs to, if any."""

    relation: str | None = None  # a relation slug, such as KOR-USA


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def fold(text: str) -> str:
    """Text as the checks compare it: typography folded, case folded, runs of space made one."""
    return " ".join(text.translate(_FOLD).replace("\u00a0", " ").casefold().split())


def contains(excerpt: str, words: str) -> bool:
    """Whether `words` stand in `excerpt` as words (not inside a longer word), folded."""
    needle = fold(words)
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", fold(excerpt)) is not None


def figure(excerpt: str, written: str) -> bool:
    """Whether the figure `written` stands in `excerpt` whole: 1,250 is not in 1,250.5, nor 250 in 1,250."""
    return re.search(rf"(?<![\d.,]){re.escape(written)}(?![\d]|[.,]\d)", fold(excerpt)) is not None


def stem(excerpt: str, word: str) -> bool:
    """Whether a word beginning with `word` stands in `excerpt` (`sign` finds signed and signing)."""
    return re.search(rf"(?<!\w){re.escape(fold(word))}", fold(excerpt)) is not None


_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def number_forms(value: Decimal) -> list[str]:
    """The ways a page writes a figure: 26,000 and 26000; a small whole number also as an ordinal."""
    plain = format(value.normalize(), "f")
    whole, _, fraction = plain.partition(".")
    grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    forms = list(dict.fromkeys([grouped, plain]))
    if not fraction and 1 <= int(whole) <= len(_ORDINALS):
        forms.append(_ORDINALS[int(whole) - 1])
    return forms


def date_forms(text: str) -> list[tuple[str, ...]]:
    """The ways a page writes a partial date, each a set of words that must all appear.

    `1882` is 1882; `196X` the 1960s; an interval `1950/1953` is 1950-1953 (any dash), 1950-53, or both years.
    """
    start, slash, end = text.partition("/")
    if not slash:
        return [(_part(start),)]
    first, last = _part(start), _part(end)
    forms = [(f"{first}-{last}",), (first, last)]
    if len(first) == len(last) == 4 and first[:2] == last[:2]:
        forms.insert(1, (f"{first}-{last[2:]}",))
    return forms


def _abbreviated_end(year: str, excerpt: str) -> bool:
    """Whether `year` ends a range the page abbreviates: 1953 in "1950-53"."""
    if len(year) != 4 or not year.isdigit():
        return False
    pattern = rf"(?<!\d){re.escape(year[:2])}\d\d-{re.escape(year[2:])}(?!\d)"
    return re.search(pattern, fold(excerpt)) is not None


def _part(part: str) -> str:
    return f"{part[:3]}0s" if part.endswith("X") else part


def holds(claim: Claim, value: object, passage: Passage, subject: Subject, context: Context) -> bool:  # noqa: PLR0911 -- one answer per check: the table of checks reads as one match
    """Whether `passage` proves that the claim's value is `value`."""
    excerpt = passage.excerpt
    match claim.check:
        case Check.TEXT:
            return contains(excerpt, str(value))
        case Check.DATE:
            text = value.text if isinstance(value, PartialDate) else str(value)
            dated = any(all(contains(excerpt, form) for form in forms) for forms in date_forms(text))
            dated = dated or _abbreviated_end(text, excerpt)
            verbs = claim.words if isinstance(claim.words, tuple) else ()
            return dated and (not verbs or any(stem(excerpt, verb) for verb in verbs))
        case Check.NUMBER:
            return any(figure(excerpt, form) for form in number_forms(Decimal(str(value))))
        case Check.WORDS:
            words = claim.words.get(str(value), ()) if isinstance(claim.words, Mapping) else claim.words
            wanted = [word for word in words if not word.startswith("!")]
            unwanted = [word[1:] for word in words if word.startswith("!")]
            if any(stem(excerpt, word) for word in unwanted):
                return False
            return not wanted or any(stem(excerpt, word) for word in wanted)
        case Check.NAMED:
            if named(str(value), excerpt, context):
                return True
            return (
                _in_pair(str(value), subject.relation)
                and any(contains(excerpt, words) for words in PAIR_WORDS)
                and _inside(passage, context.sections.get(subject.relation or ""))
            )
        case Check.SECTION:
            return _inside(passage, context.sections.get(str(value)))
        case Check.EDITORIAL:
            return True


def named(key: str, excerpt: str, context: Context) -> bool:
    """Whether the excerpt names `key` by one of its names, not inside another's longer one ("North Korean")."""
    own = context.names.get(key, ())
    longer = [
        other
        for code, names in context.names.items()
        if code != key
        for other in names
        if any(contains(other, name) and len(other) > len(name) for name in own)
    ]
    for other in longer:
        excerpt = re.sub(re.escape(fold(other)), " ", fold(excerpt))
    return any(contains(excerpt, name) for name in own)


def unproven(
    claim: Claim, value: object, passages: Sequence[Passage], subject: Subject, context: Context
) -> list[object]:
    """The items of the claim's value (one, or each of a list) that none of its passages proves."""
    return [
        item for item in listed(value) if not any(holds(claim, item, passage, subject, context) for passage in passages)
    ]


def expected(claim: Claim, value: object) -> str:  # noqa: PLR0911 -- one answer per check, as in `holds`
    """What a passage for this claim must do, in words a researcher can act on: "contain '1882'"."""
    match claim.check:
        case Check.TEXT:
            return f"contain the words {str(value)!r}"
        case Check.DATE:
            text = value.text if isinstance(value, PartialDate) else str(value)
            written = " or ".join(" and ".join(repr(word) for word in forms) for forms in date_forms(text))
            verbs = claim.words if isinstance(claim.words, tuple) else ()
            return f"contain {written}" + (f", with a word beginning {' or '.join(map(repr, verbs))}" if verbs else "")
        case Check.NUMBER:
            return "contain " + " or ".join(repr(form) for form in number_forms(Decimal(str(value))))
        case Check.WORDS:
            words = claim.words.get(str(value), ()) if isinstance(claim.words, Mapping) else claim.words
            wanted = " or ".join(repr(word) for word in words if not word.startswith("!"))
            unwanted = ", ".join(repr(word[1:]) for word in words if word.startswith("!"))
            parts = [f"contain {wanted}" if wanted else "", f"contain none of {unwanted}" if unwanted else ""]
            return " and ".join(part for part in parts if part) or "exist"
        case Check.NAMED:
            return f"name {value} (or say 'the two countries', 'two sides' or 'both' in the section of its relation)"
        case Check.SECTION:
            return f"stand inside the page's section about {value}"
        case Check.EDITORIAL:
            return "be a passage the text restates"


def listed(value: object) -> list[object]:
    """A claim's value as the list of items it claims: a list as it is, one value alone."""
    return list(value) if isinstance(value, list | tuple) else [value]


def _in_pair(code: str, relation: str | None) -> bool:
    return relation is not None and code in relation.split("-")


def _inside(passage: Passage, sections: Sequence[tuple[str, int, int]] | None) -> bool:
    return any(
        source == passage.source and start <= passage.start and passage.end <= end
        for source, start, end in sections or ()
    )
