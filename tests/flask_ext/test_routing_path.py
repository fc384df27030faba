"""A path is judged as Werkzeug routes it: ``//a``, ``///a``, ``a`` and ``/a//b`` never
reach a broader resource pattern than the view that serves them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Blueprint, Flask

from crossorigin import CORS, cross_origin
from shared.headers import ACAC, ACAO, ACRM, cors_headers

ADMIN = "https://admin.example.com"
PARTNER = "https://partner.example.net"
RESOURCES = {
    r"/private/*": {"origins": [ADMIN], "supports_credentials": True},
    r"/*": {"origins": [PARTNER], "supports_credentials": True},
}
#: Raw PATH_INFO values that Werkzeug routes to ``/private/data``.
SPELLINGS = ["/private/data", "//private/data", "///private/data", "private/data"]


def app_level() -> Flask:
    app = Flask(__name__)
    CORS(app, resources=RESOURCES)

    @app.get("/private/data")
    def private() -> dict[str, int]:
        return {"secret": 1}

    return app


def with_blueprint() -> Flask:
    """The same policies, one app-level and one on a blueprint with a prefix."""
    app = Flask(__name__)
    CORS(app, resources={r"/*": RESOURCES[r"/*"]})
    bp = Blueprint("private", __name__, url_prefix="/private")
    CORS(bp, origins=[ADMIN], supports_credentials=True)

    @bp.get("/data")
    def private() -> dict[str, int]:
        return {"secret": 1}

    app.register_blueprint(bp)
    return app


def with_decorator() -> Flask:
    app = Flask(__name__)
    CORS(app, resources={r"/*": RESOURCES[r"/*"]})

    @app.get("/private/data")
    @cross_origin(origins=[ADMIN], supports_credentials=True)
    def private() -> dict[str, int]:
        return {"secret": 1}

    return app


def send(app: Flask, method: str, raw_path: str, origin: str) -> tuple[int, dict[str, str]]:
    headers = {"Origin": origin}
    if method == "OPTIONS":
        headers[ACRM] = "GET"
    response = app.test_client().open(
        "/", method=method, headers=headers, environ_overrides={"PATH_INFO": raw_path}
    )
    return response.status_code, cors_headers(response)


@pytest.mark.parametrize("make_app", [app_level, with_blueprint, with_decorator])
@pytest.mark.parametrize("raw_path", SPELLINGS)
@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_extra_slashes_never_reach_the_catch_all_policy(
    make_app: type[Flask], raw_path: str, method: str
) -> None:
    app = make_app()
    status, headers = send(app, method, raw_path, PARTNER)
    assert ACAO not in headers and ACAC not in headers, (status, headers)
    status, headers = send(app, method, raw_path, ADMIN)
    assert status == 200
    assert headers[ACAO] == ADMIN and headers[ACAC] == "true"


@pytest.mark.parametrize("make_app", [app_level, with_blueprint, with_decorator])
def test_merged_slashes_redirect_carries_the_views_policy(make_app: type[Flask]) -> None:
    """``/private//data`` is redirected (308) to ``/private/data`` by Werkzeug: the
    redirect is judged by the view it leads to."""
    app = make_app()
    status, headers = send(app, "GET", "/private//data", PARTNER)
    assert status == 308 and ACAO not in headers
    status, headers = send(app, "GET", "/private//data", ADMIN)
    assert status == 308 and headers[ACAO] == ADMIN
    status, headers = send(app, "OPTIONS", "/private//data", PARTNER)
    assert ACAO not in headers
    status, headers = send(app, "OPTIONS", "/private//data", ADMIN)
    assert status == 200 and headers[ACAO] == ADMIN


# -- the same under gunicorn ------------------------------------------------------------

APP_SOURCE = textwrap.dedent(
    f"""
    from flask import Flask
    from crossorigin import CORS

    app = Flask(__name__)
    CORS(app, resources={RESOURCES!r})

    @app.get("/private/data")
    def private():
        return {{"secret": 1}}
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _raw(port: int, method: str, target: str, origin: str) -> tuple[int, dict[str, str]]:
    lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines.append(f"Origin: {origin}")
    if method == "OPTIONS":
        lines.append(f"{ACRM}: GET")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(head[0].split()[1]), headers


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    pytest.importorskip("gunicorn")
    folder: Path = tmp_path_factory.mktemp("routing_app")
    (folder / "routing_app.py").write_text(APP_SOURCE)
    port = _free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
            *("--chdir", str(folder), "--log-level", "warning", "routing_app:app"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _raw(port, "GET", "/private/data", ADMIN)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


@pytest.mark.parametrize("target", ["/private/data", "//private/data", "///private/data"])
@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_extra_slashes_under_gunicorn(gunicorn_port: int, target: str, method: str) -> None:
    status, headers = _raw(gunicorn_port, method, target, PARTNER)
    assert "access-control-allow-origin" not in headers, (status, headers)
    status, headers = _raw(gunicorn_port, method, target, ADMIN)
    assert status == 200
    assert headers["access-control-allow-origin"] == ADMIN
    assert headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_no_leading_slash_under_gunicorn(gunicorn_port: int, method: str) -> None:
    """gunicorn refuses a request target without a leading slash (400), or passes it
    on; either way the catch-all's origin gets nothing."""
    status, headers = _raw(gunicorn_port, method, "private/data", PARTNER)
    assert "access-control-allow-origin" not in headers, (status, headers)
    status, headers = _raw(gunicorn_port, method, "private/data", ADMIN)
    assert status == 400 or headers["access-control-allow-origin"] == ADMIN
