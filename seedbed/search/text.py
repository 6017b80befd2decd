"""Words as the index sees them: one normaliser and one tokeniser for documents and queries.

They mirror SQLite FTS5's ``unicode61 remove_diacritics 2`` tokenizer: a token is a run of
letters and digits, lower-cased, with diacritics removed ("Zürich" -> "zurich"); everything
else separates tokens. PostgreSQL is given the same tokens (joined by spaces), so both
databases see the same words and the same tests hold on both.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[^\W_]+")
# Control characters (except tab and newline) never reach the index or a snippet.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Markdown a reader does not want in a snippet: link targets, images, HTML tags, code fences,
# emphasis and heading marks.
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_TAG = re.compile(r"<[^>\n]{1,200}>")
_MD_HEADING = re.compile(r"^[ \t]*(#{1,6}|>+)[ \t]*", re.MULTILINE)
_MD_MARKS = re.compile(r"[*`~|]+|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# A token longer than this is not a word anyone types (base64, hashes): dropped.
MAX_TOKEN_LENGTH = 60


def fold(text: str) -> str:
    """Lower-case and strip diacritics, like the index does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def tokens(text: str) -> list[str]:
    """The index's tokens of ``text``, in order."""
    return [t for t in _TOKEN.findall(fold(text)) if len(t) <= MAX_TOKEN_LENGTH]


def clean(text: str) -> str:
    """Text safe to store and show: no control characters, no NUL (PostgreSQL refuses it),
    composed Unicode ("u" + combining diaeresis becomes "ü")."""
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text))


def plain_text(markdown: str) -> str:
    """Readable text of a Markdown source for indexing and snippets: link texts without
    their targets, no tags, no emphasis marks."""
    text = clean(markdown)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_TAG.sub(" ", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_MARKS.sub("", text)
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
