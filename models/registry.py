"""Every kind of entity the API serves: a new kind is its entry here (and the import of its declaration).

The order is the order the loader reads a fixture's sections in and the order search lists its kinds.
Nothing else lists kinds: node lookup, global ids, search, theme links, a parent's lists of its
children, the fixture's sections and the root fields are derived from this tuple.
"""

from models.agreement import AGREEMENT
from models.country import COUNTRY, REGION
from models.entity import Entity, Link
from models.event import EVENT, EVENT_PARTICIPANT
from models.mechanism import MECHANISM
from models.person import OFFICE, PERSON
from models.relation import RELATION, RELATION_LABEL
from models.source import CITATION, SOURCE
from models.statistic import STATISTIC
from models.theme import THEME

ENTITIES: tuple[Entity, ...] = (
    REGION,
    COUNTRY,
    RELATION,
    RELATION_LABEL,
    EVENT,
    EVENT_PARTICIPANT,
    AGREEMENT,
    MECHANISM,
    PERSON,
    OFFICE,
    STATISTIC,
    THEME,
    SOURCE,
    CITATION,
)

BY_NAME: dict[str, Entity] = {entity.name: entity for entity in ENTITIES}
BY_TABLE: dict[str, Entity] = {entity.table.name: entity for entity in ENTITIES}
if len(BY_NAME) != len(ENTITIES):
    raise ValueError("two kinds have the same name")


def searchable() -> list[Entity]:
    """The kinds full-text search finds, in the registry's order."""
    return [entity for entity in ENTITIES if entity.searchable]


def links_to(parent: Entity) -> list[tuple[Entity, Link]]:
    """Every kind with a link to `parent`, and the link, in the registry's order."""
    return [(child, link) for child in ENTITIES for link in child.links if link.parent is parent]


def themed() -> list[Entity]:
    """The kinds themes are linked to, in the registry's order."""
    return [entity for entity in ENTITIES if entity.themed is not None]
