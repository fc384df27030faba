"""The core never imports Flask, Werkzeug or Click."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_flask() -> None:
    code = (
        "import sys\n"
        "for name in ('flask', 'werkzeug', 'click'):\n"
        "    sys.modules[name] = None\n"
        "import crossorigin\n"
        "import crossorigin.core.decide, crossorigin.core.explain, crossorigin.core.paths\n"
        "from crossorigin import build_policy, decide\n"
        "p = build_policy({'origins': ['https://a.com']})\n"
        "assert decide(p, 'GET', {'Origin': 'https://a.com'}).allowed\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_flask_names_load_lazily() -> None:
    import crossorigin

    assert crossorigin.CORS.__name__ == "CORS"
    assert crossorigin.cross_origin.__name__ == "cross_origin"
    try:
        crossorigin.nope  # noqa: B018
    except AttributeError as exc:
        assert "nope" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
