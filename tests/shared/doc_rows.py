"""A page's numbered table of differences, asserted row by row.

A test file makes one :class:`RowTable` for its page, registers a check for each row with
:meth:`RowTable.row` (the row's number and phrases the row must contain), and runs
:meth:`RowTable.check_numbering` and, parametrized by :meth:`RowTable.numbers` (ids
``row-N``), :meth:`RowTable.check_row`: a row without a test, or a test without a row,
fails under its own id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TABLE_ROW = re.compile(r"^\| (?P<number>\d+) \|(?P<text>.*)\|\s*$")

Check = Callable[[pytest.LogCaptureFixture], None]


@dataclass(frozen=True)
class Row:
    says: tuple[str, ...]  # phrases the row of the table must contain
    check: Check


@dataclass
class RowTable:
    """The rows of ``page`` and the checks registered for them, by number."""

    page: Path
    rows: dict[int, Row] = field(default_factory=dict)

    def row(self, number: int, *says: str) -> Callable[[Check], Check]:
        """Registers the decorated function as the check of row ``number``."""

        def register(check: Check) -> Check:
            assert number not in self.rows, f"two tests for row {number}"
            self.rows[number] = Row(says, check)
            return check

        return register

    def table(self) -> dict[int, str]:
        """The rows of the page's table, by number."""
        rows: dict[int, str] = {}
        for line in self.page.read_text(encoding="utf-8").splitlines():
            match = TABLE_ROW.match(line)
            if match:
                number = int(match["number"])
                assert number not in rows, f"row {number} twice in {self.page.name}"
                rows[number] = match["text"]
        return rows

    def numbers(self) -> list[int]:
        """Every number of a row in the table or with a check."""
        return sorted(self.table().keys() | self.rows.keys())

    def check_numbering(self) -> None:
        table = self.table()
        assert list(table) == list(range(1, len(table) + 1))

    def check_row(self, number: int, caplog: pytest.LogCaptureFixture) -> None:
        table, name = self.table(), self.page.name
        assert number in table, f"a test for row {number}, which {name} does not have"
        assert number in self.rows, f"row {number} of {name} has no test"
        text, expected = table[number], self.rows[number]
        for phrase in expected.says:
            assert phrase in text, f"row {number} no longer says {phrase!r}: {text}"
        expected.check(caplog)


def row_id(number: int) -> str:
    return f"row-{number}"
