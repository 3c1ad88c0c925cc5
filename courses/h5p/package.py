"""Validation and safe extraction of uploaded H5P packages (.h5p files, which are zip archives).

Pure functions: no models, no storage backend. The Celery task hands over a local file and a
destination folder; a refusal is an H5PPackageError carrying one of the H5P_* codes and a French
message naming the entry at fault.

Policy beyond the H5P specification (https://h5p.org/documentation/developers/h5p-specification):

- Entries with a path segment starting with "." or "_" (``.DS_Store``, ``__MACOSX/``, ``.git/``,
  ``.htaccess``) and Windows' ``Thumbs.db`` and ``desktop.ini`` are skipped: never extracted nor
  type-checked, as H5P core skips "." and "_". They still go through the entry-count, size, ratio,
  path and symlink checks, so junk cannot smuggle a bomb or a link.
- Files without an extension are refused: H5P core's whitelist needs one (no LICENSE, README).
- Every top-level folder other than content/ is a library and must hold a library.json.
- Preloaded dependencies are checked transitively, through each library.json. Editor and
  dynamic dependencies are not: playing the content does not load them.
- SVG and XML files are parsed with defusedxml (entity declarations and external references
  refused) and refused when they hold active content. XML is scanned too, because a browser runs
  the scripts of an XHTML document served as XML just as it runs an SVG's.
- content/content.json is rewritten with its HTML neutralised (see ``content_json_neutralise``):
  content types put many of its strings into the page as HTML, so a tag or attribute that could
  run a script, and a ``javascript:`` address, never reach the player. The player runs in a
  sandboxed frame of its own anyway (courses.h5p.player); this is the second wall.
- Extraction reads the archive twice: once to validate (every file is decompressed, so sizes and
  CRCs are checked for real), once to write, counting the bytes again rather than trusting either
  the first pass or the sizes the archive declares.
"""

import errno
import json
import os
import re
import shutil
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple, Self
from xml.etree.ElementTree import ParseError

import nh3
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from school.errors import DomainError

H5P_NOT_A_ZIP = "h5p_not_a_zip"
H5P_TOO_LARGE = "h5p_too_large"
H5P_TOO_MANY_ENTRIES = "h5p_too_many_entries"
H5P_ZIP_BOMB = "h5p_zip_bomb"
H5P_UNSAFE_PATH = "h5p_unsafe_path"
H5P_SYMLINK = "h5p_symlink"
H5P_FORBIDDEN_FILE_TYPE = "h5p_forbidden_file_type"
H5P_SCRIPTED_SVG = "h5p_scripted_svg"
H5P_MISSING_H5P_JSON = "h5p_missing_h5p_json"
H5P_MALFORMED_H5P_JSON = "h5p_malformed_h5p_json"
H5P_MISSING_CONTENT_JSON = "h5p_missing_content_json"
H5P_MALFORMED_CONTENT_JSON = "h5p_malformed_content_json"
H5P_MISSING_LIBRARY = "h5p_missing_library"
H5P_MALFORMED_LIBRARY_JSON = "h5p_malformed_library_json"
H5P_DUPLICATE_ENTRY = "h5p_duplicate_entry"

# H5P core's default whitelist for content files, without swf (a Flash file is active content).
# fmt: off
CONTENT_EXTENSIONS = frozenset({
    "json", "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "svg",
    "eot", "ttf", "woff", "woff2", "otf",
    "webm", "mp4", "ogg", "mp3", "m4a", "wav",
    "txt", "pdf", "rtf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp",
    "xml", "csv", "diff", "patch", "md", "textile", "vtt", "webvtt", "gltf", "glb",
})
# fmt: on
# Scripts and styles run in the player's page, so only libraries may ship them, never content/.
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

H5P_JSON = "h5p.json"
CONTENT_JSON = "content/content.json"
LIBRARY_JSON = "library.json"

