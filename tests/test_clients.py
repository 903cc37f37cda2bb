"""Outside clients and tools against `make serve`'s server: what users will judge the API with.

graphql-http's GraphQL-over-HTTP audit, Apollo Client paging with `relayStylePagination`,
graphql-codegen over the schema read by introspection and the project's own operations, with the
TypeScript compiler over what it generated, @graphql-eslint's operation rules and graphql-inspector's
validation over the shipped documents, and graphql-inspector's diff of the schema against the one CHANGELOG.md
starts from. They are pinned in `tests/clients/package-lock.json`
and installed once into `var/clients/` with `npm ci`.
"""

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    named = set(re.findall(r"`([A-Za-z_]\w*(?:\.\w+)*)`", section))
    # A field's entry covers its arguments: `Query.people` made a connection names `Query.people.first` with it.
    missing = [
        f"{change['path']}: {change['message']}"
        for change in notable
        if change["path"] not in named and change["path"].rpartition(".")[0] not in named
    ]
    assert missing == [], "CHANGELOG.md does not name these changes since " + since
