"""H5P package validation and extraction: real Hub packages pass, every hostile package of the
corpus is refused with its own code, and a refused extraction leaves nothing on disk."""

import io
import json
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.files import File

from courses.h5p import package
from courses.h5p.package import (
    H5P_FORBIDDEN_FILE_TYPE,
    H5P_MALFORMED_H5P_JSON,
    H5P_TOO_LARGE,
    H5P_TOO_MANY_ENTRIES,
    H5P_UNSAFE_PATH,
    H5P_ZIP_BOMB,
    H5PLimits,
    H5PPackageError,
    h5p_package_extract,
    h5p_package_validate,
)
from tests.conftest import h5p_fixture
from tests.courses import h5p_corpus as corpus

PLAYABLE = (
    "H5P.TrueFalse.h5p",
    "H5P.MultiChoice.h5p",
    "H5P.QuestionSet.h5p",
    "H5P.DragText.h5p",
    "H5P.Blanks.h5p",
    "H5P.TrueFalse.hello-world.h5p",
)
VALIDATION_ONLY = ("greetingcard1.h5p", "valid2.h5p")
LIMITS = H5PLimits()


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Builds each corpus package once per module: the zip bomb takes a second to write."""
    directory = tmp_path_factory.mktemp("h5p_corpus")
    built: dict[str, Path] = {}

    def build(builder) -> Path:
        if builder.__name__ not in built:
            built[builder.__name__] = builder(directory)
        return built[builder.__name__]

    return build


@pytest.fixture
def parent(tmp_path) -> Path:
    """An empty folder to extract into; tests check what is left in it."""
    folder = tmp_path / "extracted"
    folder.mkdir()
    return folder


def file_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()
        }


def tree(root: Path) -> dict[str, Path]:
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*")}


@pytest.mark.parametrize("name", PLAYABLE + VALIDATION_ONLY)
def test_h5p_package_validate_accepts_hub_fixture(name):
    path = h5p_fixture(name)
    entries = file_entries(path)

    info = h5p_package_validate(source=path, limits=LIMITS)

    assert info.title == info.metadata["title"]
    assert info.main_library == info.metadata["mainLibrary"]
    assert info.main_library_folder.startswith(f"{info.main_library}-")
    assert info.main_library_folder in info.libraries
    assert set(info.libraries) == {name.split("/")[0] for name in entries if "/" in name} - {
        "content"
    }
    assert info.entry_count == len(entries)
    assert info.uncompressed_bytes == sum(len(data) for data in entries.values())


@pytest.mark.parametrize("name", PLAYABLE + VALIDATION_ONLY)
def test_h5p_package_extract_writes_hub_fixture(name, parent):
    path = h5p_fixture(name)
    entries = file_entries(path)
    destination = parent / "content"

    info = h5p_package_extract(source=path, destination=destination, limits=LIMITS)

    assert list(parent.iterdir()) == [destination]  # no staging folder left beside it
    for required in (
        "h5p.json",
        "content/content.json",
        f"{info.main_library_folder}/library.json",
    ):
        assert (destination / required).is_file()
    written = tree(destination)
    files = {name: path for name, path in written.items() if not path.is_dir()}
    assert len(files) == info.entry_count == len(entries)
    root = destination.resolve()
    for name, path in written.items():
        mode = path.lstat().st_mode
        assert not stat.S_ISLNK(mode)
        assert path.resolve().is_relative_to(root)
        if stat.S_ISDIR(mode):
            assert stat.S_IMODE(mode) == 0o755, name
        else:
            assert stat.S_ISREG(mode)
            assert stat.S_IMODE(mode) == 0o644, name
            assert path.read_bytes() == entries[name], name


def test_h5p_package_extract_reads_an_open_django_file(parent):
    """The task passes the FieldFile it opened, not a path."""
    with h5p_fixture("H5P.TrueFalse.h5p").open("rb") as handle:
        handle.read(100)  # a stream is read from its start, wherever it was left
        info = h5p_package_extract(
            source=File(handle), destination=parent / "content", limits=LIMITS
        )
        assert not handle.closed  # the caller's file stays the caller's

    assert info.main_library_folder == "H5P.TrueFalse-1.6"
    assert (parent / "content" / "H5P.TrueFalse-1.6" / "library.json").is_file()


def test_h5p_package_validate_reads_a_bytes_buffer():
    data = h5p_fixture("valid2.h5p").read_bytes()

    info = h5p_package_validate(source=io.BytesIO(data), limits=LIMITS)

    assert info.main_library == "H5P.GreetingCard"


@pytest.mark.parametrize("hostile", corpus.HOSTILE_PACKAGES, ids=lambda hostile: hostile.id)
def test_h5p_package_validate_rejects_hostile_package(hostile, build):
    with pytest.raises(H5PPackageError) as raised:
        h5p_package_validate(source=build(hostile.build), limits=LIMITS)

    assert raised.value.code == hostile.code
    assert hostile.entry in raised.value.message
    assert str(raised.value) == raised.value.message


@pytest.mark.parametrize("hostile", corpus.HOSTILE_PACKAGES, ids=lambda hostile: hostile.id)
def test_h5p_package_extract_rejects_hostile_package_leaving_nothing(hostile, build, parent):
    with pytest.raises(H5PPackageError) as raised:
        h5p_package_extract(
            source=build(hostile.build), destination=parent / "content", limits=LIMITS
        )

    assert raised.value.code == hostile.code
    assert list(parent.iterdir()) == []


def test_h5p_package_validate_accepts_the_corpus_base(build):
    """Each hostile package is this one plus one defect."""
    info = h5p_package_validate(source=build(corpus.valid_package), limits=LIMITS)

    assert info.main_library_folder == corpus.LIBRARY
    assert info.libraries == (corpus.LIBRARY,)
    assert info.entry_count == len(corpus.base_entries())


def test_h5p_package_validate_accepts_integer_versions(build):
    info = h5p_package_validate(source=build(corpus.valid_package_integer_versions), limits=LIMITS)

    assert info.main_library_folder == corpus.LIBRARY


def test_h5p_package_extract_skips_os_junk_dotfiles_and_underscore_folders(build, parent):
    destination = parent / "content"

    info = h5p_package_extract(
        source=build(corpus.valid_package_with_junk), destination=destination, limits=LIMITS
    )

    files = {name for name, path in tree(destination).items() if path.is_file()}
    assert files == set(corpus.base_entries())
    assert info.entry_count == len(files)


def test_h5p_package_validate_exempts_small_entries_from_the_ratio(tmp_path):
    """63 KB of spaces compress a thousandfold; random bytes keep the overall ratio low."""
    extra = {
        "content/spaces.json": b"[" + b" " * (63 * 1024) + b"]",
        "content/images/noise.png": os.urandom(200_000),
    }
    path = corpus.write_package(tmp_path, "small.h5p", {**corpus.base_entries(), **extra})

    info = h5p_package_validate(source=path, limits=LIMITS)

    assert info.entry_count == len(corpus.base_entries()) + 2


def test_h5p_package_validate_rejects_file_larger_than_max_compressed_bytes(build):
    path = build(corpus.valid_package)
    limits = H5PLimits(max_compressed_bytes=path.stat().st_size - 1)

    with pytest.raises(H5PPackageError) as raised:
        h5p_package_validate(source=path, limits=limits)

    assert raised.value.code == H5P_TOO_LARGE


def test_h5p_package_validate_rejects_unpacked_size_over_limit(build):
    limits = H5PLimits(max_uncompressed_bytes=500)

    with pytest.raises(H5PPackageError) as raised:
        h5p_package_validate(source=build(corpus.valid_package), limits=limits)

    assert raised.value.code == H5P_TOO_LARGE


def test_h5p_package_validate_rejects_json_over_max_json_bytes(build):
    with pytest.raises(H5PPackageError) as raised:
        h5p_package_validate(
            source=build(corpus.valid_package), limits=H5PLimits(max_json_bytes=50)
        )

    assert raised.value.code == H5P_MALFORMED_H5P_JSON


def test_h5p_package_validate_rejects_oversized_central_directory(tmp_path):
    """Few entries, long names: the directory is refused before zipfile parses it."""
    long_names = [(f"content/{'n' * 1900}-{index}.json", b"{}") for index in range(13)]
    path = corpus.write_package(
        tmp_path, "long_names.h5p", [*corpus.base_entries().items(), *long_names]
    )

    with pytest.raises(H5PPackageError) as raised:
        h5p_package_validate(source=path, limits=H5PLimits(max_entries=20))

    assert raised.value.code == H5P_TOO_MANY_ENTRIES


def test_central_directory_check_trusts_the_zip64_end_record_like_zipfile(tmp_path, monkeypatch):
    """zipfile reads the ZIP64 record when there is one, so the early check must too: here the
    classic record claims one entry and the ZIP64 record tells the truth."""
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # every archive gets ZIP64 records
    valid = corpus.valid_package(tmp_path)
    many = [(f"content/texts/{index}.txt", b"x") for index in range(2100)]
    path = corpus.write_package(tmp_path, "zip64.h5p", [*corpus.base_entries().items(), *many])
    monkeypatch.undo()
    data = bytearray(path.read_bytes())
    struct.pack_into("<HH", data, data.rfind(b"PK\x05\x06") + 8, 1, 1)

    assert h5p_package_validate(source=valid, limits=LIMITS).entry_count == 7
    with pytest.raises(H5PPackageError) as raised:
        package._check_central_directory(
            stream=io.BytesIO(data), archive_bytes=len(data), limits=LIMITS
        )
    assert raised.value.code == H5P_TOO_MANY_ENTRIES


def test_h5p_package_validate_js_message_is_french_and_names_the_entry(build):
    with pytest.raises(H5PPackageError) as raised:
        h5p_package_validate(source=build(corpus.js_in_content), limits=LIMITS)

    assert raised.value.code == H5P_FORBIDDEN_FILE_TYPE
    assert raised.value.message == (
        "Le fichier « content/evil.js » est refusé : les fichiers JavaScript et CSS ne sont "
        "permis que dans les bibliothèques."
    )


def test_h5p_package_extract_refuses_existing_destination(build, parent):
    destination = parent / "content"
    destination.mkdir()
    (destination / "keep.txt").write_text("existing")

    with pytest.raises(FileExistsError):
        h5p_package_extract(
            source=build(corpus.valid_package), destination=destination, limits=LIMITS
        )

    assert list(parent.iterdir()) == [destination]
    assert [path.name for path in destination.iterdir()] == ["keep.txt"]


def test_h5p_package_extract_cleans_up_after_unexpected_error(build, parent, monkeypatch):
    """An error halfway through writing (a full disk, a bug) still leaves nothing behind."""
    calls = []

    def failing_fchmod(descriptor, mode):
        calls.append(descriptor)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(package.os, "fchmod", failing_fchmod)

    with pytest.raises(OSError, match="No space left"):
        h5p_package_extract(
            source=build(corpus.valid_package), destination=parent / "content", limits=LIMITS
        )

    assert len(calls) == 4
    assert list(parent.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "planted"),
    [
        # A plan that the name checks would never have let through.
        ("../escaped.json", None),
        # A clean name, through a link already in the folder written to, pointing outside.
        ("content/escaped.json", "content"),
    ],
    ids=["parent-segment", "link-in-folder"],
)
def test_writing_refuses_a_file_outside_the_folder_whatever_the_plan(tmp_path, name, planted):
    """The second line of defence: whatever the checks on names become, the writer itself
    refuses a target that resolves outside its folder, with the package's own error."""
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    if planted:
        (root / planted).symlink_to(outside, target_is_directory=True)
    path = corpus.write_package(tmp_path, "plan.h5p", {name: b"{}"})

    with zipfile.ZipFile(path) as archive, pytest.raises(H5PPackageError) as raised:
        package._write_files(
            archive=archive,
            files=tuple(archive.infolist()),
            root=root,
            limits=LIMITS,
            replaced={},
        )

    assert raised.value.code == H5P_UNSAFE_PATH
    assert list(outside.iterdir()) == []
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["outside", "plan.h5p", "root"]


