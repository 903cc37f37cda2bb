"""What is wrong with an entry, in the fixture's own terms, with the fix."""

import difflib
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from seeds.fixture import model_in, vocabulary_in

Location = tuple[int | str, ...]


def described(error: ErrorDetails, model: type[BaseModel]) -> str:
    """A message for one validation error of an entry of `model`: which field, what is wrong, how to write it."""
    loc = tuple(error["loc"])
    explain = _EXPLAINED.get(error["type"])
    found = explain(loc, error.get("input"), model) if explain else None
    if found is not None:
        return found
    name, message = _field(loc), str(error["msg"]).removeprefix("Value error, ")
    return f"`{name}`: {message}" if name else message


def _list(loc: Location, _given: Any, _model: type[BaseModel]) -> str:
    if "cite" in loc:
        return "`cite` must be a list of quotes, each on its own line starting with `- `"
    return f"`{_field(loc)}` must be a list, each item on its own line starting with `- ` (or written `[a, b]`)"


def _short_or_long(loc: Location, _given: Any, model: type[BaseModel]) -> str | None:
    if loc and loc[-1] == "cite":
        return "`cite` needs at least one quote from the page"
    return _pair(loc, _given, model)


def _pair(loc: Location, _given: Any, model: type[BaseModel]) -> str | None:
    return f"`{_field(loc)}` names the relation's two countries, like `[KOR, CAN]`" if _is_pair(loc, model) else None


def _text(loc: Location, given: Any, _model: type[BaseModel]) -> str:
    hint = ": put it in quotes" if isinstance(given, int | float | bool) or given is None else ""
    return f"`{_field(loc)}` must be text{hint}"


_EXPLAINED: dict[str, Callable[[Location, Any, type[BaseModel]], str | None]] = {
    "extra_forbidden": lambda loc, _given, model: _unknown_field(loc, model),
    "missing": lambda loc, _given, _model: f"`{_field(loc)}` is missing: it is required",
    "list_type": _list,
    "too_short": _short_or_long,
    "too_long": _short_or_long,
    "tuple_type": _pair,
    "string_type": _text,
    "model_type": lambda loc, _given, _model: f"`{_field(loc)}` must be a group of `field: value` lines",
    "dict_type": lambda loc, _given, _model: f"`{_field(loc)}` must be a group of `field: value` lines",
    "enum": lambda loc, given, model: _not_in_vocabulary(loc, model, given),
    "bool_type": lambda loc, _given, _model: f"`{_field(loc)}` must be true or false",
    "bool_parsing": lambda loc, _given, _model: f"`{_field(loc)}` must be true or false",
    "string_pattern_mismatch": lambda loc, given, _model: (
        f"`{_field(loc)}`: {given!r} is not written as expected ({_pattern_hint(loc)})"
    ),
}


def _field(loc: Location) -> str:
    """A field's place as an editor reads it: `participants #2 role`."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"#{part + 1}")
        elif part not in ("function-after[_distinct(), tuple[str, str]]",):
            parts.append(str(part))
    return " ".join(parts)


def _model_at(model: type[BaseModel], loc: Location) -> type[BaseModel] | None:
    """The entry model that holds the field at the end of `loc`."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(str(part))
        current = model_in(field.annotation) if field else None
    return current


def _unknown_field(loc: Location, model: type[BaseModel]) -> str:
    name = str(loc[-1])
    holder = _model_at(model, loc)
    known = list(holder.model_fields) if holder else []
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    where = _field(loc[:-1])
    fix = f"did you mean `{guess[0]}`?" if guess else f"the fields are {', '.join(f'`{k}`' for k in known)}"
    return f"`{name}` is not a field{' of ' + where if where else ''}: {fix}"


def _not_in_vocabulary(loc: Location, model: type[BaseModel], given: Any) -> str:
    holder = _model_at(model, loc)
    field = holder.model_fields.get(str(loc[-1])) if holder else None
    vocabulary = vocabulary_in(field.annotation) if field else None
    values = [member.value for member in vocabulary] if vocabulary else []
    guess = difflib.get_close_matches(str(given), values, n=1, cutoff=0.6)
    suggestion = f"did you mean `{guess[0]}`? " if guess else ""
    return (
        f"`{_field(loc)}`: {given!r} is not one of the allowed values: {suggestion}"
        f"use one of {', '.join(values)} (`cli.py vocabulary` says what each means; a new value is added in "
        "models/enums.py)"
    )


def _is_pair(loc: Location, model: type[BaseModel]) -> bool:
    holder = _model_at(model, loc)
    name = next((part for part in reversed(loc) if isinstance(part, str) and part.isidentifier()), "")
    field = holder.model_fields.get(name) if holder else None
    return field is not None and "tuple" in str(field.annotation)


def _pattern_hint(loc: Location) -> str:
    name = str(loc[-1]) if loc else ""
    return {
        "alpha2": "the ISO 3166-1 alpha-2 code in capitals, like KR",
        "numeric": 'the ISO 3166-1 numeric code in quotes, like "410"',
        "sha256": "the 64 hexadecimal digits `sha256sum` prints for the page's text",
    }.get(name, "see the README's guide to fixtures")
