"""The formal, paginated PDF: Jinja2 templates laid out by WeasyPrint."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..edition import render_template
from ..errors import DutydocsError
from ..model import Document
from . import BuildOptions, paginate, trial
from .layout import load_layout
from .measure import Estimator
from .web import context, places

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
    return lay_out(paginated_context(doc, options), options)


def lay_out(context: dict, options: BuildOptions):
    """Lay out the PDF's template with a paginated context."""
    from weasyprint import HTML

    html = render_template(options.templates, TEMPLATE, **context)
    return HTML(string=html, base_url=_base(options), url_fetcher=templates_only_fetcher(options.templates)).render(
        stylesheets=stylesheets(options)
    )


def paginated_context(doc: Document, options: BuildOptions) -> dict:
    """Return the template context with the cooperative list's rows cut to fit their pages.

    A trial layout of the whole rows measures every paragraph (trial.py), and paginate.py plans the
    pages; the plan stays in the context under "plans" for checks.
    """
    if options.page_numbers not in ("total", "dash"):
        raise DutydocsError(f"页码样式只能是 total 或 dash，而不是 {options.page_numbers}")
    ctx = {**context(doc, options), "fixed_lines": True, "plans": {}}
    lists = ctx["lists"]
    for n, view in enumerate(lists):
        if view.key == "cooperative" and view.rows:
            ctx["plans"][view.key] = plan = paginate.plan(view.rows, measure(ctx, view, options))
            lists[n] = replace(view, rows=plan.rows)
    return ctx


def measure(ctx: dict, view, options: BuildOptions) -> paginate.Heights:
    """Lay out a list's whole rows on one tall page and return the heights that paginate needs."""
    from weasyprint import CSS, HTML

    layout = load_layout(options)
    width, height = layout.text_box(view.key)
    page_width = width + sum(layout.margins(view.key)[1::2])
    trial_view = replace(view, rows=trial.trial_rows(view.rows))
    html = render_template(options.templates, TEMPLATE, **{**ctx, "lists": [trial_view]})
    fetcher = templates_only_fetcher(options.templates)
    estimate = Estimator(layout, view.key, view.columns, places(ctx["doc"]))
    tall_mm = trial.tall_page_mm(sum(estimate.row(row) for row in trial_view.rows))
    tall = CSS(string=trial.tall_page_css(page_width, tall_mm, view.landscape), url_fetcher=fetcher)
    laid = HTML(string=html, base_url=_base(options), url_fetcher=fetcher).render(
        stylesheets=[*stylesheets(options), tall]
    )
    return trial.heights(laid, view.key, view.rows, height)


def _base(options: BuildOptions) -> str:
    return options.templates.resolve().as_uri() + "/"


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the PDF."""
    return document(doc, options).write_pdf()
