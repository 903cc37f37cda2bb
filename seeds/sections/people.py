"""`people:` named people and the offices they held."""

from models.dates import date_columns
from models.enums import Basis
from models.person import PERSON
from seeds.builder import Builder
from seeds.dataset import Ref
from seeds.fixture import Code, DateText, Entry, Quotes, Slug
from seeds.sections import Section


class OfficeEntry(Entry):
    title: str
    country: Code | None = None
    basis: Basis
    start: DateText | None = None
    end: DateText | None = None
    cite: list[str] = []


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
        builder.row(
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
        builder.cite(office.cite, Ref("office", (person, office.title, country)), ("offices", number, "cite"))


SECTION = Section(PERSON, PersonEntry, add)
