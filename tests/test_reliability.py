"""Hostile input, broken databases, disk trouble: margin says what is wrong and loses nothing.

The long trials (kill -9 in a real terminal, ten thousand operations) are in
``test_endurance.py`` behind the ``slow`` marker.
"""

from __future__ import annotations

import codecs
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEEDS, run_margin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.errors import DatabaseError
from annotations.model import ANNOTATION_FIELDS, Selector
from annotations.storage import SCHEMA_VERSION
from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.cli import cli
from reader.corpus import Skipped, SourceDocument, load_corpus, read_document
from reader.layout import display_text
from reader.widgets.document_view import DocumentView

TERMINAL_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]

HOSTILE_PIECES = [
    "\x1b[2J", "\x1b]52;c;SGVsbG8gd29ybGQ=\x07", "\x1b]8;;http://example.invalid/\x1b\\link\x1b]8;;\x1b\\", "\x07",
    "\x9b31m", "[bold red]not markup[/]", "[link=http://example.invalid]x[/link]", "\u202eevil\u202c", "\u200b\u200d",
    "שלום עולם", "مرحبا بالعالم", "e\u0301\u0302", "\x00", "   \t  ", "\n", "\r\n", "\r", "Share", "Read also",
    "  * Home", "The minister said on Tuesday that the plan would fail, and critics agreed with him.",
    "👨🏻‍🚒", "東京", "\ufeff", "\ufffd",
]

text_pieces = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=30)), min_size=0, max_size=40).map("".join)


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    except (UnicodeEncodeError, LookupError):
        return text.encode("utf-8", errors="replace")


hostile_bytes = st.one_of(
    st.binary(max_size=3000),
    st.tuples(text_pieces, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "latin-1", "utf-32"])).map(
        lambda te: _encode(*te)
    ),
    # UTF-16 with a BOM and a lone surrogate.
    st.binary(max_size=200).map(lambda b: codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xd8" + b),
    # Mixed encodings in one file.
    st.tuples(text_pieces, text_pieces).map(lambda ab: ab[0].encode("utf-8", "replace") + ab[1].encode("cp1252", "replace")),
)


