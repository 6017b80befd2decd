"""Line diffs between two versions of an article's Markdown (difflib), as rows of a
side-by-side table, as unified diff text (the API), and as counts of lines added/removed.

Rows carry plain text: templates escape it like any other text, so a ``<script>`` in an old
version shows as text in the diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# difflib's "autojunk" heuristic (ignore very frequent lines) is off for ordinary articles, so
# repeated lines such as blank ones still pair up; texts longer than this keep it on, which
# bounds the time of a diff between two very long versions.
AUTOJUNK_FROM_LINES = 2000


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff. ``kind``: equal, replace, delete, insert, or skip (a
    folded stretch of ``skipped`` unchanged lines). Line numbers start at 1; None where the
    side has no line."""

    kind: str
    old_no: int | None = None
    old_text: str = ""
    new_no: int | None = None
    new_text: str = ""
    skipped: int = 0


@dataclass(frozen=True)
class DiffStats:
    added: int
    removed: int


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def _matcher(old: list[str], new: list[str]) -> difflib.SequenceMatcher[str]:
    autojunk = max(len(old), len(new)) > AUTOJUNK_FROM_LINES
    return difflib.SequenceMatcher(None, old, new, autojunk=autojunk)


def side_by_side(old: str, new: str, *, context: int | None = 3) -> list[DiffRow]:
    """Rows pairing old and new lines. Unchanged stretches longer than ``2 * context`` lines
    are folded into one ``skip`` row (``context=None`` shows everything)."""
    a, b = _lines(old), _lines(new)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in _matcher(a, b).get_opcodes():
        if tag == "equal":
            pairs = [
                DiffRow("equal", i + 1, a[i], j + 1, b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            if context is not None and len(pairs) > 2 * context:
                head = pairs[:context] if rows else []
                tail = pairs[len(pairs) - context :] if i2 < len(a) or j2 < len(b) else []
                skipped = len(pairs) - len(head) - len(tail)
                rows.extend(head)
                if skipped:
                    rows.append(DiffRow("skip", skipped=skipped))
                rows.extend(tail)
            else:
                rows.extend(pairs)
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                rows.append(
                    DiffRow(
                        "replace" if i < i2 and j < j2 else ("delete" if i < i2 else "insert"),
                        i + 1 if i < i2 else None,
                        a[i] if i < i2 else "",
                        j + 1 if j < j2 else None,
                        b[j] if j < j2 else "",
                    )
                )
        elif tag == "delete":
            rows.extend(DiffRow("delete", i + 1, a[i]) for i in range(i1, i2))
        elif tag == "insert":
            rows.extend(DiffRow("insert", None, "", j + 1, b[j]) for j in range(j1, j2))
    return rows


def stats(old: str, new: str) -> DiffStats:
    """Lines added and removed (a changed line counts as one of each)."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in _matcher(_lines(old), _lines(new)).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return DiffStats(added, removed)


def unified(old: str, new: str, old_label: str, new_label: str, *, context: int = 3) -> str:
    """A unified diff (``---``/``+++``/``@@`` hunks), empty if the texts are equal."""
    lines = difflib.unified_diff(
        _lines(old), _lines(new), fromfile=old_label, tofile=new_label, n=context, lineterm=""
    )
    return "\n".join(lines) + "\n" if old != new else ""
