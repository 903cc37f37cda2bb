"""`countries:` states and historical polities."""

from typing import Annotated

from pydantic import Field

from models.country import COUNTRY
from seeds.builder import Builder
from seeds.dataset import Ref
from seeds.fixture import Code, Entry, Quotes
from seeds.sections import Section


class CountryEntry(Entry):
    code: Code
    alpha2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    numeric: Annotated[str, Field(pattern=r"^[0-9]{3}$")] | None = None
    name: str
    short_name: str | None = None
    historical: bool = False
    successor: Code | None = None
    cite: Quotes


def add(builder: Builder, item: CountryEntry) -> None:
    country = Ref("country", (item.code,))
    successor = builder.ref("countries", item.successor, ("successor",))
    builder.row("country", {**item.model_dump(exclude={"cite", "successor"}), "successor_id": successor})
    builder.cite(item.cite, COUNTRY.subject, country)


def check(builder: Builder) -> None:
    """Successors may chain (a polity, its successor, and so on) but never loop back."""
    successor = {key: first.item.successor for key, first in builder.declared.get("countries", {}).items()}
    for start, first in builder.declared.get("countries", {}).items():
        seen, code = {start}, successor.get(start)
        while code is not None and code not in seen:
            seen.add(code)
            code = successor.get(code)
        if code == start:
            builder.enter(first.page, "countries", first.index, start)
            builder.problem(
                "its successors lead back to it: a successor must be a later, different country", ("successor",)
            )


SECTION = Section(COUNTRY, CountryEntry, add, check)
