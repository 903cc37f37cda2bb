"""Turning validated entries into rows, checking quotes and references, and saying where each problem is."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models import evidence
from models.entity import Entity, natural_key
from models.enums import Basis
from models.evidence import CLAIMS, EXISTENCE, Claims
from models.registry import ENTITIES
from models.relation import pair_slug
from seeds.dataset import Dataset, Ref, Row, key_parts
from seeds.errors import Problem
from seeds.fixture import Quote, QuoteFor
from seeds.quotes import FoldedText, QuoteError
from seeds.yamlfile import Document, Path, entry_label


@dataclass
class Page:
    """One fixture file being built: its name, its parsed YAML, and the source text it quotes."""

    name: str
    document: Document
    source: Ref | None = None
    text: FoldedText | None = None

    @property
    def slug(self) -> str:
        """The slug of the source the page is, once its text is read."""
        return str(self.source.key[0]) if self.source else ""


@dataclass(frozen=True)
class Declaration:
    """Where an entry was first declared, to tell a repeat from a clash."""

    page: Page
    index: int
    item: Any


@dataclass
class Claimed:
    """A record's claims, waiting for every name and section to be known: its values and their passages."""

    page: Page
    section: str
    index: int
    key: str
    at: Path  # the record's place in its entry: () for the entry, ("participants", 0) for a participant
    claims: Claims
    values: dict[str, Any]
    relation: str | None
    passages: list[tuple[evidence.Passage, frozenset[str]]] = field(default_factory=list)
    rows: dict[tuple[int, int], Row] = field(default_factory=dict)  # the citation row of each passage


def section_kind(section: str) -> Entity:
    """The kind whose fixture section `section` is."""
    return next(entity for entity in ENTITIES if entity.section == section)


def noun(section: str) -> str:
    return section_kind(section).name.lower()