def _check_document(found: SourceDocument | Skipped) -> None:
    if isinstance(found, Skipped):
        assert found.reason and "\n" not in found.reason
        return
    shown = display_text(found.text)
    assert len(shown) == len(found.text)
    assert not any(ch in shown for ch in TERMINAL_CONTROLS if ch != "\n")
    assert "\n" not in found.title and not any(ch in display_text(found.title) for ch in TERMINAL_CONTROLS)
    cleaned = found.cleaned
    for i in range(0, len(cleaned.text), max(1, len(cleaned.text) // 20)):
        if cleaned.text[i] != "\n":
            assert cleaned.raw[cleaned.to_raw(i)] == cleaned.text[i]


def test_a_file_is_read_whole_up_to_the_limit_and_never_past_it(tmp_path: Path) -> None:
    # Only as much as the file says it holds is asked for, and a byte more: a file that holds
    # more than its size says (it grew, or the system does not know) is still read to the limit.
    file = tmp_path / "page.txt"
    file.write_bytes(b"A line of the page.\n" * 50)
    assert read_document(file, "page.txt", max_bytes=1000).raw == "A line of the page.\n" * 50
    assert read_document(file, "page.txt", max_bytes=999).reason.startswith("larger than")
    status = Path("/proc/self/status")
    if status.exists() and status.stat().st_size == 0:  # Linux says 0 and holds a page of text
        found = read_document(status, "status")
        assert isinstance(found, SourceDocument) and "Pid:" in found.raw and len(found.raw) > 200
        assert read_document(status, "status", max_bytes=100).reason == "larger than 9.53674e-05 MB"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=hostile_bytes)
def test_hostile_files_load_literally_or_are_skipped_with_a_reason(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("hostile", numbered=True)
    file = folder / "page.txt"
    file.write_bytes(data)
    _check_document(read_document(file, "page.txt"))
    result = CliRunner().invoke(cli, ["clean", str(file)])
    assert result.exit_code in (0, 1), result.output
    assert not any(ch in result.output for ch in TERMINAL_CONTROLS if ch != "\n")
    assert "Traceback" not in result.output


def _read_pty(argv: list[str], env: dict[str, str]) -> bytes:
    """Run a command with its output on a pseudo-terminal, as a user's terminal would receive it."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=30)
    os.close(master)
    return out


def test_clean_and_export_never_send_escapes_to_a_terminal(tmp_path: Path) -> None:
    page = tmp_path / "evil.txt"
    body = ("The minister said the plan \x1b[2J would fail \x1b]52;c;SGVsbG8=\x07 and \x9b31m critics agreed, "
            "according to a report published on Tuesday by the ministry. ") * 3
    page.write_text(f"Evil Page Title \x1b]0;pwned\x07\n\n{body}\n", encoding="utf-8")
    db = tmp_path / "db.json"
    (doc,) = load_corpus([tmp_path]).documents
    with AnnotationStore(db) as store:
        store.register_document(doc.id, path=doc.path, title=doc.title, source=str(page))
        start = doc.text.index("plan")
        store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, start, start + 30),
                     note="note \x1b[31m red")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    for argv in (["clean", str(page)], ["clean", str(page), "--show-dropped"], ["export", "--db", str(db)],
                 ["export", "--db", str(db), "--format", "csv"], ["export", "--db", str(db), "--format", "jsonl"],
                 ["list", str(tmp_path)]):
        out = _read_pty([sys.executable, "-m", "reader", *argv], env)
        assert out, argv
        assert b"\x1b]" not in out and b"\x07" not in out and b"\xc2\x9b" not in out and b"\x1b[2J" not in out, argv


HOSTILE_DOCS = {
    "escapes.txt": "Escapes\n\n" + "The \x1b[2J screen \x1b]52;c;SGVsbG8=\x07 clipboard and \x07 bell stay visible here. " * 5,
    "markup.txt": "Markup\n\n" + "[bold red]Not bold[/] and [link=http://x]not a link[/link] stay literal in the text. " * 5,
    "rtl.txt": "כותרת\n\n" + "שלום עולם, זהו משפט ארוך בעברית עם e\u0301 סימנים משולבים ו\u200bרווחים אפסיים. " * 8,
    "boilerplate.txt": "Share\nTweet\nRead also\n  * Home\n  * News\nSubscribe to our newsletter\n© 2026\n",
    "whitespace-heavy.txt": "Title here\n\n" + "word\t\tword  \u00a0 word\n" * 200,
    "long-line.txt": "A Long Line\n\n" + "lorem ipsum dolor sit amet, " * 20000,
    "cjk.txt": "東京の記事\n\n" + "東京で新しい計画が発表されました。専門家は成功すると予測しています。" * 40,
}


async def test_app_opens_every_hostile_document(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in HOSTILE_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    corpus = load_corpus([folder])
    store = AnnotationStore(tmp_path / "db.json")
    app = MarginApp(corpus=corpus, store=store, annotator="fuzz", resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for index in range(len(corpus.documents)):
            app.open_document(corpus.documents[index].id)
            await pilot.pause()
            view = app.screen.query_one(DocumentView)
            await pilot.press("G", "pageup", "g", "w", "v", "w", "1", "r", "pagedown", "r", "slash", "x", "enter")
            await pilot.pause()
            for y in range(view.scrollable_content_region.height):
                strip = view.render_line(y)
                assert not any(ch in strip.text for ch in TERMINAL_CONTROLS if ch != "\n")
            await pilot.press("escape", "escape")
            await pilot.pause()
    store.close()


# -- hostile databases and imports -------------------------------------------------------------------------


GOOD_RECORD = {
    "id": "a1", "document": "d" * 64, "tag": "claim", "text": "Moscow", "start": 0, "end": 6, "raw_start": 0,
    "raw_end": 6, "prefix": "", "suffix": "", "note": "", "annotator": "ana", "created": "2026-01-01T00:00:00.000Z",
    "modified": "2026-01-01T00:00:00.000Z", "orphan": False,
}
WRONG = {"id": 5, "document": None, "tag": ["claim"], "text": 7, "start": "0", "end": -1, "raw_start": 1.5,
         "raw_end": {}, "prefix": 1, "suffix": False, "note": [], "annotator": 3, "created": 0, "modified": None,
         "orphan": "yes", "anchor": 5, "review": "yes", "attributes": "checkworthy"}


@pytest.mark.parametrize("field", ANNOTATION_FIELDS)
def test_wrong_type_in_any_field_is_a_clear_error_and_the_file_is_kept(db_path: Path, field: str) -> None:
    record = dict(GOOD_RECORD, **{field: WRONG[field]})
    db_path.write_text(json.dumps({"_meta": {"1": {"schema": SCHEMA_VERSION}}, "annotations": {"1": record}}))
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match=f"record 1 of table 'annotations' is damaged: .*{field}"):
        AnnotationStore(db_path)
    assert db_path.read_bytes() == before
    proc = run_margin("stats", "--db", db_path)
    assert proc.returncode == 1 and "damaged" in proc.stderr and "Traceback" not in proc.stderr


def test_huge_strings_load_and_export(db_path: Path) -> None:
    huge = "x" * 5_000_000
    with AnnotationStore(db_path) as store:
        store.create(document="d" * 64, tag="claim", selector=Selector.from_span("Moscow said", 0, 6), note=huge)
    with AnnotationStore(db_path) as store:
        assert store.annotations()[0].note == huge
    proc = run_margin("export", "--db", db_path, "--format", "jsonl")
    assert proc.returncode == 0 and len(proc.stdout) > 5_000_000


def test_duplicate_ids_are_repaired_with_a_backup(db_path: Path) -> None:
    older = dict(GOOD_RECORD, tag="source")
    newer = dict(GOOD_RECORD, tag="claim", modified="2026-02-01T00:00:00.000Z")
    db_path.write_text(json.dumps({"_meta": {"1": {"schema": SCHEMA_VERSION}}, "annotations": {"1": newer, "2": older}}))
    original = db_path.read_bytes()
    with AnnotationStore(db_path) as store:
        assert [a.tag for a in store.annotations()] == ["claim"]
        assert store.repairs and "repeated an annotation id" in store.repairs[0]
    backups = list(db_path.parent.glob("*.repair-*.bak"))
    assert len(backups) == 1 and json.loads(backups[0].read_bytes()) == json.loads(original)
    assert len(json.loads(db_path.read_text())["annotations"]) == 1


async def test_offsets_out_of_range_become_orphans_not_crashes(db_path: Path) -> None:
    corpus = load_corpus([SEEDS])
    doc = corpus.documents[1]
    record = dict(GOOD_RECORD, document=doc.id, text="no such words in this text at all", start=10**7, end=10**7 + 33,
                  raw_start=10**7, raw_end=10**7 + 33)
    db_path.write_text(json.dumps({"_meta": {"1": {"schema": SCHEMA_VERSION}}, "annotations": {"1": record}}))
    store = AnnotationStore(db_path)
    app = MarginApp(corpus=corpus, store=store, annotator="t", resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_document(doc.id)
        await pilot.pause()
        await pilot.press("G", "n", "N")
        await pilot.pause()
        assert store.get("a1").orphan
        panel = app.screen.query_one("#panel")
        assert "orphan" in str(panel.get_option_at_index(0).prompt)
    store.close()


def test_symlinked_database_is_refused_and_nothing_is_written_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "precious.json"
    target.write_text(json.dumps({"_meta": {"1": {"schema": SCHEMA_VERSION}}}))
    before = target.read_bytes()
    link = tmp_path / "db" / "annotations.json"
    link.parent.mkdir()
    link.symlink_to(target)
    proc = run_margin("import", SEEDS / "000_dd05c66619486a80.txt", "--db", link)
    assert proc.returncode == 1 and "symbolic link" in proc.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.json"]


def test_import_with_dotdot_or_absolute_document_paths_keeps_only_file_names(tmp_path: Path) -> None:
    export = {
        "format": "margin-export", "version": 1, "exported": "2026-01-01T00:00:00.000Z",
        "documents": [{"id": "a" * 64, "path": "../../etc/passwd", "title": "A"},
                      {"id": "b" * 64, "path": "/home/someone/secret/report.txt", "title": "B"},
                      {"id": "c" * 64, "path": "C:\\Users\\x\\doc.txt", "title": "C"}],
        "passages": [],
    }
    file = tmp_path / "in.json"
    file.write_text(json.dumps(export))
    db = tmp_path / "db.json"
    assert run_margin("import", file, "--db", db).returncode == 0
    with AnnotationStore(db) as store:
        assert sorted(d.path for d in store.documents()) == ["doc.txt", "passwd", "report.txt"]


# -- disk trouble ---------------------------------------------------------------------------------------------


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 512 kB file system of its own (tmpfs), or a skip that says why."""
    folder = tmp_path / "disk"
    if not _mount_tmpfs(folder, "512k"):
        pytest.skip("cannot mount a small tmpfs here (needs root); see test_fault_injected_disk_errors")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path) -> Path:
    """Take every free block of the file system."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler


async def _wait_until_saved(pilot, store: AnnotationStore) -> None:
    """The app retries every few seconds: poll until everything is on disk (at most 10 s)."""
    for _ in range(100):
        if not store.unsaved:
            break
        await pilot.pause(0.1)
    assert store.unsaved == 0


async def test_disk_full_keeps_changes_in_memory_retries_and_file_stays_valid(small_disk: Path) -> None:
    db = small_disk / "db.json"
    corpus = load_corpus([SEEDS])
    store = AnnotationStore(db)
    app = MarginApp(corpus=corpus, store=store, annotator="t", resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        filler = _fill(small_disk)
        tagged = 0
        while not store.unsaved and tagged < 60:  # the journal's last block still has room for a few lines
            await pilot.press("full_stop", "1")
            await pilot.pause()
            tagged += 1
        assert store.unsaved >= 1
        assert any("Not saved" in n.message for n in app._notifications)
        assert len(store.annotations()) == tagged  # shown and kept in memory
        json.loads(db.read_bytes())  # the file on disk is whole
        filler.unlink()
        await _wait_until_saved(pilot, store)
    store.close()
    with AnnotationStore(db) as again:
        assert len(again.annotations()) == tagged


async def test_read_only_file_system_is_reported_and_retried(small_disk: Path) -> None:
    db = small_disk / "db.json"
    corpus = load_corpus([SEEDS])
    store = AnnotationStore(db)
    app = MarginApp(corpus=corpus, store=store, annotator="t", resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        # A read-only view of the folder over the writable one (open files keep writing; new opens fail).
        subprocess.run(["mount", "--bind", str(small_disk), str(small_disk)], check=True, capture_output=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(small_disk)], check=True, capture_output=True)
        store.storage._journal_fd and os.close(store.storage._journal_fd)  # the journal is reopened on the ro view
        store.storage._journal_fd = None
        await pilot.press("full_stop", "2")
        await pilot.pause()
        assert store.unsaved >= 1 and "read-only" in store.save_error.lower()
        subprocess.run(["umount", str(small_disk)], check=True, capture_output=True)  # writable again
        await _wait_until_saved(pilot, store)
    store.close()
    with AnnotationStore(db) as again:
        assert [a.tag for a in again.annotations()] == ["source"]


def test_database_on_a_read_only_file_system_opens_read_only(small_disk: Path) -> None:
    db = small_disk / "db.json"
    with AnnotationStore(db) as store:
        store.create(document="d" * 64, tag="claim", selector=Selector.from_span("Moscow said", 0, 6))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, capture_output=True)
    try:
        with AnnotationStore(db) as store:
            assert store.read_only and "read-only" in (store.held_by or "").lower()
            assert len(store) == 1
        proc = run_margin("export", "--db", db)
        assert proc.returncode == 0 and len(json.loads(proc.stdout)["passages"]) == 1
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], capture_output=True)


def test_import_on_a_full_disk_fails_cleanly(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "db.json"
    with AnnotationStore(db):
        pass
    before = db.read_bytes()
    big = {"format": "margin-export", "version": 1, "exported": "x", "documents": [], "passages": [
        dict(GOOD_RECORD, id=f"id-{i}", note="n" * 200) for i in range(5000)]}
    file = tmp_path / "big.json"
    file.write_text(json.dumps(big))
    filler = _fill(small_disk)
    proc = run_margin("import", file, "--db", db)
    filler.unlink()
    assert proc.returncode == 1 and "could not save" in proc.stderr and "Traceback" not in proc.stderr
    assert db.read_bytes() == before
    with AnnotationStore(db) as store:
        assert len(store) == 0


def test_fault_injected_disk_errors(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no small file system can be mounted: the storage's own writes fail, as ENOSPC would."""
    import errno

    import annotations.storage as storage

    store = AnnotationStore(db_path)
    real_write = os.write
    failing = {"on": True}

    def write(fd: int, data: bytes) -> int:
        if failing["on"] and fd == store.storage._journal_fd:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(storage.os, "write", write)
    ann = store.create(document="d" * 64, tag="claim", selector=Selector.from_span("Moscow said", 0, 6))
    assert store.unsaved == 1 and "No space" in store.save_error
    assert store.get(ann.id) == ann
    assert not store.retry_save()
    failing["on"] = False
    assert store.retry_save() and store.unsaved == 0
    store.close()
    with AnnotationStore(db_path) as again:
        assert again.get(ann.id) == ann
