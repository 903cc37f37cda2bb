"""The building blocks of typed filters: what a field may be matched by, and how filters combine."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
import strawberry

from models import tables as t
from models.entity import Entity
from resolvers.errors import BadUserInput

E = TypeVar("E")
MAX_NESTING = 5
MAX_LIST = 100


@strawberry.input(description="Matches a code or slug: equal to one value, or to any of a list.")
class KeyFilter:
    eq: str | None = strawberry.field(default=None, description="Equal to this value.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description="Equal to one of these values.")


@strawberry.input(description="Matches an enum field: equal to one value, or to any of a list.")
class EnumFilter(Generic[E]):
    eq: E | None = strawberry.field(default=None, description="Equal to this value.")
    in_: list[E] | None = strawberry.field(default=None, name="in", description="Equal to one of these values.")


@strawberry.input(description="Matches text.")
class TextFilter:
    contains: str | None = strawberry.field(
        default=None, description="Contains this text, ignoring letter case (`summit` finds `Summit in 2015`)."
    )


@strawberry.input(
    description="Matches dates that overlap a span of years, bounds included. A date known only as a decade or a "
    "range (`196X`, `1950/1953`) matches every year it can mean; an undated item matches no range."
)
class YearRange:
    from_: int | None = strawberry.field(default=None, name="from", description="The first year of the span.")
    to: int | None = strawberry.field(default=None, description="The last year of the span.")


def key_matches(column: sa.ColumnElement[Any], key: KeyFilter | EnumFilter[Any] | None) -> list[sa.ColumnElement[bool]]:
    if key is None:
        return []
    conditions: list[sa.ColumnElement[bool]] = []
    if key.eq is not None:
        conditions.append(column == _value(key.eq))
    if key.in_ is not None:
        if len(key.in_) > MAX_LIST:
            raise BadUserInput(f"`in` takes at most {MAX_LIST} values", argument="filter")
        conditions.append(column.in_([_value(value) for value in key.in_]) if key.in_ else sa.false())
    return conditions


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def text_matches(column: sa.ColumnElement[str], text: TextFilter | None) -> list[sa.ColumnElement[bool]]:
    if text is None or text.contains is None:
        return []
    return [sa.func.lower(column).contains(text.contains.lower(), autoescape=True)]


def overlaps(
    earliest: sa.ColumnElement[date], latest: sa.ColumnElement[date], years: YearRange | None, name: str
) -> list[sa.ColumnElement[bool]]:
    """Rows whose `[earliest, latest]` days overlap the years; rows without a date never do."""
    if years is None:
        return []
    for bound in (years.from_, years.to):
        if bound is not None and not date.min.year <= bound <= date.max.year:
            raise BadUserInput(f"`{name}` years must be between 1 and 9999, not {bound}", argument=name)
    if years.from_ is not None and years.to is not None and years.from_ > years.to:
        raise BadUserInput(f"`{name}.from` ({years.from_}) is after `{name}.to` ({years.to})", argument=name)
    conditions: list[sa.ColumnElement[bool]] = [earliest.is_not(None)]
    if years.to is not None:
        conditions.append(earliest <= date(years.to, 12, 31))
    if years.from_ is not None:
        conditions.append(latest >= date(years.from_, 1, 1))
    return conditions


def linked(
    column: sa.ColumnElement[Any], link: sa.Select[Any], conditions: Sequence[sa.ColumnElement[bool]]
) -> list[sa.ColumnElement[bool]]:
    """`column` is one of the values `link` selects where `conditions` hold; nothing when there are none."""
    return [column.in_(link.where(*conditions))] if conditions else []


class Combinable(Protocol):
    """A filter input: its own conditions, and other filters joined with `and`, `or` and `not`."""

    and_: Any
    or_: Any
    not_: Any

    def conditions(self) -> list[sa.ColumnElement[bool]]: ...


T = TypeVar("T", bound=type)


def filter_input(*, plural: str) -> Callable[[T], T]:
    """`strawberry.input` for a filter of `plural`, its own fields followed by `and`, `or` and `not`.

    The class says what its own fields mean with a method `conditions()`: the SQL conditions they ask for.
    """

    def make(cls: T) -> T:
        name = cls.__name__
        added = {
            # Annotations by name, resolved in the class's module like any forward reference.
            "and_": (f"list[{name}] | None", "and", "Filters that must all match as well."),
            "or_": (f"list[{name}] | None", "or", "Filters of which at least one must match as well."),
            "not_": (f"{name} | None", "not", "A filter that must not match."),
        }
        for attribute, (annotation, graphql_name, description) in added.items():
            cls.__annotations__[attribute] = annotation
            setattr(cls, attribute, strawberry.field(default=None, name=graphql_name, description=description))
        if not callable(getattr(cls, "conditions", None)):
            raise TypeError(f"{name} says what its fields mean with a method `conditions()`")
        made: T = strawberry.input(cls, description=f"Which {plural} to return. All given conditions must hold.")
        return made

    return make


def combined(filter_: Combinable | None, depth: int = 0) -> sa.ColumnElement[bool]:
    """A filter's own conditions, and those of its `and`, `or` and `not`, as one SQL condition."""
    if filter_ is None:
        return sa.true()
    if depth > MAX_NESTING:
        raise BadUserInput(f"filters nest at most {MAX_NESTING} levels deep", argument="filter")
    if max(len(filter_.and_ or ()), len(filter_.or_ or ())) > MAX_LIST:
        raise BadUserInput(f"`and` and `or` take at most {MAX_LIST} filters", argument="filter")
    conditions = filter_.conditions()
    conditions += [combined(part, depth + 1) for part in filter_.and_ or []]
    if filter_.or_ is not None:
        conditions.append(sa.or_(sa.false(), *(combined(part, depth + 1) for part in filter_.or_)))
    if filter_.not_ is not None:
        # NOT of an unknown (NULL: an event without an agreement) must be true, not unknown.
        conditions.append(sa.not_(sa.func.coalesce(combined(filter_.not_, depth + 1), sa.false())))
    return sa.and_(sa.true(), *conditions)


def with_theme(subject: sa.ColumnElement[Any], entity: Entity, theme: KeyFilter | None) -> list[sa.ColumnElement[bool]]:
    """Rows of `entity` (whose id is `subject`) linked to a theme whose slug matches."""

    themed = (
        sa.select(t.theme_link.c.subject_id)
        .join(t.theme, t.theme.c.id == t.theme_link.c.theme_id)
        .where(t.theme_link.c.subject_type == entity.subject)
    )
    return linked(subject, themed, key_matches(t.theme.c.slug, theme))


def in_relation(relation_id: sa.ColumnElement[Any], relation: KeyFilter | None) -> list[sa.ColumnElement[bool]]:
    """Rows whose relation's slug matches."""

    return linked(relation_id, sa.select(t.relation.c.id), key_matches(t.relation.c.slug, relation))
