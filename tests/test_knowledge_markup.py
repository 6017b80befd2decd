"""The Markdown renderer and sanitiser: hostile inputs (OWASP XSS filter evasion style) never
produce a script, an event handler, a style, or a link/image to a dangerous scheme; ordinary
Markdown still renders."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedbed.knowledge.markup import (
    ALLOWED_TAGS,
    is_same_origin_path,
    render_markdown,
    render_plain,
    sanitise_html,
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _scheme(url: str) -> str | None:
    """The scheme a browser would see (WHATWG URL parsing): leading/trailing controls and
    spaces dropped, tab/CR/LF removed anywhere, then ``alpha *(alnum / + / - / .) :``.
    Anything else (e.g. ``jav%09ascript:x``, where ``%`` cannot be in a scheme) is relative."""
    # HTMLParser has already decoded character references once, as a browser does.
    cleaned = url.strip("".join(chr(i) for i in range(0x21)))
    cleaned = re.sub("[\t\r\n]", "", cleaned)
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_safe(out: str) -> None:
    """The structural invariant of every rendering."""
    parser = _Collect()
    parser.feed(out)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, out)
        for name, value in attrs:
            assert not name.startswith("on"), (name, out)
            assert name in {"href", "src", "alt", "title", "start", "rel", "class"}, (name, out)
            if name == "class":
                assert tag in {"th", "td"} and value and value.startswith("md-align-"), out
            if name in {"href", "src"}:
                scheme = _scheme(value or "")
                assert scheme in {None, "http", "https", "mailto"}, (value, out)
            if tag == "img" and name == "src":
                assert is_same_origin_path(value or ""), out
            if tag == "a" and name == "rel":
                assert value == "noopener noreferrer nofollow"
    lowered = out.lower()
    for needle in ("<script", "<style", "<iframe", "<svg", "<math", "<object", "<embed", "<form"):
        assert needle not in lowered, (needle, out)


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{background:red}</style>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1))",
    "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[x](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1))",
    "[x](java\\script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x][ref]\n\n[ref]: http://ok.example "title\\" onmouseover=\\"alert(1)"',
    "[[inner](javascript:alert(1))](http://ok.example)",
    "[![img](javascript:alert(1))](http://ok.example)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](https://tracker.example/pixel.gif)",
    "![x](//tracker.example/pixel.gif)",
    "![x](/\\tracker.example/pixel.gif)",
    '![x" onerror="alert(1)](/ok.png)',
    '![x](/ok.png "t\\" onerror=\\"alert(1)")',
    '[x](http://ok.example "title" onclick=alert(1))',
    '[x](http://ok.example/"onmouseover="alert(1))',
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "<div>\n<script>alert(1)</script>\n</div>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "| a |\n|:--|\n| [x](javascript:alert(1)) |",
    "> <script>alert(1)</script>",
    "* <a href=javascript:alert(1)>x</a>",
    "<a href='jav\tascript:alert(1)'>x</a>",
    "\x00<script>alert(1)</script>",
    "<scri\x00pt>alert(1)</scri\x00pt>",
    "<img src=`x` onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "[x](http://ok.example)<img src=x onerror=alert(1)>",
    "＜script＞alert(1)＜/script＞",
    "[a](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[a](javascript://%0aalert(1))",
    "[a](mailto:x@example.com?body=<script>)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_safe(text: str) -> None:
    assert_safe(render_markdown(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_renders_no_markup_at_all(text: str) -> None:
    parser = _Collect()
    parser.feed(render_plain(text))
    assert {tag for tag, _attrs in parser.tags} <= {"p", "br"}
    assert all(attrs == [] for _tag, attrs in parser.tags)


@pytest.mark.parametrize("text", HOSTILE)
def test_sanitiser_alone_makes_hostile_html_safe(text: str) -> None:
    # Layer 2 on its own, as if the Markdown layer let raw HTML through.
    assert_safe(sanitise_html(text))


def test_scripts_and_handlers_become_text_not_markup() -> None:
    out = render_markdown("<script>alert(1)</script> and <img src=x onerror=alert(1)>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<img" not in out


def test_sanitiser_drops_script_content_and_handlers() -> None:
    out = sanitise_html('<p onclick="x()">ok<script>alert(1)</script><style>p{}</style></p>')
    assert out == "<p>ok</p>"


def test_javascript_link_is_not_a_link() -> None:
    assert "href" not in render_markdown("[x](javascript:alert(1))")
    assert "href" not in render_markdown("[x](&#106;avascript:alert(1))")


def test_links_get_rel_nofollow() -> None:
    out = render_markdown("[docs](https://docs.example/a?b=1&c=2)")
    assert out == (
        '<p><a href="https://docs.example/a?b=1&amp;c=2" '
        'rel="noopener noreferrer nofollow">docs</a></p>'
    )


def test_relative_and_mailto_links_stay() -> None:
    out = render_markdown("[a](/knowledge/articles/3/) [m](mailto:ada@example.com)")
    assert 'href="/knowledge/articles/3/"' in out
    assert 'href="mailto:ada@example.com"' in out


def test_same_origin_image_is_shown_remote_image_becomes_link() -> None:
    out = render_markdown("![plan](/knowledge/a.png) ![pixel](https://tracker.example/p.gif)")
    assert '<img src="/knowledge/a.png" alt="plan">' in out
    assert (
        '<a href="https://tracker.example/p.gif" rel="noopener noreferrer nofollow">pixel</a>'
        in out
    )
    assert 'tracker.example/p.gif"' not in out.split("<a")[0]


def test_data_image_is_neither_image_nor_link() -> None:
    out = render_markdown("![x](data:image/png;base64,iVBORw0KGgo=)")
    assert "<img" not in out and "data:" not in out


def test_highest_heading_becomes_h2_and_levels_keep_their_distance() -> None:
    out = render_markdown("## Goal\n\n### Detail\n\n## Steps")
    assert out == "<h2>Goal</h2>\n<h3>Detail</h3>\n<h2>Steps</h2>"
    assert render_markdown("#### Deep") == "<h2>Deep</h2>"


def test_headings_move_one_level_down() -> None:
    out = render_markdown("# One\n\n## Two\n\n###### Six")
    assert "<h2>One</h2>" in out and "<h3>Two</h3>" in out and "<h6>Six</h6>" in out
    assert "<h1" not in out


def test_tables_render_with_alignment_classes_not_styles() -> None:
    out = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th class="md-align-left">a</th>' in out
    assert '<td class="md-align-center">2</td>' in out
    assert '<td class="md-align-right">3</td>' in out
    assert "style" not in out


def test_ordinary_markdown_renders() -> None:
    text = (
        "Some **bold**, *em*, `code` and ~~gone~~.\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n> quote\n\n```\nx < y\n```\n\n---\n"
    )
    out = render_markdown(text)
    for piece in (
        "<strong>bold</strong>",
        "<em>em</em>",
        "<code>code</code>",
        "<s>gone</s>",
        "<ul>",
        '<ol start="3">',
        "<blockquote>",
        "<pre><code>x &lt; y\n</code></pre>",
        "<hr>",
    ):
        assert piece in out, piece


def test_empty_text_renders_empty() -> None:
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


def test_render_plain_escapes_and_keeps_line_breaks() -> None:
    out = render_plain("a <b>bold</b> & [x](javascript:alert(1))\nnext\n\npara")
    assert out == (
        "<p>a &lt;b&gt;bold&lt;/b&gt; &amp; [x](javascript:alert(1))<br>next</p>\n\n<p>para</p>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        "*a" * 50_000,
        "> " * 10_000 + "x",
        "- " * 10_000 + "x",
        "|a" * 10_000 + "\n" + "|-" * 10_000,
        "`" * 50_000,
        "![" * 20_000,
        "<" * 100_000,
    ],
)
def test_pathological_input_renders_quickly_and_safely(text: str) -> None:
    start = time.perf_counter()
    out = render_markdown(text)
    assert time.perf_counter() - start < 5
    assert_safe(out)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *list("<>\"'`=/\\:;&#()[]!*_-|~ \n\tabcjsvrpti0x1"),
                "javascript:",
                "data:",
                "onerror=",
                "<img ",
                "<script>",
                "](",
                "![",
                "&#",
            ]
        ),
        max_size=80,
    ).map("".join)
)
def test_any_text_renders_safe(text: str) -> None:
    assert_safe(render_markdown(text))
    assert_safe(sanitise_html(text))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("/knowledge/a.png", True),
        ("/a?b=c#d", True),
        ("//evil.example/a.png", False),
        ("/\\evil.example/a.png", False),
        ("https://x.example/a.png", False),
        ("a.png", False),
        ("/a b.png", False),
        ("/a\tb.png", False),
        ("", False),
    ],
)
def test_same_origin_path(url: str, ok: bool) -> None:
    assert is_same_origin_path(url) is ok
