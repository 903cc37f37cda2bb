"""The GraphQL schema, assembled from its modules.

Each module of this package defines one type (the type of kind `Event` in `schema/event.py`, named
`Event`), and a module whose type is fetched from the root adds a `Queries` class: the root fields it
brings. The root `Query` type is every `Queries` class merged, so adding a kind lists it nowhere.
"""

import importlib
import pkgutil
from types import ModuleType
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

import schema.enums  # noqa: F401 -- registers the vocabularies before any type uses them
from models.entity import ENTITIES
from pipeline.compiled import CompiledReads
from pipeline.internals import describe, schema_definition
from pipeline.limits import Limits
from pipeline.operation import OperationChoice
from pipeline.turns import Turns
from schema.scalars import OVERRIDES

MODULES: list[ModuleType] = [
    importlib.import_module(f"{__name__}.{name}")
    for name in sorted(info.name for info in pkgutil.iter_modules(__path__))
]
# The root fields come in the order of their modules' names.
Query = strawberry.type(
    type("Query", tuple(module.Queries for module in MODULES if hasattr(module, "Queries")), {}),
    description="Bilateral: a cited, structured graph of a country's foreign relations.",
)


def type_of(kind_name: str) -> Any:
    """The GraphQL type of a kind, from the module named after it."""
    return getattr(importlib.import_module(f"{__name__}.{kind_name.lower()}"), kind_name)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log nothing here: clients' errors are theirs, and unexpected ones are logged where they are masked."""


# One line per paragraph: GraphiQL's Docs pane renders each line break.
DESCRIPTION = "\n\n".join(
    [
        "Bilateral: a government page about a country's foreign relations, as a cited graph of countries, regions, "
        "relations, events, agreements, people, mechanisms, figures and themes.",
        "**Every fact points back to its passage.** Each object has `citations`: the source's own words (`excerpt`) "
        "and where they stand in it (`start` and `end`, character offsets into `Source.text`).",
        'Start with `relation(between: ["KOR", "CAN"])`, `country(code: "KOR")`, `timeline(countries: ["USA"])` or '
        '`search(query: "nuclear")`. Lists that grow are Relay connections paged with `first` and `after`; any object '
        "with an `id` comes back with `node(id:)`. Dates are as precise as the source: `PartialDate.text` is `1882`, "
        "`196X` or `1950/1953`, bounded by `earliest` and `latest`.",
    ]
)

graphql_schema = Schema(
    query=Query,
    types=[type_of(name) for name, kind in ENTITIES.items() if kind.node],
    scalar_overrides=OVERRIDES,
    extensions=[
        lambda: ParserCache(maxsize=256),
        OperationChoice,
        lambda: ValidationCache(maxsize=256),
        Limits,
        Turns,
        CompiledReads,
    ],
)
# The pinned strawberry takes no schema description: it goes on the graphql-core schema beneath,
# which introspection (`__schema { description }`, GraphiQL's Docs front page) reads.
describe(graphql_schema, DESCRIPTION)


def printed_schema() -> str:
    """The schema in SDL, as committed in `schema.graphql`: its description, then strawberry's printing."""
    definition = schema_definition(graphql_schema)  # strawberry's printer leaves the description out
    return f"{definition}\n\n{graphql_schema.as_str()}\n"


__all__ = ["graphql_schema", "printed_schema"]
