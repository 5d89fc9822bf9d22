"""What the probe's child process does to an uploaded file (screening/documents/pdf_probe.py).

Everything here parses hostile bytes, so it only ever runs inside a capped child process, and
it imports nothing from Django or the rest of the project.

- `probe_pdf`: does the PDF open (pypdf), how many pages, is it password-protected; and does it
  carry active content: JavaScript, Launch actions, embedded files, XFA forms, form submission
  or data import actions, and event-triggered actions (/AA, /OpenAction) leading to any of
  those. When it does, those entries are removed and the cleaned copy is returned (decision in
  README "Documents and the status page": accept and neutralise, refuse only when cleaning
  fails). Links (/URI) and page jumps (/GoTo) stay.
- `clean_image`: decode a PNG or JPEG fully with Pillow (a truncated, corrupted or CRC-broken
  file fails) within a pixel budget, apply the EXIF orientation, and encode it again from the
  pixels alone. Whatever followed the image data (HTML, a ZIP) and every metadata chunk (EXIF
  with its GPS position, comments, text chunks, ICC profiles) are left behind.
"""

from __future__ import annotations

import io
import logging
import warnings

OK = "ok"
DAMAGED = "damaged"
ENCRYPTED = "encrypted"
TOO_LARGE = "too_large"  # an image over the pixel budget
ACTIVE = "active"  # a PDF whose active content could not be removed

# The names of what a cleaning can remove (the probe's reply lists them; README).
JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILES = "embedded_files"
XFA = "xfa"
SUBMIT_FORM = "submit_form"
IMPORT_DATA = "import_data"
RICH_MEDIA = "rich_media"
REMOVABLE = frozenset(
    {JAVASCRIPT, LAUNCH, EMBEDDED_FILES, XFA, SUBMIT_FORM, IMPORT_DATA, RICH_MEDIA}
)

# Action types (/S) that run something, send something or open something outside the PDF.
_ACTIVE_ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": SUBMIT_FORM,
    "/ImportData": IMPORT_DATA,
    "/GoToE": EMBEDDED_FILES,
    "/RichMediaExecute": RICH_MEDIA,
}
# Keys whose value is an action (or, for /AA, a dictionary of actions by trigger).
_ACTION_KEYS = ("/A", "/OpenAction", "/PA")
# Keys removed wherever they appear: name trees of scripts and files, XFA forms, file streams.
_REMOVED_KEYS = {
    "/JavaScript": JAVASCRIPT,
    "/EmbeddedFiles": EMBEDDED_FILES,
    "/EF": EMBEDDED_FILES,
    "/XFA": XFA,
    "/JS": JAVASCRIPT,
}
# A PDF with more objects than this is not a report; walking it would only burn the time limit.
MAX_OBJECTS = 500_000
MAX_ACTION_CHAIN = 64

# The end-of-file marker must be within this many bytes of the end (as readers require).
EOF_WINDOW = 1024


def _pypdf():
    import pypdf

    # pypdf logs a warning per oddity it repairs; a child has no one to tell.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return pypdf


def _first_visit(item, seen: set, generic):
    """The object a walk stands on: an indirect reference resolved, or None when the walk has
    been there already (PDF object graphs have cycles)."""
    if isinstance(item, generic.IndirectObject):
        key = (item.idnum, item.generation)
        if key in seen:
            return None
        seen.add(key)
        return item.get_object()
    return item


def _action_kinds(value, generic) -> set[str]:
    """What an action (following its /Next chain) would do that we remove: a set of names."""
    kinds: set[str] = set()
    stack, seen, steps = [value], set(), 0
    while stack and steps < MAX_ACTION_CHAIN:
        steps += 1
        item = _first_visit(stack.pop(), seen, generic)
        if item is None:
            continue
        if isinstance(item, generic.ArrayObject):
            stack.extend(item)
        elif isinstance(item, generic.DictionaryObject):
            kind = _ACTIVE_ACTIONS.get(str(item.get("/S", "")))
            if kind:
                kinds.add(kind)
            if "/JS" in item:
                kinds.add(JAVASCRIPT)
            if "/Next" in item:
                stack.append(item["/Next"])
    if stack:
        # A chain longer than any real document has: treat it as active rather than guess.
        kinds.add(JAVASCRIPT)
    return kinds


def _check_dictionary(item, generic, found: set[str], remove: bool) -> None:
    for key in _ACTION_KEYS:
        if key in item:
            kinds = _action_kinds(item[key], generic)
            if kinds:
                found.update(kinds)
                if remove:
                    del item[key]
    if "/AA" in item:
        triggers = item["/AA"]
        triggers = (
            triggers.get_object() if isinstance(triggers, generic.IndirectObject) else triggers
        )
        kinds = set()
        if isinstance(triggers, generic.DictionaryObject):
            for action in triggers.values():
                kinds |= _action_kinds(action, generic)
        if kinds:
            found.update(kinds)
            if remove:
                del item["/AA"]
    for key, kind in _REMOVED_KEYS.items():
        if key in item:
            found.add(kind)
            if remove:
                del item[key]
    if str(item.get("/Subtype", "")) in ("/RichMedia", "/Screen", "/Movie", "/Sound"):
        found.add(RICH_MEDIA)
        if remove:
            # The annotation stays (a box on the page) but has nothing left to play or run.
            for key in ("/RichMediaContent", "/RichMediaSettings", "/Movie", "/Sound", "/MK"):
                if key in item:
                    del item[key]


