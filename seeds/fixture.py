"""The shape of a fixture file, as editors write it: the field types every section shares."""

import re
import typing
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from models.dates import PartialDate
from models.enums import Vocabulary

T = TypeVar("T")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Z][A-Z0-9]{2,15}$")


def _parse_date(value: Any) -> PartialDate:
    # YAML reads an unquoted 1882 as a number; a date is text either way.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("must be a date written like 1882, 2013-05, 2013-05-07, 196X or 1950/1953")
    return PartialDate.parse(value)


def _slug(value: str) -> str:
    if len(value) > 100 or not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a slug: write lower-case words and digits joined by hyphens, like summit-2013"
        )
    return value


def _code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError(
            f"{value!r} is not a country code: write the ISO 3166-1 alpha-3 code in capitals (KOR, CAN), "
            "or a code of your own in capitals for a historical polity (JOSEON)"
        )
    return value


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"{value!r} is not a number: write digits, with a point for decimals (26000, 12.5)")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number: write digits, with a point for decimals (26000, 12.5)")
    return number


def _distinct(pair: tuple[str, str]) -> tuple[str, str]:
    if pair[0] == pair[1]:
        raise ValueError("a relation needs two different countries")
    return pair


Slug = Annotated[str, AfterValidator(_slug)]
Code = Annotated[str, AfterValidator(_code)]
DateText = Annotated[PartialDate, BeforeValidator(_parse_date)]
Number = Annotated[Decimal, BeforeValidator(_number)]
Pair = Annotated[tuple[Code, Code], AfterValidator(_distinct)]


class Entry(BaseModel):
    """Every fixture entry: no unknown fields, no coercion of text into numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class QuoteFor(Entry):
    """A quote and the claims of its entry it supports: `{quote: "… in 1882", for: [date]}`."""

    model_config = ConfigDict(populate_by_name=True)

    quote: str
    claims: Annotated[list[str], Field(alias="for", min_length=1)]


Quote = str | QuoteFor  # a plain quote supports the entry's existence: the page mentions it
Quotes = Annotated[list[Quote], Field(min_length=1)]


class SourceEntry(Entry):
    """The `source:` block: the page a fixture file describes."""

    slug: Slug
    file: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    title: str
    publisher: str
    language: str
    url: str | None = None


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The entry model a field's annotation holds (`list[ParticipantEntry]` holds `ParticipantEntry`)."""
    return _class_in(annotation, BaseModel)


def vocabulary_in(annotation: Any) -> type[Vocabulary] | None:
    """The vocabulary a field's annotation holds (`EventKind | None` holds `EventKind`)."""
    return _class_in(annotation, Vocabulary)


def _class_in(annotation: Any, base: type[T]) -> type[T] | None:
    if isinstance(annotation, type) and issubclass(annotation, base):
        return annotation
    for argument in typing.get_args(annotation):
        if (found := _class_in(argument, base)) is not None:
            return found
    return None
