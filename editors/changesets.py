"""A changeset: entries shaped like a fixture's, applied to the fixture files and read by the same loader as
`cli.py check`, so a proposal with an unsupported claim is refused with the message a researcher gets from the YAML.

An entry is `{section, action, key, entry}`: `add` a new entry (`entry`, to the page `source` names), `edit` one
(`key`; each field of `entry` replaces the entry's, a null removes it), `cite` one (`key`; the quotes of
`entry.cite` are added to its evidence), or `remove` one (`key`). Quotes, not offsets: the loader finds them.
"""

import copy
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from models.relation import pair_slug
from seeds.dataset import Dataset
from seeds.errors import FixtureError
from seeds.loader import fixture_paths, read_fixtures
from seeds.sections import SECTIONS
from seeds.yamlfile import YAMLProblem, parse

ACTIONS = ("add", "edit", "cite", "remove")
# The most entries one change holds, and the most characters its JSON takes.
MAX_ENTRIES = 200
MAX_CHARACTERS = 200_000


@dataclass(frozen=True)
class Refusal:
    """Why a change cannot be made: where (`field`, as the input names it, or the fixture entry), and a code."""

    field: list[str]
    message: str
    code: str


class ChangeError(ValueError):
    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__("; ".join(refusal.message for refusal in refusals))
        self.refusals = refusals


@dataclass(frozen=True)
class Entry:
    section: str
    action: str
    key: str | None
    entry: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {"section": self.section, "action": self.action, "key": self.key, "entry": self.entry}


def parsed(raw: list[dict[str, Any]]) -> list[Entry]:
    """The entries of a proposal, their shape checked; `ChangeError` naming each one that is not an entry."""
    refusals: list[Refusal] = []
    if not raw:
        refusals.append(Refusal(["entries"], "a change holds at least one entry", "EMPTY_CHANGE"))
    if len(raw) > MAX_ENTRIES:
        message = f"a change holds at most {MAX_ENTRIES} entries, not {len(raw)}: propose it in several changes"
        raise ChangeError([Refusal(["entries"], message, "TOO_MANY_ENTRIES")])
    found = []
    for index, item in enumerate(raw):
        where = ["entries", str(index)]
        section, action, key, entry = (item.get(name) for name in ("section", "action", "key", "entry"))
        if section not in SECTIONS:
            known = ", ".join(SECTIONS)
            refusals.append(Refusal([*where, "section"], f"`{section}` is not a section: one of {known}", "BAD_ENTRY"))
        elif action not in ACTIONS:
            known = ", ".join(ACTIONS)
            refusals.append(Refusal([*where, "action"], f"`{action}` is not an action: one of {known}", "BAD_ENTRY"))
        elif action != "add" and not key:
            refusals.append(Refusal([*where, "key"], f"`{action}` names the entry it changes by `key`", "BAD_ENTRY"))
        elif action != "remove" and not isinstance(entry, dict):
            refusals.append(Refusal([*where, "entry"], f"`{action}` needs an `entry`, an object", "BAD_ENTRY"))
        elif action == "cite" and not isinstance((entry or {}).get("cite"), list):
            refusals.append(Refusal([*where, "entry"], "`cite` adds the quotes of `entry.cite`, a list", "BAD_ENTRY"))
        else:
            found.append(Entry(section, action, key, entry if action != "remove" else None))
    if refusals:
        raise ChangeError(refusals)
    return found


def key_of(section: str, item: Any) -> str | None:
    """An entry's key as written in a fixture: a relation's is its pair's slug."""
    if not isinstance(item, dict):
        return None
    if section == "relations":
        between = item.get("between")
        return pair_slug(map(str, between)) if isinstance(between, list) and len(between) == 2 else None
    value = item.get(SECTIONS[section].entity.key)
    return None if value is None else str(value)


