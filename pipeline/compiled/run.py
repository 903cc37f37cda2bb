"""Running a plan: every step for all its parents at once, one statement per fetch, the response built as dicts."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from graphql import VariableValues, is_abstract_type

import settings
from pipeline.compiled.nested import NestedRow, read
from pipeline.compiled.plan import Planner, Shape, Step
from pipeline.compiled.values import Fallback
from pipeline.internals import one_layout


class Run:
    """One execution of a plan on one connection, with the variables of one request."""

    def __init__(
        self, planner: Planner, connection: sa.Connection, variables: VariableValues, check: Callable[[], None]
    ) -> None:
        self.planner = planner
        self.connection = connection
        self.variables = variables
        self.check = check  # raises once the request's time is up

    def data(self, root: Shape, nested: NestedRow | None = None) -> dict[str, Any]:
        """The operation's data: what can be nested read in one statement first (unless `nested` holds it already),
        the rest step by step."""
        if nested is None and settings.NESTED:
            nested = read(self.planner, root, self.variables, self.connection)
        response: dict[str, Any] = {}
        self.fill(root, [nested], [response])
        return response

    def fill(self, shape: Shape, parents: list[Any], outputs: list[dict[str, Any]]) -> None:
        self.check()
        positional = by_position(parents)
        for step in shape.steps:
            if step.typename:
                for output in outputs:
                    output[step.key] = shape.typename
                continue
            values = self.values(step, parents, positional)
            if step.convert is not None:
                self.leaves(step, values, outputs)
            else:
                self.objects(step, values, outputs)

    def values(self, step: Step, parents: list[Any], positional: bool) -> list[Any]:
        if step.attribute is not None:
            return attributes(parents, step.attribute, positional)
        first = parents[0]
        if isinstance(first, NestedRow) and step in first.nested:
            return [parent.nested[step] for parent in parents]
        assert step.fetch is not None  # a step neither `__typename` nor an attribute reads through its fetch
        return step.fetch.batch(self.connection, parents, self.planner.arguments(step, self.variables))

    def leaves(self, step: Step, values: list[Any], outputs: list[dict[str, Any]]) -> None:
        key, convert, output = step.key, step.convert, step.output
        assert convert is not None
        for target, value in zip(outputs, values, strict=True):
            if value is None:
                if not output.nullable:
                    raise Fallback(f"a null at {step.where}", "data")
                target[key] = None
            elif output.listed:
                if None in value and not output.items_nullable:
                    raise Fallback(f"a null item at {step.where}", "data")
                target[key] = [None if item is None else convert(item) for item in value]
            else:
                target[key] = convert(value)

    def objects(self, step: Step, values: list[Any], outputs: list[dict[str, Any]]) -> None:
        key, output = step.key, step.output
        children: list[Any] = []
        filled: list[dict[str, Any]] = []
        for target, value in zip(outputs, values, strict=True):
            if value is None:
                if not output.nullable:
                    raise Fallback(f"a null at {step.where}", "data")
                target[key] = None
            elif output.listed and None not in value:
                items: list[Any] = [{} for _ in value]
                children += value
                filled += items
                target[key] = items
            elif output.listed:
                if not output.items_nullable:
                    raise Fallback(f"a null item at {step.where}", "data")
                items = []
                for item in value:
                    if item is None:
                        items.append(None)
                    else:
                        child: dict[str, Any] = {}
                        items.append(child)
                        children.append(item)
                        filled.append(child)
                target[key] = items
            else:
                one: dict[str, Any] = {}
                target[key] = one
                children.append(value)
                filled.append(one)
        if children:
            self.nested(step, children, filled)

    def nested(self, step: Step, children: list[Any], filled: list[dict[str, Any]]) -> None:
        """Fill each child with the shape of its concrete type."""
        shapes = step.shapes
        assert shapes is not None
        if not is_abstract_type(shapes.named):
            self.fill(shapes.of(shapes.named.name), children, filled)
            return
        groups: defaultdict[str, tuple[list[Any], list[dict[str, Any]]]] = defaultdict(lambda: ([], []))
        for child, target in zip(children, filled, strict=True):
            typename = getattr(child, "typename", None)
            if typename is None:
                raise Fallback(f"a value of no known type at {step.where}", "data")
            groups[typename][0].append(child)
            groups[typename][1].append(target)
        for typename, (members, targets) in groups.items():
            self.fill(shapes.of(typename), members, targets)


def by_position(parents: list[Any]) -> bool:
    """Whether the parents are rows of one layout, whose columns are read by position (much quicker than by name):
    rows of one statement, or nested rows of one level."""
    first = parents[0] if parents else None
    return one_layout(parents) or (isinstance(first, NestedRow) and all(type(row) is type(first) for row in parents))


def attributes(parents: list[Any], attribute: str, positional: bool) -> list[Any]:
    """Each parent's `attribute`: by position for rows of one layout (`by_position`), else by name."""
    if positional:
        position = parents[0]._fields.index(attribute)
        return [parent[position] for parent in parents]
    return [getattr(parent, attribute) for parent in parents]
