"""crossorigin.quart under a real ASGI server (Hypercorn on loopback): the middleware, the
signals it reads and the decorator work across the server's tasks as in the test client."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

APP = textwrap.dedent(
    """
    from quart import Quart, request

    from crossorigin.quart import CORS, cross_origin

    app = Quart(__name__)


    @app.before_request
    async def login_required():
        if request.path == "/api/private":
            return "log in first", 401


    @app.route("/api/items")
    async def items():
        return "items"


    @app.route("/api/private")
    async def private():
        return "private"


    @app.route("/api/partner")
    @cross_origin(origins=["https://partner.example.com"])
    def partner():
        return "partner"


    async def from_database(origin):
        return origin == "https://app.example.com"


    CORS(app, origins=[from_database])
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("served")
    (folder / "served_app.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hypercorn", "-b", f"127.0.0.1:{port}", "served_app:app"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"hypercorn did not start: {stderr}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def request(
    port: int, method: str, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


APP_ORIGIN = "https://app.example.com"
PREFLIGHT = {"Access-Control-Request-Method": "PUT"}


def test_an_async_callable_grants_over_a_real_server(server: int) -> None:
    status, headers = request(server, "GET", "/api/items", {"Origin": APP_ORIGIN})
    assert status == 200
    assert headers["access-control-allow-origin"] == APP_ORIGIN
    status, headers = request(server, "GET", "/api/items", {"Origin": "https://other.example"})
    assert "access-control-allow-origin" not in headers
    assert headers["vary"] == "Origin"


def test_a_preflight_is_answered_before_the_login_hook(server: int) -> None:
    status, headers = request(
        server, "OPTIONS", "/api/private", {"Origin": APP_ORIGIN, **PREFLIGHT}
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == APP_ORIGIN
    status, headers = request(server, "GET", "/api/private", {"Origin": APP_ORIGIN})
    assert status == 401
    assert headers["access-control-allow-origin"] == APP_ORIGIN


def test_the_decorator_governs_its_view(server: int) -> None:
    partner = "https://partner.example.com"
    status, headers = request(server, "GET", "/api/partner", {"Origin": partner})
    assert headers["access-control-allow-origin"] == partner
    asks = {"Origin": APP_ORIGIN, "Access-Control-Request-Method": "GET"}
    status, _ = request(server, "OPTIONS", "/api/partner", asks)
    assert status == 403


def test_paths_are_read_from_the_server(server: int) -> None:
    status, headers = request(server, "GET", "/api/missing", {"Origin": APP_ORIGIN})
    assert status == 404
    assert headers["access-control-allow-origin"] == APP_ORIGIN
