"""Reading fixture files into a validated dataset: every problem is found before anything is written.

Problems come in two rounds: first every mistake in the shape of the files (YAML, fields, values),
then, once those are fixed, every quote and reference that cannot be resolved.
"""

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from models.relation import pair_slug
from seeds.builder import Builder, Declaration, Page, noun
from seeds.dataset import Dataset, Ref
from seeds.errors import FixtureError, Problem
from seeds.evidence import prove
from seeds.fixture import Entry, SourceEntry
from seeds.messages import described
from seeds.quotes import FoldedText
from seeds.sections import SECTIONS, Section
from seeds.yamlfile import YAMLProblem, entry_at, entry_label, parse


@dataclass
class Fixture:
    """One fixture file, its shape checked: its page, its source and its entries by section."""

    path: Path
    page: Page
    source: SourceEntry
    entries: dict[str, list[Entry]]


def fixture_paths(fixtures: Path | Iterable[Path]) -> list[Path]:
    """The fixture files: every `*.yaml` of a folder, or the files given."""
    return sorted(fixtures.glob("*.yaml")) if isinstance(fixtures, Path) else list(fixtures)


def read_fixtures(fixtures: Path | Iterable[Path]) -> Dataset:
    """Every fixture (of a folder, or the files given) as one dataset, or a `FixtureError` naming each problem."""
    problems: list[Problem] = []
    read = [fixture for path in fixture_paths(fixtures) if (fixture := _read(path, problems))]
    if problems:
        raise FixtureError(problems)
    builder = Builder()
    # Declared oldest file first: where two files disagree, the newer one is being added and is blamed.
    for fixture in sorted(read, key=lambda fixture: (fixture.path.stat().st_mtime, fixture.path.name)):
        _declare(builder, fixture)
    for fixture in read:
        _build(builder, fixture)
    prove(builder)
    for section in SECTIONS.values():
        if section.check is not None:
            section.check(builder)
    if builder.problems:
        raise FixtureError(builder.problems)
    return builder.dataset


# Reading: the shape of each file.


def _read(path: Path, problems: list[Problem]) -> Fixture | None:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        problems.append(Problem(name, f"cannot be read: {error.strerror}"))
        return None
    except UnicodeDecodeError as error:
        problems.append(Problem(name, _not_utf8("the file", error)))
        return None
    try:
        document = parse(text)
    except YAMLProblem as problem:
        problems.append(Problem(name, problem.message, problem.line, entry_at(text, problem.line)))
        return None
    page = Page(name, document)
    for (*where, key), line in document.repeated:
        problems.append(Problem(name, f"`{key}` is written twice here: keep one", line, _entry(where)))
    data = document.data
    if not isinstance(data, dict):
        problems.append(Problem(name, "a fixture starts with `source:`, then its sections (`countries:`, …)", 1))
        return None
    for key in data:
        if key != "source" and key not in SECTIONS:
            known = ["source", *SECTIONS]
            guess = difflib.get_close_matches(str(key), known, n=1)
            fix = f"did you mean `{guess[0]}`?" if guess else f"the sections are {', '.join(known)}"
            problems.append(Problem(name, f"`{key}:` is not a section: {fix}", document.line((key,))))
    source = _entry_of(SourceEntry, data.get("source"), ("source",), page, problems)
    entries: dict[str, list[Entry]] = {}
    for section in SECTIONS.values():
        entries[section.name] = _section(section, data.get(section.name), page, problems)
    if source is None:
        return None
    return Fixture(path, page, source, entries)


def _section(section: Section, items: Any, page: Page, problems: list[Problem]) -> list[Entry]:
    if items is None:
        return []
    if not isinstance(items, list):
        line = page.document.line((section.name,))
        problems.append(
            Problem(page.name, f"`{section.name}:` must be a list of entries, each starting with `- `", line)
        )
        return []
    found = []
    for index, item in enumerate(items):
        entry = _entry_of(section.entry, item, (section.name, index), page, problems)
        if entry is not None:
            found.append(entry)
    return found


