"""What a message may carry: PDFs, pictures and office documents, each recognised twice, by
its extension and by its first bytes (a ``.pdf`` that is really a program is refused), within
a size limit per file and per message. The name it was uploaded with is kept, sanitised, for
the download's ``Content-Disposition`` header; the file is stored under a random name."""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.exceptions import ValidationError

from footprint.core.imports import in_megabytes

MB = 1024 * 1024
MOST_PER_FILE = 10 * MB
MOST_PER_MESSAGE = 25 * MB
MOST_FILES = 10

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003, PowerPoint 97-2003
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    """A kind of file a message may carry: what it is called, its content type, the bytes it
    starts with (any of them), and for a zip-based office document the part it must hold."""

    what: str
    content_type: str
    starts: tuple[bytes, ...]
    part: str = ""


KINDS: dict[str, Kind] = {
    ".pdf": Kind("a PDF", "application/pdf", (b"%PDF-",)),
    ".png": Kind("a PNG picture", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": Kind("a JPEG picture", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": Kind("a JPEG picture", "image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": Kind("a GIF picture", "image/gif", (b"GIF87a", b"GIF89a")),
    ".docx": Kind(
        "a Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
        "word/document.xml",
    ),
    ".xlsx": Kind(
        "an Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (ZIP,),
        "xl/workbook.xml",
    ),
    ".pptx": Kind(
        "a PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
        "ppt/presentation.xml",
    ),
    ".odt": Kind(
        "an OpenDocument text", "application/vnd.oasis.opendocument.text", (ZIP,), "content.xml"
    ),
    ".ods": Kind(
        "an OpenDocument spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        (ZIP,),
        "content.xml",
    ),
    ".doc": Kind("a Word document", "application/msword", (OLE,)),
    ".xls": Kind("an Excel workbook", "application/vnd.ms-excel", (OLE,)),
    ".ppt": Kind("a PowerPoint presentation", "application/vnd.ms-powerpoint", (OLE,)),
}
ACCEPTED = "PDF, PNG, JPEG, GIF, Word, Excel, PowerPoint or OpenDocument"
# Characters never kept in a name: path separators, quotes, and those Windows refuses.
UNSAFE = set('/\\"<>:|?*;')


def safe_name(name: str) -> str:
    """The name a file was uploaded with, as people will see it and as the download offers
    it: the last part of any path, no control characters, quotes or separators, spaces
    collapsed, no leading dots, at most 120 characters with its extension kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(
        " " if unicodedata.category(c).startswith("C") or c in UNSAFE else c for c in name
    )
    name = " ".join(name.split())
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext or " " in ext:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    stem = stem.strip(". ")[: 120 - len(suffix)].rstrip() or "attachment"
    return stem + suffix


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its safe name, its content type and size."""

    name: str
    content_type: str
    size: int


def _head(file: IO[bytes], n: int = 16) -> bytes:
    file.seek(0)
    head = file.read(n)
    file.seek(0)
    return head


def _zip_parts(file: IO[bytes]) -> set[str]:
    """The names in a zip's directory (only its directory is read: nothing is expanded)."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as z:
            return set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        file.seek(0)


def check_file(name: str, size: int, file: IO[bytes]) -> Checked:
    """Check one upload: an accepted extension, first bytes that match it (and for an office
    document the part that makes it one, and no macros), and its size. Raises a
    ValidationError naming the file."""
    shown = safe_name(name)
    suffix = PurePosixPath(shown).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise ValidationError(
            f"{shown}: a message can carry {ACCEPTED} files, not files ending "
            f"'{suffix or '(nothing)'}'."
        )
    if size == 0:
        raise ValidationError(f"{shown} is empty.")
    if size > MOST_PER_FILE:
        raise ValidationError(
            f"{shown} is {in_megabytes(size)}, more than the {in_megabytes(MOST_PER_FILE)} "
            "a message can carry in one file."
        )
    if not _head(file).startswith(kind.starts):
        raise ValidationError(
            f"{shown} is not {kind.what}, whatever its name says: its contents are of "
            "another kind. Save it again as a real file of that kind."
        )
    if kind.part:
        parts = _zip_parts(file)
        if kind.part not in parts:
            raise ValidationError(f"{shown} is not {kind.what}: it does not hold one inside.")
        if any(p.lower().endswith("vbaproject.bin") for p in parts):
            raise ValidationError(f"{shown} contains macros: save it without them.")
    return Checked(shown, kind.content_type, size)


def check_files(files: Sequence[Any]) -> list[Checked]:
    """Check every upload of one message (Django ``UploadedFile`` objects, or anything with
    ``name`` and ``size`` that reads as a file), and their number and total size together."""
    if len(files) > MOST_FILES:
        raise ValidationError(f"A message can carry at most {MOST_FILES} files.")
    checked = [check_file(f.name, f.size, f) for f in files]
    total = sum(c.size for c in checked)
    if total > MOST_PER_MESSAGE:
        raise ValidationError(
            f"These files come to {in_megabytes(total)}, more than the "
            f"{in_megabytes(MOST_PER_MESSAGE)} a message can carry in all."
        )
    return checked
