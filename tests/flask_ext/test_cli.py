"""``flask cors routes|check|explain``, through Flask's CLI and its plugin entry point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Blueprint, Flask
from flask.cli import FlaskGroup

from crossorigin import CORS, ConfigError, cross_origin
from crossorigin.core.lint import check_policy
from crossorigin.core.policy import build_policy
from crossorigin.flask_ext.cli import ROUTE_COLUMNS, cors

from .apps import PROD, SPA, api_app


def invoke(app: Flask | Callable[[], Flask], *args: str) -> Result:
    """``flask cors ...`` as Flask's own CLI runs it: the group comes from the entry point."""
    create = app if not isinstance(app, Flask) else (lambda: app)
    return CliRunner().invoke(FlaskGroup(create_app=create), list(args))


# --- the plugin -----------------------------------------------------------------------------


def test_the_cors_group_is_a_flask_plugin_command() -> None:
    result = invoke(api_app, "--help")
    assert result.exit_code == 0
    assert re.search(r"^\s+cors\s+Inspect the app's CORS policies", result.output, re.M)


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(cors, ["--version"])
    assert (result.exit_code, result.output) == (0, f"crossorigin {version('crossorigin')}\n")
    assert invoke(api_app, "cors", "--version").output == result.output


def test_the_real_flask_command_finds_it(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask
            from crossorigin import CORS
            app = Flask(__name__, static_folder=None)
            CORS(app, origins=["https://app.example.com"], allow_headers=["Content-Type"])
            app.add_url_rule("/x", "x", lambda: "x")
            """
        )
    )
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FLASK_APP", None)
    done = subprocess.run(
        [str(flask), "--app", "good", "cors", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "No problems found in 1 CORS policy.\n")


# --- flask cors routes ----------------------------------------------------------------------


def table(result: Result) -> list[list[str]]:
    lines = result.output.splitlines()
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    bounds = [*starts[1:], None]
    return [[line[a:b].strip() for a, b in zip(starts, bounds, strict=True)] for line in lines]


def test_routes_lists_every_rule_with_its_policy_and_source() -> None:
    result = invoke(api_app, "cors", "routes", "--wide")
    assert result.exit_code == 0
    rows = table(result)
    assert rows[0] == list(ROUTE_COLUMNS)
    assert all(set(cell) == {"-"} for cell in rows[1])
    # widths are computed: each dashed rule is as wide as its widest cell
    lines = result.output.splitlines()
    dashes = lines[1].split("  ")
    for column, dash in enumerate(d for d in dashes if d):
        assert len(dash) == max(len(row[column]) for row in rows if row[column] != dash)
    by_endpoint = {row[0]: row for row in rows[2:]}
    assert by_endpoint["item"] == [
        "item", "DELETE, GET, PUT", "/api/items/<int:item>", f"{SPA}, {PROD}", "GET, PUT",
        "Content-Type, Authorization", "yes", "600", "app /api/*",
    ]  # fmt: skip
    assert by_endpoint["public"][3:] == [
        "*", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", "*", "no", "-", "app /api/public",
    ]  # fmt: skip
    assert by_endpoint["profile"][3] == PROD and by_endpoint["profile"][-1] == "decorator"
    assert by_endpoint["v2.users"][-1] == "blueprint v2 /*"
    assert by_endpoint["v2.users"][5] == "X-Request-ID"
    assert by_endpoint["health"][3:] == ["-", "-", "-", "-", "-", "not covered"]
    assert [row[0] for row in rows[2:]] == sorted(by_endpoint)  # default sort: endpoint


@pytest.mark.parametrize(("sort", "column"), [("rule", 2), ("source", 8), ("origins", 3)])
def test_routes_sort(sort: str, column: int) -> None:
    rows = table(invoke(api_app, "cors", "routes", "--wide", "--sort", sort))[2:]
    assert [row[column] for row in rows] == sorted(row[column] for row in rows)


def test_routes_sort_match_keeps_flasks_order() -> None:
    app = api_app()
    rows = table(invoke(app, "cors", "routes", "--wide", "--sort", "match"))[2:]
    assert [row[0] for row in rows] == [rule.endpoint for rule in app.url_map.iter_rules()]


def test_routes_sort_is_a_choice() -> None:
    result = invoke(api_app, "cors", "routes", "--wide", "--sort", "size")
    assert result.exit_code == 2
    assert "Invalid value for '--sort' / '-s'" in result.output


def test_routes_all_methods_shows_head_and_options() -> None:
    rows = table(invoke(api_app, "cors", "routes", "--wide", "--all-methods"))
    assert {row[0]: row[1] for row in rows[2:]}["public"] == "GET, HEAD, OPTIONS"


def test_routes_says_so_in_one_sentence_when_nothing_is_covered() -> None:
    app = Flask(__name__)
    app.add_url_rule("/x", "x", lambda: "x")
    result = invoke(app, "cors", "routes", "--wide")
    assert (result.exit_code, result.output) == (
        0,
        "No route is covered by a CORS policy: add CORS(app) or @cross_origin.\n",
    )
    empty = invoke(Flask(__name__, static_folder=None), "cors", "routes", "--wide")
    assert empty.output == "No routes were registered.\n"


def test_routes_reports_a_configuration_error_without_a_traceback() -> None:
    def broken() -> Flask:
        app = Flask(__name__)
        CORS(app, origins="*", supports_credentials=True)
        return app

    result = invoke(broken, "cors", "routes", "--wide")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: crossorigin.E301: supports_credentials=True")
    assert "Traceback" not in result.output


# --- flask cors check -----------------------------------------------------------------------


def app_with(**options: Any) -> Flask:
    app = Flask(__name__, static_folder=None)
    CORS(app, **options)
    app.add_url_rule("/x", "x", lambda: "x")
    return app


def test_check_passes_a_clean_configuration() -> None:
    result = invoke(
        app_with(origins=[PROD], allow_headers=["Content-Type"]), "cors", "check", "--wide"
    )
    assert (result.exit_code, result.output) == (0, "No problems found in 1 CORS policy.\n")


def test_check_reports_a_config_error_raised_while_loading_with_its_id() -> None:
    def broken() -> Flask:
        app = Flask(__name__)
        CORS(app, origins="*", supports_credentials=True)
        return app

    line = broken.__code__.co_firstlineno + 2
    result = invoke(broken, "cors", "check", "--wide")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "error    crossorigin.E301  supports_credentials=True cannot be combined with origins"
    )
    assert lines[1].strip() == f"in: tests/flask_ext/test_cli.py:{line}, CORS(...)"
    assert lines[2] == "1 error: the app cannot start with this CORS configuration"
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a ConfigError


def test_check_reports_every_config_error_of_the_app() -> None:
    def broken() -> Flask:
        app = Flask(__name__)
        CORS(
            app,
            resources={
                "/api/*": {"origins": ["null", "localhost:3000"], "methods": ["TRACE"]},
                "/b/*": {"allow_headers": ["X Bad"]},
            },
        )
        return app

    result = invoke(broken, "cors", "check", "--wide")
    assert result.exit_code == 1
    ids = [line.split()[1] for line in result.output.splitlines() if line.startswith("error")]
    assert ids == [f"crossorigin.{i}" for i in ("E103", "E101", "E202", "E203")]
    wheres = [line.strip() for line in result.output.splitlines() if "in: " in line]
    site = f"test_cli.py:{broken.__code__.co_firstlineno + 2}, CORS(...)"
    assert [where.partition(site)[2] for where in wheres] == [
        " resources['/api/*']",
        " resources['/api/*']",
        " resources['/api/*']",
        " resources['/b/*']",
    ]
    assert result.output.splitlines()[-1] == (
        "4 errors: the app cannot start with this CORS configuration"
    )


def test_check_reports_the_errors_of_every_cors_call_and_decorator() -> None:
    def broken() -> Flask:
        app = Flask(__name__)
        app.config["CORS_SUPPORTS_CREDENTIALS"] = True
        api = Blueprint("api", __name__)
        CORS(api, origins=["https://ok.example", "http://lan.example"], supports_credentials=True)
        CORS(app, origins="*")

        @app.route("/one")
        @cross_origin(methods=["TRACE"])
        def one() -> str:
            return "one"

        @app.route("/two")
        @cross_origin(origins=["null"], max_age=-1)
        def two() -> str:
            return "two"

        app.register_blueprint(api)
        return app

    result = invoke(broken, "cors", "check", "--wide")
    assert result.exit_code == 1
    ids = [line.split()[1] for line in result.output.splitlines() if line.startswith("error")]
    assert ids == [f"crossorigin.{i}" for i in ("E304", "E301", "E202", "E003", "E103")]
    assert result.output.splitlines()[-1] == (
        "5 errors: the app cannot start with this CORS configuration"
    )


def test_outside_check_the_first_refusal_still_stops_start_up() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(methods=["TRACE"])
    assert info.value.id == "E202"
    with pytest.raises(ConfigError):
        CORS(Flask(__name__), origins=["null"])


def test_check_reports_a_decorator_error_raised_at_import(tmp_path: Path) -> None:
    (tmp_path / "brokenapp.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask
            from crossorigin import cross_origin
            app = Flask(__name__)

            @app.route("/x")
            @cross_origin(origins=["https://app.example.com/path"])
            def x():
                return "x"
            """
        )
    )
    flask = Path(sys.executable).with_name("flask")
    env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"}
    done = subprocess.run(
        [str(flask), "--app", "brokenapp", "cors", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("error    crossorigin.E102  origins entry")
    assert "Traceback" not in done.stderr


def test_check_reports_the_findings_of_the_policy_linter() -> None:
    options = {"origins": [PROD], "allow_headers": ["X-A"], "max_age": 86400}
    result = invoke(app_with(**options), "cors", "check", "--wide")
    expected = check_policy(build_policy(options))
    assert [code for _, code, _ in expected] == ["max-age-above-cap"]
    assert result.output.splitlines()[0] == f"warning  max-age-above-cap  {expected[0][2]}"
    assert result.exit_code == 0


def test_check_prints_start_up_errors_first_and_exits_1_for_ci() -> None:
    def broken() -> Flask:
        return app_with(
            resources={
                "/x": {"origins": ["ws://localhost:3000", "http://app.example.com"],
                       "supports_credentials": True, "allow_headers": ["X-A"]},
            },
        )  # fmt: skip

    result = invoke(broken, "cors", "check", "--wide")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "error    crossorigin.E111  origins entry 'ws://localhost:3000': browsers never send"
    )
    assert lines[1].strip().endswith(", CORS(...) resources['/x']")
    assert lines[2].startswith("error    crossorigin.E304  supports_credentials=True with")
    assert lines[-1] == "2 errors: the app cannot start with this CORS configuration"


#: Origins no browser sends as written: refused by build_policy and reported by check
#: with the same id, never passed at start-up and flagged only by the linter.
NEVER_SENT = {
    "ws://localhost:3000": "E111",
    "file://x": "E111",
    "http://0x7f.0.0.1": "E101",
    "http://127.1:3000": "E101",
    "http://[0:0:0:0:0:0:0:1]:3000": "E101",
    "http://256.1.1.1": "E101",
}


@pytest.mark.parametrize(("origin", "error_id"), NEVER_SENT.items())
def test_check_and_start_up_agree_on_origins_no_browser_sends(origin: str, error_id: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_policy({"origins": [origin]})
    assert info.value.id == error_id

    def broken() -> Flask:
        return app_with(origins=[origin], allow_headers=["X-A"])

    result = invoke(broken, "cors", "check", "--wide")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"error    crossorigin.{error_id}  {info.value.headline.split(': ', 1)[1]}"
    )


def test_check_warns_and_exits_0() -> None:
    result = invoke(api_app, "cors", "check", "--wide")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # the item route accepts DELETE, which its policy (methods GET, PUT) refuses
    assert lines[0] == (
        "warning  route-method-refused  route /api/items/<int:item> (item) accepts "
        "DELETE, but its CORS policy does not allow it, so cross-origin pages are refused; "
        "add it to methods= if pages should call it"
    )
    assert lines[1].strip() == "in: app /api/*"
    assert lines[-1] == "0 errors, 1 warning in 4 CORS policies"


def test_check_groups_a_warning_over_many_policies() -> None:
    app = Flask(__name__, static_folder=None)
    CORS(app, resources={"/a/*": {"max_age": 86400}, "/b/*": {"max_age": 86400}})
    app.add_url_rule("/a/x", "a", lambda: "a")
    app.add_url_rule("/b/x", "b", lambda: "b")
    lines = invoke(app, "cors", "check", "--wide").output.splitlines()
    assert lines[0].startswith("warning  max-age-above-cap  max_age=86400")
    assert lines[1].strip() == "in: app /a/*, app /b/*"
    assert lines[-1] == "0 errors, 1 warning in 2 CORS policies"


def test_the_default_configuration_passes_check_strict() -> None:
    app = Flask(__name__)
    CORS(app)
    app.add_url_rule("/x", "x", lambda: "x")
    result = invoke(app, "cors", "check", "--wide", "--strict")
    assert (result.exit_code, result.output) == (0, "No problems found in 1 CORS policy.\n")


def test_check_strict_fails_on_warnings() -> None:
    app = app_with(origins=[PROD], max_age=86400)
    assert invoke(app, "cors", "check", "--wide").exit_code == 0
    assert invoke(app, "cors", "check", "--wide", "--strict").exit_code == 1


def test_check_flags_a_resource_pattern_that_covers_no_route() -> None:
    app = app_with(resources={"/x": {}, "/apii/*": {}}, allow_headers=["X-A"])
    result = invoke(app, "cors", "check", "--wide")
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "warning  resource-unused  resource pattern '/apii/*' covers no route (other policies "
        "govern them, or the pattern has a typo)",
        "                          in: app /apii/*",
    ]


