"""Outside clients and tools against `make serve`'s server: what users will judge the API with.

graphql-http's GraphQL-over-HTTP audit, Apollo Client paging with `relayStylePagination`,
graphql-codegen over the schema read by introspection and the project's own operations, with the
TypeScript compiler over what it generated, @graphql-eslint's schema and operation rules and graphql-inspector's
validation over the shipped documents, graphql-inspector's diff of the schema against the one CHANGELOG.md
starts from, and relay-compiler over a small Relay app, whose operations then run. They are pinned in
`tests/clients/package-lock.json` and installed once into `var/clients/` with `npm ci`.
"""

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from graphql import GraphQLInterfaceType, build_schema

import settings
from settings import ROOT
from tests.conftest import missing_service
from tests.servers import running_server
from web import front

pytestmark = pytest.mark.slow

PACKAGE = ROOT / "tests" / "clients"
INSTALLED = ROOT / "var" / "clients"
# Every document the project ships, the explorer's shared fragments with them (each fragment is defined once).
OPERATIONS = sorted(
    [*ROOT.glob("schema/examples/*.graphql"), *ROOT.glob("web/explorer/queries/*.graphql"), front.FRAGMENTS]
)


@pytest.fixture(scope="module")
def clients() -> Path:
    """The pinned packages, installed with `npm ci` when the lock file changed; the scripts beside them."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        missing_service("outside clients", "no node and npm on this machine")
    lock = (PACKAGE / "package-lock.json").read_bytes()
    stamp = INSTALLED / "node_modules" / ".lock-sha256"
    INSTALLED.parent.mkdir(parents=True, exist_ok=True)
    # Test processes running side by side take turns: the first installs, the others find it done.
    with (INSTALLED.parent / "clients.lock").open("w") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        if not stamp.is_file() or stamp.read_text() != hashlib.sha256(lock).hexdigest():
            _install(npm, lock, stamp)
        for script in PACKAGE.glob("*.mjs"):
            shutil.copy(script, INSTALLED / script.name)
    return INSTALLED


def _install(npm: str, lock: bytes, stamp: Path) -> None:
    """`npm ci` of the pinned packages into `INSTALLED`, afresh; the lock file's sha256 in `stamp` once done."""
    shutil.rmtree(INSTALLED, ignore_errors=True)
    INSTALLED.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(PACKAGE / name, INSTALLED / name)
    installed = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=INSTALLED,
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        missing_service("outside clients", f"npm ci failed:\n{installed.stderr[-2000:]}")
    stamp.write_text(hashlib.sha256(lock).hexdigest())