@dataclass
class Builder:
    """Rows for every entry of every page, and every problem found on the way."""

    dataset: Dataset = field(default_factory=Dataset)
    problems: list[Problem] = field(default_factory=list)
    declared: dict[str, dict[str, Declaration]] = field(default_factory=dict)
    page: Page | None = None
    section: str = ""
    index: int = 0
    key: str = ""
    _unknown: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    claimed: list[Claimed] = field(default_factory=list)
    unread: set[tuple[str, str]] = field(default_factory=set)  # (page, entry) whose quotes or references failed
    headings: dict[str, list[tuple[int, str, Page]]] = field(default_factory=dict)  # relations' sections, by page

    # Where we are: every problem is reported at a line of an entry of a page.

    def enter(self, page: Page, section: str = "", index: int = 0, key: str = "") -> None:
        self.page, self.section, self.index, self.key = page, section, index, key

    @property
    def entry(self) -> str:
        """The entry as an editor finds it: its section, its place counted from 1, and its key."""
        if not self.section:
            return ""
        return entry_label(self.section, self.index, self.key)

    def line(self, at: Path = ()) -> int | None:
        if self.page is None:
            return None
        return self.page.document.line((self.section, self.index, *at) if self.section else at)

    def problem(self, message: str, at: Path = ()) -> None:
        name = self.page.name if self.page else ""
        self.problems.append(Problem(name, message, self.line(at), self.entry))

    # Rows and references.

    def row(self, table: str, values: Row) -> Row:
        return self.dataset.add(table, values)

    def ref(self, section: str, key: str | None, at: Path) -> Ref | None:
        """The row a reference names; an unknown one is reported once per entry, with every field naming it."""
        if key is None:
            return None
        if key not in self.declared.get(section, {}):
            self._unknown.setdefault((section, key), []).append(at)
        return Ref(section_kind(section).table.name, (key,))

    def relation(self, pair: tuple[str, str] | None, at: Path) -> Ref | None:
        if pair is None:
            return None
        known = self.declared.get("countries", {})
        for position, code in enumerate(pair):
            self.ref("countries", code, (*at, position))
        slug = pair_slug(pair)
        if not all(code in known for code in pair):
            return Ref(section_kind("relations").table.name, (slug,))  # the unknown country says it all
        return self.ref("relations", slug, at)

    def done(self) -> None:
        """End the entry: report each unknown reference once, naming its fields and the fix."""
        for (section, key), places in self._unknown.items():
            fields = dict.fromkeys(_field_name(at) for at in places)
            where = ", ".join(f"`{name}`" for name in fields)
            self.problem(f"unknown {noun(section)} {key!r} in {where}: declare it under `{section}:`", places[0])
            if self.page is not None:
                self.unread.add((self.page.name, self.entry))
        self._unknown.clear()

    def cite(
        self,
        quotes: Iterable[Quote],
        subject: Ref,
        at: Path = ("cite",),
        values: dict[str, Any] | None = None,
        relation: str | None = None,
    ) -> None:
        """A citation of `subject` by each quote, found in the page's text; the claims each supports wait for
        the evidence pass (`prove`), which checks `values` (claim → value, empty when not claimed) against them.
        """
        page = self.page
        if page is None or page.text is None or page.source is None:
            return
        claims = CLAIMS[subject.table]
        values = {name: value for name, value in (values or {}).items() if value not in (None, "", [], ())}
        claimed = Claimed(page, self.section, self.index, self.key, at[:-1], claims, values, relation)
        found: dict[tuple[int, int], tuple[str, set[str]]] = {}
        for number, quote in enumerate(quotes):
            # Every quote shows the page mentioning the record; `for:` names the claims it is evidence for besides.
            text, named = (
                (quote.quote, [EXISTENCE, *quote.claims]) if isinstance(quote, QuoteFor) else (quote, [EXISTENCE])
            )
            place = (*at, number)
            supports = [name for name in named if self._claimable(claims, values, name, place)]
            try:
                passage = page.text.locate(text)
            except QuoteError as error:
                self.problem(f"quote {text!r}: {error}", place)
                self.unread.add((page.name, self.entry))
                continue
            found.setdefault((passage.start, passage.end), (passage.match.value, set()))[1].update(supports)
            excerpt = page.text.raw[passage.start : passage.end]
            found_at = evidence.Passage(excerpt, passage.start, passage.end, page.slug)
            claimed.passages.append((found_at, frozenset(supports)))
        for (start, end), (match, names) in found.items():
            coordinates = {claims.coordinate(name) for name in names}
            claimed.rows[start, end] = self.citation(page, subject, (start, end, match), coordinates)
        if values or claimed.passages:
            self.claimed.append(claimed)

    def _claimable(self, claims: Claims, values: dict[str, Any], name: str, at: Path) -> bool:
        """Whether a quote's `for:` may name `name`: a claim of the record's kind that the entry makes."""
        if name == EXISTENCE:
            return True
        if name not in claims.rules:
            known = ", ".join(claims.rules) or "none"
            self.problem(f"`for: [{name}]`: a {claims.typename} has no claim {name!r}; its claims are: {known}", at)
            return False
        if name not in values:
            self.problem(
                f"`for: [{name}]`: this entry makes no such claim here (the field is empty, inferred, or its value "
                f"comes from {evidence.STANDARD}, which is never cited to the page)",
                at,
            )
            return False
        return True

    def citation(self, page: Page, subject: Ref, passage: tuple[int, int, str], supports: set[str]) -> Row:
        """A citation row: the passage `(start, end, match)` of the page, supporting the claims `supports`."""
        assert page.text is not None
        start, end, match = passage
        return self.row(
            "citation",
            {
                "source_id": page.source,
                "source_length": len(page.text.raw),
                "subject_type": subject.table,
                "subject_id": subject,
                "excerpt": page.text.raw[start:end],
                "start": start,
                "end": end,
                "match": match,
                "supports": sorted(supports, key=lambda coordinate: ("." in coordinate, coordinate)),
                "natural_key": natural_key(page.slug, f"{start}-{end}", subject.table, *key_parts(subject)),
            },
        )

    def basis(self, basis: Basis | None, reason: str | None, at: Path) -> bool:
        """Whether a link is stated; an inferred one must say why in one line, and only it may."""
        if basis is Basis.INFERRED and not (reason and reason.strip()):
            self.problem("an inferred link needs a `reason`: one line saying what it is inferred from", at)
        if basis is Basis.STATED and reason:
            self.problem("only an inferred link takes a `reason`: a stated one is proved by its quotes", at)
        if reason and ("\n" in reason.strip() or len(reason) > 200):
            self.problem("a `reason` is one line of at most 200 characters", at)
        return basis is Basis.STATED

    def heading(self, quote: str, relation: str, at: Path) -> None:
        """The heading that opens the page's section about `relation`: the section runs to the next one."""
        page = self.page
        if page is None or page.text is None:
            return
        try:
            passage = page.text.locate(quote)
        except QuoteError as error:
            self.problem(f"section {quote!r}: {error}", at)
            return
        self.headings.setdefault(page.name, []).append((passage.start, relation, page))

    def themes(self, slugs: Iterable[str], subject: Ref, at: Path = ("themes",)) -> None:
        """A link from `subject` to each theme."""
        for number, slug in enumerate(slugs):
            theme = self.ref("themes", slug, (*at, number))
            self.row("theme_link", {"theme_id": theme, "subject_type": subject.table, "subject_id": subject})


def _field_name(at: Path) -> str:
    """A field path as an editor reads it: `participants #2 country`, `relation`."""
    parts: list[str] = []
    for part in at:
        if isinstance(part, int):
            if parts and not parts[-1].startswith("#"):
                parts.append(f"#{part + 1}")
        else:
            parts.append(part)
    # A reference inside a pair (`between`, `relation`) is the pair's own field.
    if parts and parts[-1].startswith("#") and len(parts) == 2:
        parts.pop()
    return " ".join(parts)
