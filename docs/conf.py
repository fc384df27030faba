"""Sphinx configuration: the Pallets theme, Markdown pages through MyST, autodoc."""

from __future__ import annotations

import os
import sys

from pallets_sphinx_themes import ProjectLink, get_version

sys.path.insert(0, os.path.abspath("_ext"))

# -- Project -------------------------------------------------------------------------------

project = "crossorigin"
copyright = "crossorigin contributors"
author = "crossorigin contributors"
release, version = get_version("crossorigin")

# -- General -------------------------------------------------------------------------------

default_role = "code"
extensions = [
    "sphinx.ext.autodoc",
    "myst_parser",
    "pallets_sphinx_themes",
    "crossorigin_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
nitpicky = False

# -- HTML ----------------------------------------------------------------------------------

html_theme = "flask"
html_context = {
    "project_links": [
        ProjectLink("PyPI Releases", "https://pypi.org/project/crossorigin/"),
        ProjectLink("Source Code", "https://github.com/crossorigin/crossorigin/"),
        ProjectLink("Issue Tracker", "https://github.com/crossorigin/crossorigin/issues/"),
    ]
}
html_sidebars = {
    "index": ["project.html", "localtoc.html", "searchbox.html"],
    "**": ["localtoc.html", "relations.html", "searchbox.html"],
}
singlehtml_sidebars = {"index": ["project.html", "localtoc.html"]}
html_title = f"crossorigin Documentation ({version})"
html_show_sourcelink = False
