"""The compiled read path: a whole query planned from the fetches of its fields and answered in a few statements.

After parsing, validation, every limit and the operation's turn, `CompiledReads` plans the operation
(one step per response key; one statement per fetch of the selection, for every parent at once) and
runs it on the request's connection, building the response as plain dicts; graphql-core's execution
of each field is then skipped. Whatever it cannot plan, and any value it cannot prove normal execution
would write the same way, falls back to normal execution for the whole operation, so errors and null
propagation always come from one place. `BILATERAL_COMPILED=0` turns it off.
"""

import threading
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

from graphql import DocumentNode, visit
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

import settings
from pipeline.compiled.plan import Planner, Shape
from pipeline.compiled.run import Run
from pipeline.compiled.values import Fallback
from resolvers.errors import ClientError

# How many plans are kept, the least recently used forgotten first.
PLANS = 256
# Executions so far: "compiled", and "fallback: <reason>" for each reason met.
EXECUTIONS: Counter[str] = Counter()
# Why an operation went to normal execution, in one fixed word each: a shape the planner does not plan,
# variables that do not fit, a value it cannot prove, a client's error (normal execution reports it), any
# other error while answering, and the compiled path turned off.
FALLBACK_KINDS = ("unsupported", "variables", "data", "client_error", "error", "disabled")
# Called after each execution with whether it was compiled and, if not, one of FALLBACK_KINDS: the metrics
# count there.
LISTENERS: list[Callable[[bool, str | None], None]] = []


class _Plans:
    """Plans by document, operation and the values of the variables its `@skip` and `@include` read.

    Kept in a bounded least-recently-used order; the variables that steer directives are found once
    per document and operation.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.found: OrderedDict[tuple[Any, ...], tuple[Planner, Shape]] = OrderedDict()
        self.steering: OrderedDict[tuple[Any, ...], tuple[str, ...]] = OrderedDict()
        self.lock = threading.Lock()

    def key(self, query: str | None, name: str | None, document: Any, variables: dict[str, Any]) -> tuple[Any, ...]:
        with self.lock:
            steering = self.steering.get((query, name))
        if steering is None:
            steering = directive_variables(document)
            with self.lock:
                self.steering[query, name] = steering
                while len(self.steering) > self.size:
                    self.steering.popitem(last=False)
        return (query, name, tuple(repr(variables.get(variable)) for variable in steering))

    def get(self, key: tuple[Any, ...]) -> tuple[Planner, Shape] | None:
        with self.lock:
            plan = self.found.get(key)
            if plan is not None:
                self.found.move_to_end(key)
            return plan

    def put(self, key: tuple[Any, ...], plan: tuple[Planner, Shape]) -> None:
        with self.lock:
            self.found[key] = plan
            while len(self.found) > self.size:
                self.found.popitem(last=False)


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


class CompiledReads(SchemaExtension):
    """Answers a query from its plan when it can; otherwise leaves it to normal execution."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if not settings.COMPILED:
            count(False, "BILATERAL_COMPILED=0", "disabled")
        elif context.graphql_document is not None and context.result is None:
            try:
                data = await self._answer(context.graphql_document)
            except Fallback as fallback:
                count(False, fallback.reason, fallback.kind)
            except ClientError as error:  # normal execution reports it, with its path
                count(False, type(error).__name__, "client_error")
            except Exception as error:  # whatever goes wrong, normal execution does again and reports
                count(False, f"{type(error).__name__} while answering", "error")
            else:
                context.result = GraphQLExecutionResult(data=data, errors=None)
                count(True)
        yield

    async def _answer(self, document: DocumentNode) -> dict[str, Any]:
        context = self.execution_context
        variables, name = context.variables or {}, context.operation_name
        key = plans.key(context.query, name, document, variables)
        plan = plans.get(key)
        if plan is None:
            planner = Planner.build(context.schema, document, variables, name)
            plan = (planner, planner.root())
            plans.put(key, plan)
            run_variables = planner.executor.variable_values
        else:
            planner = plan[0]
            run_variables = planner.variables_for(variables, document, name)
        root = plan[1]
        reader = context.context.reader

        def answer(connection: Any) -> dict[str, Any]:
            return Run(planner, connection, run_variables, reader.check).data(root)

        data: dict[str, Any] = await reader.run(answer)
        return data
