"""Hostile H5P packages for tests. Each builder writes one .h5p file into a directory and returns
its path. A hostile package is the small valid base (base_entries) plus one defect, so it is
refused for that defect and no other; HOSTILE_PACKAGES pairs each builder with the error code it
must be refused with and, when the message must name it, the entry at fault."""

import json
import random
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from courses.h5p.package import (
    H5P_DUPLICATE_ENTRY,
    H5P_FORBIDDEN_FILE_TYPE,
    H5P_MALFORMED_CONTENT_JSON,
    H5P_MALFORMED_H5P_JSON,
    H5P_MALFORMED_LIBRARY_JSON,
    H5P_MISSING_CONTENT_JSON,
    H5P_MISSING_H5P_JSON,
    H5P_MISSING_LIBRARY,
    H5P_NOT_A_ZIP,
    H5P_SCRIPTED_SVG,
    H5P_SYMLINK,
    H5P_TOO_MANY_ENTRIES,
    H5P_UNSAFE_PATH,
    H5P_ZIP_BOMB,
)

LIBRARY = "H5P.Example-1.0"
MEGABYTE = 1024 * 1024

H5P_JSON = {
    "title": "La loi, du projet au vote",
    "language": "fr",
    "mainLibrary": "H5P.Example",
    "embedTypes": ["iframe"],
    "license": "U",
    "preloadedDependencies": [
        {"machineName": "H5P.Example", "majorVersion": "1", "minorVersion": "0"}
    ],
}
LIBRARY_JSON = {
    "title": "Example",
    "machineName": "H5P.Example",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 3,
    "runnable": 1,
    "preloadedJs": [{"path": "example.js"}],
    "preloadedCss": [{"path": "example.css"}],
}
# Like the icon fonts of real libraries: an XML declaration, the SVG 1.1 DOCTYPE, an xlink href.
SAFE_SVG = b"""<?xml version="1.0" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 viewBox="0 0 8 8">
<a xlink:href="https://www.assemblee-nationale.fr/"><circle cx="4" cy="4" r="3"/></a>
</svg>
"""
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)

Entries = Mapping[str, bytes | None] | Iterable[tuple[str | zipfile.ZipInfo, bytes]]


def as_json(value) -> bytes:
    return json.dumps(value).encode()


def base_entries() -> dict[str, bytes]:
    """A minimal valid package: h5p.json, content, one library with a script, a style, an SVG."""
    return {
        "h5p.json": as_json(H5P_JSON),
        "content/content.json": as_json({"question": "<p>Le Parlement vote la loi.</p>"}),
        "content/images/hemicycle.png": PNG,
        f"{LIBRARY}/library.json": as_json(LIBRARY_JSON),
        f"{LIBRARY}/example.js": b"H5P.Example = function () {};\n",
        f"{LIBRARY}/example.css": b".h5p-example { color: #000; }\n",
        f"{LIBRARY}/icon.svg": SAFE_SVG,
    }


def write_package(directory: Path, filename: str, entries: Entries) -> Path:
    """Zip ``entries`` (a name-to-bytes mapping or (name or ZipInfo, bytes) pairs, in order)."""
    path = directory / filename
    items = entries.items() if isinstance(entries, Mapping) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name", when that is the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return path


def variant(
    directory: Path,
    stem: str,
    changes: Mapping[str, bytes | None] | None = None,
    extra: Iterable[tuple[str | zipfile.ZipInfo, bytes]] = (),
) -> Path:
    """The base package with entries replaced, removed (None) or added (``extra``, appended
    even when the name is already there)."""
    entries = base_entries()
    for name, data in (changes or {}).items():
        if data is None:
            entries.pop(name)
        else:
            entries[name] = data
    return write_package(directory, f"{stem}.h5p", [*entries.items(), *extra])


def _patched(path: Path, old: bytes, new: bytes) -> Path:
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    path.write_bytes(data.replace(old, new))
    return path


def _h5p_json(**changes) -> bytes:
    return as_json({**H5P_JSON, **changes})


def _library_json(**changes) -> bytes:
    return as_json({**LIBRARY_JSON, **changes})


def _dependency(name: str, major: str = "1", minor: str = "0") -> dict:
    return {"machineName": name, "majorVersion": major, "minorVersion": minor}


def _svg(body: str, *, prolog: str = "") -> dict[str, bytes]:
    document = f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" {body}</svg>'
    return {f"{LIBRARY}/icon.svg": document.encode()}


