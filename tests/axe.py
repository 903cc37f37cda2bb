"""axe-core, the accessibility checker the browser tests run in the page.

Fetched once from the npm registry as a pinned tarball, checked against its integrity hash, and
kept in `var/`, as `web/playground.py` does for GraphiQL; the tests serve it to the page from there.
"""

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from settings import ROOT
from web import playground

PACKAGE = "axe-core"
VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
SCRIPT = ROOT / "var" / f"{PACKAGE}@{VERSION}" / "axe.min.js"


class AxeUnavailableError(RuntimeError):
    """axe-core could not be fetched or did not match its pinned integrity."""


def script() -> Path:
    """The path of axe.min.js, fetched and checked the first time."""
    if SCRIPT.is_file():
        return SCRIPT
    url = f"{playground.REGISTRY}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            tarball: bytes = response.read()
    except OSError as error:
        raise AxeUnavailableError(f"cannot fetch {url}: {error}") from error
    algorithm, _, expected = INTEGRITY.partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
        raise AxeUnavailableError(f"{url} does not match the pinned integrity {INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise AxeUnavailableError(f"{PACKAGE}@{VERSION} has no axe.min.js")
        content = member.read()
    SCRIPT.parent.mkdir(parents=True, exist_ok=True)
    SCRIPT.write_bytes(content)
    return SCRIPT
