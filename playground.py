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
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

import settings

DIRECTORY = settings.ROOT / "var" / "graphiql"
URL_PREFIX = "/graphiql/assets"
REGISTRY = "https://registry.npmjs.org"
_EXAMPLE_QUERY = re.compile(r"const EXAMPLE_QUERY = `[^`]*`;")
WELCOME = settings.ROOT / "schema" / "examples" / "relation-between.graphql"
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


def page() -> str | None:
    """The GraphiQL page loading its assets from this server, or None until they are installed."""
    if not installed():
        return None
    html = template().replace("Strawberry GraphiQL", "Bilateral GraphiQL")
    welcome = "# Bilateral. Ctrl-Enter runs the query, Ctrl-Space completes,\n# and the Docs pane is the manual.\n"
    example = welcome + WELCOME.read_text(encoding="utf-8").replace("`", "\\`").replace("${", "\\${")
    html = _EXAMPLE_QUERY.sub(lambda _: f"const EXAMPLE_QUERY = `{example}`;", html)
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
