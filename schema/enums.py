"""The data model's vocabularies as GraphQL enums, each value documented from `models.enums`."""

import strawberry

from models.enums import Vocabulary


def _register(vocabulary: type[Vocabulary]) -> None:
    strawberry.enum(vocabulary, description=(vocabulary.__doc__ or "").strip())
    definition = vocabulary.__strawberry_definition__  # type: ignore[attr-defined]  # set by strawberry.enum
    for value in definition.values:
        value.description = vocabulary[value.name].description


for _vocabulary in Vocabulary.__subclasses__():
    _register(_vocabulary)