def active_content(root, *, remove: bool = False) -> set[str]:
    """The kinds of active content reachable from `root` (a pypdf object), removed if asked.

    Raises ValueError for a document with more than MAX_OBJECTS objects.
    """
    generic = _pypdf().generic
    found: set[str] = set()
    stack, seen, steps = [root], set(), 0
    while stack:
        steps += 1
        if steps > MAX_OBJECTS:
            raise ValueError("too many objects")
        item = _first_visit(stack.pop(), seen, generic)
        if item is None:
            continue
        if isinstance(item, generic.DictionaryObject):  # streams included
            _check_dictionary(item, generic, found, remove)
            stack.extend(item.values())
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)
    return found


def _drop_unreachable(writer) -> None:
    """Objects nothing refers to any more (the removed scripts and files) are not written."""
    generic = _pypdf().generic
    roots = [writer._root_object.indirect_reference]
    if writer._info is not None:
        roots.append(writer._info.indirect_reference)
    reachable: set[int] = set()
    stack = list(roots)
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            if item.idnum in reachable:
                continue
            reachable.add(item.idnum)
            item = item.get_object()
        if isinstance(item, generic.DictionaryObject):
            stack.extend(item.values())
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)
    for index in range(len(writer._objects)):
        if index + 1 not in reachable:
            writer._objects[index] = None


def trim_after_eof(data: bytes) -> bytes:
    """The PDF up to its last end-of-file marker (and one line break): bytes appended after
    it (an HTML page, a ZIP) are not part of any revision and are dropped."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return data
    end += 5
    if data[end : end + 2] == b"\r\n":
        end += 2
    elif data[end : end + 1] in (b"\r", b"\n"):
        end += 1
    return data[:end]


def probe_pdf(data: bytes) -> dict:
    """{"outcome", "pages", "removed", "data"}: whether the PDF opens, its pages, and, when it
    carried active content, the names of what was removed and the cleaned bytes."""
    result = {"outcome": DAMAGED, "pages": None, "removed": [], "data": b""}
    # A truncated download loses its end-of-file marker; pypdf's lenient mode would
    # otherwise reconstruct what it can and call it fine.
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        return result
    pypdf = _pypdf()
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # Many "protected" PDFs only restrict printing and open with an empty password.
        if not reader.decrypt(""):
            return {**result, "outcome": ENCRYPTED}
    pages = len(reader.pages)
    if pages < 1:
        return result
    found = active_content(reader.trailer)
    if not found:
        return {**result, "outcome": OK, "pages": pages}

    writer = pypdf.PdfWriter(clone_from=reader)
    active_content(writer._root_object, remove=True)
    _drop_unreachable(writer)
    out = io.BytesIO()
    writer.write(out)
    cleaned = out.getvalue()
    # The cleaned copy must open, keep its pages, and carry nothing we remove.
    check = pypdf.PdfReader(io.BytesIO(cleaned), strict=False)
    if len(check.pages) != pages or active_content(check.trailer):
        return {**result, "outcome": ACTIVE, "removed": sorted(found)}
    return {"outcome": OK, "pages": pages, "removed": sorted(found), "data": cleaned}


# --- Images ------------------------------------------------------------------------------------

_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})
_JPEG_MODES = frozenset({"L", "RGB", "CMYK"})


def clean_image(data: bytes, max_pixels: int) -> dict:
    """{"outcome", "width", "height", "data"}: the image decoded and encoded again (same format),
    TOO_LARGE over `max_pixels`, DAMAGED when it does not decode completely."""
    from PIL import Image, ImageOps

    result = {"outcome": DAMAGED, "width": None, "height": None, "data": b""}
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
        except Image.DecompressionBombError:
            return {**result, "outcome": TOO_LARGE}
        except Image.DecompressionBombWarning:
            return {**result, "outcome": TOO_LARGE}
        width, height = image.size
        if width < 1 or height < 1:
            return result
        if width * height > max_pixels:
            return {**result, "outcome": TOO_LARGE, "width": width, "height": height}
        source_format = image.format
        if source_format == "PNG":
            # Every chunk's checksum, up to IEND: decoding alone skips IDAT's and a lost end.
            image.verify()
            image = Image.open(io.BytesIO(data), formats=["PNG"])
        image.load()  # decodes every byte of the image data: truncation and bad CRCs fail here
        image = ImageOps.exif_transpose(image)
    # Pixels only from here: no EXIF, comments, text chunks, ICC profile or trailing bytes.
    transparency = "transparency" in image.info
    image.info = {}
    out = io.BytesIO()
    if source_format == "JPEG":
        if image.mode not in _JPEG_MODES:
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=92)
    else:
        if transparency or image.mode not in _PNG_MODES:
            image = image.convert("RGBA")
            image.info = {}
        image.save(out, "PNG")
    return {"outcome": OK, "width": image.width, "height": image.height, "data": out.getvalue()}
