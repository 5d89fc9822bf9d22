"""Uploaded reports: check them by their content, store them privately, never leave orphans.

Two steps, so a form can check every file before storing any:

    checked = check_upload(request.FILES["file"])        # raises UploadRejected
    with atomic_with_file_cleanup():
        document = store_upload(checked, category="pathology", case=case, source="status_page")

- `check_upload` decides the type from the bytes (magic numbers via `filetype`; the name and
  the browser's content type are ignored): PDF, JPEG and PNG only. Then, in a capped child
  process (screening/documents/pdf_probe.py, sanitise.py): a PDF must open with pypdf, loses
  anything after its last end-of-file marker, and has its active content (JavaScript, Launch,
  embedded files, XFA) removed; an image is decoded completely with Pillow (within
  MAX_IMAGE_PIXELS) and encoded again from its pixels, which leaves behind anything appended
  to it and all metadata. What is stored is that result; the full text is extracted later by
  a task.
- `store_upload` writes the bytes to private storage under a random name
  (`documents/<yyyy>/<32 hex>.<ext>`) and creates the Document row. If anything fails inside
  an `atomic_with_file_cleanup()` block (the row, a later step, the whole transaction), the
  files written inside it are deleted. Use that block as the outermost transaction whenever
  documents are stored together with other rows: Django has no "on rollback" hook, so a plain
  `transaction.atomic()` around store_upload could roll the row back and keep the file.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.documents import pdf_probe, sanitise
from screening.models import Case, Document, DocumentCategory, IntakeDraft, private_storage

MAX_FILES_PER_CASE = 30
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
MAX_NAME_LENGTH = 120
CHUNK_SIZE = 64 * 1024

# Detected MIME type -> the extension used on disk.
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ALLOWED_EXTENSIONS_TEXT = "PDF, JPEG, PNG"
# Archives get their own words: a "PDF" that is really a ZIP is a common mistake (and a way
# to send a zip bomb); it is refused from its first bytes, never opened.
ZIP_TYPES = frozenset(
    {
        "application/zip",
        "application/gzip",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/x-tar",
        "application/x-bzip2",
        "application/x-xz",
    }
)
# For <input accept="...">: a hint to the browser's file picker, never trusted.
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class UploadRejected(ValueError):
    """A file we will not keep; the message names the file and says why, in plain words."""

    def __init__(self, message: str, *, name: str = "", reason: str = ""):
        super().__init__(message)
        self.message = message
        self.name = name
        # A stable code for tests and logs: type, size, damaged, encrypted, empty, too_many.
        self.reason = reason

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed check_upload; store it with store_upload.

    `content` is what is stored: an image decoded and encoded again, a PDF without anything
    after its end-of-file marker and, when it carried active content, the cleaned copy
    (`removed` names what went; `original` is the file as received when KEEP_ORIGINAL_PDFS
    says to keep it). `size` and `sha256` are those of `content`."""

    name: str  # cleaned original name, for people only
    content_type: str
    extension: str
    content: bytes
    size: int
    sha256: str
    page_count: int | None = None
    removed: tuple[str, ...] = ()
    original: bytes | None = None

    def __repr__(self) -> str:  # not the bytes
        return f"<CheckedUpload {self.name!r} {self.content_type} {self.size} bytes>"


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def max_files_per_case() -> int:
    """Files one intake draft or case may hold (MAX_FILES_PER_CASE, 30 by default)."""
    return getattr(settings, "MAX_FILES_PER_CASE", MAX_FILES_PER_CASE)


