"""``crossorigin doctor`` against real servers on loopback, crossorigin apps and broken ones.

Each server is a threaded werkzeug server on a free port, started by the test. The
broken servers are raw WSGI apps that send exactly the headers a misconfigured proxy or
library sends, so the doctor is tested on what really arrives over HTTP.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask, redirect
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from crossorigin import CORS
from crossorigin.doctor import main

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PAGE = "http://localhost:3000"
OTHER = "http://localhost:4000"

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"

Headers = list[tuple[str, str]]


# --- servers --------------------------------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LiveServer:
    """A threaded werkzeug server on 127.0.0.1:<free port> that logs what it receives."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_Quiet
        )
        self.port = self._server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), headers))
        return self.app(environ, start_response)

    def url(self, path: str = "/data") -> str:
        return self.base + path

    @property
    def methods(self) -> list[str]:
        return [method for method, _, _ in self.seen]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live() -> Iterator[Callable[[WSGIApplication], LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: WSGIApplication) -> LiveServer:
        server = LiveServer(app)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def raw(
    preflight: tuple[str, Headers] = ("204 No Content", []),
    actual: tuple[str, Headers] = ("200 OK", []),
) -> WSGIApplication:
    """A server whose CORS headers are exactly these, as a misconfigured proxy sends them."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        is_preflight = environ["REQUEST_METHOD"] == "OPTIONS"
        status, headers = preflight if is_preflight else actual
        body = b"" if is_preflight else b"ok"
        start_response(
            status,
            [*headers, ("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


def crossorigin_app(**options: Any) -> Flask:
    app = Flask(__name__)
    CORS(app, **options)

    @app.route("/data", methods=["GET", "POST", "PUT", "DELETE"])
    def data() -> dict[str, bool]:
        return {"ok": True}

    @app.route("/items/")
    def items() -> list[int]:
        return [1, 2]

    return app


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["doctor", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def doctor_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = doctor(capsys, *args, "--json")
    return code, json.loads(out)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- crossorigin servers ------------------------------------------------------------------


def test_an_allowed_credentialed_put_exits_0_and_shows_both_steps(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(crossorigin_app(origins=[PAGE], supports_credentials=True))
    code, out, err = doctor(
        capsys, server.url(), "--origin", PAGE, "--method", "PUT", "-H", "Content-Type",
        "--credentials",
    )  # fmt: skip
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"PUT {server.url()}"
    assert lines[1] == f"  from origin {PAGE}, credentials include; a preflight is needed"
    assert f"1. preflight: OPTIONS {server.url()}" in lines
    assert "   > Access-Control-Request-Method: PUT" in lines
    assert "   > Access-Control-Request-Headers: content-type" in lines
    assert f"   < {ACAO}: {PAGE}" in lines
    assert f"2. request: PUT {server.url()}" in lines
    assert "   > Content-Type: application/json" in lines
    assert lines.count("   passed") == 2
    assert any(line.startswith("ALLOWED  the page can read the response") for line in lines)
    assert "\x1b[" not in out  # captured output is not a terminal
    assert server.methods == ["OPTIONS", "PUT"]


def test_json_output_has_the_verdict_steps_and_raw_headers(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(crossorigin_app(origins=[PAGE], expose_headers=["X-Total"]))
    code, data = doctor_json(capsys, server.url(), "--origin", PAGE, "--method", "DELETE")
    assert code == 0
    assert data["verdict"] == "allowed" and data["allowed"] is True and data["exit_code"] == 0
    assert data["request"] == {
        "url": server.url(),
        "origin": PAGE,
        "method": "DELETE",
        "headers": [],
        "credentials": "same-origin",
    }
    assert data["preflight_needed"] is True
    assert [(s["stage"], s["method"], s["status"]) for s in data["exchanges"]] == [
        ("preflight", "OPTIONS", 200),
        ("request", "DELETE", 200),
    ]
    assert [ACAO, PAGE] in data["exchanges"][1]["headers"]
    assert data["failures"] == [] and data["fixes"] == []
    assert data["readable_headers"] == ["content-length", "content-type"]


def test_a_refusal_reports_crossorigins_reason_header_and_the_fix(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(crossorigin_app(origins=[PAGE], debug=True))
    code, out, _ = doctor(capsys, server.url(), "--origin", OTHER, "--method", "PUT")
    assert code == 1
    assert "   < X-CORS-Decision: preflight; origin-not-allowed" in out
    assert f"   body: origin '{OTHER}' is not allowed for '/data'" in out
    assert "  reason:  preflight; origin-not-allowed (X-CORS-Decision)" in out
    assert (
        "  fix:     crossorigin refused it (origin-not-allowed): add the page's origin to "
        "origins= for this route"
    ) in out
    assert "hint:" not in out  # crossorigin said why; no generic deployment advice
    assert server.methods == ["OPTIONS"]  # the browser never sends the PUT


def test_a_refused_preflight_leads_with_the_fix_and_folds_what_follows(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(crossorigin_app(origins=[PAGE], debug=True))
    code, out, _ = doctor(capsys, server.url(), "--origin", OTHER, "--method", "PUT")
    assert code == 1
    lines = out.splitlines()
    verdict = next(i for i, line in enumerate(lines) if line.startswith("BLOCKED"))
    assert lines[verdict + 1 : verdict + 4] == [
        "  fix:     crossorigin refused it (origin-not-allowed): add the page's origin to "
        "origins= for this route",
        "  error   [preflight] preflight-status: The preflight response has status 403, not an "
        "ok status, because crossorigin refused the preflight (origin-not-allowed); the "
        "browser sends nothing more",
        "          + 2 that follow from it: acao-missing, method-not-allowed",
    ]
    assert "before routing" not in out  # crossorigin refused on purpose
    _, data = doctor_json(capsys, server.url(), "--origin", OTHER, "--method", "PUT")
    assert data["causes"] == [
        {"code": "preflight-status", "consequences": ["acao-missing", "method-not-allowed"]}
    ]
    assert len(data["failures"]) == 3  # JSON keeps every failure


def test_a_preflight_refused_by_another_layer_leads_with_the_status(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(preflight=("401 Unauthorized", [])))
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE, "--method", "PUT")
    assert code == 1
    lines = out.splitlines()
    verdict = next(i for i, line in enumerate(lines) if line.startswith("BLOCKED"))
    assert lines[verdict + 1].startswith(
        "  error   [preflight] preflight-status: The preflight response has status 401"
    )
    assert lines[verdict + 1].endswith("before routing and authentication")
    assert (
        lines[verdict + 2] == "          + 2 that follow from it: acao-missing, method-not-allowed"
    )
    assert lines[verdict + 3].startswith("  hint:    A 401 on OPTIONS means authentication ran")


def test_hints_for_a_server_not_known_to_be_crossorigin_speak_of_that_server(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, PAGE)])))
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE)
    assert code == 0
    assert "  hint:    Without Vary: Origin a browser or CDN cache can serve" in out
    assert "crossorigin" not in out.split("ALLOWED", 1)[1]


def test_hints_for_a_crossorigin_server_say_what_crossorigin_does(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    app = crossorigin_app(origins=[PAGE], debug=True)

    def strip_vary(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            kept = [(n, v) for n, v in headers if n.lower() != "vary"]
            return start_response(status, kept, *exc)

        return app(environ, start)

    server = live(strip_vary)
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE)
    assert code == 0
    assert "crossorigin always sends it; a proxy or cache that rewrites Vary" in out


def test_a_followed_trailing_slash_redirect_is_judged_hop_by_hop(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(crossorigin_app(origins=[PAGE]))
    code, data = doctor_json(capsys, server.url("/items"), "--origin", PAGE)
    assert code == 0
    assert [(s["url"], s["status"]) for s in data["exchanges"]] == [
        (server.url("/items"), 308),
        (server.url("/items/"), 200),
    ]
    assert data["exchanges"][0]["passed"] is True


def test_a_cross_origin_redirect_sends_origin_null_and_drops_authorization(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    target = live(raw(preflight=("204 No Content", [(ACAO, "*"), (ACAH, "authorization")]),
                      actual=("200 OK", [(ACAO, "*")])))  # fmt: skip
    hop = Flask(__name__)
    CORS(hop, origins=[PAGE])
    hop.add_url_rule("/data", "data", lambda: redirect(target.url(), 307))
    first = live(hop)
    code, data = doctor_json(capsys, first.url(), "--origin", PAGE, "-H", "Authorization: Bearer t")
    assert code == 0
    assert [s["stage"] for s in data["exchanges"]] == ["preflight", "request", "request"]
    assert target.seen[0][2]["origin"] == "null"
    assert "authorization" not in target.seen[0][2]
    assert "redirect-origin-null" in [w["code"] for w in data["warnings"]]


# --- deliberately broken servers ------------------------------------------------------------

GOOD_PREFLIGHT = [(ACAO, PAGE), (ACAM, "PUT"), (ACAH, "content-type")]
BROKEN = {
    "duplicate ACAO from a proxy": (
        raw(actual=("200 OK", [(ACAO, PAGE), (ACAO, PAGE), ("Vary", "Origin")])),
        [],
        "acao-multiple",
    ),
    "308 on the preflight": (
        raw(preflight=("308 Permanent Redirect", [(ACAO, PAGE), ("Location", "/data/")])),
        ["--method", "PUT"],
        "preflight-redirect",
    ),
    "404 preflight": (
        raw(preflight=("404 Not Found", GOOD_PREFLIGHT)),
        ["--method", "PUT"],
        "preflight-status",
    ),
    "no ACAC on a credentialed request": (
        raw(actual=("200 OK", [(ACAO, PAGE), ("Vary", "Origin")])),
        ["--credentials"],
        "acac-missing",
    ),
    "* with credentials": (
        raw(actual=("200 OK", [(ACAO, "*"), (ACAC, "true")])),
        ["--credentials"],
        "acao-wildcard-with-credentials",
    ),
    "trailing slash in ACAO": (
        raw(actual=("200 OK", [(ACAO, PAGE + "/"), ("Vary", "Origin")])),
        [],
        "acao-trailing-slash",
    ),
    "a proxy's 502 without CORS headers": (
        raw(actual=("502 Bad Gateway", [])),
        [],
        "acao-missing",
    ),
}


@pytest.mark.parametrize(("app", "args", "code"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_server_is_blocked_with_the_failing_code(
    live: Callable[[WSGIApplication], LiveServer],
    capsys: pytest.CaptureFixture[str],
    app: WSGIApplication,
    args: list[str],
    code: str,
) -> None:
    server = live(app)
    exit_code, data = doctor_json(capsys, server.url(), "--origin", PAGE, *args)
    assert exit_code == 1
    assert data["verdict"] == "blocked"
    assert data["failures"][0]["code"] == code
    assert data["exchanges"][-1]["passed"] is False
    assert code in [f["code"] for f in data["exchanges"][-1]["failures"]]


def test_a_duplicate_acao_is_shown_line_by_line_with_the_proxy_hint(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(BROKEN["duplicate ACAO from a proxy"][0])
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE)
    assert code == 1
    assert out.count(f"   < {ACAO}: {PAGE}\n") == 2
    assert "   failed: acao-multiple" in out
    assert f'which the browser joins into "{PAGE}, {PAGE}"' in out
    assert "hint:    Two Access-Control-Allow-Origin lines almost always mean two layers" in out
    assert "BLOCKED" in out


def test_a_redirected_preflight_is_not_followed_and_the_request_never_sent(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(BROKEN["308 on the preflight"][0])
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE, "--method", "PUT")
    assert code == 1
    assert server.methods == ["OPTIONS"]
    assert "   < 308 Permanent Redirect" in out
    assert "trailing-slash redirect" in out  # the hint names the usual cause
    assert "List the method" not in out  # one root cause, one hint


def test_a_missing_vary_is_a_warning_and_the_request_still_allowed(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, PAGE)])))
    code, data = doctor_json(capsys, server.url(), "--origin", PAGE)
    assert code == 0
    assert [w["code"] for w in data["warnings"]] == ["vary-origin-missing"]
    assert any("Vary: Origin" in hint for hint in data["hints"])


def test_strict_applies_the_fetch_rule_for_authorization_under_a_wildcard(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(preflight=("204 No Content", [(ACAO, "*"), (ACAH, "*")]),
                      actual=("200 OK", [(ACAO, "*")])))  # fmt: skip
    args = [server.url(), "--origin", PAGE, "-H", "Authorization: Bearer t"]
    code, data = doctor_json(capsys, *args)
    assert code == 0
    assert "authorization-wildcard" in [w["code"] for w in data["warnings"]]
    code, data = doctor_json(capsys, *args, "--strict")
    assert code == 1
    assert [f["code"] for f in data["failures"]] == ["authorization-wildcard"]


def test_a_request_fetch_refuses_is_blocked_without_any_traffic(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw())
    code, data = doctor_json(capsys, server.url(), "--origin", PAGE, "--method", "TRACE")
    assert code == 1
    assert [f["code"] for f in data["failures"]] == ["method-forbidden"]
    assert data["exchanges"] == [] and server.seen == []


def test_a_forbidden_header_is_a_warning_and_never_sent(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, "*")])))
    code, data = doctor_json(capsys, server.url(), "--origin", PAGE, "-H", "Cookie: sid=1")
    assert code == 0
    assert "request-header-forbidden" in [w["code"] for w in data["warnings"]]
    assert "cookie" not in server.seen[0][2]


def test_hostile_header_values_cannot_reach_the_terminal(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, "\x1b[2Jhttp://evil")])))
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE)
    assert code == 1
    assert "\x1b" not in out
    assert "\\x1b[2Jhttp://evil" in out


# --- colour -----------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    live: Callable[[WSGIApplication], LiveServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, "*")])))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["doctor", server.url(), "--origin", PAGE]) == 0
    assert "\x1b[32;1mALLOWED\x1b[0m" in terminal.getvalue()

    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["doctor", server.url(), "--origin", PAGE]) == 0
    assert "\x1b[" not in terminal.getvalue()
    assert "ALLOWED" in terminal.getvalue()


# --- usage errors: exit 2, a message, never a traceback ---------------------------------------


def test_connection_refused_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()
    code, out, err = doctor(capsys, f"http://127.0.0.1:{port}/data", "--origin", PAGE)
    assert code == 2 and out == ""
    assert err == (
        f"crossorigin doctor: error: cannot reach http://127.0.0.1:{port}/data: "
        f"connection refused: is the server running on 127.0.0.1:{port}?\n"
    )


def test_connection_refused_with_json_prints_an_error_object(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = doctor(capsys, f"http://127.0.0.1:{free_port()}/", "--origin", PAGE, "--json")
    assert code == 2
    assert json.loads(out)["exit_code"] == 2
    assert "connection refused" in json.loads(out)["error"]
    assert "Traceback" not in err


def test_a_server_that_never_answers_times_out_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        code, _, err = doctor(capsys, url, "--origin", PAGE, "--timeout", "0.2")
    assert code == 2
    assert err.endswith("no answer within 0.2 s (raise it with --timeout)\n")


USAGE = {
    "not http": (["ftp://example.com/", "--origin", PAGE], "not an absolute http(s) URL"),
    "no host": (["http:///x", "--origin", PAGE], "not an absolute http(s) URL"),
    "bad port": (["http://127.0.0.1:99999/", "--origin", PAGE], "is not a valid URL"),
    "userinfo": (["http://u:p@127.0.0.1/", "--origin", PAGE], "remove the user name"),
    "origin without scheme": (
        ["http://127.0.0.1/", "--origin", "localhost:3000"],
        "write scheme://host[:port]",
    ),
    "origin with a slash": (
        ["http://127.0.0.1/", "--origin", PAGE + "/"],
        f"browsers send only scheme, host and port: '{PAGE}'",
    ),
    "bad header": (["http://127.0.0.1/", "--origin", PAGE, "-H", "X Y: 1"], "not a request"),
    "bad method": (["http://127.0.0.1/", "--origin", PAGE, "--method", "P T"], "not an HTTP"),
}


@pytest.mark.parametrize(("args", "message"), USAGE.values(), ids=USAGE.keys())
def test_bad_input_exits_2_before_any_request(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = doctor(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("crossorigin doctor: error: ") and message in err


@pytest.mark.parametrize(
    "args",
    [
        ["http://127.0.0.1/"],  # --origin is required
        ["http://127.0.0.1/", "--origin", PAGE, "--timeout", "0"],
        ["http://127.0.0.1/", "--origin", PAGE, "--timeout", "soon"],
    ],
)
def test_argparse_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = doctor(capsys, *args)
    assert code == 2
    assert "usage: crossorigin doctor" in err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: crossorigin" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--help"]) == 0
    assert "Exit status: 0 allowed, 1 blocked, 2 usage error" in capsys.readouterr().out


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    import crossorigin

    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out == f"crossorigin {version('crossorigin')}\n"
    assert version("crossorigin") == crossorigin.__version__


def test_the_console_script_is_installed(live: Callable[[WSGIApplication], LiveServer]) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, PAGE)])))
    script = Path(sys.executable).with_name("crossorigin")
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [str(script), "doctor", server.url(), "--origin", PAGE, "--credentials"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "failed: acac-missing" in done.stdout
    refused = subprocess.run(
        [str(script), "doctor", f"http://127.0.0.1:{free_port()}/", "--origin", PAGE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "connection refused" in refused.stderr and "Traceback" not in refused.stderr


def one_shot_server(reply: bytes) -> tuple[str, threading.Thread, socket.socket]:
    """A TCP server that reads one request, sends ``reply`` (maybe nothing) and closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            if reply:
                conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/", thread, listener


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"", "the server closed the connection without answering"),
        (b"SSH-2.0-OpenSSH_9.2\r\n", "the server's answer is not valid HTTP (BadStatusLine)"),
    ],
)
def test_a_server_that_does_not_speak_http_exits_2(
    capsys: pytest.CaptureFixture[str], reply: bytes, message: str
) -> None:
    url, thread, listener = one_shot_server(reply)
    try:
        code, out, err = doctor(capsys, url, "--origin", PAGE, "--timeout", "5")
    finally:
        thread.join(timeout=5)
        listener.close()
    assert (code, out) == (2, "")
    assert err.endswith(message + "\n")


