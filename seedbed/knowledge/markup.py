"""Markdown and plain text written by people, turned into HTML that is safe to show.

Everything a person writes in the knowledge base (articles, questions, answers, handover notes)
goes through ``render_markdown``; comments go through ``render_plain``. Both are the only
functions whose output templates may mark safe.

How Markdown becomes safe HTML, in two independent layers:

1. markdown-it-py parses CommonMark (+ tables and ~~strikethrough~~) with raw HTML *disabled*:
   ``<script>`` in the text is shown as text. Its own link check refuses ``javascript:``,
   ``vbscript:``, ``file:`` and ``data:`` targets (after decoding entities).
2. nh3 (ammonia) then cleans the result against an allow-list: only the tags Markdown produces,
   only ``href``/``src``/``alt``/``title``/``start`` attributes, only ``http``, ``https`` and
   ``mailto`` links or relative ones; every link gets ``rel="noopener noreferrer nofollow"``.
   No ``style``, no ``on*`` handler, no ``class`` except the table alignment classes below.
   Should layer 1 ever change (a new plugin, a parser bug), layer 2 still holds.

Decisions:

- **Images only from this server.** An image whose source is a same-origin path (``/...``,
  e.g. an article's attachment) is shown; any other image (``https://elsewhere/x.png``,
  ``//host/x.png``, ``data:``) becomes a plain link labelled with its alt text. Remote images
  would tell a third party who read which article when (tracking pixels), and the
  Content-Security-Policy (``img-src 'self'``) would block them anyway.
- **Headings start at ``<h2>``**: the text's highest heading becomes ``<h2>`` and the others
  keep their distance to it (``#``/``##`` or ``##``/``###`` both give ``<h2>``/``<h3>``), so
  the page's title stays the only ``<h1>`` and no level is skipped for screen readers.
- **Table alignment is a class** (``md-align-left|center|right``) instead of markdown-it's
  inline ``style``, which the strict CSP would block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
ALIGN_CLASSES = {"md-align-left", "md-align-center", "md-align-right"}
ALLOWED_CLASSES: dict[str, set[str]] = {"th": ALIGN_CLASSES, "td": ALIGN_CLASSES}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Content of these is dropped with the tag (layer 1 never emits them; this is layer 2).
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "svg", "math"})


def is_same_origin_path(url: str) -> bool:
    """True for a path on this server (``/knowledge/...``); False for anything with a scheme,
    a host (``//host``, ``/\\host`` which browsers read as ``//host``) or control characters."""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    return not any(ord(ch) < 0x21 or ch == "\\" for ch in url)


def _image_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Same-origin images render as images; any other image becomes a link to it."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    title = token.attrGet("title")
    if is_same_origin_path(src):
        title_attr = f' title="{escape(str(title))}"' if title else ""
        return f'<img src="{escape(src)}" alt="{escape(alt)}"{title_attr}>'
    label = alt or src
    return f'<a href="{escape(src)}">{escape(label)}</a>'


def _lower_headings(state: Any) -> None:
    """Shift every heading so the text's highest one is ``<h2>`` (at most ``<h6>``)."""
    headings = [t for t in state.tokens if t.type in ("heading_open", "heading_close")]
    if not headings:
        return
    shift = 2 - min(int(t.tag[1]) for t in headings)
    for token in headings:
        token.tag = f"h{min(max(int(token.tag[1]) + shift, 2), 6)}"


def _align_as_class(state: Any) -> None:
    """markdown-it writes ``style="text-align:x"`` on table cells; a CSP-safe class instead."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs:
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrSet("class", "md-align-" + style.removeprefix("text-align:"))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_rule)
    md.core.ruler.push("seedbed_lower_headings", _lower_headings)
    md.core.ruler.push("seedbed_align_as_class", _align_as_class)
    return md


_MD = _parser()


def _img_src_filter(tag: str, attr: str, value: str) -> str | None:
    """Layer 2 of the image rule: an ``<img>`` keeps only a same-origin ``src``."""
    if tag == "img" and attr == "src" and not is_same_origin_path(value):
        return None
    return value


def sanitise_html(html: str) -> str:
    """Clean HTML against the allow-list above (for HTML that did not come from Markdown,
    too). Returns a plain ``str``; mark it safe only where it is shown."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_img_src_filter,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        allowed_classes=ALLOWED_CLASSES,
    )


def render_markdown(text: str) -> SafeString:
    """Markdown written by a person -> sanitised HTML (safe to insert into a page)."""
    if not text or not text.strip():
        return mark_safe("")
    # NUL is replaced by the CommonMark spec anyway; doing it first keeps nh3's input clean.
    html = _MD.render(text.replace("\x00", "\ufffd"))
    return mark_safe(sanitise_html(html).strip())


def render_plain(text: str) -> SafeString:
    """Plain text (comments) -> escaped HTML paragraphs with line breaks; no markup at all."""
    return mark_safe(linebreaks(text or "", autoescape=True))


__all__ = ["is_same_origin_path", "render_markdown", "render_plain", "sanitise_html"]
