"""Lookups by natural key: a country by any one of its codes (`@oneOf`), a relation by its two countries."""

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.graphql import errors, query
from tests.test_api_kinds import compiled


@pytest.mark.parametrize("by", ['{code: "kor"}', '{alpha2: "KR"}', '{numeric: "410"}'])
def test_a_country_is_found_by_any_one_of_its_codes(client: TestClient, by: str):
    data = compiled(client, f"{{ country(by: {by}) {{ code name }} }}")
    assert data == {"country": {"code": "KOR", "name": "Republic of Korea"}}


def test_the_code_argument_still_finds_a_country_and_is_deprecated(client: TestClient):
    assert query(client, '{ country(code: "CAN") { code } }') == {"country": {"code": "CAN"}}
    introspected = query(
        client, '{ __type(name: "Query") { fields { name args(includeDeprecated: true) { name isDeprecated } } } }'
    )
    [country] = [field for field in introspected["__type"]["fields"] if field["name"] == "country"]
    assert {arg["name"]: arg["isDeprecated"] for arg in country["args"]} == {"by": False, "code": True}


def first_error(client: TestClient, document: str) -> dict[str, Any]:
    return errors(client, document)[0]


def test_two_codes_at_once_are_refused_by_the_schema(client: TestClient):
    error = first_error(client, '{ country(by: {code: "KOR", alpha2: "KR"}) { code } }')
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "CountryKey" in error["message"]


@pytest.mark.parametrize("arguments", ['by: {code: "KOR"}, code: "KOR"', ""])
def test_by_and_code_together_or_neither_is_a_coded_error(client: TestClient, arguments: str):
    document = f"{{ country{f'({arguments})' if arguments else ''} {{ code }} }}"
    error = first_error(client, document)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "by", "coordinate": "Query.country(by:)"}
    assert error["path"] == ["country"]


def test_a_relation_is_found_by_its_two_countries_in_either_order(client: TestClient):
    one = compiled(client, '{ relation(between: {a: "KOR", b: "USA"}) { slug } }')
    other = compiled(client, '{ relation(between: {a: "usa", b: "kor"}) { slug } }')
    assert one == other == {"relation": {"slug": "KOR-USA"}}


def test_a_relation_of_a_country_with_itself_is_a_coded_error(client: TestClient):
    error = first_error(client, '{ relation(between: {a: "KOR", b: "kor"}) { slug } }')
    coordinate = "Query.relation(between:)"
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "between", "coordinate": coordinate}
    assert error["message"] == f"`between` takes two different country codes (`{coordinate}`)"
