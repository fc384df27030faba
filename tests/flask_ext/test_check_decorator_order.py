"""``flask cors check`` finds ``@cross_origin`` written above ``@app.route``."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner, Result
from flask import Blueprint, Flask
from flask.cli import FlaskGroup

from crossorigin import CORS, cross_origin

ORIGIN = "https://app.example.com"


def invoke(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(FlaskGroup(create_app=lambda: app), list(args))


def finding_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if "decorator-above-route" in line]


def test_a_decorator_above_the_route_is_an_error() -> None:
    app = Flask(__name__)

    @cross_origin(origins=[ORIGIN])
    @app.route("/x")
    def x() -> str:
        return "x"

    line = inspect.unwrap(x).__code__.co_firstlineno
    result = invoke(app, "cors", "check", "--wide")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "error    decorator-above-route  @cross_origin is above the route decorator of x, "
        "so Flask routes to the undecorated view"
    )
    assert lines[1].strip().startswith("in: decorator on x (")
    assert lines[1].strip().endswith(f"test_check_decorator_order.py:{line})")
    assert lines[-1] == "1 error, 0 warnings in 0 CORS policies"


def test_a_decorator_below_the_route_is_not_flagged() -> None:
    app = Flask(__name__)

    @app.route("/x")
    @cross_origin(origins=[ORIGIN], allow_headers=["Content-Type"])
    def x() -> str:
        return "x"

    result = invoke(app, "cors", "check", "--wide")
    assert (result.exit_code, result.output) == (0, "No problems found in 1 CORS policy.\n")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return wrapper


def test_other_decorators_between_are_followed() -> None:
    app = Flask(__name__)
    CORS(app, origins=[ORIGIN], allow_headers=["Content-Type"])

    @app.route("/under")  # covered: the route holds login_required(cross_origin(view))
    @login_required
    @cross_origin(origins=[ORIGIN], allow_headers=["Content-Type"])
    def under() -> str:
        return "under"

    @cross_origin(origins=[ORIGIN])  # not covered: the route holds login_required(view)
    @login_required
    @app.route("/over")
    def over() -> str:
        return "over"

    result = invoke(app, "cors", "check", "--wide")
    assert result.exit_code == 1
    assert len(finding_lines(result)) == 1
    assert "route decorator of over," in finding_lines(result)[0]


def test_a_blueprint_route_below_the_decorator_is_flagged() -> None:
    bp = Blueprint("shop", __name__)

    @cross_origin(origins=[ORIGIN])
    @bp.get("/cart")
    def cart() -> str:
        return "cart"

    app = Flask(__name__)
    app.register_blueprint(bp)
    result = invoke(app, "cors", "check", "--wide")
    assert result.exit_code == 1
    assert "route decorator of shop.cart," in finding_lines(result)[0]


def test_a_decorated_function_of_another_app_is_not_reported() -> None:
    other = Flask("other")

    @cross_origin(origins=[ORIGIN])
    @other.route("/x")
    def x() -> str:
        return "x"

    app = Flask(__name__)
    CORS(app, origins=[ORIGIN], allow_headers=["Content-Type"])
    app.add_url_rule("/y", "y", lambda: "y")
    assert finding_lines(invoke(app, "cors", "check", "--wide")) == []
