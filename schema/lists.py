"""Fields made from a fetch: a lookup by natural key, a whole list, a page of a connection.

The resolver each one gets hands its arguments to the fetch (`resolvers/fetches.py`), which reads the
rows for one parent through the request's DataLoaders and for every parent at once on the compiled
path: the field's arguments are declared here once, with their descriptions, and nothing forwards them
by hand.
"""

import inspect
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models.entity import Entity
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.fetches import Arguments, ByKey, ChildPage, RootPage, fetches
from resolvers.filtering import combined
from resolvers.loading import Relationship, Row
from resolvers.ordering import Ordering, Orders, SortColumn, SortDirection
from resolvers.pagination import After, Before, First, Last
from resolvers.rows import columns_of
from schema.fields import resolved

_KEYWORD = inspect.Parameter.KEYWORD_ONLY
ParentRow = Parent[Row]


def _argument(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, _KEYWORD, annotation=annotation, default=default)


def _resolver(fetch: Any, arguments: list[inspect.Parameter], *, nested: bool) -> Any:
    """A resolver taking `arguments` (and the parent, when `nested`) that returns what `fetch` loads with them."""

    async def resolve(**given: Any) -> Any:
        info: Info = given.pop("info")
        if nested:
            return await fetch.load(info.context.loaders, given.pop("parent"), **given)
        return await fetch.load(info.context.loaders, **given)

    reserved = [_argument("parent", ParentRow)] if nested else []
    parameters = [*reserved, _argument("info", Info), *arguments]
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=Any)  # type: ignore[attr-defined]
    resolve.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters} | {"return": Any}
    return fetches(fetch)(resolve)


def lookup(fetch: ByKey, *, description: str, argument: str = "slug", annotation: Any = Slug) -> Any:
    """A root field returning the row whose natural key `argument` (by default its slug) gives, or null."""
    return resolved(resolver=_resolver(fetch, [_argument(argument, annotation)], nested=False), description=description)


@dataclass(frozen=True, eq=False)
class Paging:
    """How a connection of one type is filtered and ordered: the same wherever the type is listed.

    A connection without `filter` takes no filter argument; one whose `orders` is a single `Ordering` takes no
    `orderBy` and lists its rows in that order.
    """

    orders: Orders | Ordering
    order_description: str = ""
    filter: Any = None
    filter_description: str = ""


def in_order(entity: Entity, filter: Any = None, filter_description: str = "") -> Paging:
    """The paging of a kind's connections that keep the kind's own order (`Entity.order_by`, then its key)."""
    columns: tuple[SortColumn, ...] = tuple(entity.table.c[name] for name in entity.order or (entity.key,))
    return Paging(
        Ordering.of([(columns, SortDirection.ASC)], entity.table.c[entity.key]), "", filter, filter_description
    )


def paged(rows: sa.Table | Relationship, paging: Paging, *, description: str) -> Any:
    """A connection field: a page of the rows a filter input lets through, in the order asked for.

    Its rows are every row of a table (a root field), or a parent's rows a relationship finds, each
    parent's page cut by the database.
    """

    orders = paging.orders

    def where(arguments: Arguments) -> sa.ColumnElement[bool]:
        return combined(arguments.get("filter"))

    def ordering(arguments: Arguments) -> Ordering:
        return orders if isinstance(orders, Ordering) else orders.of(arguments.get("order_by"))

    fetch: RootPage | ChildPage
    if isinstance(rows, Relationship):
        fetch = ChildPage(rows, where, ordering)
    else:
        table = rows
        fetch = RootPage(lambda arguments: sa.select(*columns_of(table)).where(where(arguments)), ordering)
    arguments = []
    if paging.filter is not None:
        arguments.append(_filter(paging.filter, paging.filter_description))
    if isinstance(orders, Orders):
        terms = list.__class_getitem__(orders.input) | None
        order = Annotated[terms, strawberry.argument(description=paging.order_description)]  # type: ignore[valid-type]
        arguments.append(_argument("order_by", order, None))
    arguments += [
        _argument("first", First, None),
        _argument("after", After, None),
        _argument("last", Last, None),
        _argument("before", Before, None),
    ]
    resolver = _resolver(fetch, arguments, nested=isinstance(fetch, ChildPage))
    return resolved(resolver=resolver, description=description)


def fetched(fetch: Any, *, description: str, cost: int = 0, scans: bool = False, **arguments: Any) -> Any:
    """A field whose arguments (`name=annotation`, each optional) go to `fetch` as they are given."""
    parameters = [_argument(name, annotation, None) for name, annotation in arguments.items()]
    resolver = _resolver(fetch, parameters, nested=isinstance(fetch, ChildPage))
    return resolved(resolver=resolver, description=description, cost=cost, scans=scans)


def _filter(filter: Any, description: str) -> inspect.Parameter:
    return _argument("filter", Annotated[filter | None, strawberry.argument(description=description)], None)
