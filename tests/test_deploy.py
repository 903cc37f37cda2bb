"""The systemd unit of README.md's "Deploying": valid to systemd, and what it promises holds."""

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from settings import ROOT
from tests.conftest import missing_service
from tests.servers import cli, free_port, running_server

pytestmark = pytest.mark.slow

UNIT = ROOT / "deploy" / "bilateral.service"
INSTALLED = "/opt/bilateral"  # where the unit expects the checkout


def service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser["Service"]


def test_systemd_finds_nothing_to_say_about_the_unit(tmp_path: Path):
    if shutil.which("systemd-analyze") is None:
        missing_service("systemd", "systemd-analyze is not installed")
    # The unit as it would be installed, pointing at this checkout instead of /opt/bilateral.
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED, str(ROOT)), encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, check=False
    )
    assert (verified.returncode, verified.stdout + verified.stderr) == (0, "")


def test_the_unit_runs_as_a_user_restarts_on_failure_and_is_ready_through_slash_ready():
    unit = service()
    assert unit["User"] not in ("", "root")
    assert unit["Restart"] == "on-failure"
    assert unit["ExecStart"] == f"{INSTALLED}/.venv/bin/python cli.py serve"
    assert unit["ExecStartPost"].startswith(f"{INSTALLED}/.venv/bin/python cli.py ready --wait ")
    assert unit["KillMode"] == "mixed"  # SIGTERM to the supervisor, which stops its workers
    environment = dict(word.split("=", 1) for word in unit["Environment"].split())
    drain, timeout = float(environment["BILATERAL_SHUTDOWN_DRAIN"]), float(environment["BILATERAL_SHUTDOWN_TIMEOUT"])
    assert float(unit["TimeoutStopSec"]) > drain + timeout


def ready(port: int, wait: str = "0") -> subprocess.CompletedProcess[str]:
    return cli("ready", "--wait", wait, timeout=60, BILATERAL_HOST="127.0.0.1", BILATERAL_PORT=str(port))


def test_cli_py_ready_succeeds_once_the_server_is_ready_and_fails_without_one(tmp_path: Path):
    with running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", tmp_path / "server.log") as base:
        assert ready(int(base.rsplit(":", 1)[1]), wait="10").returncode == 0
    nobody = ready(free_port())
    assert nobody.returncode == 1
    assert "/ready is not ready: " in nobody.stderr