def test_entry_chunks_stops_past_the_declared_size():
    """zipfile already stops at the declared size; the copy must not rely on it."""

    class LyingArchive:
        def open(self, info):
            return io.BytesIO(b"x" * 1000)

    info = zipfile.ZipInfo("content/images/big.png")
    info.file_size = 10

    with pytest.raises(H5PPackageError) as raised:
        list(package._entry_chunks(archive=LyingArchive(), info=info))

    assert raised.value.code == H5P_ZIP_BOMB


def test_h5p_limits_from_settings_overrides_defaults(settings):
    settings.HEMICYCLE_H5P_LIMITS = {"max_entries": 10, "max_ratio": 50.0}

    limits = H5PLimits.from_settings()

    assert limits == H5PLimits(max_entries=10, max_ratio=50.0)


def test_h5p_limits_from_settings_defaults_without_setting(settings):
    del settings.HEMICYCLE_H5P_LIMITS

    assert H5PLimits.from_settings() == H5PLimits()


def test_h5p_limits_from_settings_rejects_unknown_key(settings):
    settings.HEMICYCLE_H5P_LIMITS = {"max_entrys": 10}

    with pytest.raises(TypeError):
        H5PLimits.from_settings()


HOSTILE_CONTENT = {
    "question": (
        '<p style="color:#000091;position:fixed" onmouseover="steal()">Le <strong>Sénat</strong>'
        '<script>fetch("/api/classes/")</script><img src="x" onerror="steal()">'
        '<a href="javascript:steal()">lien</a><a href="https://www.conseil-constitutionnel.fr/">'
        "source</a></p>"
    ),
    "answers": [
        {"text": "<iframe src='/admin/users/'></iframe>Vrai", "correct": True},
        {"text": "<svg onload=steal()>Faux</svg>", "correct": False},
    ],
    "behaviour": {"link": " JaVa\tScRiPt:steal()", "frame": "data:text/html,<script>x</script>"},
    "plain": "3 < 5 & 7 > 2",
    "score": 3,
}


