"""crossorigin.flask_ext.inspect: where a policy comes from, and requests explained in-process."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Flask

from crossorigin import CORS
from crossorigin.core.fetchcheck import Failure, FetchRequest
from crossorigin.flask_ext.extension import CORSState
from crossorigin.flask_ext.inspect import annotate, governing_policy, match_endpoint, sample_path
from crossorigin.probe import Exchange, Received, Report

from .apps import SPA, api_app


def test_routes_sources_agree_with_the_middleware() -> None:
    app = api_app()
    state = app.extensions["cors"]
    assert isinstance(state, CORSState)
    for rule in app.url_map.iter_rules():
        path = sample_path(rule)
        source = governing_policy(app, path, rule.endpoint)
        resolved = state.resolve(rule.endpoint, path)
        assert (source.policy if source else None) is resolved, rule.rule


def test_match_endpoint() -> None:
    app = api_app()
    assert match_endpoint(app, "/api/items/1", "PUT") == "item"
    assert match_endpoint(app, "/api/list", "GET") == "listing"  # after the 308
    assert match_endpoint(app, "/api/items/1", "PATCH") is None  # 405
    assert match_endpoint(app, "/nowhere", "GET") is None
    decorated = governing_policy(app, "/profile", "profile")
    assert decorated is not None and decorated.label == "decorator on profile"
    prefixed = governing_policy(app, "/v2/missing", None)  # a 404 under the blueprint
    assert prefixed is not None and prefixed.label == "blueprint v2 /*"


def test_nested_blueprints_resolve_to_the_innermost_scope_with_cors() -> None:
    app = Flask(__name__, static_folder=None)
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    CORS(parent, origins=[SPA], allow_headers=["X-A"])
    child.add_url_rule("/v", "v", lambda: "v")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    source = governing_policy(app, "/p/c/v", "parent.child.v")
    assert source is not None and source.label == "blueprint parent /*"
    assert governing_policy(app, "/elsewhere", None) is None


# --- annotate: the decision from every input the request carried ------------------------------


def _blocked(stage: Literal["preflight", "request"], sent: tuple[tuple[str, str], ...]) -> Report:
    method = "OPTIONS" if stage == "preflight" else "GET"
    failure = Failure("acao-missing", "preflight" if stage == "preflight" else "response", "-")
    step = Exchange(
        stage, method, "http://localhost/x", sent, Received(403, "FORBIDDEN", ()), (failure,), ()
    )
    return Report(
        request=FetchRequest(SPA, "http://localhost/x", "GET", (), "include"),
        exchanges=(step,),
        allowed=False,
        failures=(failure,),
        warnings=(),
        preflight_needed=stage == "preflight",
        readable_headers=frozenset(),
    )


def _app() -> Flask:
    app = Flask(__name__, static_folder=None)
    CORS(app, origins=[SPA])
    app.add_url_rule("/x", "x", lambda: "x")
    return app


def test_annotate_decides_a_preflight_with_its_private_network_request() -> None:
    sent = (
        ("Origin", SPA),
        ("Access-Control-Request-Method", "GET"),
        ("Access-Control-Request-Private-Network", "true"),
    )
    report = annotate(_app(), _blocked("preflight", sent))
    assert report.reason == "preflight; private-network-not-allowed"
    assert report.reason_source == "computed"
    assert report.fixes == (
        f"private network access to '/x' refused for origin '{SPA}' - set "
        "allow_private_network=True to allow it",
    )
    assert report.hints == ()


def test_annotate_decides_a_request_with_its_cookies() -> None:
    report = annotate(_app(), _blocked("request", (("Origin", SPA), ("Cookie", "session=1"))))
    assert report.reason == "actual; credentials-not-allowed"
    assert len(report.fixes) == 1 and "supports_credentials=True" in report.fixes[0]
    assert report.fixes[0].startswith(f"request from origin '{SPA}' to '/x' carries cookies")


def test_annotate_reads_the_inputs_in_any_case() -> None:
    sent = (("origin", SPA), ("access-control-request-method", "PURGE"))
    report = annotate(_app(), _blocked("preflight", sent))
    assert report.reason == "preflight; method-not-allowed"
