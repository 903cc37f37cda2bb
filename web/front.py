"""The explorer at `/`: its page and files, served as they are under a strict Content-Security-Policy.

Its queries are `.graphql` files beside the page, and the fragments they share are defined once, in
`fragments.graphql`: each query's document is its file followed by the shared fragments it spreads
(`document`). `/explorer/queries.json` names each operation's document by its sha256, computed here, so the
page sends automatic persisted queries over GET without hashing anything itself (`crypto.subtle` is missing on
plain-http origins).
"""

import hashlib
import os
from functools import cache
from pathlib import Path

import orjson
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor
from graphql.utilities import strip_ignored_characters
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from web.transport import already_held

DIRECTORY = Path(__file__).resolve().parent / "explorer"
QUERIES = DIRECTORY / "queries"
FRAGMENTS = DIRECTORY / "fragments.graphql"
URL_PREFIX = "/explorer"

# Everything from this origin, nothing inline, nothing from elsewhere; no one may frame the page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # The files' names carry no version: a browser keeps them but asks each time whether they changed.
    "Cache-Control": "no-cache",
}


class ExplorerFiles(StaticFiles):
    """Starlette's static files, each answered with the explorer's headers."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(HEADERS)
        return response


files = ExplorerFiles(directory=DIRECTORY)


async def index(request: Request) -> Response:
    """`/`: the explorer's page."""
    return await files.get_response("index.html", request.scope)


def document(path: Path) -> str:
    """A query file's document: its text, then each shared fragment it spreads, itself or through another."""
    text = path.read_text(encoding="utf-8")
    shared = _fragments(parse(FRAGMENTS.read_text(encoding="utf-8")))
    own = parse(text)
    defined = set(_fragments(own))
    needed: set[str] = set()
    waiting = _spread(own) - defined
    while waiting:
        name = waiting.pop()
        needed.add(name)
        waiting |= _spread(shared[name]) - defined - needed
    return "\n".join([text.rstrip("\n"), *(print_ast(shared[name]) for name in sorted(needed))]) + "\n"


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _spread(node: Node) -> set[str]:
    """The names of the fragments spread in `node`."""
    names: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.add(spread.name.value)

    visit(node, Spreads())
    return names


def documents() -> dict[str, str]:
    """Each explorer query document, stripped of comments and spacing, by its sha256."""
    texts = (strip_ignored_characters(document(path)) for path in sorted(QUERIES.glob("*.graphql")))
    return {hashlib.sha256(text.encode()).hexdigest(): text for text in texts}


def manifest() -> dict[str, dict[str, str]]:
    """`{"operations": {name: sha256}, "documents": {sha256: document}}` for every explorer query."""
    by_hash = documents()
    operations = {
        definition.name.value: digest
        for digest, text in by_hash.items()
        for definition in parse(text).definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    }
    return {"operations": operations, "documents": by_hash}


@cache
def _manifest_body() -> tuple[bytes, str]:
    """The manifest as served, and its ETag: the query files ship with the app, so once per process."""
    body = orjson.dumps(manifest(), option=orjson.OPT_SORT_KEYS)
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


async def queries(request: Request) -> Response:
    """`/explorer/queries.json`: the manifest, with an ETag of its own."""
    body, etag = _manifest_body()
    headers = HEADERS | {"ETag": etag}
    if already_held(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type="application/json")
