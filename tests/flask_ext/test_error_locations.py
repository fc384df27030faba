"""Start-up errors name where they come from: the call's file and line, and the part of it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Blueprint, Flask

import crossorigin
from crossorigin import CORS, ConfigError, cross_origin

PACKAGE = Path(crossorigin.__file__).parent
REGEX_LIKE = r"https://.*\.example\.com"


def here() -> int:
    """The line number of the caller's line."""
    return sys._getframe(1).f_lineno


def site(line: int) -> str:
    """``file:line`` of this file as the messages write it: relative to the working
    directory when it is under it."""
    path, cwd = Path(__file__).resolve(), Path.cwd().resolve()
    return f"{path.relative_to(cwd) if path.is_relative_to(cwd) else path}:{line}"


def run_script(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"}
    command = [sys.executable, "app.py"] if not args else [
        str(Path(sys.executable).with_name("flask")), "--app", "app", *args
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60
    )


def traceback_files(stderr: str) -> list[Path]:
    return [Path(f) for f in re.findall(r'^  File "([^"]+)", line \d+', stderr, re.M)]


def frames_inside_crossorigin(stderr: str) -> int:
    return sum(path.resolve().is_relative_to(PACKAGE) for path in traceback_files(stderr))


# --- the traceback --------------------------------------------------------------------------

SCRIPTS = {
    "CORS(app)": (
        """
        from flask import Flask
        from crossorigin import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"https://.*\\.example\\.com"])
        """,
        "app.py:5, CORS(...)",
    ),
    "init_app": (
        """
        from flask import Flask
        from crossorigin import CORS
        cors = CORS(supports_credentials=True)
        app = Flask(__name__)
        cors.init_app(app, origins="*")
        """,
        "app.py:6, init_app(...)",
    ),
    "cross_origin": (
        """
        from flask import Flask
        from crossorigin import cross_origin
        app = Flask(__name__)

        @app.route("/x")
        @cross_origin(methods=["TRACE"])
        def x():
            return "x"
        """,
        "app.py:7, @cross_origin(...)",
    ),
    "blueprint": (
        """
        from flask import Blueprint, Flask
        from crossorigin import CORS
        api = Blueprint("api", __name__)
        CORS(api, resources={"/v1/*": {"origins": ["null"]}})
        app = Flask(__name__)
        app.register_blueprint(api)
        """,
        "app.py:5, CORS(...) blueprint 'api' resources['/v1/*']",
    ),
}


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_a_start_up_error_ends_in_at_most_3_crossorigin_frames(tmp_path: Path, name: str) -> None:
    source, where = SCRIPTS[name]
    done = run_script(tmp_path, source)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert traceback_files(done.stderr)[0].name == "app.py"
    assert 1 <= frames_inside_crossorigin(done.stderr) <= 3, done.stderr
    last = done.stderr.rstrip().splitlines()[-1]
    assert last == f"  in: {where}"


def test_the_traceback_of_a_start_up_error_prints_it_once(tmp_path: Path) -> None:
    done = run_script(tmp_path, SCRIPTS["CORS(app)"][0])
    assert done.stderr.count("crossorigin.E104") == 1
    assert "During handling" not in done.stderr


# --- each error once --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"origins": [REGEX_LIKE]},
        {"origins": REGEX_LIKE},
        {"origins": [REGEX_LIKE], "resources": {"/a/*": {}, "/b/*": {"methods": ["GET"]}}},
        {"origins": [REGEX_LIKE], "supports_credentials": True},
    ],
)
def test_a_bad_shared_origin_is_one_error(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), **options)
    assert [e.id for e in info.value.all] == ["E104"]
    assert str(info.value).count("E104") == 1


def test_a_bad_origin_in_the_config_and_in_the_call_is_two_errors_each_named() -> None:
    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = [REGEX_LIKE]
    with pytest.raises(ConfigError) as info:
        CORS(app, origins=[REGEX_LIKE])
    line = here() - 1
    assert [e.where for e in info.value.all] == [
        f"{site(line)}, CORS(...) app.config['CORS_ORIGINS']",
        f"{site(line)}, CORS(...)",
    ]


