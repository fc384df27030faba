"""The docs site: built with warnings as errors, with an anchor for every error id, reason
code and option, and every mention of an id or a code linked to its anchor."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from crossorigin import Reason
from crossorigin.core.errors import ERROR_IDS
from crossorigin.core.options import OPTION_NAMES

from .conftest import ROOT

PAGES = (
    "index", "installation", "quickstart", "configuration", "errors", "reasons",
    "troubleshooting", "migrating", "differences-from-flask-cors", "testing", "asgi", "cli",
    "security", "performance", "proxy", "api", "changes", "license",
)  # fmt: skip


class Page(HTMLParser):
    """Ids, and the text of each ``<code>`` with the ``href`` of the link around it."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.codes: list[tuple[str, str | None]] = []
        self._links: list[str | None] = []
        self._code: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "a":
            self._links.append(attributes.get("href"))
        elif tag == "code":
            if self._code is None:
                self._code = []
            self._depth += 1
        elif tag == "pre":
            self._depth += 1000  # code blocks: not mentions to link

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            self._links.pop()
        elif tag == "code" and self._code is not None:
            self._depth -= 1
            if self._depth == 0:
                href = next((h for h in reversed(self._links) if h), None)
                self.codes.append(("".join(self._code), href))
                self._code = None
        elif tag == "pre":
            self._depth -= 1000
            if self._depth == 0:
                self._code = None

    def handle_data(self, data: str) -> None:
        if self._code is not None and self._depth < 1000:
            self._code.append(data)


def parse(html: Path, name: str) -> Page:
    page = Page()
    page.feed((html / f"{name}.html").read_text(encoding="utf-8"))
    return page


def test_the_site_has_every_page(docs_html: Path) -> None:
    for name in PAGES:
        assert (docs_html / f"{name}.html").is_file(), name
    built = {path.stem for path in docs_html.glob("*.html")}
    sources = {path.stem for path in (ROOT / "docs").glob("*.md")}
    assert sources <= built, "every docs/*.md page is in the site"


def test_every_error_id_has_its_anchor(docs_html: Path) -> None:
    ids = parse(docs_html, "errors").ids
    missing = [code for code in ERROR_IDS if code.lower() not in ids]
    assert missing == []


def test_every_reason_code_has_its_anchor(docs_html: Path) -> None:
    ids = parse(docs_html, "reasons").ids
    missing = [reason.value for reason in Reason if reason.value not in ids]
    assert missing == []


def test_every_option_has_its_anchor(docs_html: Path) -> None:
    ids = parse(docs_html, "configuration").ids
    assert sorted(OPTION_NAMES - ids) == []


@pytest.mark.parametrize("name", PAGES)
def test_every_mention_of_an_error_id_or_reason_code_links_to_its_anchor(
    docs_html: Path, name: str
) -> None:
    reasons = {reason.value for reason in Reason} - {Reason.ALLOWED.value}
    unlinked = []
    for text, href in parse(docs_html, name).codes:
        code = text.removeprefix("crossorigin.")
        if code in ERROR_IDS:
            expected = f"#{code.lower()}"
        elif code in reasons:
            expected = f"#{code}"
        else:
            continue
        defining_row = name in ("errors", "reasons") and href is None  # no link to itself
        if (href is None or not href.endswith(expected)) and not defining_row:
            unlinked.append((text, href))
    assert unlinked == []


def test_the_links_resolve_to_existing_anchors(docs_html: Path) -> None:
    pages = {name: parse(docs_html, name) for name in PAGES}
    broken = []
    for name, page in pages.items():
        for _text, href in page.codes:
            if not href or "#" not in href or href.startswith(("http:", "https:")):
                continue
            target, anchor = href.split("#", 1)
            target_page = pages.get(target.removesuffix(".html"), page) if target else page
            if anchor not in target_page.ids:
                broken.append((name, href))
    assert broken == []


def test_the_api_reference_documents_the_public_names(docs_html: Path) -> None:
    ids = parse(docs_html, "api").ids
    for name in (
        "crossorigin.CORS",
        "crossorigin.CORS.init_app",
        "crossorigin.cross_origin",
        "crossorigin.build_policy",
        "crossorigin.Policy",
        "crossorigin.decide",
        "crossorigin.Decision",
        "crossorigin.Reason",
        "crossorigin.ConfigError",
        "crossorigin.testing.assert_cors_allowed",
        "crossorigin.testing.assert_cors_blocked",
        "crossorigin.testing.preflight",
    ):
        assert name in ids, name


def test_the_changes_page_is_changes_md(docs_html: Path) -> None:
    html = (docs_html / "changes.html").read_text(encoding="utf-8")
    assert "Version 0.1.0" in html
