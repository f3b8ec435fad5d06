"""gunicorn with the project's gunicorn.conf.py never writes a link's token to its logs."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "Sup3rSecretT0kenThatOpensHealthData"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
        "GUNICORN_ERROR_LOG": str(tmp_path / "error.log"),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
        [str(gunicorn), "clinic.wsgi", "--config", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        yield base, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_access_log_records_q_paths_without_their_token(server):
    base, logs = server
    link = f"{base}/q/{TOKEN}/"
    request = urllib.request.Request(link, headers={"Referer": link})  # noqa: S310
    # No database here: the answer does not matter, the log does.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    time.sleep(0.3)
    access = (logs / "access.log").read_text()
    assert "/q/[redacted]" in access
    assert TOKEN not in access
    assert TOKEN not in (logs / "error.log").read_text()
