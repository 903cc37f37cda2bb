"""Reading fixture files into a validated dataset: every problem is found before anything is written."""

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic
import yaml

from models.dates import date_columns, sort_columns
from models.enums import SubjectType
from seeds.dataset import Dataset, Ref
from seeds.errors import FixtureError, Problem
from seeds.fixture import (
    AgreementEntry,
    CountryEntry,
    EventEntry,
    Fixture,
    MechanismEntry,
    PersonEntry,
    RegionEntry,
    RelationEntry,
    StatisticEntry,
    ThemeEntry,
)
from seeds.quotes import FoldedText, QuoteError


def read_fixtures(directory: Path) -> Dataset:
    """Every `*.yaml` fixture in `directory` as one dataset, or a `FixtureError` naming each problem."""
    problems: list[Problem] = []
    fixtures = [(path, fixture) for path in sorted(directory.glob("*.yaml")) if (fixture := _parse(path, problems))]
    if problems:
        raise FixtureError(problems)
    builder = _Builder(fixtures)
    dataset = builder.build()
    if builder.problems:
        raise FixtureError(builder.problems)
    return dataset


def _parse(path: Path, problems: list[Problem]) -> Fixture | None:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problems.append(Problem(path.name, where, f"YAML syntax error: {error.problem}"))
        return None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(Problem(path.name, "file", f"cannot be read: {error}"))
        return None
    try:
        return Fixture.model_validate(document)
    except pydantic.ValidationError as error:
        for detail in error.errors():
            problems.append(Problem(path.name, _entry_name(document, detail["loc"]), _field_message(detail)))
        return None


def _entry_name(document: Any, loc: tuple[int | str, ...]) -> str:
    if len(loc) < 2 or not isinstance(loc[1], int):
        return str(loc[0]) if loc else "file"
    section, index = loc[0], loc[1]
    try:
        raw = document[section][index]
        name = raw.get("slug") or raw.get("code") or raw.get("between")
        if isinstance(name, list):
            name = "-".join(sorted(map(str, name)))
    except (KeyError, IndexError, TypeError, AttributeError):
        name = None
    return f"{section}[{index}]" + (f" ({name})" if name else "")


def _field_message(detail: Any) -> str:
    field = ".".join(str(part) for part in detail["loc"][2:] if not isinstance(part, int) or part)
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


