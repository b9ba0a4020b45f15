"""Statements' Markdown as safe HTML (markdown-it-py, CommonMark with tables).

Raw HTML in the text is never passed through: it is shown as text. Images
are not rendered (a public page must not load anything from elsewhere), and
a link keeps its target only when it is ``https:``, ``http:``, ``mailto:``
or a path on this site; any other (``javascript:``, ``data:``...) is shown
as plain text. Links that leave the site carry ``rel="nofollow noopener"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

SAFE_SCHEMES = ("https:", "http:", "mailto:")


def _safe_link(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith(SAFE_SCHEMES):
        return True
    # A path on this site, or a fragment: no scheme before the first / ? or #.
    head = lowered.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


def _link_open(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[index]
    href = str(token.attrGet("href") or "")
    if href.lower().startswith(("https:", "http:", "//")):
        token.attrSet("rel", "nofollow noopener")
    return renderer.renderToken(tokens, index, options, env)


class _SafeMarkdownIt(MarkdownIt):
    """CommonMark whose links must pass `_safe_link`."""

    def validateLink(self, url: str) -> bool:  # markdown-it-py names it so
        return _safe_link(url)


def _parser() -> MarkdownIt:
    parser = _SafeMarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.disable("image")
    parser.add_render_rule("link_open", _link_open)
    return parser


class MarkdownRenderer:
    """Turns a statement's Markdown into HTML that is safe to put in a page as it is."""

    def __init__(self) -> None:
        self._parser = _parser()

    def html(self, text: str) -> Markup:
        """The HTML of `text` (already escaped where needed: mark it safe in templates)."""
        rendered: Any = self._parser.render(text)
        return Markup(str(rendered))


def render_markdown(text: str) -> Markup:
    """The safe HTML of a Markdown text (one renderer per call: cheap, and no shared state)."""
    return MarkdownRenderer().html(text)
