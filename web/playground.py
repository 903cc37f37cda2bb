"""GraphiQL served by the app itself: strawberry's page, its assets installed once from the npm registry.

The page names each asset with a Subresource Integrity hash; `install` fetches the npm package that
holds it, checks the file against that hash and keeps it under `var/graphiql/`, so the page needs
no CDN at run time.
"""

import base64
import hashlib
import io
import json
import re
import tarfile
import textwrap
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

import settings

DIRECTORY = settings.ROOT / "var" / "graphiql"
URL_PREFIX = "/graphiql/assets"
REGISTRY = "https://registry.npmjs.org"
EXAMPLES = settings.ROOT / "schema" / "examples"
FIRST_EXAMPLE = EXAMPLES / "relation-between.graphql"
WELCOME = """\
# Welcome to Bilateral's GraphiQL. Each tab is an
# example from schema/examples; this one asks how
# the page describes the ROK–Canada relation.
#
# Ctrl-Enter (or ▶) runs a query. Ctrl-Space
# completes a field. The Docs pane (the book, top
# left) is the schema's own manual.
"""
COMMENT_WIDTH = 50  # the editor's width at 1280 pixels, so no comment is cut off
_EXAMPLE_QUERY = re.compile(r"const EXAMPLE_QUERY = `[^`]*`;")
_ASSET = re.compile(
    r'"https://unpkg\.com/(?P<package>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>[\w.-]+)/(?P<path>[^"]+)"'
    r'\s+integrity="(?P<integrity>sha384-[^"]+)"'
)


class AssetError(RuntimeError):
    """An asset could not be fetched, or did not match its integrity hash."""


@dataclass(frozen=True)
class Asset:
    """One file of an npm package that the page loads."""

    package: str
    version: str
    path: str
    integrity: str

    @property
    def unpkg_url(self) -> str:
        return f"https://unpkg.com/{self.package}@{self.version}/{self.path}"

    @property
    def local_path(self) -> Path:
        return DIRECTORY / f"{self.package}@{self.version}" / self.path

    @property
    def local_url(self) -> str:
        return f"{URL_PREFIX}/{self.package}@{self.version}/{self.path}"

    def verify(self, content: bytes) -> bytes:
        digest = "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()
        if digest != self.integrity:
            raise AssetError(f"{self.unpkg_url}: integrity {digest} is not the expected {self.integrity}")
        return content


def template() -> str:
    return get_graphql_ide_html("graphiql")


def assets() -> list[Asset]:
    """The files the page loads, as the page itself names and pins them."""
    return [Asset(m["package"], m["version"], m["path"], m["integrity"]) for m in _ASSET.finditer(template())]


def installed() -> bool:
    return all(asset.local_path.is_file() for asset in assets())


def _wrapped(document: str) -> str:
    """The document with its operation's description as a comment wrapped to fit the editor: GraphiQL's own
    parser predates descriptions on operations (the September 2025 specification) and would flag it."""
    lines = document.splitlines()
    if lines and lines[0] == '"""':
        end = lines.index('"""', 1)
        description, lines = lines[1:end], lines[end + 1 :]
    else:
        description = []
    wrapped = textwrap.wrap(" ".join(description), COMMENT_WIDTH - 2, break_on_hyphens=False)
    return "\n".join([*(f"# {line}" for line in wrapped), *lines]) + "\n"


def tabs() -> list[dict[str, str]]:
    """One tab per example query, the welcome first, each titled by its operation's name (every example has one)."""
    paths = [FIRST_EXAMPLE, *(path for path in sorted(EXAMPLES.glob("*.graphql")) if path != FIRST_EXAMPLE)]
    documents = [_wrapped(path.read_text(encoding="utf-8")) for path in paths]
    documents[0] = WELCOME + "\n" + documents[0]
    return [{"query": document} for document in documents]


def _replace_once(html: str, old: str, new: str) -> str:
    if html.count(old) != 1:
        raise AssetError(f"strawberry's GraphiQL page has changed: expected {old!r} once")
    return html.replace(old, new)


def page() -> str | None:
    """The GraphiQL page loading its assets from this server, or None until they are installed."""
    if not installed():
        return None
    html = template().replace("Strawberry GraphiQL", "Bilateral GraphiQL")
    # The examples open as tabs on a first visit; a visitor's saved tabs, when there are any, win.
    # A shared link's query (`?q=`) opens first, before the examples.
    default_tabs = json.dumps(tabs()).replace("<", "\\u003c")
    html = _EXAMPLE_QUERY.sub(lambda _: f"const DEFAULT_TABS = {default_tabs};", html)
    html = _replace_once(html, "parameters.q || EXAMPLE_QUERY", "parameters.q")
    html = _replace_once(
        html,
        "fetcher: fetcher,",
        "fetcher: fetcher,\n"
        "          defaultTabs: parameters.q\n"
        "            ? [{ query: parameters.q, variables: parameters.variables }].concat(DEFAULT_TABS)\n"
        "            : DEFAULT_TABS,\n"
        "          schemaDescription: true,",
    )
    for asset in assets():
        html = html.replace(asset.unpkg_url, asset.local_url)
    return html


def install() -> list[Asset]:
    """Fetch every asset not yet installed; answer the ones fetched."""
    missing = [asset for asset in assets() if not asset.local_path.is_file()]
    packages = sorted({(asset.package, asset.version) for asset in missing})
    for package, version in packages:
        tarball = _download(package, version)
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for asset in (a for a in missing if (a.package, a.version) == (package, version)):
                member = archive.extractfile(f"package/{asset.path}")
                if member is None:
                    raise AssetError(f"{package}@{version} has no file {asset.path}")
                content = asset.verify(member.read())
                asset.local_path.parent.mkdir(parents=True, exist_ok=True)
                asset.local_path.write_bytes(content)
    return missing


def _download(package: str, version: str) -> bytes:
    """The package's tarball, checked against the registry's own integrity record."""
    try:
        with urllib.request.urlopen(f"{REGISTRY}/{package}/{version}", timeout=60) as response:
            dist = json.load(response)["dist"]
        with urllib.request.urlopen(dist["tarball"], timeout=120) as response:
            tarball: bytes = response.read()
    except (OSError, KeyError, ValueError) as error:
        raise AssetError(f"cannot fetch {package}@{version} from {REGISTRY}: {error}") from error
    algorithm, _, expected = dist["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if actual != expected:
        raise AssetError(f"{package}@{version}: the tarball does not match the registry's {algorithm} integrity")
    return tarball