class _Builder:
    """Turns parsed fixtures into rows, checking sources, quotes and references along the way."""

    def __init__(self, fixtures: list[tuple[Path, Fixture]]) -> None:
        self.fixtures = fixtures
        self.problems: list[Problem] = []
        self.dataset = Dataset()
        self.declared: dict[str, dict[str, tuple[str, Any]]] = {}
        self.file = ""
        self.entry = ""

    def build(self) -> Dataset:
        for section in ("countries", "people", "themes", "agreements", "events", "relations"):
            for path, fixture in self.fixtures:
                self.file = path.name
                for index, item in enumerate(getattr(fixture, section)):
                    self.entry = f"{section}[{index}] ({item.slug if section != 'countries' else item.code})"
                    self._declare(section, item.code if section == "countries" else item.slug, item)
        for path, fixture in self.fixtures:
            self.file = path.name
            self._fixture(path, fixture)
        self._order_successors()
        return self.dataset

    def _problem(self, message: str) -> None:
        self.problems.append(Problem(self.file, self.entry, message))

    def _declare(self, section: str, key: str, item: Any) -> None:
        seen = self.declared.setdefault(section, {})
        if key not in seen:
            seen[key] = (self.file, item)
            return
        first_file, first = seen[key]
        if first_file == self.file:
            self._problem(f"duplicate {section} entry {key!r}: each entry must be unique within its section")
        elif first.model_dump(exclude={"cite"}) != item.model_dump(exclude={"cite"}):
            self._problem(f"{key!r} is also declared, differently, in {first_file}")

    def _is_first(self, section: str, key: str, item: Any) -> bool:
        return self.declared[section][key][1] is item

    # References, each checked against what the fixtures declare.

    def _ref(self, section: str, table: str, key: str | None) -> Ref | None:
        if key is None:
            return None
        if key not in self.declared.get(section, {}):
            noun = {"countries": "country", "people": "person", "themes": "theme"}.get(section, section[:-1])
            self._problem(f"unknown {noun} {key!r}")
        return Ref(table, (key,))

    def _country(self, code: str | None) -> Ref | None:
        return self._ref("countries", "country", code)

    def _relation(self, pair: tuple[str, str] | None) -> Ref | None:
        if pair is None:
            return None
        slug = "-".join(sorted(pair))
        for code in pair:
            self._country(code)
        if slug not in self.declared.get("relations", {}):
            self._problem(f"unknown relation {slug!r}: declare it under `relations`")
        return Ref("relation", (slug,))

    # One fixture file.

    def _fixture(self, path: Path, fixture: Fixture) -> None:
        self.entry = "source"
        self.source = Ref("source", (fixture.source.slug,))
        text = self._source_text(path, fixture)
        if text is None:
            return
        self.text = FoldedText(text)
        self.dataset.add(
            "source",
            {
                **fixture.source.model_dump(exclude={"file"}),
                "text": text,
                "length": len(text),
            },
        )
        sections: list[tuple[str, Iterable[Any], Any]] = [
            ("countries", fixture.countries, self._country_entry),
            ("regions", fixture.regions, self._region_entry),
            ("people", fixture.people, self._person_entry),
            ("themes", fixture.themes, self._theme_entry),
            ("relations", fixture.relations, self._relation_entry),
            ("agreements", fixture.agreements, self._agreement_entry),
            ("events", fixture.events, self._event_entry),
            ("mechanisms", fixture.mechanisms, self._mechanism_entry),
            ("statistics", fixture.statistics, self._statistic_entry),
        ]
        unique: set[tuple[str, str]] = set()
        for section, items, add in sections:
            for index, item in enumerate(items):
                key = item.code if section in ("countries", "regions") else item.slug
                self.entry = f"{section}[{index}] ({key})"
                if section in ("regions", "mechanisms", "statistics"):
                    if (section, key) in unique:
                        self._problem(
                            f"duplicate {section} entry {key!r}: each entry must be unique within its section"
                        )
                    unique.add((section, key))
                add(item)

    def _source_text(self, path: Path, fixture: Fixture) -> str | None:
        source_path = path.parent / fixture.source.file
        try:
            raw = source_path.read_bytes()
        except OSError as error:
            self._problem(f"cannot read the source text {fixture.source.file}: {error.strerror}")
            return None
        digest = hashlib.sha256(raw).hexdigest()
        if digest != fixture.source.sha256:
            self._problem(
                f"the source text {fixture.source.file} has sha256 {digest}, not the {fixture.source.sha256} "
                "this fixture was written against: the text was edited, or the fixture names the wrong file"
            )
            return None
        return raw.decode("utf-8")

    def _cite(self, quotes: Iterable[str], subject_type: SubjectType, subject: Ref) -> None:
        for quote in quotes:
            try:
                passage = self.text.locate(quote)
            except QuoteError as error:
                self._problem(f"quote {quote!r}: {error}")
                continue
            self.dataset.add(
                "citation",
                {
                    "source_id": self.source,
                    "source_length": len(self.text.raw),
                    "subject_type": subject_type.value,
                    "subject_id": subject,
                    "excerpt": self.text.raw[passage.start : passage.end],
                    "start": passage.start,
                    "end": passage.end,
                    "match": passage.match.value,
                },
            )

    def _themes(self, slugs: Iterable[str], subject_type: SubjectType, subject: Ref) -> None:
        for slug in slugs:
            theme = self._ref("themes", "theme", slug)
            self.dataset.add(
                "theme_link", {"theme_id": theme, "subject_type": subject_type.value, "subject_id": subject}
            )

    # Entries, one method per section.

    def _country_entry(self, item: CountryEntry) -> None:
        subject = Ref("country", (item.code,))
        if self._is_first("countries", item.code, item):
            self.dataset.add(
                "country",
                {
                    **item.model_dump(exclude={"cite", "successor"}),
                    "successor_id": self._country(item.successor),
                },
            )
        self._cite(item.cite, SubjectType.COUNTRY, subject)

    def _region_entry(self, item: RegionEntry) -> None:
        region = Ref("region", (item.code,))
        self.dataset.add("region", item.model_dump(exclude={"cite", "members"}))
        for code in item.members:
            self.dataset.add("region_member", {"region_id": region, "country_id": self._country(code)})
        self._cite(item.cite, SubjectType.REGION, region)

    def _person_entry(self, item: PersonEntry) -> None:
        person = Ref("person", (item.slug,))
        if self._is_first("people", item.slug, item):
            self.dataset.add("person", {"slug": item.slug, "name": item.name})
        for office in item.offices:
            country = self._country(office.country)
            self.dataset.add(
                "office",
                {
                    "person_id": person,
                    "title": office.title,
                    "country_id": country,
                    "basis": office.basis.value,
                    **date_columns("start", office.start),
                    **date_columns("end", office.end),
                },
            )
            self._cite(office.cite, SubjectType.OFFICE, Ref("office", (person, office.title, country)))
        self._cite(item.cite, SubjectType.PERSON, person)

    def _theme_entry(self, item: ThemeEntry) -> None:
        if self._is_first("themes", item.slug, item):
            self.dataset.add("theme", item.model_dump(exclude={"cite"}))
        self._cite(item.cite, SubjectType.THEME, Ref("theme", (item.slug,)))

    def _relation_entry(self, item: RelationEntry) -> None:
        relation = Ref("relation", (item.slug,))
        first, second = (self._country(code) for code in item.between)
        self.dataset.add(
            "relation",
            {
                "slug": item.slug,
                "pair": (first, second),
                "status": item.status.value,
                "summary": item.summary,
                **date_columns("established", item.established),
            },
        )
        for label in item.labels:
            self.dataset.add("relation_label", {"relation_id": relation, "slug": label.slug, "text": label.text})
            self._cite(label.cite, SubjectType.RELATION_LABEL, Ref("relation_label", (relation, label.slug)))
        self._themes(item.themes, SubjectType.RELATION, relation)
        self._cite(item.cite, SubjectType.RELATION, relation)

    def _agreement_entry(self, item: AgreementEntry) -> None:
        agreement = Ref("agreement", (item.slug,))
        self.dataset.add(
            "agreement",
            {
                **item.model_dump(include={"slug", "title", "short_name", "summary"}),
                "kind": item.kind.value,
                "relation_id": self._relation(item.relation),
                **date_columns("signed", item.signed),
                **date_columns("adopted", item.adopted),
                **date_columns("in_force", item.in_force),
            },
        )
        for code in item.parties:
            self.dataset.add("agreement_party", {"agreement_id": agreement, "country_id": self._country(code)})
        self._themes(item.themes, SubjectType.AGREEMENT, agreement)
        self._cite(item.cite, SubjectType.AGREEMENT, agreement)

    def _event_entry(self, item: EventEntry) -> None:
        event = Ref("event", (item.slug,))
        if item.date and item.end and item.end.latest < item.date.earliest:
            self._problem(f"end {item.end.text!r} is before date {item.date.text!r}")
        self.dataset.add(
            "event",
            {
                **item.model_dump(include={"slug", "title", "description", "place"}),
                "kind": item.kind.value,
                "relation_id": self._relation(item.relation),
                "agreement_id": self._ref("agreements", "agreement", item.agreement),
                **date_columns("date", item.date),
                **date_columns("end", item.end),
                **sort_columns(item.date),
            },
        )
        for participant in item.participants:
            self.dataset.add(
                "event_participant",
                {
                    "event_id": event,
                    "key": participant.key,
                    "country_id": self._country(participant.country),
                    "person_id": self._ref("people", "person", participant.person),
                    "role": participant.role.value,
                    "basis": participant.basis.value,
                },
            )
            subject = Ref("event_participant", (event, participant.key, participant.role.value))
            self._cite(participant.cite, SubjectType.EVENT_PARTICIPANT, subject)
        self._themes(item.themes, SubjectType.EVENT, event)
        self._cite(item.cite, SubjectType.EVENT, event)

    def _mechanism_entry(self, item: MechanismEntry) -> None:
        mechanism = Ref("mechanism", (item.slug,))
        self.dataset.add(
            "mechanism",
            {
                **item.model_dump(include={"slug", "name", "short_name", "description"}),
                "kind": item.kind.value,
                "level": item.level.value if item.level else None,
                "status": item.status.value if item.status else None,
                "relation_id": self._relation(item.relation),
                "origin_event_id": self._ref("events", "event", item.origin_event),
            },
        )
        self._themes(item.themes, SubjectType.MECHANISM, mechanism)
        self._cite(item.cite, SubjectType.MECHANISM, mechanism)

    def _statistic_entry(self, item: StatisticEntry) -> None:
        self.dataset.add(
            "statistic",
            {
                **item.model_dump(include={"slug", "measure", "value", "unit"}),
                "qualifier": item.qualifier.value,
                "country_id": self._country(item.country),
                "relation_id": self._relation(item.relation),
                "event_id": self._ref("events", "event", item.event),
                **date_columns("period", item.period),
            },
        )
        self._cite(item.cite, SubjectType.STATISTIC, Ref("statistic", (item.slug,)))

    def _order_successors(self) -> None:
        # A country is written after its successor, so the successor's id is known by then.
        rows = self.dataset.rows.get("country", [])
        successor = {row["code"]: row["successor_id"].key[0] for row in rows if row["successor_id"]}

        def depth(code: str, seen: frozenset[str] = frozenset()) -> int:
            if code not in successor:
                return 0
            if code in seen:
                self.file, self.entry = "countries", code
                self._problem("successors form a cycle")
                return 0
            return 1 + depth(successor[code], seen | {code})

        rows.sort(key=lambda row: depth(row["code"]))
