"""crossorigin.probe.render: colour only where a person reads it."""

from __future__ import annotations

import io

import pytest

from crossorigin.probe import use_color


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_color_needs_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(_Terminal()) is True
    assert use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert use_color(_Terminal()) is True
    monkeypatch.setenv("TERM", "dumb")
    assert use_color(_Terminal()) is False
