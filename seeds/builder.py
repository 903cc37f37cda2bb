"""Turning validated entries into rows, checking quotes and references, and saying where each problem is."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models.kinds import KINDS, Kind
from models.relation import pair_slug
from seeds.dataset import Dataset, Ref, Row
from seeds.errors import Problem
from seeds.quotes import FoldedText, QuoteError
from seeds.yamlfile import Document, Path, entry_label


@dataclass
class Page:
    """One fixture file being built: its name, its parsed YAML, and the source text it quotes."""

    name: str
    document: Document
    source: Ref | None = None
    text: FoldedText | None = None


@dataclass(frozen=True)
class Declaration:
    """Where an entry was first declared, to tell a repeat from a clash."""

    page: Page
    index: int
    item: Any


def section_kind(section: str) -> Kind:
    """The kind whose fixture section `section` is."""
    return next(kind for kind in KINDS.values() if kind.section == section)


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
        self._unknown.clear()

    def cite(self, quotes: Iterable[str], subject: Ref, at: Path = ("cite",)) -> None:
        """A citation of `subject` by each quote, found in the page's text."""
        page = self.page
        if page is None or page.text is None or page.source is None:
            return
        for number, quote in enumerate(quotes):
            try:
                passage = page.text.locate(quote)
            except QuoteError as error:
                self.problem(f"quote {quote!r}: {error}", (*at, number))
                continue
            self.row(
                "citation",
                {
                    "source_id": page.source,
                    "source_length": len(page.text.raw),
                    "subject_type": subject.table,
                    "subject_id": subject,
                    "excerpt": page.text.raw[passage.start : passage.end],
                    "start": passage.start,
                    "end": passage.end,
                    "match": passage.match.value,
                },
            )

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