# Valid packages


def valid_package(directory: Path) -> Path:
    return write_package(directory, "valid.h5p", base_entries())


def valid_package_with_junk(directory: Path) -> Path:
    """Valid, with OS junk, dotfiles and "_" folders that must be skipped, not extracted, and
    directory entries."""
    junk = {
        "__MACOSX/content/._content.json": b"\0\5\26\7",
        ".DS_Store": b"\0\0\0\1Bud1",
        "content/.DS_Store": b"\0\0\0\1Bud1",
        "content/images/Thumbs.db": b"\xd0\xcf\x11\xe0",
        f"{LIBRARY}/desktop.ini": b"[.ShellClassInfo]",
        "content/.htaccess": b"AddType application/x-httpd-php .png",
        "_notes/shell.php": b"<?php system($_GET['c']);",
        "content/": b"",
        "content/images/": b"",
    }
    return write_package(directory, "valid_with_junk.h5p", {**base_entries(), **junk})


def valid_package_integer_versions(directory: Path) -> Path:
    dependency = {"machineName": "H5P.Example", "majorVersion": 1, "minorVersion": 0}
    changes = {"h5p.json": _h5p_json(preloadedDependencies=[dependency])}
    return variant(directory, "valid_integer_versions", changes)


# Paths


def traversal_parent(directory: Path) -> Path:
    return variant(directory, "traversal_parent", {"../evil.js": b"alert(1)"})


def traversal_nested(directory: Path) -> Path:
    return variant(directory, "traversal_nested", {"content/../../x.json": b"{}"})


def absolute_path(directory: Path) -> Path:
    return variant(directory, "absolute_path", {"/etc/x.json": b"{}"})


def backslash_path(directory: Path) -> Path:
    return variant(directory, "backslash_path", {"content\\..\\..\\evil.json": b"{}"})


def drive_letter(directory: Path) -> Path:
    return variant(directory, "drive_letter", {"C:/evil.json": b"{}"})


def empty_segment(directory: Path) -> Path:
    return variant(directory, "empty_segment", {"content//x.json": b"{}"})


def nul_in_name(directory: Path) -> Path:
    """zipfile cuts names at NUL when reading: "evil.php\\0.png" would be seen as "evil.php"."""
    path = variant(directory, "nul_in_name", {"content/evil.php_.png": b"<?php"})
    return _patched(path, b"evil.php_.png", b"evil.php\0.png")


def symlink(directory: Path) -> Path:
    link = zipfile.ZipInfo("content/images/link.png")
    link.create_system = 3  # Unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return variant(directory, "symlink", extra=[(link, b"/etc/passwd")])


# Sizes


def zip_bomb(directory: Path) -> Path:
    """One 200 MB entry of zeros (about 200 KB compressed), streamed so that building it needs
    one megabyte of memory."""
    path = write_package(directory, "zip_bomb.h5p", base_entries())
    chunk = bytes(MEGABYTE)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("content/images/zeros.png", "w") as entry,
    ):
        for _ in range(200):
            entry.write(chunk)
    return path


def declared_size_lie(directory: Path) -> Path:
    """An entry declaring 1000 bytes that inflates to 4 MB: its declared ratio looks harmless."""
    path = write_package(directory, "declared_size_lie.h5p", base_entries())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content/images/big.png", bytes(4 * MEGABYTE))
        # The central directory, which readers trust, is written from this on close.
        archive.getinfo("content/images/big.png").file_size = 1000
    return path


def many_small_compressible_entries(directory: Path) -> Path:
    """200 entries of 60 KB of zeros: each under the per-entry ratio exemption, 400:1 overall."""
    extra = [(f"content/images/zeros-{index}.png", bytes(60 * 1024)) for index in range(200)]
    return variant(directory, "many_small_compressible_entries", extra=extra)


def overlapping_entries(directory: Path) -> Path:
    """Two central directory records pointing at the same compressed data (the trick of
    overlapping "better zip bombs"), with a harmless ratio."""
    path = write_package(directory, "overlapping_entries.h5p", base_entries())
    blob = random.Random(0).randbytes(100_000)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("content/images/a.png", blob)
        archive.writestr("content/images/b.png", b"")
        first = archive.getinfo("content/images/a.png")
        second = archive.getinfo("content/images/b.png")
        second.header_offset = first.header_offset
        second.compress_size = first.compress_size
        second.file_size = first.file_size
        second.CRC = first.CRC
    return path


