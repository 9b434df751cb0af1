"""The HTML edition: one self-contained page with table of contents, category filter and search."""

from __future__ import annotations

from markupsafe import Markup

from ..edition import inline_text, render_template
from ..model import Document
from . import BuildOptions
from .web import context

SUFFIX = "html"
TEMPLATE = "edition.html.j2"
STYLESHEETS = ("common.css", "web.css")
SCRIPT = "web.js"


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the HTML edition (UTF-8)."""
    styles = Markup("\n").join(inline_text(options.templates, name, "</style") for name in STYLESHEETS)
    script = inline_text(options.templates, SCRIPT, "</script")
    html = render_template(
        options.templates, TEMPLATE, **context(doc, options), fixed_lines=False, styles=styles, script=script
    )
    return html.encode("utf-8")
