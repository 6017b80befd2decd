"""Files attached to knowledge-base articles: upload (size-limited, type sniffed from the
content), delete, and open for the permission-checked download.

Who may attach and delete: whoever may edit the article (``articles.may_edit``). Who may
download: whoever may read it (views and the API fetch the article through
``Article.objects.visible_to`` first). Files are never served from a public media URL.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.accounts.services import audit
from seedbed.knowledge.models import Article, Attachment
from seedbed.knowledge.services.articles import _check_edit, _locked, refresh_article_evidence
from seedbed.lib.errors import NotFound, ServiceError

if TYPE_CHECKING:
    from seedbed.accounts.models import User

DEFAULT_MAX_ATTACHMENT_MB = 10
MAX_ATTACHMENTS = 30

# --- attachments -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    ext: str
    content_type: str
    label: str
    inline: bool  # shown in the page (images) rather than downloaded


FILE_TYPES: dict[str, FileType] = {
    t.ext: t
    for t in (
        FileType("pdf", "application/pdf", "PDF", False),
        FileType("png", "image/png", "PNG", True),
        FileType("jpg", "image/jpeg", "JPEG", True),
        FileType("gif", "image/gif", "GIF", True),
        FileType("webp", "image/webp", "WebP", True),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word",
            False,
        ),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel",
            False,
        ),
        FileType(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint",
            False,
        ),
        FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text", False),
        FileType(
            "ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument sheet", False
        ),
        FileType(
            "odp",
            "application/vnd.oasis.opendocument.presentation",
            "OpenDocument slides",
            False,
        ),
        FileType("txt", "text/plain; charset=utf-8", "text", False),
        FileType("csv", "text/csv; charset=utf-8", "CSV", False),
        FileType("md", "text/markdown; charset=utf-8", "Markdown", False),
    )
}
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_TEXT_EXTS = ("txt", "csv", "md")


def max_attachment_bytes() -> int:
    """``settings.KNOWLEDGE_ATTACHMENT_MAX_MB`` megabytes (default 10)."""
    mb = int(getattr(settings, "KNOWLEDGE_ATTACHMENT_MAX_MB", DEFAULT_MAX_ATTACHMENT_MB))
    return mb * 1024 * 1024


def accepted_types_label() -> str:
    return ", ".join(dict.fromkeys(t.label for t in FILE_TYPES.values()))


def _zip_kind(upload: File) -> str | None:  # type: ignore[type-arg]
    """docx/xlsx/pptx (their main part) or odt/ods/odp (their ``mimetype`` member)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype").strip()
                return _ODF_TYPES.get(kind)
            if "[Content_Types].xml" in names:
                for ext, prefix in _OOXML_PARTS.items():
                    if any(n.startswith(prefix) for n in names):
                        return ext
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def _is_text(upload: File) -> bool:  # type: ignore[type-arg]
    """UTF-8 text without NUL or other binary control characters."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    raw = data if isinstance(data, bytes) else str(data).encode()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 0x20 and c not in "\t\n\r\f" for c in text)


def sniff(upload: File, name: str) -> FileType | None:  # type: ignore[type-arg]
    """The file's type from its content (the name only picks among text formats, which have
    no signature). SVG, HTML and anything unrecognised are refused."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if isinstance(head, str):
        head = head.encode()
    if head.startswith(b"%PDF-"):
        return FILE_TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FILE_TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return FILE_TYPES["jpg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FILE_TYPES["gif"]
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return FILE_TYPES["webp"]
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        return FILE_TYPES[kind] if kind else None
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in _TEXT_EXTS and _is_text(upload):
        lowered = head.lower().lstrip()
        if lowered.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml")):
            return None
        return FILE_TYPES[ext]
    return None


def _size_of(upload: File) -> int:  # type: ignore[type-arg]
    size = upload.size
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


@transaction.atomic
def add_attachment(*, actor: User, article: Article, upload: File) -> Attachment:  # type: ignore[type-arg]
    """Attach a file: at most ``max_attachment_bytes()``, of a type recognised by its
    content (``FILE_TYPES``); stored under a safe name with the extension of its real type."""
    _check_edit(actor, article)
    article = _locked(article)
    original = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    original = " ".join(original.split())[:200] or "attachment"
    if "\x00" in original:
        original = original.replace("\x00", "")
    size = _size_of(upload)
    limit = max_attachment_bytes()
    if size == 0:
        raise ServiceError(_("The file is empty."), field="file")
    if size > limit:
        raise ServiceError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": limit // 1024 // 1024},
            field="file",
        )
    if article.attachments.count() >= MAX_ATTACHMENTS:
        raise ServiceError(
            _("An article can have at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
            field="file",
        )
    kind = sniff(upload, original)
    if kind is None:
        raise ServiceError(
            _(
                "%(name)s is not a file type articles accept (checked by its content, not its "
                "name). Accepted: %(types)s."
            )
            % {"name": original[:80], "types": accepted_types_label()},
            field="file",
        )
    stem = original.rsplit(".", 1)[0] if "." in original else original
    safe = f"{slugify(stem)[:80] or 'attachment'}.{kind.ext}"
    attachment = Attachment(
        article=article,
        name=original if original.lower().endswith("." + kind.ext) else f"{stem[:190]}.{kind.ext}",
        content_type=kind.content_type,
        size=size,
        uploaded_by=actor,
    )
    upload.seek(0)
    attachment.file.save(safe, upload, save=False)
    try:
        attachment.save()
        article.updated_at = timezone.now()
        article.save(update_fields=["updated_at"])
        audit(
            actor=actor,
            action="article.attach",
            obj=article,
            summary=f"Article '{article.title}': attached {attachment.name} ({kind.label})",
        )
        # A newer date: the expert finder counts the article as more recent.
        refresh_article_evidence(article, was_published=False)
    except Exception:
        # The row did not make it: leave no file behind.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def delete_attachment(*, actor: User, attachment: Attachment) -> None:
    """Remove an attachment and its file (the file goes once the deletion is committed)."""
    article = attachment.article
    _check_edit(actor, article)
    storage, stored, name = attachment.file.storage, attachment.file.name or "", attachment.name
    attachment.delete()
    article.updated_at = timezone.now()
    Article.objects.filter(pk=article.pk).update(updated_at=article.updated_at)
    refresh_article_evidence(article, was_published=False)  # the newer date counts
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
    audit(
        actor=actor,
        action="article.detach",
        obj=article,
        summary=f"Article '{article.title}': removed attachment {name}",
    )


def open_attachment(attachment: Attachment) -> tuple[Any, str, str, bool]:
    """The stored file opened for reading, its download name, content type and whether it
    may be shown inline (images). NotFound if the file is gone."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("This attachment's file is missing.")) from None
    ext = (attachment.file.name or "").rsplit(".", 1)[-1].lower()
    kind = FILE_TYPES.get(ext)
    content_type = kind.content_type if kind else "application/octet-stream"
    return handle, attachment.name, content_type, bool(kind and kind.inline)