def _entry_of(model: type[Entry], item: Any, at: tuple[str | int, ...], page: Page, problems: list[Problem]) -> Any:
    if item is None and at == ("source",):
        problems.append(Problem(page.name, "the `source:` block is missing: every fixture names its page", 1))
        return None
    try:
        return model.model_validate(item)
    except pydantic.ValidationError as error:
        name = _entry(at, item)
        for detail in error.errors():
            line = page.document.line((*at, *detail["loc"]))
            problems.append(Problem(page.name, described(detail, model), line, name))
        return None


def _entry(at: Iterable[str | int], item: Any = None) -> str:
    """An entry as an editor finds it: `events #3 (summit-2013)`, counted from 1."""
    at = tuple(at)
    if len(at) < 2 or not isinstance(at[1], int):
        return str(at[0]) if at else ""
    key = None
    if isinstance(item, dict):
        key = item.get("slug") or item.get("code") or item.get("between")
        if isinstance(key, list):
            key = pair_slug(map(str, key))
    return entry_label(str(at[0]), at[1], key if isinstance(key, str) else None)


def _not_utf8(what: str, error: UnicodeDecodeError) -> str:
    line = error.object[: error.start].count(b"\n") + 1
    return (
        f"{what} is not UTF-8 text (its line {line} holds a character written in another encoding): "
        "save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    )


# Declaring: which entries each file declares, and where two files disagree.


def _declare(builder: Builder, fixture: Fixture) -> None:
    for name, items in fixture.entries.items():
        section, seen = SECTIONS[name], builder.declared.setdefault(name, {})
        for index, item in enumerate(items):
            key = section.key(item)
            builder.enter(fixture.page, name, index, key)
            first = seen.get(key)
            if first is None:
                seen[key] = Declaration(fixture.page, index, item)
            elif first.page is fixture.page:
                builder.problem(
                    f"{noun(name)} {key!r} is declared twice in this file (also {name} #{first.index + 1}): "
                    "keep one, or give the other its own key"
                )
            elif (differences := _differences(first.item, item)) is not None:
                line = first.page.document.line((name, first.index))
                builder.problem(
                    f"{noun(name)} {key!r} is also declared in {first.page.name} (line {line}), differently; "
                    "declare it exactly as there, or leave it out of this file:\n" + differences
                )


def _differences(first: Entry, again: Entry) -> str | None:
    """The fields in which two declarations differ (citations aside), side by side; None if they agree."""
    here, there = _without_cites(again.model_dump()), _without_cites(first.model_dump())
    if here == there:
        return None
    lines = [
        f"      {field}: {here.get(field)!r} here, {there.get(field)!r} there"
        for field in dict.fromkeys([*there, *here])
        if here.get(field) != there.get(field)
    ]
    return "\n".join(lines)


def _without_cites(value: Any) -> Any:
    """An entry without what each page gives of its own: its quotes, and the names that page uses."""
    if isinstance(value, dict):
        return {key: _without_cites(inner) for key, inner in value.items() if key not in ("cite", "page_names")}
    if isinstance(value, list):
        return [_without_cites(inner) for inner in value]
    return value


# Building: rows, quotes and references.


def _build(builder: Builder, fixture: Fixture) -> None:
    page = fixture.page
    builder.enter(page)
    text = _source_text(builder, fixture)
    if text is None:
        return
    page.source, page.text = Ref("source", (fixture.source.slug,)), FoldedText(text)
    builder.row("source", {**fixture.source.model_dump(exclude={"file"}), "text": text, "length": len(text)})
    for name, items in fixture.entries.items():
        section = SECTIONS[name]
        for index, item in enumerate(items):
            builder.enter(page, name, index, section.key(item))
            section.build(builder, item)
            builder.done()


def _source_text(builder: Builder, fixture: Fixture) -> str | None:
    source = fixture.source
    path = fixture.path.parent / source.file
    at = ("source", "file")
    try:
        raw = path.read_bytes()
    except OSError as error:
        builder.problem(f"cannot read the page's text {source.file}: {error.strerror}", at)
        return None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != source.sha256:
        builder.problem(
            f"the page's text {source.file} has sha256 {digest}, not the {source.sha256} this fixture was written "
            "against: the text was edited, or the fixture names the wrong file",
            ("source", "sha256"),
        )
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        builder.problem(_not_utf8(f"the page's text {source.file}", error), at)
        return None