_IGNORED_BASENAMES = frozenset({"thumbs.db", "desktop.ini"})
# Small files compress very well (JSON, CSS) and cannot hurt; ratio checks start above this.
_RATIO_EXEMPT_BYTES = 64 * 1024
_CHUNK_BYTES = 64 * 1024
# A central directory record is 46 bytes plus name, extra field and comment; H5P names are short.
# Bounding the directory's size bounds the work zipfile does before any check of ours can run.
_CENTRAL_RECORD_ALLOWANCE = 1024
_MACHINE_NAME = re.compile(r"[\w.-]{1,255}", re.ASCII)
_VERSION = re.compile(r"[0-9]{1,5}")
_MARKUP_EXTENSIONS = frozenset({"svg", "xml"})
_XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
_ACTIVE_ELEMENTS = frozenset(
    {"script", "foreignobject", "handler", "listener", "iframe", "embed", "object"}
)
_ACTIVE_URL_MARKERS = ("javascript:", "vbscript:", "data:text/html", "data:application/xhtml")
# Browsers ignore whitespace and control characters inside a URL scheme ("java\tscript:").
_URL_NOISE = re.compile(r"[\s\x00-\x1f]+")

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")

# How zipfile says that an archive is damaged, from opening it to reading its last byte.
_CORRUPT_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


@dataclass(frozen=True)
class H5PLimits:
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_compressed_bytes: int = 50 * 1024 * 1024  # size of the .h5p file itself
    max_entries: int = 2000
    max_ratio: float = 100.0  # per entry and overall, uncompressed / compressed
    max_json_bytes: int = 5 * 1024 * 1024  # h5p.json, content.json, each library.json

    @classmethod
    def from_settings(cls) -> Self:
        """Defaults overridden by settings.HEMICYCLE_H5P_LIMITS (a dict of field names); an
        unknown key raises TypeError, so a typo there cannot silently keep a default."""
        return cls(**getattr(settings, "HEMICYCLE_H5P_LIMITS", None) or {})


