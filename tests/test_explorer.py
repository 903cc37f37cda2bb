"""The explorer at `/`: a page under a strict CSP, plain files, and queries that fit the schema and run."""

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, build_schema, parse, validate
from graphql.utilities import strip_ignored_characters
from starlette.testclient import TestClient

from settings import ROOT
from web import front

QUERY_FILES = sorted(front.QUERIES.glob("*.graphql"))
SCRIPTS = sorted(front.DIRECTORY.glob("*.js"))

# Each operation with the variables the page sends, and a fact of the page its answer must hold.
OPERATIONS: dict[str, tuple[dict[str, Any], str]] = {
    "Home": ({"first": 50}, "North America"),
    "Countries": ({"first": 50, "after": None}, "Joseon Dynasty"),
    "Region": ({"code": "north-america"}, "United States of America"),
    "Country": ({"code": "CAN", "first": 20}, "Since the establishment of diplomatic relations in 1963"),
    "CountryRelations": ({"code": "KOR", "first": 20}, "the relationship forged in the blood"),
    "Relation": (
        {"between": {"a": "KOR", "b": "USA"}, "filter": {"kind": {"in": ["SUMMIT"]}}, "first": 10},
        "Summit of President Park Geun-hye and President Barack Obama in Washington D.C.",
    ),
    "RelationEvents": (
        {"between": {"a": "KOR", "b": "USA"}, "filter": None, "first": 10},
        "After the Korean War (1950–1953)",
    ),
    "Search": ({"query": "nuclear", "first": 10}, "<mark>nuclear</mark>"),
    "Source": ({"slug": "mofa-north-america"}, "Since the establishment of diplomatic relations in 1963"),
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_the_root_url_is_the_explorer_under_a_strict_content_security_policy(client: TestClient):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    tags = _tags(response.text)
    assert [a.get("src") for tag, a in tags if tag == "script"] == ["/explorer/main.js"]
    assert not [tag for tag, _ in tags if tag == "style"]
    assert not [tag for tag, a in tags if "style" in a]
    assert {tag for tag, a in tags if tag == "main" or a.get("role") == "search"} == {"main", "form"}


def test_every_file_of_the_page_is_served_by_the_app_with_the_same_headers(client: TestClient):
    page = client.get("/").text
    linked = [a.get("href") or a.get("src") for tag, a in _tags(page) if tag in ("link", "script")]
    imported = {f"/explorer/{m}" for path in SCRIPTS for m in re.findall(r'from "\./([\w.]+)"', path.read_text())}
    for url in {str(u) for u in linked if u} | imported:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-security-policy"] == front.CONTENT_SECURITY_POLICY
        assert response.headers["cache-control"] == "no-cache"
        again = client.get(url, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304, url
    assert {path.name for path in SCRIPTS} <= {u.rsplit("/", 1)[-1] for u in imported | {"/explorer/main.js"}}


@pytest.mark.parametrize("path", [*SCRIPTS, front.DIRECTORY / "index.html", front.DIRECTORY / "explorer.css"])
def test_the_page_builds_no_markup_from_strings_and_names_no_other_host(path: Path):
    text = path.read_text(encoding="utf-8")
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert risky not in text, f"{path.name} uses {risky}"
    assert not re.search(r"setAttribute\(\s*['\"]style", text)
    assert not re.search(r"https?://", text), f"{path.name} names another host"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_each_explorer_query_is_named_and_fits_the_committed_schema(path: Path):
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    document = parse(front.document(path))
    assert validate(schema, document) == []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    names = [operation.name.value if operation.name else None for operation in operations]
    assert names
    assert None not in names
    assert names[0] == path.stem


def test_the_manifest_names_each_operation_by_the_sha256_of_its_document(client: TestClient):
    manifest = client.get("/explorer/queries.json").json()
    assert set(manifest["operations"]) == set(OPERATIONS)
    files = {strip_ignored_characters(front.document(path)) for path in QUERY_FILES}
    assert set(manifest["documents"].values()) == files
    for digest, document in manifest["documents"].items():
        assert hashlib.sha256(document.encode()).hexdigest() == digest
    used = {name for path in SCRIPTS for name in re.findall(r'request\("(\w+)"', path.read_text())}
    assert used == set(OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_explorer_query_runs_as_a_persisted_query_over_get(operation: str, client: TestClient):
    manifest = client.get("/explorer/queries.json").json()
    digest = manifest["operations"][operation]
    variables, fact = OPERATIONS[operation]
    params = {
        "operationName": operation,
        "variables": json.dumps(variables),
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}),
    }
    first = client.get("/graphql", params=params).json()
    assert first["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = client.get("/graphql", params=params | {"query": manifest["documents"][digest]})
    assert "errors" not in registered.json(), registered.json()
    cached = client.get("/graphql", params=params)
    assert cached.json() == registered.json()
    assert fact in cached.text
    assert cached.headers["cache-control"].startswith("public, max-age=")
    assert client.get("/graphql", params=params, headers={"If-None-Match": cached.headers["etag"]}).status_code == 304
