"""`people:` named people and the offices they held."""

from typing import Any

from models.dates import date_columns
from models.entity import natural_key
from models.enums import Basis
from models.person import PERSON
from seeds.builder import Builder
from seeds.dataset import Ref, key_parts
from seeds.fixture import Code, DateText, Entry, Quote, Quotes, Slug
from seeds.sections import Section


class OfficeEntry(Entry):
    title: str
    country: Code | None = None
    basis: Basis
    start: DateText | None = None
    end: DateText | None = None
    reason: str | None = None
    cite: list[Quote] = []


class PersonEntry(Entry):
    slug: Slug
    name: str
    offices: list[OfficeEntry] = []
    cite: Quotes


def add(builder: Builder, item: PersonEntry) -> None:
    person = Ref("person", (item.slug,))
    builder.row("person", {"slug": item.slug, "name": item.name})
    for number, office in enumerate(item.offices):
        country = builder.ref("countries", office.country, ("offices", number, "country"))
        subject = Ref("office", (person, office.title, country))
        builder.row(
            "office",
            {
                "person_id": person,
                "title": office.title,
                "country_id": country,
                "basis": office.basis.value,
                "reason": office.reason,
                **date_columns("start", office.start),
                **date_columns("end", office.end),
                "natural_key": natural_key(*key_parts(subject)),
            },
        )
        at = ("offices", number)
        stated = builder.basis(office.basis, office.reason, (*at, "reason"))
        values: dict[str, Any] = {"title": office.title, "country": office.country if stated else None}
        values |= {"start": office.start, "end": office.end}
        builder.cite(office.cite, subject, (*at, "cite"), values)


SECTION = Section(PERSON, PersonEntry, add)