def _thousands_of_entries(directory: Path, stem: str) -> Path:
    extra = [(f"content/texts/{index}.txt", b"x") for index in range(5000)]
    return variant(directory, stem, extra=extra)


def too_many_entries(directory: Path) -> Path:
    return _thousands_of_entries(directory, "too_many_entries")


def too_many_entries_understated(directory: Path) -> Path:
    """5000 entries, with the end record claiming one."""
    path = _thousands_of_entries(directory, "too_many_entries_understated")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)
    path.write_bytes(data)
    return path


# Zip-level damage


def not_a_zip(directory: Path) -> Path:
    path = directory / "not_a_zip.h5p"
    path.write_bytes(b"<?php echo 'bonjour'; ?>\n")
    return path


def empty_file(directory: Path) -> Path:
    path = directory / "empty.h5p"
    path.write_bytes(b"")
    return path


def truncated(directory: Path) -> Path:
    path = write_package(directory, "truncated.h5p", base_entries())
    path.write_bytes(path.read_bytes()[:-300])
    return path


def encrypted_entry(directory: Path) -> Path:
    path = write_package(directory, "encrypted_entry.h5p", base_entries())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("content/images/secret.png", PNG)
        archive.getinfo("content/images/secret.png").flag_bits |= 0x1
    return path


def unsupported_compression(directory: Path) -> Path:
    path = write_package(directory, "unsupported_compression.h5p", base_entries())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("content/images/other.png", PNG)
    return path


# Duplicates


def duplicate_entry_exact(directory: Path) -> Path:
    return variant(directory, "duplicate_exact", extra=[("content/content.json", b"{}")])


def duplicate_entry_case(directory: Path) -> Path:
    return variant(directory, "duplicate_case", {"content/images/HEMICYCLE.png": PNG})


def file_folder_clash(directory: Path) -> Path:
    changes = {"content/extra.json": b"{}", "content/extra.json/inner.json": b"{}"}
    return variant(directory, "file_folder_clash", changes)


# h5p.json, content.json, libraries


def missing_h5p_json(directory: Path) -> Path:
    return variant(directory, "missing_h5p_json", {"h5p.json": None})


def h5p_json_not_json(directory: Path) -> Path:
    return variant(directory, "h5p_json_not_json", {"h5p.json": b"{title: 'Exemple'"})


def h5p_json_array(directory: Path) -> Path:
    return variant(directory, "h5p_json_array", {"h5p.json": b"[]"})


def h5p_json_missing_main_library(directory: Path) -> Path:
    metadata = {key: value for key, value in H5P_JSON.items() if key != "mainLibrary"}
    return variant(directory, "h5p_json_missing_main_library", {"h5p.json": as_json(metadata)})


def h5p_json_main_library_not_a_dependency(directory: Path) -> Path:
    changes = {"h5p.json": _h5p_json(mainLibrary="H5P.Other")}
    return variant(directory, "h5p_json_main_library_not_a_dependency", changes)


def h5p_json_bad_version(directory: Path) -> Path:
    changes = {"h5p.json": _h5p_json(preloadedDependencies=[_dependency("H5P.Example", "un")])}
    return variant(directory, "h5p_json_bad_version", changes)


def main_library_not_shipped(directory: Path) -> Path:
    changes = {name: None for name in base_entries() if name.startswith(f"{LIBRARY}/")}
    return variant(directory, "main_library_not_shipped", changes)


def missing_preloaded_dependency(directory: Path) -> Path:
    dependencies = [*H5P_JSON["preloadedDependencies"], _dependency("H5P.Missing", "2", "3")]
    changes = {"h5p.json": _h5p_json(preloadedDependencies=dependencies)}
    return variant(directory, "missing_preloaded_dependency", changes)


def missing_transitive_dependency(directory: Path) -> Path:
    library = _library_json(preloadedDependencies=[_dependency("H5P.Helper", "1", "2")])
    return variant(directory, "missing_transitive_dependency", {f"{LIBRARY}/library.json": library})


def folder_without_library_json(directory: Path) -> Path:
    return variant(directory, "folder_without_library_json", {"Stray-1.0/stray.js": b"1;"})


def library_json_not_json(directory: Path) -> Path:
    return variant(directory, "library_json_not_json", {f"{LIBRARY}/library.json": b"nope"})


def library_json_wrong_folder(directory: Path) -> Path:
    changes = {f"{LIBRARY}/library.json": _library_json(machineName="H5P.Other")}
    return variant(directory, "library_json_wrong_folder", changes)


