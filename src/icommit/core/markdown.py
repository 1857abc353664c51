"""Markdown of shipped content as safe HTML: CommonMark without raw HTML, then sanitised.

Content is written by the project, but a country or city may add its own; so nothing in it is
trusted: raw HTML is not parsed, and the rendered HTML passes an allow-list sanitiser (nh3)
that keeps only text structure and links (with ``rel="noopener noreferrer"``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


#: A star inside a word is the German gender star ("Klient*innen", "Trainer*in"), never
#: emphasis: written as is, it would turn the rest of the paragraph into italics.
_GENDER_STAR = re.compile(r"(?<=[^\W\d_])\*(?=[^\W\d_])")


def render(text: str) -> SafeString:
    """Render Markdown to sanitised HTML (headings start at h2: the page owns h1). A star
    between two letters stays a star; a table scrolls on its own instead of the page."""
    html = _parser().render(_GENDER_STAR.sub(r"\*", text or ""))
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # nh3 leaves <table> without attributes; the wrapper is ours, its label escaped
    label = escape(_("Table"))
    wrap = f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}"><table>'
    clean = clean.replace("<table>", wrap).replace("</table>", "</table></div>")
    return mark_safe(clean)  # nh3 allow-list output; the only addition is our own wrapper
