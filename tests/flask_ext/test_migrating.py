"""``docs/migrating.md`` shows what crossorigin really says.

- Each change of step 2 (a ``### ... (E104)`` section) has a ``pycon`` block: its ``>>>``
  lines run against a new app and raise the ``ConfigError`` with the section's id, and the
  last line (shortened with ``...``) is the start of what Python prints for it.
- The ``flask --app app cors check`` output of step 1 is what the command prints for the
  configuration shown above it (lines shortened with ``...``), with the same exit status.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from crossorigin import CORS, ConfigError

PAGE = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"
TEXT = PAGE.read_text(encoding="utf-8")
FENCED = re.compile(r"^```(?P<language>\w*)\n(?P<body>.*?)^```$", re.S | re.M)
CHANGE = re.compile(r"^### .* \((?P<id>E\d{3})\)$", re.M)
EXPECTED_IDS = ["E104", "E301", "E304", "E101"]


def shortened(shown: str) -> re.Pattern[str]:
    """A pattern for a line the page shortens with ``...``: the rest of it may be anything."""
    return re.compile(".*".join(re.escape(part) for part in shown.split("...")))


def changes() -> dict[str, str]:
    """The ``pycon`` block of each change, by the error id in its heading."""
    found: dict[str, str] = {}
    headings = list(CHANGE.finditer(TEXT))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        section = TEXT[heading.end() : following.start() if following else len(TEXT)]
        blocks = [b["body"] for b in FENCED.finditer(section) if b["language"] == "pycon"]
        assert len(blocks) == 1, f"section {heading[0]!r} needs one pycon block"
        found[heading["id"]] = blocks[0]
    return found


CHANGES = changes()


def test_the_page_shows_the_four_changes() -> None:
    assert list(CHANGES) == EXPECTED_IDS


@pytest.mark.parametrize("error_id", list(CHANGES))
def test_the_snippet_raises_the_error_shown(error_id: str) -> None:
    lines = CHANGES[error_id].splitlines()
    code = "\n".join(line[4:] for line in lines if line.startswith(">>> "))
    shown = lines[-1]
    namespace: dict[str, Any] = {"app": Flask(__name__), "CORS": CORS, "re": re}
    with pytest.raises(ConfigError) as info:
        exec(code, namespace)
    error = info.value
    assert error.id == error_id
    printed = f"{type(error).__module__}.{type(error).__qualname__}: {error}"
    assert shortened(shown).match(printed), f"the page shows\n{shown}\nPython prints\n{printed}"


def test_the_check_output_is_what_the_command_prints(tmp_path: Path) -> None:
    step = TEXT[TEXT.index("## 1.") : TEXT.index("## 2.")]
    python = [b["body"] for b in FENCED.finditer(step) if b["language"] == "python"]
    console = next(b["body"] for b in FENCED.finditer(step) if b["language"] == "console")
    command, *shown = console.splitlines()
    assert command == "$ flask --app app cors check"
    status_at = shown.index("$ echo $?")
    shown, status = shown[:status_at], int(shown[status_at + 1])

    configuration = python[-1]
    app_module = "from flask import Flask\nfrom crossorigin import CORS\n\n"
    app_module += "app = Flask(__name__)\n" + textwrap.dedent(configuration)
    (tmp_path / "app.py").write_text(app_module)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "400"}  # the page shows whole lines
    env.pop("FLASK_APP", None)
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run(
        [str(flask), "--app", "app", "cors", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    printed = done.stdout.splitlines()
    assert done.returncode == status, done.stderr
    assert len(printed) == len(shown), done.stdout
    for line, real in zip(shown, printed, strict=True):
        assert shortened(line).fullmatch(real.rstrip()), f"shown\n{line}\nprinted\n{real}"
