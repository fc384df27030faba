"""Every flask-cors option, as a keyword and as a ``CORS_*`` config key, and its effect;
the precedence of the option layers; and the start-up errors of the option vocabulary."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from flask import Blueprint, Flask

from crossorigin import CORS, ConfigError, cross_origin
from shared.headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACAPN,
    ACEH,
    ACMA,
    ACRH,
    ACRM,
    ACRPN,
    cors_headers,
    vary,
)

A = "https://a.example"
B = "https://b.example"
ALL_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def add_routes(app: Flask) -> None:
    @app.route("/api/data")
    def data() -> tuple[str, dict[str, str]]:
        return "data", {"X-Total": "3"}

    @app.route("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/other")
    def other() -> str:
        return "other"


def configure(app: Flask, how: str, options: dict[str, Any]) -> None:
    """Apply ``options`` as ``CORS(app, **options)`` or as ``CORS_*`` keys then ``CORS(app)``."""
    if how == "kwargs":
        CORS(app, **options)
    else:
        for name, value in options.items():
            app.config[f"CORS_{name.upper()}"] = value
        CORS(app)


class Case(NamedTuple):
    options: dict[str, Any]
    method: str
    path: str
    headers: dict[str, str]
    status: int
    cors: dict[str, str]
    #: Other headers to check: (name, value), value None for "absent"; comma-separated
    #: values are compared as sorted token lists.
    other: tuple[tuple[str, str | None], ...] = ()
    #: False when the default configuration happens to give the same answer.
    differs_from_defaults: bool = True


def pre(method: str, origin: str = A, **extra: str) -> dict[str, str]:
    return {"Origin": origin, ACRM: method, **extra}


EFFECTS = {
    "origins-listed": Case({"origins": [A]}, "GET", "/api/data", {"Origin": A}, 200, {ACAO: A}),
    "origins-unlisted": Case({"origins": [A]}, "GET", "/api/data", {"Origin": B}, 200, {}),
    "origins-one-string": Case({"origins": A}, "GET", "/api/data", {"Origin": A}, 200, {ACAO: A}),
    "methods-string": Case(
        {"methods": "GET, PUT"}, "OPTIONS", "/api/data", pre("PUT"), 200,
        {ACAO: "*", ACAM: "GET, PUT"},
    ),
    "allow_headers-pattern": Case(
        {"allow_headers": [re.compile(r"x-custom-.*")]}, "OPTIONS", "/api/data",
        pre("GET", **{ACRH: "X-Custom-Foo"}), 200,
        {ACAO: "*", ACAM: ALL_METHODS, ACAH: "x-custom-foo"}, differs_from_defaults=False,
    ),
    "allow_headers-pattern-unmatched": Case(
        {"allow_headers": [re.compile(r"x-custom-.*")]}, "OPTIONS", "/api/data",
        pre("GET", **{ACRH: "x-customer"}), 403, {},
    ),
    "expose_headers-string": Case(
        {"expose_headers": "X-Total, X-Other"}, "GET", "/api/data", {"Origin": A}, 200,
        {ACAO: "*", ACEH: "X-Total, X-Other"},
    ),
    "methods-listed": Case(
        {"methods": ["GET", "PUT"]}, "OPTIONS", "/api/data", pre("PUT"), 200,
        {ACAO: "*", ACAM: "GET, PUT"},
    ),
    "methods-unlisted": Case(
        {"methods": ["GET", "PUT"]}, "OPTIONS", "/api/data", pre("DELETE"), 403, {}
    ),
    "allow_headers-listed": Case(
        {"allow_headers": ["X-Token"]}, "OPTIONS", "/api/data", pre("GET", **{ACRH: "x-token"}),
        200, {ACAO: "*", ACAM: ALL_METHODS, ACAH: "x-token"}, differs_from_defaults=False,
    ),
    "allow_headers-unlisted": Case(
        {"allow_headers": ["X-Token"]}, "OPTIONS", "/api/data", pre("GET", **{ACRH: "x-other"}),
        403, {},
    ),
    "expose_headers": Case(
        {"expose_headers": ["X-Total"]}, "GET", "/api/data", {"Origin": A}, 200,
        {ACAO: "*", ACEH: "X-Total"},
    ),
    "supports_credentials": Case(
        {"origins": [A], "supports_credentials": True}, "GET", "/api/data", {"Origin": A}, 200,
        {ACAO: A, ACAC: "true"},
    ),
    "max_age-int": Case(
        {"max_age": 600}, "OPTIONS", "/api/data", pre("GET"), 200,
        {ACAO: "*", ACAM: ALL_METHODS, ACMA: "600"},
    ),
    "max_age-str": Case(
        {"max_age": "600"}, "OPTIONS", "/api/data", pre("GET"), 200,
        {ACAO: "*", ACAM: ALL_METHODS, ACMA: "600"},
    ),
    "max_age-timedelta": Case(
        {"max_age": timedelta(minutes=10)}, "OPTIONS", "/api/data", pre("GET"), 200,
        {ACAO: "*", ACAM: ALL_METHODS, ACMA: "600"},
    ),
    "automatic_options-off": Case(
        {"automatic_options": False}, "OPTIONS", "/api/data", pre("GET"), 200,
        {ACAO: "*", ACAM: ALL_METHODS}, (("Allow", "GET, HEAD, OPTIONS"),),
    ),
    "resources-covered": Case(
        {"resources": r"/api/*", "origins": [A]}, "GET", "/api/data", {"Origin": A}, 200,
        {ACAO: A},
    ),
    "resources-not-covered": Case(
        {"resources": r"/api/*"}, "GET", "/other", {"Origin": A}, 200, {}
    ),
    "intercept_exceptions-off": Case(
        {"intercept_exceptions": False}, "GET", "/api/boom", {"Origin": A}, 500, {}
    ),
    "always_send-off": Case(
        {"always_send": False}, "GET", "/api/data", {}, 200, {}, (("Vary", "Origin"),)
    ),
    "allow_private_network": Case(
        {"allow_private_network": True}, "OPTIONS", "/api/data",
        pre("GET", **{ACRPN: "true"}), 200, {ACAO: "*", ACAM: ALL_METHODS, ACAPN: "true"},
    ),
    "preflight_status": Case(
        {"preflight_status": 204}, "OPTIONS", "/api/data", pre("GET"), 204,
        {ACAO: "*", ACAM: ALL_METHODS},
    ),
    "debug": Case(
        {"debug": True}, "GET", "/api/data", {"Origin": A}, 200, {ACAO: "*"},
        (("X-CORS-Decision", "actual; allowed"),),
    ),
}  # fmt: skip


def tokens(value: str | None) -> str | None:
    return None if value is None else ", ".join(sorted(t.strip() for t in value.split(",")))


def run(app: Flask, case: Case) -> tuple[int, dict[str, str], dict[str, str | None]]:
    response = app.test_client().open(case.path, method=case.method, headers=case.headers)
    other = {name: tokens(response.headers.get(name)) for name, _ in case.other}
    return response.status_code, cors_headers(response), other


def expected(case: Case) -> tuple[int, dict[str, str], dict[str, str | None]]:
    return case.status, case.cors, {name: tokens(value) for name, value in case.other}


@pytest.mark.parametrize("how", ["kwargs", "config"])
@pytest.mark.parametrize("case", EFFECTS.values(), ids=EFFECTS.keys())
def test_option_is_accepted_and_has_its_effect(app: Flask, case: Case, how: str) -> None:
    add_routes(app)
    configure(app, how, case.options)

    assert run(app, case) == expected(case)


DISTINCT = {name: case for name, case in EFFECTS.items() if case.differs_from_defaults}


@pytest.mark.parametrize("case", DISTINCT.values(), ids=DISTINCT.keys())
def test_each_effect_differs_from_the_defaults(app: Flask, case: Case) -> None:
    add_routes(app)
    CORS(app)

    assert run(app, case) != expected(case)


@pytest.mark.parametrize("how", ["kwargs", "config"])
@pytest.mark.parametrize("origin", [None, A], ids=["no-origin", "origin"])
def test_send_wildcard_is_accepted_and_sends_the_literal_wildcard(
    app: Flask, how: str, origin: str | None
) -> None:
    add_routes(app)
    configure(app, how, {"send_wildcard": True, "origins": "*"})

    response = app.test_client().get("/api/data", headers={"Origin": origin} if origin else {})

    assert cors_headers(response) == {ACAO: "*"}
    assert vary(response) == []


@pytest.mark.parametrize("how", ["kwargs", "config"])
def test_vary_header_off_is_accepted_when_the_answer_never_varies(app: Flask, how: str) -> None:
    add_routes(app)
    configure(app, how, {"vary_header": False, "origins": "*"})

    response = app.test_client().get("/api/data", headers={"Origin": A})

    assert cors_headers(response) == {ACAO: "*"}
    assert vary(response) == []


@pytest.mark.parametrize("how", ["kwargs", "config"])
@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"vary_header": False, "origins": [A]}, "E302"),
        ({"vary_header": False, "always_send": False}, "E302"),
        ({"send_wildcard": True, "origins": [A], "supports_credentials": True}, "E303"),
    ],
    ids=["vary-off-with-a-list", "vary-off-without-always-send", "wildcard-with-credentials"],
)
def test_unsafe_combinations_are_refused(
    app: Flask, how: str, options: dict[str, Any], error_id: str
) -> None:
    with pytest.raises(ConfigError) as info:
        configure(app, how, options)

    assert info.value.id == error_id


def test_cors_headers_config_key_is_ignored_as_in_flask_cors(app: Flask) -> None:
    add_routes(app)
    app.config["CORS_HEADERS"] = "Content-Type"
    CORS(app)

    response = app.test_client().options("/api/data", headers=pre("GET", **{ACRH: "x-custom"}))

    assert response.status_code == 200
    assert cors_headers(response)[ACAH] == "x-custom"


# -- precedence: defaults < app.config < CORS(...) < init_app(...) < per-resource ----------


@pytest.mark.parametrize(
    ("config", "constructor", "init", "resource", "expected"),
    [
        (None, None, None, None, None),
        (100, None, None, None, "100"),
        (100, 200, None, None, "200"),
        (100, 200, 300, None, "300"),
        (100, 200, 300, 400, "400"),
        (None, None, None, 400, "400"),
        (100, None, 300, None, "300"),
        (100, None, None, 400, "400"),
    ],
    ids=[
        "default",
        "config",
        "kwargs-over-config",
        "init_app-over-kwargs",
        "resource-over-all",
        "resource-alone",
        "init_app-over-config",
        "resource-over-config",
    ],
)
def test_option_layers_override_in_order(
    app: Flask,
    config: int | None,
    constructor: int | None,
    init: int | None,
    resource: int | None,
    expected: str | None,
) -> None:
    add_routes(app)
    if config is not None:
        app.config["CORS_MAX_AGE"] = config
    resource_options = {} if resource is None else {"max_age": resource}
    constructor_options = {} if constructor is None else {"max_age": constructor}
    init_options = {} if init is None else {"max_age": init}
    cors = CORS(resources={"/api/*": resource_options}, **constructor_options)
    cors.init_app(app, **init_options)

    response = app.test_client().options("/api/data", headers=pre("GET"))

    assert response.status_code == 200
    assert cors_headers(response).get(ACMA) == expected


def test_layers_merge_option_by_option(app: Flask) -> None:
    add_routes(app)
    app.config["CORS_ORIGINS"] = [A]
    app.config["CORS_EXPOSE_HEADERS"] = ["X-Total"]
    cors = CORS(supports_credentials=True)
    cors.init_app(app, resources={"/api/*": {"max_age": 60}})
    client = app.test_client()

    actual = client.get("/api/data", headers={"Origin": A})
    answer = client.options("/api/data", headers=pre("GET"))

    assert cors_headers(actual) == {ACAO: A, ACAC: "true", ACEH: "X-Total"}
    assert cors_headers(answer) == {ACAO: A, ACAC: "true", ACAM: ALL_METHODS, ACMA: "60"}


def test_kwargs_resources_replace_config_resources(app: Flask) -> None:
    add_routes(app)
    app.config["CORS_RESOURCES"] = {"/other": {}}
    CORS(app, resources={"/api/*": {}})
    client = app.test_client()

    assert cors_headers(client.get("/api/data", headers={"Origin": A})) == {ACAO: "*"}
    assert cors_headers(client.get("/other", headers={"Origin": A})) == {}


# -- start-up errors ----------------------------------------------------------------------


def make_blueprint() -> Blueprint:
    return Blueprint("bp", __name__, url_prefix="/bp")


UNKNOWN_OPTIONS = {
    "cors-kwargs": lambda app: CORS(app, origin=[A]),
    "init_app-kwargs": lambda app: CORS().init_app(app, allowed_origins=[A]),
    "constructor-without-app": lambda app: CORS(supports_credential=True),
    "blueprint-kwargs": lambda app: CORS(make_blueprint(), origin=[A]),
    "resource-options": lambda app: CORS(app, resources={"/api/*": {"origin": [A]}}),
    "decorator": lambda app: cross_origin(origin=[A]),
}


@pytest.mark.parametrize("setup", UNKNOWN_OPTIONS.values(), ids=UNKNOWN_OPTIONS.keys())
def test_unknown_option_name_is_refused(app: Flask, setup: Any) -> None:
    with pytest.raises(ConfigError) as info:
        setup(app)

    assert info.value.id == "E001"
    assert info.value.option in ("origin", "allowed_origins", "supports_credential")


@pytest.mark.parametrize(
    "key", ["CORS_ORIGIN", "CORS_ALLOW_ORIGINS", "CORS_SUPPORT_CREDENTIALS", "CORS_MAXAGE"]
)
def test_unknown_config_key_is_refused(app: Flask, key: str) -> None:
    app.config[key] = "x"

    with pytest.raises(ConfigError) as info:
        CORS(app)

    assert info.value.id == "E503"
    assert info.value.option == key


def test_unknown_config_key_is_refused_when_a_blueprint_is_registered(app: Flask) -> None:
    app.config["CORS_ORIGIN"] = [A]
    blueprint = make_blueprint()
    CORS(blueprint)

    with pytest.raises(ConfigError) as info:
        app.register_blueprint(blueprint)

    assert info.value.id == "E503"


WRONG_TYPES = {
    "origins-int": {"origins": 42},
    "origins-bytes": {"origins": b"https://a.example"},
    "origins-dict": {"origins": {A: True}},
    "methods-int": {"methods": 42},
    "methods-list-with-int": {"methods": ["GET", 1]},
    "allow_headers-int": {"allow_headers": 42},
    "allow_headers-bytes-item": {"allow_headers": [b"X-Token"]},
    "expose_headers-int": {"expose_headers": 42},
    "supports_credentials-str": {"supports_credentials": "true"},
    "supports_credentials-int": {"supports_credentials": 1},
    "send_wildcard-str": {"send_wildcard": "yes"},
    "vary_header-none": {"vary_header": None},
    "automatic_options-int": {"automatic_options": 0},
    "intercept_exceptions-str": {"intercept_exceptions": "no"},
    "always_send-none": {"always_send": None},
    "allow_private_network-str": {"allow_private_network": "true"},
    "debug-str": {"debug": "yes"},
}


@pytest.mark.parametrize("how", ["kwargs", "config"])
@pytest.mark.parametrize("options", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_type_is_refused(app: Flask, how: str, options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as info:
        configure(app, how, options)

    assert info.value.id == "E002"


@pytest.mark.parametrize("options", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_type_is_refused_by_the_decorator(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(**options)

    assert info.value.id == "E002"


@pytest.mark.parametrize("how", ["kwargs", "config"])
@pytest.mark.parametrize("value", [42, None, b"/api/*"], ids=["int", "none", "bytes"])
def test_resources_of_the_wrong_type_is_refused(app: Flask, how: str, value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        configure(app, how, {"resources": value})

    assert info.value.id == "E002"


BAD_MAX_AGES = {
    "negative": -1,
    "float": 1.5,
    "whole-float": 600.0,
    "word": "abc",
    "negative-str": "-5",
    "float-str": "1.5",
    "bool": True,
    "negative-timedelta": timedelta(seconds=-1),
    "fractional-timedelta": timedelta(milliseconds=1500),
    "list": [600],
}


@pytest.mark.parametrize("how", ["kwargs", "config"])
@pytest.mark.parametrize("value", BAD_MAX_AGES.values(), ids=BAD_MAX_AGES.keys())
def test_max_age_must_be_whole_seconds(app: Flask, how: str, value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        configure(app, how, {"max_age": value})

    assert info.value.id == "E003"


@pytest.mark.parametrize("value", [0, "0", timedelta(0)], ids=["int", "str", "timedelta"])
def test_max_age_zero_is_sent(app: Flask, value: Any) -> None:
    add_routes(app)
    CORS(app, max_age=value)

    response = app.test_client().options("/api/data", headers=pre("GET"))

    assert cors_headers(response)[ACMA] == "0"


@pytest.mark.parametrize("value", [404, 199, 300, "204", True, None], ids=str)
def test_preflight_status_must_be_a_2xx_int(app: Flask, value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(app, preflight_status=value)

    assert info.value.id == "E004"


@pytest.mark.parametrize(
    ("config", "kwargs", "expected"),
    [(None, None, None), (100, None, None), (100, 200, "200"), (None, 200, "200")],
    ids=["default", "config", "kwargs-over-config", "kwargs"],
)
def test_blueprint_options_layer_over_the_defaults_not_the_app_config(
    app: Flask, config: int | None, kwargs: int | None, expected: str | None
) -> None:
    if config is not None:
        app.config["CORS_MAX_AGE"] = config
    blueprint = make_blueprint()

    @blueprint.route("/x")
    def x() -> str:
        return "x"

    CORS(blueprint, **({} if kwargs is None else {"max_age": kwargs}))
    app.register_blueprint(blueprint)

    response = app.test_client().options("/bp/x", headers=pre("GET"))

    assert response.status_code == 200
    assert cors_headers(response).get(ACMA) == expected


# -- initialising twice, too late, and the extension slot --------------------------------


def test_cors_twice_on_an_app_is_refused(app: Flask) -> None:
    CORS(app)

    with pytest.raises(ConfigError) as info:
        CORS(app, origins=[A])

    assert info.value.id == "E501"


def test_init_app_twice_is_refused(app: Flask) -> None:
    cors = CORS()
    cors.init_app(app)

    with pytest.raises(ConfigError) as info:
        cors.init_app(app, origins=[A])

    assert info.value.id == "E501"


def test_cors_twice_on_a_blueprint_is_refused() -> None:
    blueprint = make_blueprint()
    CORS(blueprint)

    with pytest.raises(ConfigError) as info:
        CORS(blueprint, origins=[A])

    assert info.value.id == "E501"


@pytest.mark.parametrize("target", ["app", None, 42], ids=["string", "none-in-init_app", "int"])
def test_cors_on_something_other_than_an_app_or_blueprint_is_refused(target: Any) -> None:
    with pytest.raises(ConfigError) as info:
        CORS().init_app(target)

    assert info.value.id == "E501"


def test_cors_on_a_blueprint_after_registration_is_refused(app: Flask) -> None:
    blueprint = make_blueprint()
    app.register_blueprint(blueprint)

    with pytest.raises(ConfigError) as info:
        CORS(blueprint)

    assert info.value.id == "E502"


def test_a_failed_initialisation_can_be_retried_with_a_fixed_configuration(app: Flask) -> None:
    add_routes(app)
    with pytest.raises(ConfigError):
        CORS(app, origins=["null"])

    CORS(app, origins=[A])

    assert cors_headers(app.test_client().get("/api/data", headers={"Origin": A})) == {ACAO: A}


@pytest.mark.parametrize("how", ["constructor", "init_app"])
def test_the_extension_registers_itself_in_app_extensions(app: Flask, how: str) -> None:
    assert "cors" not in app.extensions
    if how == "constructor":
        CORS(app)
    else:
        cors = CORS()
        assert "cors" not in app.extensions
        cors.init_app(app)

    assert "cors" in app.extensions


def test_a_blueprint_registers_the_extension_on_its_app(app: Flask) -> None:
    blueprint = make_blueprint()
    CORS(blueprint)
    assert "cors" not in app.extensions

    app.register_blueprint(blueprint)

    assert "cors" in app.extensions


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"methods": ["\r\nX: y"], "resources": []}, "E201"),
        ({"allow_headers": ["https://*.com"], "resources": {}}, "E203"),
        ({"expose_headers": ["a b"], "resources": {}}, "E203"),
        (
            {"origins": ["null"], "resources": {"/a": {"origins": ["https://a.example.com"]}}},
            "E103",
        ),
        ({"methods": ["TRACE"], "resources": {"/a": {"methods": ["GET"]}}}, "E202"),
    ],
)
def test_options_no_resource_uses_are_still_validated(
    options: dict[str, Any], error_id: str
) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), **options)
    assert info.value.id == error_id
    app = Flask(__name__)
    app.config.update({f"CORS_{k.upper()}": v for k, v in options.items()})
    with pytest.raises(ConfigError) as info:
        CORS(app)
    assert info.value.id == error_id


def test_a_bad_shared_option_is_reported_once_across_resources() -> None:
    resources = {"/a": {}, "/b": {}}
    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), methods=["GE T"], resources=resources)
    assert [e.id for e in info.value.all] == ["E201"]