def applied(documents: dict[str, Any], source: str, entries: list[Entry]) -> None:
    """Apply `entries` to the fixture files' documents (by file name), in place; `ChangeError` for an entry whose
    key no file holds, or a new entry for a page no file is."""
    refusals: list[Refusal] = []
    for index, entry in enumerate(entries):
        where = ["entries", str(index)]
        if entry.action == "add":
            page = next((data for data in documents.values() if (data.get("source") or {}).get("slug") == source), None)
            if page is None:
                refusals.append(
                    Refusal(["source"], f"no page is named `{source}`: name one of the fixtures' sources", "NOT_FOUND")
                )
                continue
            page.setdefault(entry.section, []).append(entry.entry)
            continue
        items, position = _find(documents, entry.section, entry.key or "")
        if items is None:
            message = f"no entry of `{entry.section}` has the key `{entry.key}`"
            refusals.append(Refusal([*where, "key"], message, "NOT_FOUND"))
        elif entry.action == "remove":
            del items[position]
        elif entry.action == "cite":
            items[position].setdefault("cite", []).extend((entry.entry or {})["cite"])
        else:
            edited = {**items[position], **(entry.entry or {})}
            items[position] = {name: value for name, value in edited.items() if value is not None}
    if refusals:
        raise ChangeError(refusals)


def _find(documents: dict[str, Any], section: str, key: str) -> tuple[list[Any] | None, int]:
    for data in documents.values():
        items = data.get(section) or []
        for position, item in enumerate(items):
            if key_of(section, item) == key:
                return items, position
    return None, -1


@dataclass(frozen=True)
class Pages:
    """The fixture files' documents, by file name, with the files they were read from, in the fixtures' order."""

    paths: list[Path]
    documents: dict[str, Any]

    def copy(self) -> "Pages":
        return Pages(self.paths, copy.deepcopy(self.documents))


def pages(fixtures: Path) -> Pages:
    """The fixtures' documents, as their files hold them."""
    paths = fixture_paths(fixtures)
    documents: dict[str, Any] = {}
    for path in paths:
        try:
            documents[path.name] = parse(path.read_text(encoding="utf-8")).data
        except (OSError, YAMLProblem) as error:
            message = f"the fixture {path.name} cannot be read: {error}"
            raise ChangeError([Refusal(["source"], message, "FIXTURES")]) from None
    return Pages(paths, documents)


def digests(given: Pages, entries: list[Entry]) -> list[str | None]:
    """What each entry's fixture entry holds now, as a digest: None for a new entry or one no file holds."""
    found: list[str | None] = []
    for entry in entries:
        items, position = (
            (None, -1) if entry.action == "add" else _find(given.documents, entry.section, entry.key or "")
        )
        held = None if items is None else json.dumps(items[position], sort_keys=True, default=str)
        found.append(None if held is None else hashlib.sha256(held.encode()).hexdigest())
    return found


def validated(given: Pages, source: str, entries: list[Entry]) -> Dataset:
    """The dataset the fixtures make once `entries` are applied to a copy of `given`, read by the loader;
    `ChangeError` holding each problem it finds, in its own words."""
    trial = given.copy()
    applied(trial.documents, source, entries)
    return dataset(trial)


def dataset(given: Pages) -> Dataset:
    """The dataset `given` makes, read by the loader from files written as the fixtures are."""
    with tempfile.TemporaryDirectory(prefix="bilateral-change-") as folder:
        written = written_to(given, Path(folder))
        try:
            return read_fixtures(written)
        except FixtureError as error:
            refusals = [
                Refusal([problem.entry or problem.file], problem.message, "UNSUPPORTED_CLAIM")
                for problem in error.problems
            ]
            raise ChangeError(refusals) from None


def written_to(given: Pages, folder: Path) -> list[Path]:
    """Write `given` into `folder` as fixture files, each with the page text it quotes; the files written, in the
    fixtures' order (the loader blames the newer of two files that disagree)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in given.paths:
        target = folder / path.name
        text = yaml.dump(given.documents[path.name], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
        target.write_text(text, encoding="utf-8")
        page = (given.documents[path.name].get("source") or {}).get("file")
        if isinstance(page, str) and (path.parent / page).is_file():
            shutil.copyfile(path.parent / page, folder / Path(page).name)
        written.append(target)
    return written


class _Dumper(yaml.SafeDumper):
    """YAML as fixtures write it: a number with a point as written."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))
