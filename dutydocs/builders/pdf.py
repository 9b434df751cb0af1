"""The formal, paginated PDF: Jinja2 templates laid out by WeasyPrint."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import DutydocsError
from ..model import Document
from . import BuildOptions
from .web import context, load_layout, render_template

SUFFIX = "pdf"
TEMPLATE = "document.html.j2"
STYLESHEETS = ("common.css", "pdf.css")
DASH_STYLESHEET = "pdf-dash.css"


def templates_only_fetcher(templates: Path):
    """Return a WeasyPrint URL fetcher that serves files inside the templates folder and refuses all else."""
    from weasyprint.urls import URLFetcher, URLFetchingError

    root = templates.resolve()

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.scheme != "file" or parts.netloc or not path.is_file() or not path.is_relative_to(root):
                raise URLFetchingError(f"不允许读取模板文件夹以外的资源：{url}")
            return super().fetch(path.as_uri(), headers)

    return Fetcher(allowed_protocols=("file",))


def stylesheets(options: BuildOptions):
    """Return the CSS objects: page geometry from layout.toml, then the template stylesheets."""
    from weasyprint import CSS

    fetcher = templates_only_fetcher(options.templates)
    names = STYLESHEETS + ((DASH_STYLESHEET,) if options.page_numbers == "dash" else ())
    sheets = [CSS(string=load_layout(options).page_css(), url_fetcher=fetcher)]
    sheets += [CSS(filename=str(options.template(name)), url_fetcher=fetcher) for name in names]
    return sheets


def document(doc: Document, options: BuildOptions):
    """Return the laid-out WeasyPrint document (pages and boxes), before it is written as PDF."""
    from weasyprint import HTML

    if options.page_numbers not in ("total", "dash"):
        raise DutydocsError(f"页码样式只能是 total 或 dash，而不是 {options.page_numbers}")
    html = render_template(options, TEMPLATE, **context(doc, options, paginate=True))
    base = options.templates.resolve().as_uri() + "/"
    fetcher = templates_only_fetcher(options.templates)
    return HTML(string=html, base_url=base, url_fetcher=fetcher).render(stylesheets=stylesheets(options))


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the PDF."""
    return document(doc, options).write_pdf()