def missing_content_json(directory: Path) -> Path:
    return variant(directory, "missing_content_json", {"content/content.json": None})


def content_json_not_json(directory: Path) -> Path:
    return variant(directory, "content_json_not_json", {"content/content.json": b'{"a": '})


def content_json_too_deep(directory: Path) -> Path:
    """Deep enough for a RecursionError, small enough to stay under the ratio exemption."""
    return variant(directory, "content_json_too_deep", {"content/content.json": b"[" * 50_000})


# File types


def php_in_content(directory: Path) -> Path:
    return variant(directory, "php_in_content", {"content/shell.php": b"<?php system($_GET['c']);"})


def php_in_library(directory: Path) -> Path:
    return variant(directory, "php_in_library", {f"{LIBRARY}/shell.php": b"<?php phpinfo();"})


def exe_file(directory: Path) -> Path:
    return variant(directory, "exe_file", {"content/setup.exe": b"MZ\x90\x00"})


def html_file(directory: Path) -> Path:
    return variant(directory, "html_file", {"content/page.html": b"<script>alert(1)</script>"})


def swf_file(directory: Path) -> Path:
    return variant(directory, "swf_file", {"content/movie.swf": b"FWS\x0a"})


def js_in_content(directory: Path) -> Path:
    return variant(directory, "js_in_content", {"content/evil.js": b"alert(1)"})


def no_extension(directory: Path) -> Path:
    return variant(directory, "no_extension", {f"{LIBRARY}/LICENSE": b"MIT"})


# Active SVG and XML


def svg_script_element(directory: Path) -> Path:
    return variant(directory, "svg_script", _svg("><script>alert(document.cookie)</script>"))


def svg_onload_attribute(directory: Path) -> Path:
    return variant(directory, "svg_onload", _svg('onload="alert(1)"><circle r="1"/>'))


def svg_javascript_href(directory: Path) -> Path:
    body = 'xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)">x</a>'
    return variant(directory, "svg_javascript_href", _svg(body))


def svg_obfuscated_javascript_href(directory: Path) -> Path:
    """A character reference and a tab inside the scheme: browsers still run it."""
    return variant(directory, "svg_obfuscated_href", _svg('><a href="&#106;ava&#9;script:x()"/>'))


def svg_animate_href(directory: Path) -> Path:
    body = '><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a>'
    return variant(directory, "svg_animate_href", _svg(body))


def svg_foreign_object(directory: Path) -> Path:
    body = '><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>'
    return variant(directory, "svg_foreign_object", _svg(body))


def svg_entity_expansion(directory: Path) -> Path:
    prolog = '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    return variant(directory, "svg_entity_expansion", _svg("><text>&b;</text>", prolog=prolog))


def svg_xml_stylesheet(directory: Path) -> Path:
    prolog = '<?xml-stylesheet type="text/xsl" href="style.xml"?>'
    return variant(directory, "svg_xml_stylesheet", _svg("/>", prolog=prolog))


def svg_not_well_formed(directory: Path) -> Path:
    return variant(directory, "svg_not_well_formed", {f"{LIBRARY}/icon.svg": b"<svg><g></svg>"})


def xml_with_xhtml_script(directory: Path) -> Path:
    document = b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'
    return variant(directory, "xml_with_xhtml_script", {"content/data.xml": document})


class HostilePackage(NamedTuple):
    build: Callable[[Path], Path]
    code: str
    entry: str = ""  # a name the error message must show

    @property
    def id(self) -> str:
        return self.build.__name__


