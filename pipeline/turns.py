"""Costly operations take turns: the schema's side of admission control, after every limit is checked."""

from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension


def read_heavily_if_needed(context: Any) -> None:
    """A costly operation's reads, or those of one that may scan, run on worker threads, off the event loop."""
    gate = getattr(context, "admission", None)
    if context.scans or (gate is not None and context.cost > gate.light):
        context.reader.heavy()


class Turns(SchemaExtension):
    """Executes an operation when the request's admission gate lets it, its snapshot released while it waits."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        gate = getattr(context, "admission", None)
        if gate is None:
            yield
            return
        read_heavily_if_needed(context)
        async with gate.turn(context.cost, context.reader.release):
            yield
