"""The sections of a fixture file, one module each: the shape of an entry and the rows it becomes.

Each kind of `models/registry.py` with a `section` has its module here, named after the section
(`seeds/sections/mechanisms.py`), which declares `SECTION`. A file's sections are read in the
registry's order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from models.dates import PartialDate
from models.entity import Entity
from models.evidence import CLAIMS
from models.registry import ENTITIES
from models.relation import RELATION, pair_slug
from seeds.builder import Builder
from seeds.dataset import Ref
from seeds.fixture import Entry


@dataclass(frozen=True, eq=False)
class Section:
    """A fixture section: the kind it declares, the shape of its entries, and how an entry becomes rows."""

    entity: Entity
    entry: type[Entry]
    add: Callable[[Builder, Any], None]  # the entry's own rows; `build` adds its themes and citations
    check: Callable[[Builder], None] | None = None  # once every entry is built
    # The values the entry claims, by claim; by default each declared claim's field of the entry.
    claimed: Callable[[Any], dict[str, Any]] | None = None

    @property
    def name(self) -> str:
        assert self.entity.section is not None
        return self.entity.section

    def key(self, item: Any) -> str:
        return str(getattr(item, self.entity.key))

    def build(self, builder: Builder, item: Any) -> None:
        """The entry's rows (`add`), then what every entry has alike: its themes, if it takes any, and its citations."""
        self.add(builder, item)
        subject = Ref(self.entity.table.name, (getattr(item, self.entity.key),))
        builder.themes(getattr(item, "themes", ()), subject)
        values = self.claimed(item) if self.claimed else claimed(item, self.entity.table.name)
        relation = self.key(item) if self.entity is RELATION else claim_value(getattr(item, "relation", None))
        builder.cite(item.cite, subject, values=values, relation=relation)


def claim_value(value: Any) -> Any:
    """A field's value as the checks read it: a pair is its relation's slug, a vocabulary value its text."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(code, str) for code in value):
        return pair_slug(value)
    if isinstance(value, PartialDate | list):
        return value
    return None if value is None else (value.value if hasattr(value, "value") else value)


def claimed(item: Any, table: str) -> dict[str, Any]:
    """The values an entry (or a part of one) claims: the fields its table's claims name."""
    return {name: claim_value(getattr(item, name, None)) for name in CLAIMS[table].rules}


def _sections() -> dict[str, Section]:
    found = {}
    for entity in ENTITIES:
        if entity.section is not None:
            section: Section = import_module(f"{__name__}.{entity.section}").SECTION
            if section.entity is not entity:
                raise TypeError(f"seeds/sections/{entity.section}.py declares the section of {section.entity.name}")
            found[entity.section] = section
    return found


SECTIONS = _sections()