def test_h5p_package_extract_neutralises_active_html_in_content_json(tmp_path, parent):
    """What a content type would insert as HTML cannot run: scripts, handlers, frames and
    javascript: addresses are gone; the editor's formatting and plain text stay."""
    entries = corpus.base_entries()
    entries["content/content.json"] = corpus.as_json(HOSTILE_CONTENT)
    path = corpus.write_package(tmp_path, "hostile-content.h5p", entries)

    info = h5p_package_extract(source=path, destination=parent / "content", limits=LIMITS)

    written = (parent / "content" / "content" / "content.json").read_text()
    for active in (
        "script",
        "onerror",
        "onmouseover",
        "onload",
        "javascript",
        "iframe",
        "data:text/html",
        "position:fixed",
        "steal",
    ):
        assert active not in written.lower(), active
    content = info.content
    assert content["question"].startswith('<p style="color:#000091">Le <strong>Sénat</strong>')
    assert (
        '<a href="https://www.conseil-constitutionnel.fr/" rel="noopener noreferrer">'
        in (content["question"])
    )
    assert [answer["text"] for answer in content["answers"]] == ["Vrai", "Faux"]
    assert content["behaviour"] == {"link": "", "frame": ""}
    assert content["plain"] == "3 < 5 & 7 > 2"
    assert content["score"] == 3
    assert info.neutralised == 5
    assert json.loads(written) == content


def test_h5p_package_validate_leaves_harmless_content_json_as_it_is(tmp_path):
    entries = corpus.base_entries()
    path = corpus.write_package(tmp_path, "harmless.h5p", entries)

    info = h5p_package_validate(source=path, limits=LIMITS)

    assert info.neutralised == 0
    assert info.content == {"question": "<p>Le Parlement vote la loi.</p>"}
