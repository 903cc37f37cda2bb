"""Costly operations take turns: the schema's side of admission control, after every limit is checked."""

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension


class Turns(SchemaExtension):
    """Executes an operation when the request's admission gate lets it, its snapshot released while it waits."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        gate = getattr(context, "admission", None)
        if gate is None:
            yield
            return
        if context.cost > gate.light or context.scans:
            context.reader.heavy()  # reads that may take long run on worker threads, off the event loop
        async with gate.turn(context.cost, context.reader.release):
            yield
