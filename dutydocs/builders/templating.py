"""The Jinja2 environment over the templates folder, and stylesheets or scripts inlined from it."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from ..errors import DutydocsError
from . import BuildOptions


def environment(options: BuildOptions) -> jinja2.Environment:
    """Return the Jinja2 environment over the templates folder: autoescape on, undefined names fail."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(options.templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(options: BuildOptions, name: str, **context) -> str:
    """Render one template, turning a template mistake into a one-line error that names the file."""
    options.template(name)
    try:
        return environment(options).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise DutydocsError(f"模板 {exc.filename or name} 第 {exc.lineno} 行有语法错误：{exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise DutydocsError(f"模板 {name} 使用了未定义的名称：{exc.message}") from None


def inline_text(options: BuildOptions, name: str, closing: str) -> Markup:
    """Return a stylesheet or script file for inlining; refuse one that would close its own element."""
    text = options.template(name).read_text("utf-8")
    if closing in text.lower():
        raise DutydocsError(f"模板 {name} 不能包含 {closing}（会提前结束内嵌的元素）")
    return Markup(text)
