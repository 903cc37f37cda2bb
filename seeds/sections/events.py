"""`events:` what happened, with who took part."""

from pydantic import model_validator

from models.dates import date_columns, span_columns
from models.entity import natural_key
from models.enums import Basis, EventKind, ParticipantRole
from models.event import EVENT
from models.relation import pair_slug
from seeds.builder import Builder
from seeds.dataset import Ref, key_parts
from seeds.fixture import Code, DateText, Entry, Pair, Quote, Quotes, Slug
from seeds.sections import Section


class ParticipantEntry(Entry):
    country: Code | None = None
    person: Slug | None = None
    role: ParticipantRole
    basis: Basis
    reason: str | None = None
    cite: list[Quote] = []

    @model_validator(mode="after")
    def _one_of(self) -> "ParticipantEntry":
        if (self.country is None) == (self.person is None):
            raise ValueError("a participant names exactly one of `country` or `person`")
        return self

    @property
    def key(self) -> str:
        return f"country:{self.country}" if self.country else f"person:{self.person}"


class EventEntry(Entry):
    slug: Slug
    kind: EventKind
    title: str
    description: str | None = None
    date: DateText | None = None
    end: DateText | None = None
    place: str | None = None
    relation: Pair | None = None
    agreement: Slug | None = None
    participants: list[ParticipantEntry] = []
    themes: list[Slug] = []
    cite: Quotes


def add(builder: Builder, item: EventEntry) -> None:
    event = Ref("event", (item.slug,))
    if item.date and item.end and item.end.latest < item.date.earliest:
        builder.problem(f"`end` {item.end.text!r} is before `date` {item.date.text!r}", ("end",))
    builder.row(
        "event",
        {
            **item.model_dump(include={"slug", "title", "description", "place"}),
            "kind": item.kind.value,
            "relation_id": builder.relation(item.relation, ("relation",)),
            "agreement_id": builder.ref("agreements", item.agreement, ("agreement",)),
            **date_columns("date", item.date),
            **date_columns("end", item.end),
            **span_columns(item.date, item.end),
        },
    )
    for number, participant in enumerate(item.participants):
        at = ("participants", number)
        subject = Ref("event_participant", (event, participant.key, participant.role.value))
        builder.row(
            "event_participant",
            {
                "event_id": event,
                "key": participant.key,
                "country_id": builder.ref("countries", participant.country, (*at, "country")),
                "person_id": builder.ref("people", participant.person, (*at, "person")),
                "role": participant.role.value,
                "basis": participant.basis.value,
                "reason": participant.reason,
                "natural_key": natural_key(*key_parts(subject)),
            },
        )
        stated = builder.basis(participant.basis, participant.reason, (*at, "reason"))
        values = {"country": participant.country, "person": participant.person} if stated else {}
        relation = pair_slug(item.relation) if item.relation else None
        builder.cite(participant.cite, subject, (*at, "cite"), values, relation)


SECTION = Section(EVENT, EventEntry, add)
