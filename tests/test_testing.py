"""crossorigin.testing: browser-judged CORS assertions for users' own test suites."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Blueprint, Flask, Response, redirect

from crossorigin import CORS, cross_origin
from crossorigin.testing import (
    assert_cors_allowed,
    assert_cors_blocked,
    cors_report,
    describe_report,
    preflight,
)

SPA = "https://app.example.com"
EVIL = "https://evil.example"


def make_app(**options: object) -> tuple[Flask, list[str]]:
    """An API on /api/* and a log of the views that ran."""
    app = Flask(__name__)
    ran: list[str] = []
    CORS(app, resources={"/api/*": {"origins": [SPA], **options}})

    @app.route("/api/items/<int:item>", methods=["GET", "PUT", "DELETE"])
    def item(item: int) -> dict[str, int]:
        ran.append(f"item {item}")
        return {"item": item}

    @app.route("/api/list/")
    def listing() -> list[int]:
        return [1]

    @app.route("/open")
    def uncovered() -> str:
        return "ok"

    return app, ran


def test_an_allowed_credentialed_put_passes_and_returns_the_report() -> None:
    app, ran = make_app(supports_credentials=True, allow_headers=["Content-Type", "X-Request-ID"])
    report = assert_cors_allowed(
        app.test_client(),
        "/api/items/7",
        origin=SPA,
        method="PUT",
        headers=["Content-Type", "X-Request-ID"],
        credentials=True,
    )
    assert report.allowed and report.preflight_needed
    assert [(e.stage, e.method, e.received.status) for e in report.exchanges] == [
        ("preflight", "OPTIONS", 200),
        ("request", "PUT", 200),
    ]
    assert dict(report.exchanges[0].sent)["Access-Control-Request-Headers"] == (
        "content-type,x-request-id"
    )
    assert report.readable_headers == {"content-length", "content-type"}
    assert ran == ["item 7"]


def test_a_blocked_request_fails_with_each_failure_the_reason_and_the_fix() -> None:
    app, ran = make_app(allow_headers=["Content-Type"])
    with pytest.raises(AssertionError) as failed:
        assert_cors_allowed(
            app.test_client(), "/api/items/1", origin=SPA, method="PUT", headers=["X-Foo"]
        )
    lines = str(failed.value).splitlines()
    assert (
        lines[0] == f"CORS blocked PUT /api/items/1 from origin '{SPA}' (credentials: same-origin)"
    )
    # the cause and its fix come first, then the failure with those that follow from it
    assert lines[1] == (
        "  fix: request header(s) 'x-foo' not allowed for '/api/items/1'; allowed: "
        "content-type - add them to allow_headers="
    )
    assert lines[2] == (
        "  - [preflight] preflight-status: The preflight response has status 403, not an ok "
        "status, because crossorigin refused the preflight (header-not-allowed); the browser "
        "sends nothing more"
    )
    assert lines[3] == (
        "      + 3 that follow from it: acao-missing, method-not-allowed, header-not-allowed"
    )
    assert [line for line in lines if line.startswith("  - ")] == [lines[2]]
    assert lines[4] == "  preflight: OPTIONS /api/items/1 -> 403 Forbidden"
    assert "  reason: preflight; header-not-allowed (computed)" in lines
    assert "before routing" not in str(failed.value)
    assert lines[-1] == "  expected: allowed"
    assert ran == []  # the browser never sends the PUT after a failed preflight


def test_the_reason_comes_from_x_cors_decision_in_debug_mode() -> None:
    app, _ = make_app(debug=True)
    with pytest.raises(AssertionError) as failed:
        assert_cors_allowed(app.test_client(), "/api/items/1", origin=EVIL)
    assert "  reason: actual; origin-not-allowed (X-CORS-Decision)" in str(failed.value)
    assert f"  fix: origin '{EVIL}' is not allowed for '/api/items/1'" in str(failed.value)


def test_assert_cors_blocked_passes_for_a_refused_origin_and_returns_the_codes() -> None:
    app, ran = make_app()
    report = assert_cors_blocked(app.test_client(), "/api/items/1", origin=EVIL)
    assert report.codes == ("acao-missing",)
    assert report.reason == "actual; origin-not-allowed"
    assert ran == ["item 1"]  # a simple GET reaches the view even when the page is refused


def test_assert_cors_blocked_fails_when_the_browser_would_allow() -> None:
    app, _ = make_app()
    with pytest.raises(AssertionError) as failed:
        assert_cors_blocked(app.test_client(), "/api/items/1", origin=SPA)
    lines = str(failed.value).splitlines()
    assert (
        lines[0] == f"CORS allowed GET /api/items/1 from origin '{SPA}' (credentials: same-origin)"
    )
    assert "  request: GET /api/items/1 -> 200 OK" in lines
    assert lines[-1] == "  expected: blocked"


def test_credentials_without_supports_credentials_name_the_option() -> None:
    app, _ = make_app()
    report = assert_cors_blocked(app.test_client(), "/api/items/1", origin=SPA, credentials=True)
    assert report.codes == ("acac-missing",)
    assert report.fixes == (
        "the page sends credentials, but the policy for '/api/items/1' has "
        "supports_credentials=False - set supports_credentials=True, with an explicit list "
        "of origins",
    )


def test_an_uncovered_path_is_blocked_with_path_not_covered() -> None:
    app, _ = make_app()
    report = assert_cors_blocked(app.test_client(), "/open", origin=SPA)
    assert report.reason == "actual; path-not-covered"
    assert report.policy == "none: no CORS policy covers this path"
    assert report.fixes == (
        "'/open' is not covered by any CORS resource pattern - add it to resources=",
    )


def test_a_trailing_slash_redirect_is_followed_like_a_browser() -> None:
    app, _ = make_app()
    report = assert_cors_allowed(app.test_client(), "/api/list", origin=SPA)
    assert [(e.url, e.received.status) for e in report.exchanges] == [
        ("http://localhost/api/list", 308),
        ("http://localhost/api/list/", 200),
    ]


def test_a_redirect_off_the_app_is_not_followed_and_says_so() -> None:
    app = Flask(__name__)
    CORS(app)
    app.add_url_rule("/go", "go", lambda: redirect("https://elsewhere.example/x"))
    report = cors_report(app.test_client(), "/go", origin=SPA)
    assert report.warning_codes[-1] == "redirect-not-followed"
    assert "crossorigin doctor https://elsewhere.example/x" in report.warnings[-1].message


def test_decorator_and_blueprint_policies_are_judged_too() -> None:
    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/v1")
    CORS(api, origins=[SPA])
    api.add_url_rule("/users", "users", lambda: "[]")
    app.register_blueprint(api)

    @app.route("/profile")
    @cross_origin(origins=[SPA], supports_credentials=True)
    def profile() -> str:
        return "me"

    client = app.test_client()
    assert_cors_allowed(client, "/v1/users", origin=SPA)
    assert_cors_blocked(client, "/v1/users", origin=EVIL)
    report = assert_cors_allowed(client, "/profile", origin=SPA, credentials=True)
    assert report.policy is not None and report.policy.startswith("decorator on profile")


def test_headers_can_be_names_pairs_or_a_mapping() -> None:
    app, _ = make_app(allow_headers=["X-Request-ID"])
    client = app.test_client()
    # Accept with a safelisted value needs no listing; Content-Type: text/plain neither.
    plain = {"Accept": "application/json", "Content-Type": "text/plain"}
    report = assert_cors_allowed(client, "/api/items/1", origin=SPA, headers=plain)
    assert not report.preflight_needed
    assert ("Content-Type", "text/plain") in report.exchanges[0].sent
    assert_cors_allowed(client, "/api/items/1", origin=SPA, headers=[("X-Request-ID", "7")])
    # A bare Content-Type means JSON, which is not safelisted and not listed here.
    assert_cors_blocked(client, "/api/items/1", origin=SPA, method="POST", headers=["Content-Type"])
    with pytest.raises(TypeError):
        assert_cors_allowed(client, "/api/items/1", origin=SPA, headers="X-Request-ID")


def test_strict_mode_still_passes_because_crossorigin_names_authorization() -> None:
    app, _ = make_app()  # allow_headers="*": crossorigin echoes the names it grants
    report = assert_cors_allowed(
        app.test_client(),
        "/api/items/1",
        origin=SPA,
        headers=[("Authorization", "Bearer t")],
        strict=True,
    )
    assert dict(report.exchanges[0].received.headers)["Access-Control-Allow-Headers"] == (
        "authorization"
    )


def test_any_flask_app_can_be_judged_even_without_crossorigin() -> None:
    app = Flask(__name__)

    @app.after_request
    def hand_written_cors(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Credentials"] = "true"
        return response

    app.add_url_rule("/data", "data", lambda: "ok")
    report = assert_cors_blocked(app.test_client(), "/data", origin=SPA, credentials=True)
    assert report.codes == ("acao-wildcard-with-credentials",)
    # crossorigin decided nothing here: no reason, no crossorigin option to change
    assert (report.reason, report.fixes) == (None, ())
    message = describe_report(report)
    assert "resources=" not in message and "reason:" not in message
    assert "  policy: none: the app does not use crossorigin" in message.splitlines()
    assert message.splitlines()[1].startswith("  - [response] acao-wildcard-with-credentials: ")
    assert message.splitlines()[-1] == (
        "  hint: A credentialed request needs the exact origin echoed, never '*': the server "
        "must send the page's origin in Access-Control-Allow-Origin, with Vary: Origin."
    )


def test_preflight_sends_what_a_browser_sends_and_returns_the_response() -> None:
    app, ran = make_app(allow_headers=["Content-Type", "X-B"], max_age=600)
    response = preflight(
        app.test_client(), "/api/items/1", origin=SPA, method="put", headers=["X-B", "Content-Type"]
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SPA
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, x-b"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert ran == []


def test_preflight_keeps_a_lower_case_patch_as_fetch_does() -> None:
    app = Flask(__name__)
    seen: list[str] = []

    @app.route("/p", methods=["OPTIONS"])
    def echo() -> str:
        from flask import request

        seen.append(request.headers.get("Access-Control-Request-Method", ""))
        seen.append(request.headers.get("Access-Control-Request-Headers", "(none)"))
        return ""

    client = app.test_client()
    preflight(client, "/p", origin=SPA, method="patch")
    preflight(client, "/p", origin=SPA, method="delete", headers={"X-A": "1"})
    assert seen == ["patch", "(none)", "DELETE", "x-a"]


def test_bad_arguments_raise_value_error_in_the_words_of_the_python_api() -> None:
    app, _ = make_app()
    client = app.test_client()
    with pytest.raises(ValueError, match="must start with '/'"):
        assert_cors_allowed(client, "api/items/1", origin=SPA)
    with pytest.raises(ValueError) as bad_origin:
        assert_cors_allowed(client, "/api/items/1", origin=SPA + "/")
    assert str(bad_origin.value) == (
        f"origin='{SPA}/' has a path; browsers send only scheme, host and port: '{SPA}'"
    )
    with pytest.raises(ValueError) as not_an_origin:
        cors_report(client, "/api/items/1", origin="app.example.com")
    assert str(not_an_origin.value).startswith("origin='app.example.com' is not an origin")
    with pytest.raises(ValueError) as bad_method:
        assert_cors_blocked(client, "/api/items/1", origin=SPA, method="GE T")
    assert str(bad_method.value) == "method='GE T' is not an HTTP method name"
    for error in (bad_origin, not_an_origin, bad_method):
        assert "--" not in str(error.value)


def make_echo_app() -> tuple[Flask, list[tuple[str, str, bytes]]]:
    app = Flask(__name__)
    CORS(app, origins=[SPA])
    seen: list[tuple[str, str, bytes]] = []

    @app.route("/echo", methods=["POST", "PUT"])
    def echo() -> dict[str, str]:
        from flask import request

        seen.append((request.method, request.content_type or "", request.get_data()))
        return {"ok": "yes"}

    return app, seen


def test_json_is_the_body_of_the_actual_request_and_needs_a_preflight() -> None:
    app, seen = make_echo_app()
    report = assert_cors_allowed(
        app.test_client(), "/echo", origin=SPA, method="PUT", json={"name": "Ada"}
    )
    assert report.preflight_needed
    assert [e.stage for e in report.exchanges] == ["preflight", "request"]
    assert seen == [("PUT", "application/json", b'{"name": "Ada"}')]
    assert ("Content-Type", "application/json") in report.exchanges[1].sent


def test_data_is_sent_as_fetch_sends_a_string() -> None:
    app, seen = make_echo_app()
    report = assert_cors_allowed(app.test_client(), "/echo", origin=SPA, method="POST", data="hi")
    assert not report.preflight_needed  # text/plain is CORS-safelisted
    assert seen == [("POST", "text/plain;charset=UTF-8", b"hi")]
    blocked = assert_cors_blocked(
        app.test_client(),
        "/echo",
        origin=EVIL,
        method="POST",
        data=b"\x00",
        headers={"Content-Type": "text/plain"},
    )
    assert blocked.codes == ("acao-missing",)
    assert seen[-1] == ("POST", "text/plain", b"\x00")  # a simple request is sent anyway


def test_a_body_is_never_sent_after_a_refused_preflight() -> None:
    app, seen = make_echo_app()
    assert_cors_blocked(app.test_client(), "/echo", origin=EVIL, method="PUT", json=[1])
    assert seen == []


def test_a_body_needs_a_method_that_takes_one_and_one_form() -> None:
    app, _ = make_echo_app()
    client = app.test_client()
    with pytest.raises(ValueError, match=r"method='GET' cannot have a body"):
        cors_report(client, "/echo", origin=SPA, json={})
    with pytest.raises(ValueError, match="json= or as data=, not both"):
        cors_report(client, "/echo", origin=SPA, method="POST", json={}, data="x")


def test_a_failed_assertion_points_pytest_at_the_callers_line(tmp_path: Path) -> None:
    test_file = tmp_path / "test_user.py"
    test_file.write_text(
        "from flask import Flask\n"
        "from crossorigin.testing import assert_cors_allowed\n"
        "\n"
        "def test_it():\n"
        "    app = Flask(__name__)\n"
        "    app.add_url_rule('/x', 'x', lambda: 'x')\n"
        "    assert_cors_allowed(app.test_client(), '/x', origin='https://a.example')  # HERE\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-p", "no:cacheprovider", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1
    assert "# HERE" in done.stdout
    assert "E       AssertionError: CORS blocked GET /x" in done.stdout
    assert "crossorigin/testing.py" not in done.stdout  # the helper's frames are hidden


def test_describe_report_is_the_assertion_message() -> None:
    app, _ = make_app()
    report = cors_report(app.test_client(), "/api/items/1", origin=EVIL)
    assert describe_report(report).splitlines()[0] == (
        f"CORS blocked GET /api/items/1 from origin '{EVIL}' (credentials: same-origin)"
    )


def test_the_module_does_not_import_pytest() -> None:
    code = "import sys\nsys.modules['pytest'] = None\nimport crossorigin.testing\n"
    subprocess.run([sys.executable, "-c", code], check=True)