def test_check_prints_a_bad_origin_once(tmp_path: Path) -> None:
    done = run_script(tmp_path, SCRIPTS["CORS(app)"][0], "cors", "check")
    assert done.returncode == 1
    assert done.stdout.count("crossorigin.E104") == 1


# --- what the message names -------------------------------------------------------------------


def test_the_message_names_the_file_and_line_of_the_call() -> None:
    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), origins=["null"])
    line = here() - 1
    error = info.value
    assert error.site == site(line)
    assert error.call == "CORS(...)"
    assert str(error).splitlines()[1] == f"  in: {error.site}, CORS(...)"


def test_the_message_names_the_resource_pattern() -> None:
    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), resources={"/api/*": {"methods": ["TRACE"]}, "/b/*": {}})
    assert info.value.scope == "resources['/api/*']"
    assert str(info.value).splitlines()[1].endswith(", CORS(...) resources['/api/*']")


def test_the_message_names_the_cors_config_key() -> None:
    app = Flask(__name__)
    app.config["CORS_MAX_AGE"] = -1
    app.config["CORS_ORIGIN"] = ["https://app.example.com"]
    with pytest.raises(ConfigError) as info:
        CORS(app)
    assert [(e.id, e.scope) for e in info.value.all] == [
        ("E503", "app.config['CORS_ORIGIN']"),
        ("E003", "app.config['CORS_MAX_AGE']"),
    ]


def test_the_message_names_the_blueprint_and_the_call_that_configured_it() -> None:
    api = Blueprint("api", __name__)
    with pytest.raises(ConfigError) as info:
        CORS(api, origins=["http://lan.example"], supports_credentials=True)
    line = here() - 1
    assert info.value.id == "E304"
    assert info.value.where == f"{site(line)}, CORS(...) blueprint 'api'"


def test_the_message_of_a_blueprint_names_it_when_the_call_fails() -> None:
    with pytest.raises(ConfigError) as info:
        CORS(Blueprint("admin", __name__), max_age="soon")
    assert info.value.scope == "blueprint 'admin'"


def test_the_message_names_the_decorator() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(origins=["null"])
    line = here() - 1
    assert info.value.where == f"{site(line)}, @cross_origin(...)"


def test_every_problem_listed_says_where_it_is() -> None:
    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), resources={"/a/*": {"origins": ["null"]}, "/b/*": {"max_age": -1}})
    lines = str(info.value).splitlines()
    assert lines[2:] == [
        "(1 more problem in this configuration)",
        "- " + info.value.also[0].headline,
        f"    in: {info.value.also[0].site}, CORS(...) resources['/b/*']",
    ]


# --- flask cors check -------------------------------------------------------------------------


def test_check_shows_where_in_its_in_line(tmp_path: Path) -> None:
    done = run_script(tmp_path, SCRIPTS["blueprint"][0], "cors", "check", "--wide")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("error    crossorigin.E103")
    assert lines[1].strip() == "in: app.py:5, CORS(...) blueprint 'api' resources['/v1/*']"
    assert "loading the app" not in done.stdout


# --- E501 from an app factory -----------------------------------------------------------------

factory_blueprint = Blueprint("factory_api", __name__)


def create_app() -> Flask:
    app = Flask(__name__)
    CORS(factory_blueprint, origins=["https://app.example.com"])
    app.register_blueprint(factory_blueprint)
    return app


def test_cors_on_a_blueprint_inside_an_app_factory_says_to_move_it_to_module_level() -> None:
    create_app()
    with pytest.raises(ConfigError) as info:
        create_app()  # the second app, as each test of an app factory builds one
    message = str(info.value)
    assert info.value.id == "E501"
    assert "CORS is already initialised on blueprint 'factory_api'" in message
    assert "inside a function called more than once, such as an app factory" in message
    assert "Move CORS(blueprint, ...) to module level" in message
    line = create_app.__code__.co_firstlineno + 2
    assert info.value.where == f"{site(line)}, CORS(...) blueprint 'factory_api'"


def test_a_second_cors_call_elsewhere_names_the_first() -> None:
    api = Blueprint("twice", __name__)
    CORS(api)
    first = here() - 1
    with pytest.raises(ConfigError) as info:
        CORS(api, origins=["https://app.example.com"])
    assert str(info.value).splitlines()[0].endswith(f"; the first call is at {site(first)}")
    assert "app factory" not in str(info.value)
