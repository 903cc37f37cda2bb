"""The compiled read path: a whole query planned from the fetches of its fields and answered in a few statements.

After parsing, validation, every limit and the operation's turn, `CompiledReads` plans the operation
(one step per response key; one statement per fetch of the selection, for every parent at once) and
runs it on the request's connection, building the response as plain dicts; graphql-core's execution
of each field is then skipped. Whatever it cannot plan, and any value it cannot prove normal execution
would write the same way, falls back to normal execution for the whole operation, so errors and null
propagation always come from one place. `BILATERAL_COMPILED=0` turns it off.

Every fallback but a shape the planner does not plan is logged under the request's id, with its kind and
where it happened, never a value: a warning when the data or the compiled path is at fault, a debug line
when it is the client's own error, which the response reports (`LOG_LEVELS`).
"""

import logging
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from graphql import DocumentNode, VariableValues, visit
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.language import Visitor
from strawberry import Schema
from strawberry.extensions import SchemaExtension

import settings
from pipeline.compiled import nested
from pipeline.compiled.nested import Statement
from pipeline.compiled.plan import Planner, Shape
from pipeline.compiled.run import Run
from pipeline.compiled.values import Fallback
from pipeline.internals import requested_operation_name
from pipeline.kept import Kept
from resolvers.errors import ClientError
from resolvers.reading import Opening, Reader

log = logging.getLogger("bilateral.compiled")

# How many plans are kept, the least recently used forgotten first.
PLANS = 256
# Executions so far: "compiled", and "fallback: <reason>" for each reason met.
EXECUTIONS: Counter[str] = Counter()
# Why an operation went to normal execution, in one fixed word each: a shape the planner does not plan,
# variables that do not fit, a value it cannot prove, a client's error (normal execution reports it), any
# other error while answering, and the compiled path turned off.
FALLBACK_KINDS = ("unsupported", "variables", "data", "client_error", "error", "disabled")
# How loud each kind of fallback is logged: the data or the compiled path at fault is a warning; variables
# the limits let through and the planner refuses are worth a line; a client's own error (the response reports
# it), or the path turned off, is routine. A shape the planner does not plan is counted, not logged.
LOG_LEVELS = {
    "variables": logging.INFO,
    "data": logging.WARNING,
    "client_error": logging.DEBUG,
    "error": logging.WARNING,
    "disabled": logging.DEBUG,
}
# Called after each execution with whether it was compiled and, if not, one of FALLBACK_KINDS: the metrics
# count there.
LISTENERS: list[Callable[[bool, str | None], None]] = []


class _Plans:
    """Plans by document, operation and the values of the variables its `@skip` and `@include` read.

    Kept in a bounded least-recently-used order; the variables that steer directives are found once
    per document and operation. The documents whose operation was answered compiled are kept too, by their
    text and operation name: a later request of the same text is prepared (`pipeline.prepared`).
    """

    def __init__(self, size: int) -> None:
        self.found: Kept[tuple[Any, ...], tuple[Planner, Shape]] = Kept(size)
        self.steering: Kept[tuple[str | None, str | None], tuple[str, ...]] = Kept(size)
        self.answered: Kept[tuple[str, str | None], DocumentNode] = Kept(size)

    def remember(self, query: str | None, name: str | None, document: DocumentNode) -> None:
        """The operation `name` of the text `query`, parsed as `document`, was let through and answered compiled."""
        if query is not None:
            self.answered.put((query, name), document)

    def forget(self, query: str, name: str | None) -> None:
        self.answered.forget((query, name))

    def document(self, query: str, name: str | None) -> DocumentNode | None:
        """The parsed document of a text whose operation was answered compiled before, or None."""
        return self.answered.get((query, name))

    def key(self, query: str | None, name: str | None, document: Any, variables: dict[str, Any]) -> tuple[Any, ...]:
        steering = self.steering.get((query, name))
        if steering is None:
            steering = directive_variables(document)
            self.steering.put((query, name), steering)
        # A variable left out (its default applies) is not one given as null.
        return (query, name, tuple(repr(variables[each]) if each in variables else _ABSENT for each in steering))

    def get(self, key: tuple[Any, ...]) -> tuple[Planner, Shape] | None:
        return self.found.get(key)

    def put(self, key: tuple[Any, ...], plan: tuple[Planner, Shape]) -> None:
        self.found.put(key, plan)


_ABSENT = "<absent>"
plans = _Plans(PLANS)


def count(compiled: bool, reason: str | None = None, kind: str | None = None) -> None:
    EXECUTIONS["compiled" if compiled else f"fallback: {reason}"] += 1
    for listener in LISTENERS:
        listener(compiled, kind)


