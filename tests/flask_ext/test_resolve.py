"""Which policy governs a request, asked again and again: a routed request's answer is
remembered per path and method only where Flask routes by those two alone."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import version
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import BaseConverter, Map, Rule, ValidationError

from crossorigin import CORS, cross_origin
from crossorigin.flask_ext.resolve import routes_by_path

from .helpers import get

A = "https://a.example.com"
B = "https://b.example.com"
ACAO = "Access-Control-Allow-Origin"

FLASK_3_1 = tuple(int(part) for part in version("flask").split(".")[:2]) >= (3, 1)


def granted_to(response: Any) -> str | None:
    value: str | None = response.headers.get(ACAO)
    return value


def plain_app() -> Flask:
    app = Flask(__name__)

    @app.get("/item")
    @cross_origin(origins=[A])
    def item() -> str:
        return "item"

    return app


# -- when Flask routes by path and method alone -------------------------------------------


def test_a_plain_app_routes_by_path() -> None:
    assert routes_by_path(plain_app())


class Upper(BaseConverter):
    def to_python(self, value: str) -> str:
        return value.upper()


class OwnRule(Rule):
    pass


class OwnMap(Map):
    pass


class OwnAdapterFlask(Flask):
    def create_url_adapter(self, request: Any) -> Any:
        return super().create_url_adapter(request)


class OwnContextFlask(Flask):
    def request_context(self, environ: Any) -> Any:
        return super().request_context(environ)


def host_matching(app: Flask) -> None:
    app.url_map.host_matching = True


def own_converter(app: Flask) -> None:
    app.url_map.converters["upper"] = Upper


def own_rule(app: Flask) -> None:
    app.url_map.add(OwnRule("/own", endpoint="item"))


def websocket_rule(app: Flask) -> None:
    app.url_map.add(Rule("/ws", endpoint="item", websocket=True))


def own_map(app: Flask) -> None:
    app.url_map = OwnMap()


CHANGES: dict[str, Callable[[Flask], None]] = {
    "host matching": host_matching,
    "subdomain matching": lambda app: setattr(app, "subdomain_matching", True),
    "SERVER_NAME": lambda app: app.config.update(SERVER_NAME="api.example.com"),
    "TRUSTED_HOSTS": lambda app: app.config.update(TRUSTED_HOSTS=["api.example.com"]),
    "a converter of its own": own_converter,
    "a rule class of its own": own_rule,
    "a WebSocket rule": websocket_rule,
    "a map class of its own": own_map,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_the_host_or_code_of_the_apps_own_takes_part(change: Callable[[Flask], None]) -> None:
    app = plain_app()
    change(app)
    assert not routes_by_path(app)


@pytest.mark.parametrize("app_class", [OwnAdapterFlask, OwnContextFlask])
def test_an_app_class_that_routes_its_own_way_takes_part(app_class: type[Flask]) -> None:
    assert routes_by_path(Flask(__name__))
    assert not routes_by_path(app_class(__name__))


# -- the answers, asked again -------------------------------------------------------------


def alternate(client: Any, requests: Iterable[tuple[str, dict[str, Any], str | None]]) -> None:
    """Each request three times over, interleaved: what it grants never changes."""
    requests = list(requests)
    for _ in range(3):
        for path, kwargs, expected in requests:
            assert granted_to(client.open(path, **kwargs)) == expected, (path, kwargs)


def test_the_same_path_keeps_a_policy_per_method() -> None:
    app = Flask(__name__)

    @app.get("/thing")
    @cross_origin(origins=[A])
    def read() -> str:
        return "read"

    @app.post("/thing")
    def write() -> str:
        return "write"

    CORS(app, origins=[B])
    alternate(
        app.test_client(),
        [
            ("/thing", {"method": "GET", "headers": {"Origin": A}}, A),
            ("/thing", {"method": "POST", "headers": {"Origin": A}}, None),
            ("/thing", {"method": "POST", "headers": {"Origin": B}}, B),
            ("/thing", {"method": "GET", "headers": {"Origin": B}}, None),
            # A 405 takes the policy of the first allowed method's view, alphabetically.
            ("/thing", {"method": "PUT", "headers": {"Origin": A}}, A),
            ("/thing", {"method": "PUT", "headers": {"Origin": B}}, None),
        ],
    )


def test_host_matching_keeps_a_policy_per_host() -> None:
    app = Flask(__name__, host_matching=True, static_host="static.example")

    @app.get("/item", host="a.example")
    @cross_origin(origins=[A])
    def on_a() -> str:
        return "a"

    @app.get("/item", host="b.example")
    @cross_origin(origins=[B])
    def on_b() -> str:
        return "b"

    CORS(app, resources={"/other/*": {}})
    alternate(
        app.test_client(),
        [
            ("/item", {"headers": {"Origin": A, "Host": "a.example"}}, A),
            ("/item", {"headers": {"Origin": B, "Host": "b.example"}}, B),
            ("/item", {"headers": {"Origin": A, "Host": "b.example"}}, None),
        ],
    )


def test_a_converter_that_looks_things_up_is_asked_every_time() -> None:
    known = {"alice"}

    class User(BaseConverter):
        def to_python(self, value: str) -> str:
            if value not in known:
                raise ValidationError()
            return value

    app = Flask(__name__)
    app.url_map.converters["user"] = User

    @app.get("/users/<user:name>")
    @cross_origin(origins=[A])
    def profile(name: str) -> str:
        return name

    CORS(app, resources={"/users/*": {"origins": [B]}})
    client = app.test_client()
    assert granted_to(get(client, "/users/bob", B)) == B  # no such user: a 404, the app's policy
    known.add("bob")
    assert granted_to(get(client, "/users/bob", A)) == A  # now the decorated view's
    known.discard("bob")
    assert get(client, "/users/bob", A).status_code == 404
    assert granted_to(get(client, "/users/bob", B)) == B


@pytest.mark.skipif(not FLASK_3_1, reason="TRUSTED_HOSTS is Flask 3.1's")
def test_an_untrusted_host_keeps_the_path_policy_after_a_trusted_one() -> None:
    app = plain_app()
    app.config["TRUSTED_HOSTS"] = ["api.example.com"]
    CORS(app, origins=[B])
    alternate(
        app.test_client(),
        [
            ("/item", {"headers": {"Origin": A, "Host": "api.example.com"}}, A),
            ("/item", {"headers": {"Origin": B, "Host": "evil.example"}}, B),
        ],
    )


def test_a_response_made_below_the_middleware_keeps_the_path_policy() -> None:
    """A WSGI middleware installed before CORS(app) may answer without Flask routing
    the request: its response gets the path's policy, before and after the route's own
    answer is remembered."""
    app = plain_app()
    inner = app.wsgi_app

    def refuse_some(environ: dict[str, Any], start_response: Any) -> Any:
        if "HTTP_X_DENY" in environ:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"no"]
        return inner(environ, start_response)

    app.wsgi_app = refuse_some  # type: ignore[method-assign]
    CORS(app, origins=[B])
    alternate(
        app.test_client(),
        [
            ("/item", {"headers": {"Origin": B, "X-Deny": "1"}}, B),
            ("/item", {"headers": {"Origin": A}}, A),
            ("/item", {"headers": {"Origin": A, "X-Deny": "1"}}, None),
        ],
    )