def clean_filename(name: object) -> str:
    """The uploader's file name made safe to show: no folders, no control characters, short.

    Only ever displayed; files are stored under random names.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").split("/")[-1]
    # Tabs and newlines become spaces; other control, format (e.g. right-to-left overrides),
    # unassigned and surrogate characters go.
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    text = " ".join(text.split()).strip(" .")
    if not text:
        return "document"
    if len(text) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(text).suffix
        if len(suffix) > 10:
            suffix = ""
        text = text[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix
    return text


def _describe_unknown(head: bytes) -> str:
    lowered = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return _("a web page (HTML)")
    if lowered.startswith(b"<svg") or (lowered.startswith(b"<?xml") and b"<svg" in lowered):
        return _("an SVG drawing")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return _("a type we do not recognise")
    return _("a text file")


def _describe(kind) -> str:
    if kind.mime in ZIP_TYPES:
        return _("a compressed archive (%(type)s)") % {"type": kind.extension.upper()}
    return f"{kind.extension.upper()} ({kind.mime})"


def check_upload(uploaded_file) -> CheckedUpload:
    """Check one uploaded file by its content; return a CheckedUpload or raise UploadRejected."""
    name = clean_filename(getattr(uploaded_file, "name", ""))
    limit = max_upload_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared == 0:
        raise UploadRejected(
            _("“%(name)s” is empty (0 bytes). Please choose the file again.") % {"name": name},
            name=name,
            reason="empty",
        )
    if declared is not None and declared > limit:
        raise _too_large(name, declared, limit)

    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head) if head else None
    if not head:
        raise UploadRejected(
            _("“%(name)s” is empty (0 bytes). Please choose the file again.") % {"name": name},
            name=name,
            reason="empty",
        )
    if kind is None or kind.mime not in ALLOWED_TYPES:
        detected = _describe(kind) if kind is not None else _describe_unknown(head)
        raise UploadRejected(
            _(
                "“%(name)s” was not accepted: it is %(detected)s. "
                "Only PDF, JPEG and PNG files can be uploaded."
            )
            % {"name": name, "detected": detected},
            name=name,
            reason="type",
        )

    parts: list[bytes] = []
    size = 0
    for chunk in uploaded_file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            # The declared size can be missing or wrong; the bytes are what count.
            raise _too_large(name, size, limit, at_least=True)
        parts.append(chunk)
    uploaded_file.seek(0)
    received = b"".join(parts)

    if kind.mime == "application/pdf":
        content, original, removed, page_count = _checked_pdf(name, received)
    else:
        content, original, removed, page_count = (
            _checked_image(name, kind, received),
            None,
            (),
            None,
        )
    return CheckedUpload(
        name=name,
        content_type=kind.mime,
        extension=ALLOWED_TYPES[kind.mime],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        page_count=page_count,
        removed=removed,
        original=original,
    )


def _checked_pdf(name: str, received: bytes):
    """(bytes to store, original to keep or None, names of what was removed, pages)."""
    # Anything appended after the last end-of-file marker (an HTML page, a ZIP) goes.
    trimmed = sanitise.trim_after_eof(received)
    reply = pdf_probe.check_pdf(trimmed)
    if reply.outcome == pdf_probe.ENCRYPTED:
        raise UploadRejected(
            _(
                "“%(name)s” is password-protected, so we cannot read it. "
                "Please upload a copy without a password."
            )
            % {"name": name},
            name=name,
            reason="encrypted",
        )
    if reply.outcome == pdf_probe.ACTIVE:
        raise UploadRejected(
            _(
                "“%(name)s” contains scripts or attached files that we could not remove "
                "safely. Please print it to a new PDF (or scan it) and upload that copy."
            )
            % {"name": name},
            name=name,
            reason="active",
        )
    if reply.outcome != pdf_probe.OK:
        raise UploadRejected(
            _(
                "“%(name)s” looks like a PDF but is damaged or incomplete (it does not "
                "open). Please download or scan it again and upload the new copy."
            )
            % {"name": name},
            name=name,
            reason="damaged",
        )
    if not reply.removed:
        return trimmed, None, (), reply.pages
    original = received if getattr(settings, "KEEP_ORIGINAL_PDFS", False) else None
    return reply.data, original, reply.removed, reply.pages


def _checked_image(name: str, kind, received: bytes) -> bytes:
    """The image decoded and encoded again: the bytes to store."""
    max_pixels = getattr(settings, "MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)
    reply = pdf_probe.check_image(received, max_pixels)
    if reply.outcome == pdf_probe.TOO_LARGE:
        raise UploadRejected(
            _(
                "“%(name)s” has too many pixels to read safely (at most %(megapixels)s "
                "megapixels). Please take the photo again at a lower resolution, or scan "
                "it at 300 dpi."
            )
            % {"name": name, "megapixels": max_pixels // 1_000_000},
            name=name,
            reason="pixels",
        )
    if reply.outcome != pdf_probe.OK:
        raise UploadRejected(
            _(
                "“%(name)s” looks like a %(type)s image but is damaged or incomplete (it "
                "does not open). Please take the photo again or save it again, and upload "
                "the new copy."
            )
            % {"name": name, "type": kind.extension.upper().replace("JPG", "JPEG")},
            name=name,
            reason="damaged",
        )
    return reply.data


def _too_large(name: str, size: int, limit: int, *, at_least: bool = False) -> UploadRejected:
    template = (
        _("“%(name)s” is too large (more than %(size)s). Each file can be at most %(limit)s.")
        if at_least
        else _("“%(name)s” is too large (%(size)s). Each file can be at most %(limit)s.")
    )
    return UploadRejected(
        template % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        name=name,
        reason="size",
    )


def too_many_files(name: str, limit: int | None = None) -> UploadRejected:
    """The error for a file beyond the per-case limit (forms can raise it before storing)."""
    limit = max_files_per_case() if limit is None else limit
    return UploadRejected(
        _("“%(name)s” was not added: a case can have at most %(limit)s files.")
        % {"name": name, "limit": limit},
        name=name,
        reason="too_many",
    )


def too_much_in_total(name: str) -> UploadRejected:
    """The error for a file that would take a case or draft over MAX_BYTES_PER_CASE."""
    return UploadRejected(
        _("“%(name)s” was not added: all the files of a case together can be at most %(limit)s.")
        % {"name": name, "limit": filesizeformat(settings.MAX_BYTES_PER_CASE)},
        name=name,
        reason="total_size",
    )


# --- Storing, and cleaning up files whose rows never made it ---------------------------------

# The stack of open atomic_with_file_cleanup() blocks in this thread / task, innermost last.
_cleanup_stack: contextvars.ContextVar[tuple[list[str], ...]] = contextvars.ContextVar(
    "navigator_upload_cleanup", default=()
)


@contextlib.contextmanager
def atomic_with_file_cleanup(using=None):
    """transaction.atomic() that deletes the files stored inside it if the block raises.

    Nested blocks hand their files to the enclosing block on success, so a failure anywhere
    up to the outermost block removes every file written within it.
    """
    written: list[str] = []
    token = _cleanup_stack.set((*_cleanup_stack.get(), written))
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        _cleanup_stack.reset(token)
        _delete_names(written)
        raise
    _cleanup_stack.reset(token)
    outer = _cleanup_stack.get()
    if outer:
        outer[-1].extend(written)


def _track(name: str) -> None:
    stack = _cleanup_stack.get()
    if stack:
        stack[-1].append(name)


def _delete_names(names) -> int:
    deleted = 0
    for name in names:
        if not name:
            continue
        try:
            private_storage.delete(name)
            deleted += 1
        except FileNotFoundError:
            pass
    return deleted


def _storage_name(extension: str) -> str:
    return f"documents/{timezone.now():%Y}/{secrets.token_hex(16)}.{extension}"


def store_upload(
    checked: CheckedUpload,
    *,
    category: str,
    case: Case | None = None,
    draft: IntakeDraft | None = None,
    source: str = "intake",
) -> Document:
    """Write a checked file to private storage and create its Document row.

    Exactly one of `case` or `draft` is required. Raises UploadRejected when the case or draft
    already holds max_files_per_case() files (checked under a row lock). For a case, the case's
    document_count goes up and the document is queued for processing after commit.
    """
    if (case is None) == (draft is None):
        raise ValueError("store_upload needs exactly one of case or draft")
    if category not in DocumentCategory.values:
        raise ValueError(f"unknown document category {category!r}")

    with atomic_with_file_cleanup():
        if case is not None:
            Case.objects.select_for_update().filter(pk=case.pk).first()
            held = Document.objects.filter(case=case)
        else:
            IntakeDraft.objects.select_for_update().filter(pk=draft.pk).first()
            held = Document.objects.filter(draft=draft)
        existing = held.aggregate(count=Count("pk"), size=Sum("size"))
        if existing["count"] >= max_files_per_case():
            raise too_many_files(checked.name)
        if (existing["size"] or 0) + checked.size > settings.MAX_BYTES_PER_CASE:
            raise too_much_in_total(checked.name)

        stored_name = private_storage.save(
            _storage_name(checked.extension), ContentFile(checked.content)
        )
        _track(stored_name)
        original_name = ""
        if checked.original is not None:
            original_name = private_storage.save(
                _storage_name(f"original.{checked.extension}"), ContentFile(checked.original)
            )
            _track(original_name)
        document = Document.objects.create(
            case=case,
            draft=draft,
            category=category,
            original_name=checked.name,
            file=stored_name,
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            source=source,
            page_count=checked.page_count,
            removed_content=" ".join(checked.removed),
            original_file=original_name,
        )
        if case is not None:
            Case.objects.filter(pk=case.pk).update(document_count=F("document_count") + 1)
            from screening.documents.processing import enqueue_document_processing

            enqueue_document_processing(document)
    return document


def delete_document_files(documents) -> None:
    """Delete the stored files of these documents once the current transaction commits.

    Outside a transaction they go at once. Deleting the rows is the caller's business; call
    this in the same transaction, so a rollback keeps both rows and files.
    """
    names = [
        field.name
        for document in documents
        for field in (document.file, document.original_file)
        if field
    ]
    if names:
        transaction.on_commit(lambda: _delete_names(names))