def directive_variables(document: Any) -> tuple[str, ...]:
    """The variables `@skip` and `@include` read: the only ones that change a plan's shape."""
    found: list[str] = []

    class _Directives(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            if node.name.value in ("skip", "include"):
                found.extend(
                    argument.value.name.value for argument in node.arguments if argument.value.kind == "variable"
                )

    visit(document, _Directives())
    return tuple(sorted(set(found)))


def raised_at(error: BaseException) -> str:
    """Where in the API's own code an error was raised: the file, line and function of the innermost such frame."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if _own(Path(frame.filename))] or frames
    if not own:
        return "an unknown place"
    frame = own[-1]
    path = Path(frame.filename)
    name = path.relative_to(settings.ROOT) if _own(path) else path.name
    return f"{name}:{frame.lineno} in {frame.name}"


def _own(path: Path) -> bool:
    return path.is_relative_to(settings.ROOT) and "site-packages" not in path.parts


class CompiledReads(SchemaExtension):
    """Answers a query from its plan when it can; otherwise leaves it to normal execution."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if not settings.COMPILED:
            self._fell_back("BILATERAL_COMPILED=0", "disabled")
        elif context.graphql_document is not None and context.result is None:
            try:
                data = await self._answer(context.graphql_document)
            except Fallback as fallback:
                self._fell_back(fallback.reason, fallback.kind)
            except ClientError as error:  # normal execution reports it, with its path
                self._fell_back(type(error).__name__, "client_error")
            except Exception as error:  # whatever goes wrong, normal execution does again and reports
                # Its type and place only: a message (a database's, say) may quote the request's values.
                self._fell_back(f"{type(error).__name__} while answering", "error", f" at {raised_at(error)}")
            else:
                context.result = GraphQLExecutionResult(data=data, errors=None)
                count(True)
        yield

    def _fell_back(self, reason: str, kind: str, detail: str = "") -> None:
        count(False, reason, kind)
        level = LOG_LEVELS.get(kind)
        if level is not None and log.isEnabledFor(level):
            request_id = getattr(self.execution_context.context, "request_id", None) or "-"
            log.log(level, "request %s: the compiled read path fell back (%s): %s%s", request_id, kind, reason, detail)

    async def _answer(self, document: DocumentNode) -> dict[str, Any]:
        context = self.execution_context
        data = await answer(
            context.schema, context.query, context.operation_name, document, context.variables, context.context.reader
        )
        gate = getattr(context.context, "admission", None)
        if gate is None or context.context.cost <= gate.light:  # a costly text waits its turn in the pipeline anyway
            plans.remember(context.query, requested_operation_name(context), document)
        return data


async def answer(
    schema: Schema,
    query: str | None,
    name: str | None,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    reader: Reader,
) -> dict[str, Any]:
    """The operation's `data`, from its plan (planned now if it is new), read in `reader`'s snapshot;
    `Fallback` when it cannot be planned or its values cannot be proved."""
    variables = variables or {}
    key = plans.key(query, name, document, variables)
    plan = plans.get(key)
    if plan is None:
        planner = Planner.build(schema, document, variables, name)
        plan = (planner, planner.root())
        plans.put(key, plan)
        run_variables = planner.executor.variable_values
    else:
        planner = plan[0]
        run_variables = planner.variables_for(variables, document, name)
    root = plan[1]
    statement, opening = _opening(planner, root, run_variables, reader.engine.dialect) or (None, None)

    def read(connection: Any, text: str | None = None) -> dict[str, Any]:
        read_already = None if statement is None or text is None else statement.decode(text)
        return Run(planner, connection, run_variables, reader.check).data(root, read_already)

    if opening is None:
        data: dict[str, Any] = await reader.run(read)
        return data
    try:
        data = await reader.open(read, opening)
    except sa.exc.OperationalError as error:
        if reader.engine.dialect.name != "sqlite" or not nested.overflowed(root, error):
            raise
        data = await reader.run(read)  # built again shallower, by `nested.read`
    return data


def _opening(
    planner: Planner, root: Shape, variables: VariableValues, dialect: sa.Dialect
) -> tuple[Statement, Opening] | None:
    """The operation's nested statement, to be read in the statement that begins the request's snapshot (beside the
    data version; on PostgreSQL, in that round trip); None where there is none, or its parameters are the dialect's
    to convert (the values are then read by `nested.read`)."""
    if not settings.NESTED:
        return None
    statement = nested.fitting(planner, root, variables, dialect.name == "sqlite")
    opening = None if statement is None else statement.opening(dialect)
    return None if statement is None or opening is None else (statement, opening)