HOSTILE_PACKAGES = (
    HostilePackage(traversal_parent, H5P_UNSAFE_PATH, "../evil.js"),
    HostilePackage(traversal_nested, H5P_UNSAFE_PATH, "content/../../x.json"),
    HostilePackage(absolute_path, H5P_UNSAFE_PATH, "/etc/x.json"),
    HostilePackage(backslash_path, H5P_UNSAFE_PATH, "content\\..\\..\\evil.json"),
    HostilePackage(drive_letter, H5P_UNSAFE_PATH, "C:/evil.json"),
    HostilePackage(empty_segment, H5P_UNSAFE_PATH, "content//x.json"),
    HostilePackage(nul_in_name, H5P_UNSAFE_PATH, "content/evil.php\ufffd.png"),
    HostilePackage(symlink, H5P_SYMLINK, "content/images/link.png"),
    HostilePackage(zip_bomb, H5P_ZIP_BOMB, "content/images/zeros.png"),
    HostilePackage(declared_size_lie, H5P_NOT_A_ZIP),
    HostilePackage(many_small_compressible_entries, H5P_ZIP_BOMB),
    HostilePackage(overlapping_entries, H5P_ZIP_BOMB),
    HostilePackage(too_many_entries, H5P_TOO_MANY_ENTRIES),
    HostilePackage(too_many_entries_understated, H5P_TOO_MANY_ENTRIES),
    HostilePackage(not_a_zip, H5P_NOT_A_ZIP),
    HostilePackage(empty_file, H5P_NOT_A_ZIP),
    HostilePackage(truncated, H5P_NOT_A_ZIP),
    HostilePackage(encrypted_entry, H5P_NOT_A_ZIP, "content/images/secret.png"),
    HostilePackage(unsupported_compression, H5P_NOT_A_ZIP, "content/images/other.png"),
    HostilePackage(duplicate_entry_exact, H5P_DUPLICATE_ENTRY, "content/content.json"),
    HostilePackage(duplicate_entry_case, H5P_DUPLICATE_ENTRY, "content/images/HEMICYCLE.png"),
    HostilePackage(file_folder_clash, H5P_DUPLICATE_ENTRY, "content/extra.json"),
    HostilePackage(missing_h5p_json, H5P_MISSING_H5P_JSON, "h5p.json"),
    HostilePackage(h5p_json_not_json, H5P_MALFORMED_H5P_JSON, "h5p.json"),
    HostilePackage(h5p_json_array, H5P_MALFORMED_H5P_JSON, "h5p.json"),
    HostilePackage(h5p_json_missing_main_library, H5P_MALFORMED_H5P_JSON, "mainLibrary"),
    HostilePackage(h5p_json_main_library_not_a_dependency, H5P_MALFORMED_H5P_JSON, "mainLibrary"),
    HostilePackage(h5p_json_bad_version, H5P_MALFORMED_H5P_JSON, "h5p.json"),
    HostilePackage(main_library_not_shipped, H5P_MISSING_LIBRARY, LIBRARY),
    HostilePackage(missing_preloaded_dependency, H5P_MISSING_LIBRARY, "H5P.Missing-2.3"),
    HostilePackage(missing_transitive_dependency, H5P_MISSING_LIBRARY, "H5P.Helper-1.2"),
    HostilePackage(folder_without_library_json, H5P_MISSING_LIBRARY, "Stray-1.0"),
    HostilePackage(library_json_not_json, H5P_MALFORMED_LIBRARY_JSON, f"{LIBRARY}/library.json"),
    HostilePackage(library_json_wrong_folder, H5P_MALFORMED_LIBRARY_JSON, LIBRARY),
    HostilePackage(missing_content_json, H5P_MISSING_CONTENT_JSON, "content/content.json"),
    HostilePackage(content_json_not_json, H5P_MALFORMED_CONTENT_JSON, "content/content.json"),
    HostilePackage(content_json_too_deep, H5P_MALFORMED_CONTENT_JSON, "content/content.json"),
    HostilePackage(php_in_content, H5P_FORBIDDEN_FILE_TYPE, "content/shell.php"),
    HostilePackage(php_in_library, H5P_FORBIDDEN_FILE_TYPE, f"{LIBRARY}/shell.php"),
    HostilePackage(exe_file, H5P_FORBIDDEN_FILE_TYPE, "content/setup.exe"),
    HostilePackage(html_file, H5P_FORBIDDEN_FILE_TYPE, "content/page.html"),
    HostilePackage(swf_file, H5P_FORBIDDEN_FILE_TYPE, "content/movie.swf"),
    HostilePackage(js_in_content, H5P_FORBIDDEN_FILE_TYPE, "content/evil.js"),
    HostilePackage(no_extension, H5P_FORBIDDEN_FILE_TYPE, f"{LIBRARY}/LICENSE"),
    HostilePackage(svg_script_element, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_onload_attribute, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_javascript_href, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_obfuscated_javascript_href, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_animate_href, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_foreign_object, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_entity_expansion, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_xml_stylesheet, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(svg_not_well_formed, H5P_SCRIPTED_SVG, f"{LIBRARY}/icon.svg"),
    HostilePackage(xml_with_xhtml_script, H5P_SCRIPTED_SVG, "content/data.xml"),
)
