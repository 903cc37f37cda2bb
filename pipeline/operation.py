"""Which operation of a document to run: named by `operationName`, or the only one there is."""

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode, OperationType
from strawberry.extensions import SchemaExtension

from pipeline.internals import requested_operation_name
from resolvers.errors import ErrorCode


class OperationResolutionError(GraphQLError):
    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": ErrorCode.OPERATION_RESOLUTION_FAILURE.value})


class OperationChoice(SchemaExtension):
    """Refuses a request whose `operationName` names no operation of its document, or that leaves the choice open;
    marks a mutation's request as one that writes."""

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return
        names = [
            definition.name.value if definition.name else None
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ]
        wanted = requested_operation_name(context)  # `operation_name` falls back on the first operation
        if not names:
            raise OperationResolutionError("the document holds no operation to run, only fragments")
        if wanted is not None and wanted not in names:
            known = ", ".join(f"`{name}`" for name in names if name) or "none is named"
            raise OperationResolutionError(f"the document has no operation named {wanted!r} (its operations: {known})")
        chosen = [
            definition
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
            and (wanted is None or (definition.name is not None and definition.name.value == wanted))
        ]
        state = getattr(getattr(context.context, "request", None), "state", None)
        if state is not None and chosen and chosen[0].operation == OperationType.MUTATION:
            state.writes = True  # never cached nor shared (web/endpoint.py)
        if wanted is None and len(names) > 1:
            known = ", ".join(f"`{name}`" for name in names if name)
            raise OperationResolutionError(
                f"the document holds {len(names)} operations ({known}): name the one to run with `operationName`"
            )