@pytest.fixture(scope="module")
def endpoint(clients: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`make serve`'s server on a new SQLite database; its GraphQL endpoint."""
    folder = tmp_path_factory.mktemp("served")
    with running_server(f"sqlite:///{folder / 'bilateral.db'}", folder / "server.log") as base:
        yield f"{base}/graphql"


def node(clients: Path, script: str, *arguments: str) -> str:
    ran = subprocess.run(
        ["node", script, *arguments], cwd=clients, capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_the_graphql_over_http_audit_passes_every_check(clients: Path, endpoint: str):
    report = json.loads(node(clients, "audit.mjs", endpoint))

    assert report["audits"] > 50
    assert report["failed"] == []


@pytest.mark.parametrize(
    ("field", "direction", "size"),
    [
        ("events", "forward", "4"),
        ("events", "backward", "7"),
        ("countries", "forward", "2"),
        ("relations", "backward", "1"),
    ],
)
def test_apollo_client_pages_merge_into_the_whole_list(
    clients: Path, endpoint: str, field: str, direction: str, size: str
):
    result = json.loads(node(clients, "pagination.mjs", endpoint, field, direction, size))

    assert result["requests"] > 1
    assert len(result["merged"]) == result["totalCount"]
    assert result["merged"] == result["expected"]


def test_codegen_types_every_operation_and_the_types_compile(clients: Path, endpoint: str, tmp_path: Path):
    generated = tmp_path / "operations.ts"
    node(clients, "codegen.mjs", endpoint, str(generated), *map(str, OPERATIONS))
    names = {line.split()[2] for line in generated.read_text().splitlines() if line.startswith("export type ")}

    operations = {
        line.split()[1].split("(")[0] + "Query"
        for path in OPERATIONS
        for line in path.read_text().splitlines()
        if line.startswith("query ")
    }
    assert operations <= names
    compiled = subprocess.run(
        [str(clients / "node_modules" / ".bin" / "tsc"), "--noEmit", "--strict", "--target", "es2022", str(generated)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout


def test_graphql_inspector_finds_every_shipped_document_valid_together(clients: Path):
    """Every example and explorer query, with the explorer's shared fragments, validated together by
    graphql-inspector: each fits the committed schema, uses nothing deprecated, and names each fragment once."""
    report = json.loads(node(clients, "validate.mjs", str(ROOT / "schema.graphql"), *map(str, OPERATIONS)))

    assert report == []


def test_graphql_eslint_finds_nothing_in_the_shipped_documents(clients: Path):
    """@graphql-eslint's operations-recommended rules over every example and explorer query, with the explorer's
    shared fragments: each selects `id` wherever its type has one, names its operations, defines each fragment once
    and uses it, and nests no deeper than the server's depth limit."""
    arguments = [str(ROOT), str(ROOT / "schema.graphql"), str(settings.MAX_DEPTH), *map(str, OPERATIONS)]
    findings = json.loads(node(clients, "lint.mjs", *arguments))

    assert findings == []


def test_graphql_eslint_finds_nothing_in_the_schema(clients: Path):
    """@graphql-eslint's schema-recommended and relay rules over `schema.graphql`: every type, field, argument and
    directive described, every object a cache keeps has an `id`, connections, edges and page info shaped as Relay's
    specification says, and each edge's `node` a `Node`. Three rules take options; `schema-lint.mjs` says why."""
    findings = json.loads(node(clients, "schema-lint.mjs", str(ROOT), str(ROOT / "schema.graphql")))

    assert findings == []


CHANGELOG = ROOT / "CHANGELOG.md"


def newest_section() -> tuple[str, str]:
    """The newest section of the changelog, and the commit it starts from."""
    sections = re.split(r"^## ", CHANGELOG.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    assert sections, "CHANGELOG.md has no section"
    since = re.match(r".*\bsince ([0-9a-f]{7,40})\b", sections[0])
    assert since, "the newest section of CHANGELOG.md says no commit it starts from (`since <commit>`)"
    return sections[0], since.group(1)


def schema_at(commit: str, folder: Path) -> Path:
    """`schema.graphql` as it was at `commit`."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        missing_service("the changelog's check", "this is not a git checkout, so the earlier schema cannot be read")
    present = subprocess.run(
        [git, "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True, check=False
    )
    if present.returncode != 0:
        missing_service("the changelog's check", f"commit {commit} is not in this clone (a shallow one?)")
    shown = subprocess.run(
        [git, "show", f"{commit}:schema.graphql"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0, shown.stderr
    earlier = folder / "earlier.graphql"
    earlier.write_text(shown.stdout, encoding="utf-8")
    return earlier


def test_every_breaking_or_dangerous_change_is_named_in_the_changelog(clients: Path, tmp_path: Path):
    section, since = newest_section()
    earlier = schema_at(since, tmp_path)
    changes = json.loads(node(clients, "diff.mjs", str(earlier), str(ROOT / "schema.graphql")))
    notable = [change for change in changes if change["criticality"] in ("BREAKING", "DANGEROUS")]
    named = set(re.findall(r"`(@?[A-Za-z_]\w*(?:\.\w+)*)`", section))
    # A field's entry covers its arguments: `Query.people` made a connection names `Query.people.first` with it.
    # A directive's entry (`@cost`) covers where it is applied (`Query.events.@cost`).
    missing = [
        f"{change['path']}: {change['message']}"
        for change in notable
        if change["path"] not in named
        and change["path"].rpartition(".")[0] not in named
        and not (change["path"].rpartition(".")[2].startswith("@") and change["path"].rpartition(".")[2] in named)
    ]
    assert missing == [], "CHANGELOG.md does not name these changes since " + since


RELAY_APP = PACKAGE / "relay"
# One object of every kind that is a `Node`, to refetch.
ONE_OF_EACH = """{
  regions(first: 1) { nodes { __typename id } } countries(first: 1) { nodes { __typename id } }
  relations(first: 1) { nodes { __typename id labels { __typename id } } }
  events(first: 1) { nodes { __typename id participants { __typename id } } }
  agreements(first: 1) { nodes { __typename id } } mechanisms(first: 1) { nodes { __typename id } }
  people(first: 1) { nodes { __typename id offices { __typename id } } }
  statistics(first: 1) { nodes { __typename id } } themes(first: 1) { nodes { __typename id } }
  sources(first: 1) { nodes { __typename id citations(first: 1) { nodes { __typename id } } } }
}"""


def relay_operations(clients: Path, folder: Path) -> dict[str, str]:
    """relay-compiler over the Relay app of `tests/clients/relay` (0 errors, or the test fails): the text of every
    operation it generated, by name, as Relay's network layer sends it."""
    generated = folder / "__generated__"
    generated.mkdir()
    config = folder / "relay.config.json"
    options = {"src": str(RELAY_APP), "schema": str(ROOT / "schema.graphql"), "language": "typescript"}
    config.write_text(json.dumps({**options, "artifactDirectory": str(generated)}))
    compiler = clients / "node_modules" / ".bin" / "relay-compiler"
    ran = subprocess.run([str(compiler), str(config)], capture_output=True, text=True, timeout=120, check=False)
    report = ran.stdout + ran.stderr
    assert ran.returncode == 0, report
    assert "ERROR" not in report, report
    operations = {}
    for artifact in generated.glob("*.graphql.ts"):
        found = re.search(r'"operationKind": "query",\s*"text": ("(?:[^"\\]|\\.)*")', artifact.read_text())
        if found:
            operations[artifact.name.removesuffix(".graphql.ts")] = json.loads(found.group(1))
    return operations


def relay_fetch(endpoint: str, text: str, **variables: Any) -> dict[str, Any]:
    """An operation sent as Relay's network layer sends it; its data, which must come without errors."""
    response = httpx2.post(endpoint, json={"query": text, "variables": variables}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def typed_ids(value: Any) -> Iterator[tuple[str, str]]:
    """(type name, id) of every object in an answer that has both."""
    if isinstance(value, dict):
        if "__typename" in value and "id" in value:
            yield value["__typename"], value["id"]
        for inner in value.values():
            yield from typed_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from typed_ids(inner)


def test_relay_compiler_accepts_the_relay_app_and_its_operations_run(clients: Path, endpoint: str, tmp_path: Path):
    operations = relay_operations(clients, tmp_path)

    # Every type that implements `Node` has a `@refetchable` fragment, and its refetch query finds the object again.
    schema = build_schema((ROOT / "schema.graphql").read_text())
    node = schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    node_types = {kind.name for kind in schema.get_implementations(node).objects}
    assert {name[len("Refetch") : -len("Query")] for name in operations if name.startswith("Refetch")} == node_types
    ids = dict(typed_ids(relay_fetch(endpoint, ONE_OF_EACH)))
    assert set(ids) == node_types
    for typename in sorted(node_types):
        found = relay_fetch(endpoint, operations[f"Refetch{typename}Query"], id=ids[typename])["node"]
        assert (found["__typename"], found["id"]) == (typename, ids[typename])

    # The country page, then the next page of its relations and of its agreements, as `loadNext(1)` asks.
    country = relay_fetch(endpoint, operations["CountryPageQuery"], code="KOR", first=1)["country"]
    for field in ("relations", "agreements"):
        first = country[field]
        assert len(first["edges"]) == 1, field
        assert first["pageInfo"]["hasNextPage"], field
        pagination = operations[f"CountryPage{field.title()}PaginationQuery"]
        after = first["pageInfo"]["endCursor"]
        following = relay_fetch(endpoint, pagination, id=country["id"], first=1, after=after)["node"][field]
        assert following["edges"][0]["node"]["id"] != first["edges"][0]["node"]["id"]

    # Search read backward: the last two results, then the two before them, as `loadPrevious(2)` asks.
    last = relay_fetch(endpoint, operations["SearchPageQuery"], query="korea", last=2)["search"]
    assert len(last["edges"]) == 2
    assert last["pageInfo"]["hasPreviousPage"]
    start = last["pageInfo"]["startCursor"]
    pagination = operations["SearchPageResultsPaginationQuery"]
    before = relay_fetch(endpoint, pagination, query="korea", last=2, before=start)["search"]
    ranks = [edge["rank"] for edge in before["edges"] + last["edges"]]
    assert len(ranks) == 4
    assert ranks == sorted(ranks, reverse=True)
