"""`countries:` states and historical polities."""

from typing import Annotated, Any

from pydantic import Field, model_validator

from models.country import COUNTRY
from models.enums import Basis
from models.evidence import STANDARD
from seeds.builder import Builder
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
    successor_basis: Basis | None = None
    successor_reason: str | None = None
    page_names: list[str] = []
    cite: Quotes

    @model_validator(mode="after")
    def _basis_of_successor(self) -> "CountryEntry":
        if (self.successor is None) != (self.successor_basis is None):
            raise ValueError("a `successor` needs its `successor_basis` (stated or inferred), and only then")
        return self


def add(builder: Builder, item: CountryEntry) -> None:
    successor = builder.ref("countries", item.successor, ("successor",))
    row = item.model_dump(exclude={"cite", "successor", "successor_basis"})
    basis = item.successor_basis.value if item.successor_basis else None
    if item.successor_basis is not None:
        builder.basis(item.successor_basis, item.successor_reason, ("successor_reason",))
    earlier = next((row for row in builder.dataset.rows.get("country", []) if row["code"] == item.code), None)
    if earlier is not None:  # declared on another page too: the names each page uses are all served
        earlier["page_names"] = list(dict.fromkeys([*earlier["page_names"], *item.page_names]))
    builder.row("country", {**row, "successor_id": successor, "successor_basis": basis, "standard": standard(item)})


def standard(item: CountryEntry) -> str | None:
    """A country with ISO codes takes its name and codes from ISO 3166-1; a polity without is named by the page."""
    return STANDARD if item.alpha2 or item.numeric else None


def claimed(item: CountryEntry) -> dict[str, Any]:
    """A name from the standard is not the page's claim, nor an inferred successor."""
    return {
        "name": None if standard(item) else item.name,
        "short_name": item.short_name,
        "page_names": item.page_names,
        "successor": item.successor if item.successor_basis is Basis.STATED else None,
    }


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


SECTION = Section(COUNTRY, CountryEntry, add, check, claimed)
