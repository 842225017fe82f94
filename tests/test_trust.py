"""Files trusted too much, and recovery after a crash: each hole found by the adversarial review, closed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import orjson
from conftest import SEEDS, run_margin

from annotations.model import Annotation, Selector
from annotations.store import AnnotationStore
from reader.corpus import Skipped, load_corpus, read_document

TEXT = "Moscow said on Tuesday that it would not intervene."
DOC = "f" * 64


def small_db(db: Path, **document: str) -> None:
    with AnnotationStore(db) as store:
        store.register_document(DOC, path=document.get("path", "x.txt"), title="X", source=document.get("source", ""))
        store.create(document=DOC, tag="claim", selector=Selector.from_span(TEXT, 0, 6), annotator="ana")


def test_merged_sources_are_never_followed_and_paths_never_leak(tmp_path: Path) -> None:
    other = tmp_path / "alice.json"
    small_db(other, path="/home/alice/corpus/x.txt", source="/dev/zero")
    team = tmp_path / "team.json"
    assert run_margin("merge", other, "--into", team).returncode == 0
    with AnnotationStore(team, read_only=True) as store:
        (doc,) = store.documents()
        assert doc.source == "" and doc.path == "x.txt"
    for fmt in ("json", "csv", "jsonl", "w3c"):
        proc = run_margin("export", "--db", team, "--format", fmt)
        assert proc.returncode == 0 and "/home/alice" not in proc.stdout, fmt
    proc = run_margin("export", "--db", team, "--format", "doccano")  # no text here: says so, does not hang
    assert proc.returncode == 1 and "--corpus" in proc.stderr
    # A device or a FIFO named as a document is skipped, never read.
    assert isinstance(read_document(Path("/dev/zero"), "zero"), Skipped)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    found = read_document(fifo, "pipe.txt")
    assert isinstance(found, Skipped) and "regular" in found.reason


def test_export_never_writes_over_the_database(tmp_path: Path) -> None:
    db = tmp_path / "self.json"
    small_db(db)
    before = db.read_bytes()
    for target in (db, tmp_path / "self.json.journal", tmp_path / "self.json.lock", tmp_path / "self.json.schema2.bak"):
        proc = run_margin("export", "--db", db, "--out", target)
        assert proc.returncode == 1 and "the database" in proc.stderr, target
    assert db.read_bytes() == before
    with AnnotationStore(db, read_only=True) as store:
        assert len(store) == 1


def test_export_to_a_device_or_pipe_writes_into_it(tmp_path: Path) -> None:
    db = tmp_path / "d.json"
    small_db(db)
    proc = run_margin("export", "--db", db, "--out", "/dev/null")
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still the device, not a file renamed over it
    proc = run_margin("export", "--db", db, "--out", "/dev/stdout")
    assert proc.returncode == 0 and json.loads(proc.stdout)["passages"]
    sock_dir = tmp_path / "s"
    sock_dir.mkdir()
    import socket

    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_dir / "sock"))
        proc = run_margin("export", "--db", db, "--out", sock_dir / "sock")
    assert proc.returncode == 1 and "not a regular file" in proc.stderr


def test_imported_times_must_be_times_and_not_from_the_future(tmp_path: Path) -> None:
    record = Annotation.create(document=DOC, tag="claim", selector=Selector.from_span(TEXT, 0, 6)).to_dict()
    db = tmp_path / "t.json"
    for bad in ("9999-99-99", "2999-01-01T00:00:00.000Z", "yesterday"):
        line = json.dumps({**record, "modified": bad}).encode()
        proc = run_margin("import", "-", "--format", "jsonl", "--db", db, input=line)
        assert proc.returncode == 1 and "modified" in proc.stderr, bad
    proc = run_margin("import", "-", "--format", "jsonl", "--db", db, input=json.dumps(record).encode())
    assert proc.returncode == 0, proc.stderr


def test_out_of_range_offsets_are_left_out_of_text_formats(tmp_path: Path) -> None:
    corpus = load_corpus([SEEDS])
    doc = corpus.documents[0]
    db = tmp_path / "o.json"
    with AnnotationStore(db) as store:
        store.register_document(doc.id, path=doc.path, title=doc.title, source=str(doc.file))
        store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, 0, 6))
    tables = orjson.loads(db.read_bytes())
    good = next(iter(tables["annotations"].values()))
    tables["annotations"]["2"] = {**good, "id": "b" * 36, "start": 10**6, "end": 2**62, "text": "x" * 10}
    db.write_bytes(orjson.dumps(tables))
    for fmt in ("doccano", "prodigy", "labelstudio", "sentences"):
        proc = run_margin("export", "--db", db, "--format", fmt)
        assert proc.returncode == 0, (fmt, proc.stderr)
        assert str(10**6) not in proc.stdout and str(2**62) not in proc.stdout, fmt
        if fmt != "sentences":
            assert "left out 1 passage" in proc.stderr, fmt
    proc = run_margin("export", "--db", db, "--format", "brat", "--out", tmp_path / "brat")
    assert proc.returncode == 0 and "left out 1 passage" in proc.stderr
    assert str(10**6) not in "".join(p.read_text() for p in (tmp_path / "brat").glob("*.ann"))


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    small_db(db)
    stale = tmp_path / ".db.json.999999999.1.tmp"
    stale.write_bytes(b"x" * 1000)
    mine = tmp_path / f".db.json.journal.{os.getppid()}.1.tmp"  # a live process's: left alone
    mine.write_bytes(b"y")
    AnnotationStore(db).close()
    assert not stale.exists() and mine.exists()


def crash_after_tagging(db: Path, count: int) -> None:
    """Tag ``count`` passages in another process that then dies without closing (the journal stays)."""
    code = (
        "import os, sys\n"
        "from annotations.store import AnnotationStore\n"
        "from annotations.model import Selector\n"
        f"store = AnnotationStore({str(db)!r})\n"
        f"for k in range({count}):\n"
        f"    store.create(document={DOC!r}, tag='claim', selector=Selector.from_span({TEXT!r}, k, k + 6))\n"
        "os._exit(0)\n"
    )
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


def test_repair_keeps_good_journal_lines_and_sets_damaged_ones_aside(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    small_db(db)
    crash_after_tagging(db, 3)
    journal = db.with_name("db.json.journal")
    lines = journal.read_bytes().split(b"\n")
    lines.insert(1, b'[["put", 5, "1", {}]]')
    lines.insert(2, b"{not json")
    journal.write_bytes(b"\n".join(lines))
    proc = run_margin("export", "--db", db)
    assert proc.returncode == 1 and "line 2 is damaged" in proc.stderr and "margin repair" in proc.stderr
    assert "unexpected error" not in proc.stderr and "a copy is kept" not in proc.stderr  # read-only: no copy made
    proc = run_margin("repair", "--db", db)
    assert proc.returncode == 0 and "set 2 damaged journal lines aside" in proc.stdout, proc.stderr
    assert db.with_name("db.json.journal.damaged").read_bytes().count(b"\n") == 2
    with AnnotationStore(db, read_only=True) as store:
        assert len(store) == 4


def test_a_journal_without_its_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    small_db(db)
    crash_after_tagging(db, 2)
    db.unlink()
    for argv in (["import", "-", "--format", "jsonl"], ["status", "x", "done"], ["export"]):
        proc = run_margin(*argv, "--db", db, input=b"")
        assert proc.returncode == 1 and "journal" in proc.stderr and "Traceback" not in proc.stderr, argv
    assert not db.exists()


def test_every_command_on_an_unreadable_database_says_so_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "broken.json"
    db.write_bytes(b"\x00\xff not a database")
    for argv in (["export"], ["stats"], ["list", str(SEEDS)], ["import", "-"], ["status", "x", "done"],
                 ["agree"], ["repair"]):
        proc = run_margin(*argv, "--db", db, input=b"{}")
        assert proc.returncode == 1, (argv, proc.stderr)
        assert proc.stderr.startswith("margin: ") and proc.stderr.count("\n") == 1, (argv, proc.stderr)
        assert "Usage:" not in proc.stderr and "Traceback" not in proc.stderr, argv
    proc = run_margin("merge", db, "--into", tmp_path / "t.json")
    assert proc.returncode == 1 and proc.stderr.startswith("margin: ")
    # A usage mistake follows the same rule: one line, status 1 (not click's "Error:" and 2).
    proc = run_margin("merge", db, "--db", db)
    assert proc.returncode == 1 and proc.stderr.startswith("margin: ") and "merge --help" in proc.stderr
    assert db.read_bytes() == b"\x00\xff not a database"