class H5PPackageError(DomainError):
    """A refused package: ``code`` is one of the H5P_* constants, ``message`` is French."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)


@dataclass(frozen=True)
class H5PPackageInfo:
    title: str
    main_library: str  # machine name, e.g. "H5P.TrueFalse"
    main_library_folder: str  # e.g. "H5P.TrueFalse-1.6"
    libraries: tuple[str, ...]  # every library folder in the package, sorted
    metadata: dict  # parsed h5p.json
    entry_count: int  # files extracted (directories and skipped junk not counted)
    uncompressed_bytes: int  # their total size, as actually decompressed
    content: dict  # parsed content/content.json, HTML neutralised as extraction writes it
    neutralised: int  # strings of content.json that extraction rewrote


class _Dependency(NamedTuple):
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"


@dataclass(frozen=True)
class _Plan:
    info: H5PPackageInfo
    files: tuple[zipfile.ZipInfo, ...]  # what extraction writes, in archive order
    content_json: bytes | None  # what extraction writes as content.json, when it was rewritten


def h5p_package_validate(*, source: Path | BinaryIO, limits: H5PLimits) -> H5PPackageInfo:
    """Check an .h5p file against the H5P specification and ``limits``; raise H5PPackageError
    for the first problem found. ``source`` is a path or a seekable binary file, read from its
    start. Every file is decompressed once (bounded by the limits); nothing is written."""
    with _open_archive(source=source, limits=limits) as (archive, archive_bytes):
        return _validate(archive=archive, archive_bytes=archive_bytes, limits=limits).info


def h5p_package_extract(
    *,
    source: Path | BinaryIO,
    destination: Path,
    limits: H5PLimits,
    staging_root: Path | None = None,
) -> H5PPackageInfo:
    """Validate, then extract into ``destination``, which must not exist (FileExistsError) and
    whose parent must. Files are written into a private directory under ``staging_root``
    (default: ``destination``'s parent; it must be on the same file system) renamed to
    ``destination`` once complete, so nobody sees a partial tree; on any failure, expected or
    not, that directory is removed and ``destination`` is not created. A process killed midway
    leaves its directory behind: it is named after ``destination`` and sweepers judge it by its
    age. Only regular files are written (0o644, directories 0o755); the archive's permissions and
    links are never applied. ``destination``'s modification time is the moment of the rename.

    The final rename would replace an empty directory created at ``destination`` in the
    meantime: callers extract to a fresh name (the task uses a new UUID) and own it."""
    destination = Path(destination)
    if os.path.lexists(destination):
        raise FileExistsError(errno.EEXIST, "H5P destination already exists", str(destination))
    with _open_archive(source=source, limits=limits) as (archive, archive_bytes):
        plan = _validate(archive=archive, archive_bytes=archive_bytes, limits=limits)
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{destination.name}.",
                suffix=".tmp",
                dir=destination.parent if staging_root is None else staging_root,
            )
        )
        try:
            _write_files(
                archive=archive,
                files=plan.files,
                root=staging,
                limits=limits,
                replaced={CONTENT_JSON: plan.content_json} if plan.content_json else {},
            )
            staging.chmod(0o755)  # mkdtemp made it 0o700; the web server must read the tree
            os.utime(staging)  # a long extraction must not look old to a sweeper once in place
            os.rename(staging, destination)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return plan.info


# Opening and reading the archive


@contextmanager
def _open_archive(
    *, source: Path | BinaryIO, limits: H5PLimits
) -> Iterator[tuple[zipfile.ZipFile, int]]:
    with ExitStack() as stack:
        if isinstance(source, str | os.PathLike):
            stream = stack.enter_context(open(source, "rb"))  # noqa: SIM115 (ExitStack closes it)
        else:
            stream = source
        stream.seek(0, os.SEEK_END)
        archive_bytes = stream.tell()
        if archive_bytes > limits.max_compressed_bytes:
            raise H5PPackageError(
                H5P_TOO_LARGE,
                _("Le fichier H5P pèse %(size)s, au-delà de la limite de %(limit)s.")
                % {
                    "size": filesizeformat(archive_bytes),
                    "limit": filesizeformat(limits.max_compressed_bytes),
                },
            )
        _check_central_directory(stream=stream, archive_bytes=archive_bytes, limits=limits)
        stream.seek(0)
        with _reading_archive():
            archive = stack.enter_context(zipfile.ZipFile(stream))
        yield archive, archive_bytes


@contextmanager
def _reading_archive() -> Iterator[None]:
    try:
        yield
    except _CORRUPT_ZIP_ERRORS as exc:
        raise H5PPackageError(
            H5P_NOT_A_ZIP,
            _("Le fichier n'est pas une archive H5P lisible : archive ZIP invalide ou corrompue."),
        ) from exc


def _check_central_directory(*, stream: BinaryIO, archive_bytes: int, limits: H5PLimits) -> None:
    """Refuse an oversized central directory before zipfile parses it: ZipFile builds one object
    per record up front, and a 50 MB directory (a million records) takes seconds and hundreds
    of MB. Reads the end records zipfile itself trusts; anything unreadable is left to zipfile."""
    tail_bytes = min(archive_bytes, _EOCD.size + 0xFFFF)  # the record, then a comment
    stream.seek(archive_bytes - tail_bytes)
    tail = stream.read(tail_bytes)
    start = len(tail) - _EOCD.size
    # Like zipfile: a record without comment at the very end first, else the last signature.
    if start < 0:
        return
    if not (tail.startswith(b"PK\x05\x06", start) and tail.endswith(b"\0\0")):
        start = tail.rfind(b"PK\x05\x06")
        if start < 0 or len(tail) - start < _EOCD.size:
            return
    record = _EOCD.unpack_from(tail, start)
    entries, directory_bytes = record[4], record[5]
    # A ZIP64 locator just before the record sends zipfile to the ZIP64 record before it.
    eocd_at = archive_bytes - len(tail) + start
    zip64_at = eocd_at - _ZIP64_LOCATOR.size - _ZIP64_EOCD.size
    if zip64_at >= 0:
        stream.seek(zip64_at)
        block = stream.read(_ZIP64_EOCD.size + _ZIP64_LOCATOR.size)
        if block.startswith(b"PK\x06\x06") and block.startswith(b"PK\x06\x07", _ZIP64_EOCD.size):
            record64 = _ZIP64_EOCD.unpack_from(block)
            entries, directory_bytes = record64[7], record64[8]
    if (
        entries > limits.max_entries
        or directory_bytes > limits.max_entries * _CENTRAL_RECORD_ALLOWANCE
    ):
        raise _too_many_entries(limits)


def _too_many_entries(limits: H5PLimits) -> H5PPackageError:
    return H5PPackageError(
        H5P_TOO_MANY_ENTRIES,
        _("L'archive contient trop d'éléments : %(limit)d au plus.")
        % {"limit": limits.max_entries},
    )


def _entry_chunks(*, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes, decompressed chunk by chunk, never more than its declared size.
    zipfile itself stops at that size (and then fails the CRC); the count here keeps the limits
    true even if it did not."""
    produced = 0
    with _reading_archive(), archive.open(info) as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            produced += len(chunk)
            if produced > info.file_size:
                raise H5PPackageError(
                    H5P_ZIP_BOMB,
                    _("Le fichier « %(name)s » contient plus de données qu'il n'en déclare.")
                    % {"name": _shown(info.filename)},
                )
            yield chunk


class _ByteBudget:
    """Bytes actually decompressed, against the unpacked-size limit."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise _too_large_unpacked(self.limit)


def _too_large_unpacked(limit: int) -> H5PPackageError:
    return H5PPackageError(
        H5P_TOO_LARGE,
        _("Une fois décompressé, le paquet dépasserait la limite de %(limit)s.")
        % {"limit": filesizeformat(limit)},
    )


# Validation


def _validate(*, archive: zipfile.ZipFile, archive_bytes: int, limits: H5PLimits) -> _Plan:
    files = _check_entries(archive=archive, archive_bytes=archive_bytes, limits=limits)
    by_name = {info.filename: info for info in files}
    metadata, dependencies = _read_h5p_json(archive=archive, by_name=by_name, limits=limits)
    content = _read_content_json(archive=archive, by_name=by_name, limits=limits)
    content, neutralised = content_json_neutralise(content)
    libraries = _read_libraries(archive=archive, files=files, by_name=by_name, limits=limits)
    _check_dependencies(required=dependencies, libraries=libraries)
    uncompressed_bytes = _check_contents(archive=archive, files=files, limits=limits)
    main = next(dep for dep in dependencies if dep.machine_name == metadata["mainLibrary"])
    info = H5PPackageInfo(
        title=metadata["title"],
        main_library=main.machine_name,
        main_library_folder=main.folder,
        libraries=tuple(sorted(libraries)),
        metadata=metadata,
        entry_count=len(files),
        uncompressed_bytes=uncompressed_bytes,
        content=content,
        neutralised=neutralised,
    )
    content_json = json.dumps(content, ensure_ascii=False).encode() if neutralised else None
    return _Plan(info=info, files=files, content_json=content_json)


def _check_entries(
    *, archive: zipfile.ZipFile, archive_bytes: int, limits: H5PLimits
) -> tuple[zipfile.ZipInfo, ...]:
    """Every check the central directory alone allows; returns the files to extract."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _too_many_entries(limits)
    declared_bytes = 0
    compressed_bytes = 0
    files = []
    names: set[str] = set()
    folders: set[str] = set()
    for info in infos:
        segments = _check_name(info)
        shown = _shown(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise H5PPackageError(
                H5P_SYMLINK,
                _("L'archive contient un lien symbolique, « %(name)s », ce qui est interdit.")
                % {"name": shown},
            )
        _check_readable(info)
        declared_bytes += info.file_size
        compressed_bytes += info.compress_size
        if info.file_size >= _RATIO_EXEMPT_BYTES and (
            info.file_size > limits.max_ratio * info.compress_size
        ):
            raise H5PPackageError(
                H5P_ZIP_BOMB,
                _(
                    "Le fichier « %(name)s » est anormalement compressé (plus de %(ratio)d fois) : "
                    "l'archive est refusée par précaution."
                )
                % {"name": shown, "ratio": limits.max_ratio},
            )
        if info.is_dir() or _is_ignored(segments):
            continue
        _check_file_type(name=info.filename, segments=segments)
        key = _folded(info.filename)
        if key in names:
            raise _duplicate(info.filename)
        names.add(key)
        folders.update(_folded("/".join(segments[:depth])) for depth in range(1, len(segments)))
        files.append(info)
    if declared_bytes > limits.max_uncompressed_bytes:
        raise _too_large_unpacked(limits.max_uncompressed_bytes)
    # Entries sharing their compressed data (overlapping "better zip bombs") claim more
    # compressed bytes than the file holds.
    if compressed_bytes > archive_bytes or (
        declared_bytes >= _RATIO_EXEMPT_BYTES and declared_bytes > limits.max_ratio * archive_bytes
    ):
        raise H5PPackageError(
            H5P_ZIP_BOMB,
            _(
                "L'archive est anormalement compressée (plus de %(ratio)d fois) : elle est refusée "
                "par précaution."
            )
            % {"ratio": limits.max_ratio},
        )
    # "a/b" as a file and "a/b/c" beside it cannot both be written.
    for info in files:
        if _folded(info.filename) in folders:
            raise _duplicate(info.filename)
    return tuple(files)


def _check_name(info: zipfile.ZipInfo) -> list[str]:
    """The entry's path segments, once the name is known to stay inside the destination.
    ``orig_filename`` is checked because zipfile silently cuts a name at its first NUL."""
    raw = info.orig_filename
    segments = raw.removesuffix("/").split("/")
    if any(unicodedata.category(char) == "Cc" for char in raw):
        reason = _("caractère de contrôle")
    elif "\\" in raw:
        reason = _("barre oblique inverse")
    elif raw.startswith("/"):
        reason = _("chemin absolu")
    elif ":" in raw:
        # Drive letters ("C:") and NTFS streams ("a.txt:b"); no H5P file name needs a colon.
        reason = _("deux-points (lettre de lecteur)")
    elif ".." in segments:
        reason = _("remontée de dossier « .. »")
    elif "" in segments or "." in segments:
        reason = _("segment vide ou « . »")
    elif raw != info.filename:
        reason = _("nom réécrit à la lecture")
    else:
        return segments
    raise H5PPackageError(
        H5P_UNSAFE_PATH,
        _("Le chemin « %(name)s » est refusé : %(reason)s.")
        % {"name": _shown(raw), "reason": reason},
    )


def _check_readable(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        message = _("Le fichier « %(name)s » est chiffré, ce qui n'est pas pris en charge.")
    elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # H5P editors only deflate; other methods are more decompressor code facing hostile input.
        message = _("Le fichier « %(name)s » utilise une compression non prise en charge.")
    elif info.header_offset < 0:
        message = _("Le fichier « %(name)s » est mal placé dans l'archive, qui est corrompue.")
    else:
        return
    raise H5PPackageError(H5P_NOT_A_ZIP, message % {"name": _shown(info.filename)})


def _is_ignored(segments: list[str]) -> bool:
    return any(segment[0] in "._" for segment in segments) or (
        segments[-1].lower() in _IGNORED_BASENAMES
    )


def _check_file_type(*, name: str, segments: list[str]) -> None:
    basename = segments[-1]
    extension = basename.rpartition(".")[2].lower() if "." in basename else ""
    in_library = len(segments) > 1 and segments[0] != "content"
    if extension in (LIBRARY_EXTENSIONS if in_library else CONTENT_EXTENSIONS):
        return
    if extension in LIBRARY_EXTENSIONS:
        message = _(
            "Le fichier « %(name)s » est refusé : les fichiers JavaScript et CSS ne sont permis "
            "que dans les bibliothèques."
        )
    else:
        message = _("Le type du fichier « %(name)s » n'est pas autorisé dans un paquet H5P.")
    raise H5PPackageError(H5P_FORBIDDEN_FILE_TYPE, message % {"name": _shown(name)})


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _duplicate(name: str) -> H5PPackageError:
    return H5PPackageError(
        H5P_DUPLICATE_ENTRY,
        _("L'archive contient « %(name)s » plusieurs fois (à la casse près, ou comme dossier).")
        % {"name": _shown(name)},
    )


def _shown(name: str) -> str:
    """An entry name fit for a message: control characters replaced, length capped."""
    shown = "".join("\ufffd" if unicodedata.category(char) == "Cc" else char for char in name)
    return shown if len(shown) <= 200 else shown[:199] + "…"


# The JSON files


def _read_json(
    *, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: H5PLimits, code: str
) -> object:
    if info.file_size > limits.max_json_bytes:
        raise _invalid(
            code,
            info.filename,
            _("il dépasse %(limit)s") % {"limit": filesizeformat(limits.max_json_bytes)},
        )
    # At most the declared size comes out (see _entry_chunks), so at most max_json_bytes.
    data = b"".join(_entry_chunks(archive=archive, info=info))
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." nested too deep
        raise _invalid(code, info.filename, _("ce n'est pas du JSON valide")) from exc


def _invalid(code: str, name: str, reason: str) -> H5PPackageError:
    return H5PPackageError(
        code,
        _("Le fichier « %(name)s » est invalide : %(reason)s.")
        % {"name": _shown(name), "reason": reason},
    )


def _read_h5p_json(
    *, archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], limits: H5PLimits
) -> tuple[dict, tuple[_Dependency, ...]]:
    info = by_name.get(H5P_JSON)
    if info is None:
        raise H5PPackageError(
            H5P_MISSING_H5P_JSON,
            _(
                "Le fichier h5p.json est absent de la racine de l'archive : ce n'est pas un "
                "paquet H5P."
            ),
        )
    code = H5P_MALFORMED_H5P_JSON
    metadata = _read_json(archive=archive, info=info, limits=limits, code=code)
    if not isinstance(metadata, dict):
        raise _invalid(code, H5P_JSON, _("il doit contenir un objet JSON"))
    title = metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _invalid(code, H5P_JSON, _("le titre (title) est absent ou vide"))
    main = metadata.get("mainLibrary")
    if not isinstance(main, str) or not _MACHINE_NAME.fullmatch(main):
        raise _invalid(code, H5P_JSON, _("la bibliothèque principale (mainLibrary) est absente"))
    dependencies = _parse_dependencies(
        metadata.get("preloadedDependencies"), code=code, name=H5P_JSON
    )
    if not any(dep.machine_name == main for dep in dependencies):
        raise _invalid(
            code, H5P_JSON, _("mainLibrary ne figure pas parmi les preloadedDependencies")
        )
    return metadata, dependencies


def _read_content_json(
    *, archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], limits: H5PLimits
) -> dict:
    info = by_name.get(CONTENT_JSON)
    if info is None:
        raise H5PPackageError(
            H5P_MISSING_CONTENT_JSON, _("Le fichier content/content.json est absent du paquet.")
        )
    code = H5P_MALFORMED_CONTENT_JSON
    content = _read_json(archive=archive, info=info, limits=limits, code=code)
    if not isinstance(content, dict):
        raise _invalid(code, CONTENT_JSON, _("il doit contenir un objet JSON"))
    return content


# Active HTML in content.json
#
# Content types insert many strings of content.json as HTML (the "html" widget of their
# semantics, and often plain "text" fields too). Without the semantics of every library, the rule
# is per string: one that holds a tag is cleaned by an allow-list (the tags and attributes of H5P's
# own editor, styles limited to presentation), one that is an active address (javascript:,
# data:text/html...) is emptied. Plain text without a tag is left as it is, "<" and "&" included.

# The tags H5P's HTML editor (CKEditor) produces, plus what content types' fields commonly hold.
# fmt: off
HTML_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
# fmt: on
HTML_ATTRIBUTES = {
    "*": {"class", "dir", "lang", "style", "title"},
    "a": {"href", "target"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan", "headers", "scope"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "table": {"border", "summary"},
}
HTML_STYLE_PROPERTIES = frozenset({
    "background-color", "border", "border-collapse", "color", "font-family", "font-size",
    "font-style", "font-weight", "height", "line-height", "margin", "margin-left", "padding",
    "text-align", "text-decoration", "vertical-align", "width",
})  # fmt: skip
HTML_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_TAG_OPENING = re.compile(r"<\s*[a-zA-Z!/?]")


def _html_clean(value: str) -> str:
    return nh3.clean(
        value,
        tags=set(HTML_TAGS),
        attributes={tag: set(names) for tag, names in HTML_ATTRIBUTES.items()},
        url_schemes=set(HTML_URL_SCHEMES),
        filter_style_properties=set(HTML_STYLE_PROPERTIES),
        link_rel="noopener noreferrer",
    )


def _is_active_url(value: str) -> bool:
    folded = _URL_NOISE.sub("", value[:64]).lower()
    return folded.startswith(_ACTIVE_URL_MARKERS)


def content_json_neutralise(content: dict) -> tuple[dict, int]:
    """(content with every string made harmless, number of strings rewritten). Keys are kept as
    they are: content types look them up, they are not shown."""
    rewritten = 0

    def clean(value):
        nonlocal rewritten
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        if not isinstance(value, str):
            return value
        if _is_active_url(value):
            rewritten += 1
            return ""
        if _TAG_OPENING.search(value):
            cleaned = _html_clean(value)
            if cleaned != value:
                rewritten += 1
            return cleaned
        return value

    return clean(content), rewritten


def _read_libraries(
    *,
    archive: zipfile.ZipFile,
    files: tuple[zipfile.ZipInfo, ...],
    by_name: dict[str, zipfile.ZipInfo],
    limits: H5PLimits,
) -> dict[str, tuple[_Dependency, ...]]:
    """Each library folder and the preloaded dependencies its library.json declares."""
    folders = {info.filename.split("/", 1)[0] for info in files if "/" in info.filename}
    libraries = {}
    for folder in sorted(folders - {"content"}):
        name = f"{folder}/{LIBRARY_JSON}"
        info = by_name.get(name)
        if info is None:
            raise H5PPackageError(
                H5P_MISSING_LIBRARY,
                _(
                    "Le dossier « %(folder)s » n'est pas une bibliothèque H5P : il n'a pas de "
                    "%(file)s."
                )
                % {"folder": _shown(folder), "file": LIBRARY_JSON},
            )
        code = H5P_MALFORMED_LIBRARY_JSON
        data = _read_json(archive=archive, info=info, limits=limits, code=code)
        if not isinstance(data, dict):
            raise _invalid(code, name, _("il doit contenir un objet JSON"))
        # library.json names itself with the same three fields as a dependency.
        itself = _dependency(data)
        if itself is None:
            raise _invalid(code, name, _("machineName, majorVersion ou minorVersion est invalide"))
        # H5P core accepts both folder names; dependencies are found under the versioned one.
        if folder not in (itself.folder, itself.machine_name):
            raise _invalid(code, name, _("la bibliothèque ne correspond pas au nom du dossier"))
        libraries[folder] = _parse_dependencies(
            data.get("preloadedDependencies", []), code=code, name=name
        )
    return libraries


def _parse_dependencies(value: object, *, code: str, name: str) -> tuple[_Dependency, ...]:
    if not isinstance(value, list):
        raise _invalid(code, name, _("preloadedDependencies doit être une liste"))
    dependencies = []
    for item in value:
        dependency = _dependency(item)
        if dependency is None:
            raise _invalid(code, name, _("une dépendance de preloadedDependencies est invalide"))
        dependencies.append(dependency)
    return tuple(dependencies)


def _dependency(value: object) -> _Dependency | None:
    if not isinstance(value, dict):
        return None
    machine_name = value.get("machineName")
    major = _version(value.get("majorVersion"))
    minor = _version(value.get("minorVersion"))
    if not isinstance(machine_name, str) or not _MACHINE_NAME.fullmatch(machine_name):
        return None
    if major is None or minor is None:
        return None
    return _Dependency(machine_name, major, minor)


def _version(value: object) -> int | None:
    """Versions are numbers or digit strings in the wild ("1" in Hub exports)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99_999:
        return value
    if isinstance(value, str) and _VERSION.fullmatch(value):
        return int(value)
    return None


def _check_dependencies(
    *, required: tuple[_Dependency, ...], libraries: dict[str, tuple[_Dependency, ...]]
) -> None:
    """Every preloaded dependency, from h5p.json or through a library.json, must be shipped.
    Breadth first, so a missing direct dependency is the one reported."""
    pending = deque((dependency, H5P_JSON) for dependency in required)
    seen = set()
    while pending:
        dependency, required_by = pending.popleft()
        if dependency.folder in seen:
            continue
        seen.add(dependency.folder)
        if dependency.folder not in libraries:
            raise H5PPackageError(
                H5P_MISSING_LIBRARY,
                _(
                    "La bibliothèque « %(library)s », requise par %(required_by)s, est absente du "
                    "paquet (dossier %(library)s/%(file)s)."
                )
                % {"library": dependency.folder, "required_by": required_by, "file": LIBRARY_JSON},
            )
        pending.extend(
            (child, f"{dependency.folder}/{LIBRARY_JSON}") for child in libraries[dependency.folder]
        )


# File contents


def _check_contents(
    *, archive: zipfile.ZipFile, files: tuple[zipfile.ZipInfo, ...], limits: H5PLimits
) -> int:
    """Decompress every file (zipfile checks each CRC), count what comes out, and scan SVG and
    XML files for active content. Returns the bytes decompressed."""
    budget = _ByteBudget(limits.max_uncompressed_bytes)
    for info in files:
        parser = _markup_parser() if _extension(info.filename) in _MARKUP_EXTENSIONS else None
        try:
            for chunk in _entry_chunks(archive=archive, info=info):
                budget.spend(len(chunk))
                if parser is not None:
                    parser.feed(chunk)
            if parser is not None:
                parser.close()
        except _ActiveContent as exc:
            raise H5PPackageError(
                H5P_SCRIPTED_SVG,
                _(
                    "Le fichier « %(name)s » contient du contenu actif (script, gestionnaire "
                    "d'événement, lien javascript: ou objet HTML), ce qui est interdit."
                )
                % {"name": _shown(info.filename)},
            ) from exc
        # ParseError: not well-formed; ValueError: defusedxml refusing entities or external
        # references; LookupError: an encoding Python does not know.
        except (ParseError, ValueError, LookupError) as exc:
            raise H5PPackageError(
                H5P_SCRIPTED_SVG,
                _(
                    "Le fichier « %(name)s » n'a pas pu être analysé sans risque (XML invalide "
                    "ou déclarant des entités)."
                )
                % {"name": _shown(info.filename)},
            ) from exc
    return budget.used


def _extension(name: str) -> str:
    basename = name.rpartition("/")[2]
    return basename.rpartition(".")[2].lower() if "." in basename else ""


class _ActiveContent(Exception):
    """Raised from the parser's callbacks, at the first construct a browser would run."""


class _ActiveContentTarget:
    """Parser target that looks at start tags and processing instructions and keeps nothing,
    so a large SVG font streams through in constant memory."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        namespace, local = tag[1:].split("}", 1) if tag.startswith("{") else ("", tag)
        if namespace == _XHTML_NAMESPACE or local.lower() in _ACTIVE_ELEMENTS:
            raise _ActiveContent(tag)
        for key, value in attrib.items():
            if key.rpartition("}")[2].lower().startswith("on"):
                raise _ActiveContent(key)
            # Any attribute, not only href: <animate values="javascript:..."> rewrites an href.
            compact = _URL_NOISE.sub("", value).lower()
            if any(marker in compact for marker in _ACTIVE_URL_MARKERS):
                raise _ActiveContent(key)

    def pi(self, target: str, data: str) -> None:
        # An XSLT stylesheet can turn the document into HTML with scripts.
        if target.lower() == "xml-stylesheet":
            raise _ActiveContent(target)

    def close(self) -> None:
        return None


def _markup_parser() -> DefusedXMLParser:
    # Icon fonts declare the SVG 1.1 DOCTYPE, so a DTD is allowed; entities are not.
    return DefusedXMLParser(
        target=_ActiveContentTarget(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )


# Extraction


def _write_files(
    *,
    archive: zipfile.ZipFile,
    files: tuple[zipfile.ZipInfo, ...],
    root: Path,
    limits: H5PLimits,
    replaced: dict[str, bytes],
) -> None:
    """Write ``files`` under ``root``; an entry named in ``replaced`` is written with those bytes
    (content.json once neutralised) rather than the archive's."""
    budget = _ByteBudget(limits.max_uncompressed_bytes)
    resolved_root = root.resolve()
    made = {root}
    for info in files:
        target = root.joinpath(*info.filename.split("/"))
        # The names were checked; this keeps escaping impossible whatever those checks become.
        if not target.resolve().is_relative_to(resolved_root):
            raise H5PPackageError(
                H5P_UNSAFE_PATH,
                _("Le chemin « %(name)s » sort du dossier d'extraction.")
                % {"name": _shown(info.filename)},
            )
        _make_directories(target.parent, made=made)
        # O_EXCL and O_NOFOLLOW: never reuse or follow anything already there.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with open(descriptor, "wb") as output:
            os.fchmod(output.fileno(), 0o644)  # whatever the umask, the web server reads it
            if info.filename in replaced:
                budget.spend(len(replaced[info.filename]))
                output.write(replaced[info.filename])
                continue
            for chunk in _entry_chunks(archive=archive, info=info):
                budget.spend(len(chunk))
                output.write(chunk)


def _make_directories(directory: Path, *, made: set[Path]) -> None:
    missing = []
    while directory not in made:
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir(mode=0o755)
        path.chmod(0o755)  # mkdir's mode is filtered by the umask
        made.add(path)
