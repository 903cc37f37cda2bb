"""GraphiQL works in a real browser, with every asset served by the app itself."""

import shutil
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import playground
from tests.conftest import missing_service
from tests.servers import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_page_loads_nothing_from_elsewhere(client: TestClient):
    page = client.get("/graphql", headers={"Accept": "text/html"}).text
    assert "unpkg" not in page
    assert "https://" not in page.replace("http://www.w3.org/2000/svg", "")
    for asset in playground.assets():
        assert asset.local_url in page
        served = client.get(asset.local_url)
        assert served.status_code == 200
        assert asset.verify(served.content)


def test_without_its_assets_the_page_says_how_to_install_them(client: TestClient, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(playground, "DIRECTORY", tmp_path)
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "cli.py assets" in response.text


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        missing_service("browser", "no chromium on this machine (apt-get install chromium)")
    return CHROMIUM


def test_graphiql_renders_and_reads_the_schema_in_a_real_browser(chromium: str, tmp_path: Path):
    log = tmp_path / "server.log"
    with running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", log) as base:
        dom = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=20000",
                "--dump-dom",
                f"{base}/graphql",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    assert "graphiql-container" in dom
    assert "between" in dom  # the example query is in the editor
    server_log = log.read_text()
    assert 'POST /graphql HTTP/1.1" 200' in server_log  # the page introspected the schema
    for asset in playground.assets():  # every asset came from this server (the log quotes `@` as %40)
        assert f'GET {asset.local_url.replace("@", "%40")} HTTP/1.1" 200' in server_log
