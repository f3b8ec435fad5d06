"""gunicorn with the project's gunicorn.conf.py: it never writes a link's token to its
logs, and a worker that is replaced is a fork of the app already loaded."""

import contextlib
import os
import re
import signal
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
        yield base, tmp_path, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("link", ["q", "c"], ids=["the questionnaire's", "the course's"])
def test_the_access_log_records_link_paths_without_their_token(link, server):
    base, logs, _ = server
    url = f"{base}/{link}/{TOKEN}/"
    request = urllib.request.Request(url, headers={"Referer": url})  # noqa: S310
    # No database here: the answer does not matter, the log does.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    time.sleep(0.3)
    access = (logs / "access.log").read_text()
    assert f"/{link}/[redacted]" in access
    assert TOKEN not in access
    assert TOKEN not in (logs / "error.log").read_text()


def workers_of(master: subprocess.Popen) -> set[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text()
    return {int(pid) for pid in children.split()}


def test_the_app_is_loaded_once_in_the_master_and_each_worker_is_a_fork_of_it():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    printed = subprocess.run(  # noqa: S603 - our own server, our own arguments
        [
            str(gunicorn),
            "--print-config",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "clinic.wsgi",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^preload_app +\= True$", printed, re.MULTILINE)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_a_worker_replaced_answers_as_the_first_one_did(server):
    base, _, master = server
    (first,) = workers_of(master)
    os.kill(first, signal.SIGKILL)  # as a worker past max_requests is replaced
    for _ in range(100):
        if (replaced := workers_of(master)) and first not in replaced:
            break
        time.sleep(0.1)
    assert replaced and first not in replaced
    with urllib.request.urlopen(base + "/accounts/login/", timeout=10) as page:  # noqa: S310
        assert page.status == 200


def test_loading_the_app_as_the_master_does_opens_no_database_connection():
    """What the master loads (the app, then its URLconf) is handed down to every worker: a
    database connection opened there would be shared by them all."""
    loaded = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [
            sys.executable,
            "-c",
            "import clinic.wsgi; from django.urls import get_resolver; "
            "get_resolver().url_patterns; from django.db import connections; "
            "print(all(c.connection is None for c in connections.all()))",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "True"
