"""Anchors for error ids, reason codes and options, and links to them from every page.

- ``errors.md``: the table row of each error id gets the anchor ``#e301``.
- ``reasons.md``: the table row of each reason code gets the anchor ``#origin-not-allowed``.
- ``configuration.md``: each option's section also gets the anchor ``#origins``.
- On every page, inline code that is an error id (`` `E301` ``, `` `crossorigin.E301` ``) or
  a reason code (`` `origin-not-allowed` ``), and an error id in plain text, link to that
  anchor. A mention of an id or code the package does not define is a warning, and so an
  error under ``sphinx-build -W``; so is an id or code without its anchor.

The Markdown pages stay plain Markdown: no roles to write, nothing to keep in step.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from crossorigin import Reason
from crossorigin.core.errors import ERROR_IDS
from crossorigin.core.options import OPTION_NAMES

logger = logging.getLogger(__name__)

ERRORS_DOC = "errors"
REASONS_DOC = "reasons"
CONFIG_DOC = "configuration"

ERROR_LITERAL = re.compile(r"(?:crossorigin\.)?(E\d{3})")
ERROR_IN_TEXT = re.compile(r"\b(?:crossorigin\.)?(E\d{3})\b")
REASONS = frozenset(reason.value for reason in Reason)
#: Reason codes that are also ordinary words in other tables: anchored, not linked.
NOT_LINKED = frozenset({Reason.ALLOWED.value})
#: Elements whose text is never turned into a link.
SKIP_INSIDE = (nodes.reference, nodes.literal_block, nodes.title, nodes.raw, nodes.target)


def _first_cell_text(row: nodes.row) -> str:
    entries = list(row.findall(nodes.entry))
    return entries[0].astext().strip() if entries else ""


class AddAnchors(SphinxTransform):
    """Give error rows, reason rows and option sections their short anchors."""

    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        anchors: set[str] = set()
        if docname in (ERRORS_DOC, REASONS_DOC):
            for row in self.document.findall(nodes.row):
                if isinstance(row.parent, nodes.thead):
                    continue
                text = _first_cell_text(row)
                if docname == ERRORS_DOC and ERROR_LITERAL.fullmatch(text):
                    anchor = text.removeprefix("crossorigin.").lower()
                elif docname == REASONS_DOC and text in REASONS:
                    anchor = text
                else:
                    continue
                self._add_id(row, anchor)
                anchors.add(anchor)
        elif docname == CONFIG_DOC:
            for section in self.document.findall(nodes.section):
                title = section.next_node(nodes.title)
                first = title.next_node(nodes.literal) if title is not None else None
                if first is None or first.parent is not title or title.index(first) != 0:
                    continue
                name = first.astext()
                if name in OPTION_NAMES:
                    self._add_id(section, name)
                    anchors.add(name)
        if anchors:
            _anchors(self.env)[docname] = anchors

    def _add_id(self, node: nodes.Element, anchor: str) -> None:
        if anchor in node["ids"]:
            return
        if anchor in self.document.ids:
            logger.warning("anchor %r is already used on this page", anchor, location=node)
            return
        node["ids"].append(anchor)
        self.document.ids[anchor] = node


def _anchors(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, "crossorigin_anchors"):
        env.crossorigin_anchors = {}  # type: ignore[attr-defined]
    return env.crossorigin_anchors  # type: ignore[attr-defined, no-any-return]


def _target(env: BuildEnvironment, text: str, node: nodes.Node) -> tuple[str, str] | None:
    """``(docname, anchor)`` for an error id or reason code, warning when it has none."""
    error = ERROR_LITERAL.fullmatch(text)
    if error:
        code = error.group(1)
        if code not in ERROR_IDS:
            logger.warning("%s is not an error id crossorigin defines", code, location=node)
            return None
        docname, anchor = ERRORS_DOC, code.lower()
    elif text in REASONS and text not in NOT_LINKED:
        docname, anchor = REASONS_DOC, text
    else:
        return None
    if anchor not in _anchors(env).get(docname, set()):
        logger.warning("%s has no anchor #%s in %s", text, anchor, docname, location=node)
        return None
    return docname, anchor


def _inside(node: nodes.Node, kinds: tuple[type[nodes.Node], ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def _defines(node: nodes.Node, anchor: str) -> bool:
    """Whether ``node`` is in the table row that defines ``anchor``."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and anchor in parent.get("ids", ()):
            return True
        parent = parent.parent
    return False


def _reference(app: Sphinx, fromdoc: str, docname: str, anchor: str) -> nodes.reference:
    uri = "" if docname == fromdoc else app.builder.get_relative_uri(fromdoc, docname)
    return nodes.reference("", "", internal=True, refuri=f"{uri}#{anchor}")


def link_mentions(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    env = app.env
    for literal in list(doctree.findall(nodes.literal)):
        if _inside(literal, SKIP_INSIDE):
            continue
        target = _target(env, literal.astext(), literal)
        if target is None or (fromdoc == target[0] and _defines(literal, target[1])):
            continue
        reference = _reference(app, fromdoc, *target)
        literal.replace_self(reference)
        reference.append(literal)
    for text in list(doctree.findall(nodes.Text)):
        if _inside(text, (*SKIP_INSIDE, nodes.literal, nodes.FixedTextElement)):
            continue
        value = str(text)
        if not ERROR_IN_TEXT.search(value):
            continue
        parts: list[nodes.Node] = []
        end = 0
        for match in ERROR_IN_TEXT.finditer(value):
            target = _target(env, match.group(0), text.parent)
            if target is None or (fromdoc == target[0] and _defines(text, target[1])):
                continue
            parts.append(nodes.Text(value[end : match.start()]))
            reference = _reference(app, fromdoc, *target)
            reference.append(nodes.Text(match.group(0)))
            parts.append(reference)
            end = match.end()
        if parts:
            parts.append(nodes.Text(value[end:]))
            text.parent.replace(text, parts)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _anchors(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _anchors(env).update(_anchors(other))


def check_every_anchor(app: Sphinx, env: BuildEnvironment) -> None:
    """Every error id and reason code the package defines has its anchor."""
    anchors = _anchors(env)
    for code in ERROR_IDS:
        if code.lower() not in anchors.get(ERRORS_DOC, set()):
            logger.warning("error id %s has no row in %s.md", code, ERRORS_DOC)
    for reason in REASONS:
        if reason not in anchors.get(REASONS_DOC, set()):
            logger.warning("reason code %s has no row in %s.md", reason, REASONS_DOC)
    for option in OPTION_NAMES:
        if option not in anchors.get(CONFIG_DOC, set()):
            logger.warning("option %s has no section in %s.md", option, CONFIG_DOC)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(AddAnchors)
    app.connect("doctree-resolved", link_mentions)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_every_anchor)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