def test_https_to_a_plain_http_server_exits_2(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw())
    code, _, err = doctor(capsys, f"https://127.0.0.1:{server.port}/", "--origin", PAGE)
    assert code == 2
    assert err.startswith(
        f"crossorigin doctor: error: cannot reach https://127.0.0.1:{server.port}/"
    )
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["http://exämple.test/", "--origin", PAGE], "in ASCII (punycode)"),
        (["http://127.0.0.1/", "--origin", "http://exämple.test"], "no browser sends"),
    ],
)
def test_non_ascii_hosts_are_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = doctor(capsys, *args)
    assert code == 2 and message in err


def test_paths_are_percent_encoded_as_browsers_do(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(actual=("200 OK", [(ACAO, "*")])))
    code, _, _ = doctor(capsys, server.url("/a b/é?q=1 2"), "--origin", PAGE)
    assert code == 0
    assert server.seen[0][1] == "/a b/é".encode().decode("latin-1")  # decoded by WSGI


def test_a_redirect_to_a_non_http_url_is_blocked_not_followed(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = live(raw(actual=("302 Found", [(ACAO, "*"), ("Location", "ftp://files.test/x")])))
    code, data = doctor_json(capsys, server.url(), "--origin", PAGE)
    assert code == 1
    assert [f["code"] for f in data["failures"]] == ["redirect-scheme"]
    assert len(data["exchanges"]) == 1


def test_a_json_error_body_is_shown_for_a_failed_step(
    live: Callable[[WSGIApplication], LiveServer], capsys: pytest.CaptureFixture[str]
) -> None:
    def api_gateway(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = b'{"message": "Missing Authentication Token"}'
        start_response("403 Forbidden", [("Content-Type", "application/json")])
        return [body]

    server = live(api_gateway)
    code, out, _ = doctor(capsys, server.url(), "--origin", PAGE, "--method", "PUT")
    assert code == 1
    assert '   body: {"message": "Missing Authentication Token"}' in out
