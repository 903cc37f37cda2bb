"""Validation, kept by the text it validated.

The same text against the same schema and rules validates alike, so its errors (none, most often) are kept by
the text, the least recently used of 256 forgotten first. Strawberry's own `ValidationCache` keys them by the
parsed document, whose hash walks the whole syntax tree at every request: for a long document that costs more
than validating it.
"""

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from pipeline.internals import core_schema, validate_document
from pipeline.kept import Kept

VALIDATED: Kept[tuple[str, tuple[type, ...]], list[GraphQLError]] = Kept(256)


class KeptValidation(SchemaExtension):
    """Validates a text once; its next requests take the errors it had."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is not None and context.validation_rules:
            key = (context.query, tuple(context.validation_rules))
            errors = VALIDATED.get(key)
            if errors is None:
                rules = context.validation_rules
                errors = validate_document(core_schema(context.schema), context.graphql_document, rules)
                VALIDATED.put(key, errors)
            context.pre_execution_errors = errors
        yield
