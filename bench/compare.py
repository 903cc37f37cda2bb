"""The promise the ratios rest on: the floor answers the API's very `data`, byte for byte."""

from typing import Any

import orjson


class MismatchError(RuntimeError):
    """The floor and the API disagree on a query's data: timing them against each other would mean nothing."""


def check_same_data(query: str, setup: str, api_body: bytes, floor_body: bytes) -> None:
    """Stop with the first difference unless the two bodies' `data`, encoded by orjson, are the same bytes."""
    api, floor = orjson.loads(api_body), orjson.loads(floor_body)
    if "errors" in api or "data" not in api:
        raise MismatchError(f"the API ({setup}) failed the {query} query: {str(api)[:1000]}")
    if orjson.dumps(api["data"]) == orjson.dumps(floor.get("data")):
        return
    where = first_difference(api["data"], floor.get("data"), "data")
    raise MismatchError(f"the floor's data differs from the API's ({setup}) for the {query} query: {where}")


def first_difference(api: Any, floor: Any, path: str) -> str:
    """Where two JSON values first differ, and how, in words; key order counts."""
    if isinstance(api, dict) and isinstance(floor, dict):
        if list(api) != list(floor):
            return f"at {path}, the API has the keys {list(api)}, the floor {list(floor)}"
        for key in api:
            if orjson.dumps(api[key]) != orjson.dumps(floor[key]):
                return first_difference(api[key], floor[key], f"{path}.{key}")
    if isinstance(api, list) and isinstance(floor, list):
        for index, (mine, theirs) in enumerate(zip(api, floor, strict=False)):
            if orjson.dumps(mine) != orjson.dumps(theirs):
                return first_difference(mine, theirs, f"{path}[{index}]")
        if len(api) != len(floor):
            return f"at {path}, the API has {len(api)} items, the floor {len(floor)}"
    return f"at {path}, the API has {_short(api)}, the floor {_short(floor)}"


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 300 else text[:300] + "…"