def test_check_without_any_policy_says_so() -> None:
    result = invoke(Flask(__name__), "cors", "check", "--wide")
    assert (result.exit_code, result.output) == (
        0,
        "No CORS policy is configured: add CORS(app) or @cross_origin.\n",
    )


# --- flask cors explain ---------------------------------------------------------------------


def explain(app: Flask | Callable[[], Flask], *args: str) -> Result:
    return invoke(app, "cors", "explain", *args)


def test_explain_an_allowed_preflighted_put() -> None:
    app = api_app()
    result = explain(
        app, "--origin", SPA, "--method", "PUT", "-H", "Content-Type", "--credentials",
        "/api/items/3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "PUT http://localhost/api/items/3"
    assert "1. preflight: OPTIONS http://localhost/api/items/3" in lines
    assert "2. request: PUT http://localhost/api/items/3" in lines
    assert lines.count("   passed") == 2
    assert any(line.startswith("ALLOWED  ") for line in lines)
    assert "  reason:  actual; allowed (computed)" in lines
    assert any(line.startswith("  policy:  app /api/* (origins: ") for line in lines)
    assert app.extensions["calls"] == ["PUT 3"]


def test_explain_a_refused_method_prints_each_failed_step_the_reason_and_the_fix() -> None:
    app = api_app()
    result = explain(app, "--origin", SPA, "--method", "DELETE", "/api/items/3")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "   < 403 Forbidden" in lines
    assert "   failed: preflight-status, acao-missing, method-not-allowed" in lines
    verdict = next(i for i, line in enumerate(lines) if line.startswith("BLOCKED  "))
    # the cause and its fix first, then the one failure with those that follow from it
    assert lines[verdict + 1 : verdict + 4] == [
        "  fix:     method 'DELETE' is not allowed for '/api/items/3'; allowed: GET, PUT - "
        "add it to methods=",
        "  error   [preflight] preflight-status: The preflight response has status 403, not an "
        "ok status, because crossorigin refused the preflight (method-not-allowed); the browser "
        "sends nothing more",
        "          + 2 that follow from it: acao-missing, method-not-allowed",
    ]
    assert "before routing" not in result.output
    assert "  reason:  preflight; method-not-allowed (computed)" in lines
    assert app.extensions["calls"] == []  # the DELETE is never sent


def test_explain_reads_x_cors_decision_when_the_app_is_in_debug_mode() -> None:
    def debug_app() -> Flask:
        app = app_with(origins=[PROD], debug=True)
        return app

    result = explain(debug_app, "--origin", SPA, "/x")
    assert result.exit_code == 1
    assert "   < X-CORS-Decision: actual; origin-not-allowed" in result.output
    assert "  reason:  actual; origin-not-allowed (X-CORS-Decision)" in result.output
    assert f"  fix:     origin '{SPA}' is not allowed for '/x'; allowed: {PROD}" in result.output


def test_explain_json() -> None:
    result = explain(api_app, "--origin", PROD, "--credentials", "--json", "/profile")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verdict"] == "allowed" and data["exit_code"] == 0
    assert data["policy"].startswith("decorator on profile (origins: https://app.example.com")
    assert data["reason"] == "actual; allowed" and data["reason_source"] == "computed"
    assert ["Access-Control-Allow-Credentials", "true"] in data["exchanges"][0]["headers"]


def test_explain_names_supports_credentials_when_the_policy_lacks_it() -> None:
    result = explain(api_app, "--origin", SPA, "--credentials", "--json", "/v2/users")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [f["code"] for f in data["failures"]] == ["acac-missing"]
    assert data["policy"].startswith("blueprint v2 /*")
    assert data["fixes"] == [
        "the page sends credentials, but the policy for '/v2/users' has "
        "supports_credentials=False - set supports_credentials=True, with an explicit list "
        "of origins"
    ]


def test_explain_an_uncovered_path() -> None:
    result = explain(api_app, "--origin", SPA, "--json", "/health")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["reason"] == "actual; path-not-covered"
    assert data["fixes"] == [
        "'/health' is not covered by any CORS resource pattern - add it to resources="
    ]


def test_explain_follows_a_trailing_slash_redirect() -> None:
    result = explain(api_app, "--origin", SPA, "--json", "/api/list")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert [s["status"] for s in data["exchanges"]] == [308, 200]


def test_explain_a_view_that_raises_sees_a_500_with_cors_headers() -> None:
    def debug_app() -> Flask:
        app = api_app()
        app.debug = True  # would propagate the exception in the test client
        return app

    result = explain(debug_app, "--origin", SPA, "--json", "/api/boom")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["exchanges"][-1]["status"] == 500


def test_explain_usage_errors_exit_2() -> None:
    assert explain(api_app, "--origin", SPA, "api/x").exit_code == 2
    bad_origin = explain(api_app, "--origin", "localhost:3000", "/x")
    assert bad_origin.exit_code == 2 and "write scheme://host[:port]" in bad_origin.output
    assert explain(api_app, "/x").exit_code == 2  # --origin is required


def test_explain_reports_a_configuration_error_cleanly() -> None:
    def broken() -> Flask:
        raise ConfigError("E103", "origins entry 'null': refused", option="origins")

    result = explain(broken, "--origin", SPA, "/x")
    assert result.exit_code == 1
    assert result.stderr == "Error: crossorigin.E103: origins entry 'null': refused\n"


def test_the_group_works_inside_an_app_context() -> None:
    app = api_app()
    with app.app_context():
        result = CliRunner().invoke(cors, ["routes", "--sort", "rule"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("Endpoint")


def test_routes_handles_custom_converters_and_subdomains() -> None:
    from werkzeug.routing import BaseConverter

    class Picky(BaseConverter):
        def to_url(self, value: Any) -> str:
            raise ValueError("never '1'")

    app = Flask(__name__, static_folder=None)
    app.config["SERVER_NAME"] = "example.test"
    app.url_map.converters["picky"] = Picky
    CORS(app, resources={"/things/*": {"origins": [SPA], "allow_headers": ["X-A"]}})
    app.add_url_rule("/things/<picky:name>", "thing", lambda name: name)
    app.add_url_rule("/", "home", lambda: "", subdomain="api")
    rows = table(invoke(app, "cors", "routes", "--wide"))
    assert rows[0][:4] == ["Endpoint", "Methods", "Subdomain", "Rule"]
    by_endpoint = {row[0]: row for row in rows[2:]}
    assert by_endpoint["home"][2] == "api"
    # the rule's text is matched when no concrete path can be built
    assert by_endpoint["thing"][-1] == "app /things/*"


def test_explain_a_request_fetch_refuses_sends_nothing() -> None:
    app = api_app()
    result = explain(app, "--origin", SPA, "--method", "TRACE", "--json", "/api/items/1")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [f["code"] for f in data["failures"]] == ["method-forbidden"]
    assert data["exchanges"] == [] and data["reason"] is None
    assert app.extensions["calls"] == []


# --- fitting the terminal -------------------------------------------------------------------


def test_routes_fit_80_columns_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    lines = invoke(api_app, "cors", "routes").output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].startswith("Endpoint")
    assert any(line.rstrip().endswith("...") or "...  " in line for line in lines[2:])
    wide = invoke(api_app, "cors", "routes", "--wide").output.splitlines()
    assert max(len(line) for line in wide) > 80
    assert "http://localhost:3000, https://app.example.com" in "\n".join(wide)


def test_routes_follow_the_columns_of_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    lines = invoke(api_app, "cors", "routes").output.splitlines()
    assert 80 < max(len(line) for line in lines) <= 120


def test_routes_json_has_every_cell_whole() -> None:
    rows = json.loads(invoke(api_app, "cors", "routes", "--json").output)
    item = next(row for row in rows if row["endpoint"] == "item")
    assert item["rule"] == "/api/items/<int:item>"
    assert item["origins"] == "http://localhost:3000, https://app.example.com"
    assert item["source"] == "app /api/*"
    assert set(item) == {c.lower() for c in ROUTE_COLUMNS}


def test_check_wraps_messages_under_their_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    result = invoke(api_app, "cors", "check")
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert max(len(line) for line in lines) <= 80
    assert lines[0].startswith("warning  route-method-refused  route /api/items/<int:item>")
    column = len("warning  route-method-refused  ")
    assert all(line.startswith(" " * column) for line in lines[1:-1])
    assert "in: app /api/*" in [line.strip() for line in lines]
    wide = invoke(api_app, "cors", "check", "--wide").output.splitlines()
    words = " ".join(line.strip() for line in lines[:-1]).split()
    assert words == " ".join(line.strip() for line in wide[:-1]).split()  # nothing lost


def test_check_json() -> None:
    result = invoke(api_app, "cors", "check", "--json", "--strict")
    data = json.loads(result.output)
    assert result.exit_code == data["exit_code"] == 1
    assert data["summary"] == "0 errors, 1 warning in 4 CORS policies"
    (finding,) = data["findings"]
    assert (finding["level"], finding["code"], finding["where"]) == (
        "warning",
        "route-method-refused",
        "app /api/*",
    )
