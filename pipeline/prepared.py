"""Prepared operations: a text answered compiled once is answered again without strawberry's per-request steps.

The first request of a document and operation name goes through every step of `pipeline.STEPS`: parsing,
the operation's choice and validation, whose outcome depends on the text alone. Once the compiled path has
answered it, the parsed document is kept (`plans.answered`), and a later request of the same text pays only
what depends on its variables and the data: the variables' coercion and lengths, the cost model and every
limit (`pipeline.limits.admit`), and the plan's run in the request's snapshot. Only light operations take the
lane (a cost no more than the admission gate's `light`, which never waits for a turn): a costly one waits for
its turn, and may be refused there, in the whole pipeline.

Whatever the lane cannot answer as a success, it leaves to the whole pipeline, which answers or refuses with
its own errors: a refusal, a fallback of the compiled path, a timeout, any error. The budget the lane took is
given back first, so nothing is counted twice.

The input checks and the cost walk depend on the text, the operation, the values of its declared variables, the
data version's sizes and a few settings, and on nothing else for a request's first operation: what checking an
operation found is kept by those (`limits.checked`, shared with the whole pipeline), and the limits are checked
against its walk again at every request.
"""

from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from graphql import DocumentNode, GraphQLSchema
from strawberry import Schema

import settings
from pipeline.compiled import answer, count, plans
from pipeline.compiled.values import Fallback
from pipeline.costs import actual
from pipeline.internals import core_schema
from pipeline.limits import Analysis, Budget, checked, cost_report
from pipeline.turns import read_heavily_if_needed
from resolvers.context import Context
from resolvers.reading import PoolBusy

# Requests of a prepared text: "answered" in the lane, "declined" to the whole pipeline.
OUTCOMES = ("answered", "declined")
TALLY: Counter[str] = Counter()
# Called with each outcome: the metrics count there.
LISTENERS: list[Callable[[str], None]] = []


def _tally(outcome: str) -> None:
    TALLY[outcome] += 1
    for listener in LISTENERS:
        listener(outcome)


async def answered(
    schema: Schema, query: str, name: str | None, variables: dict[str, Any] | None, context: Context
) -> dict[str, Any] | None:
    """The response of a prepared operation (`data` and `extensions`), or None: the whole pipeline answers it."""
    document = plans.document(query, name) if settings.COMPILED else None
    if document is None:
        return None
    budget: Budget = context.budget or Budget()
    spent = (budget.spent, budget.introspection_spent)
    token = context.reader.sizes_token()
    analysis = _admitted(core_schema(schema), query, name, document, variables, context, budget, token)
    data = None if analysis is None else await _read(schema, query, name, document, variables, context, analysis)
    if data is not None and token is not None and context.reader.token != token:
        data = None  # a load committed since the version the limits counted: the whole pipeline admits it again
    if analysis is None or data is None:
        budget.spent, budget.introspection_spent = spent  # the whole pipeline takes the cost again
        _tally("declined")
        return None
    count(True)
    _tally("answered")
    returned = actual(core_schema(schema), document, name, variables or {}, data)
    return {"data": data, "extensions": cost_report(analysis, returned)}


async def _read(
    schema: Schema,
    query: str,
    name: str | None,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    context: Context,
    analysis: Analysis,
) -> dict[str, Any] | None:
    """The plan's answer in the request's snapshot; None on any failure, which the whole pipeline meets again."""
    context.cost, context.scans = analysis.total, analysis.scans
    read_heavily_if_needed(context)
    try:
        return await answer(schema, query, name, document, variables, context.reader)
    except (PoolBusy, sa.exc.TimeoutError):
        raise  # every connection stayed in use: the whole pipeline would wait for one again
    except Exception as error:
        if isinstance(error, Fallback):
            plans.forget(query, name)  # the whole pipeline runs it again, and counts and logs the fallback
        return None


def _admitted(
    schema: GraphQLSchema,
    query: str,
    name: str | None,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    context: Context,
    budget: Budget,
    token: str | None,
) -> Analysis | None:
    """The operation's analysis once every limit lets it through and it is light; None otherwise."""
    analysis, refused = checked(schema, query, name, document, variables, token, budget)
    gate = context.admission
    if refused or analysis is None or (gate is not None and analysis.total > gate.light):
        return None  # a costly operation waits its turn in the whole pipeline, which reports a refusal there
    return analysis
