"""The ``margin`` command as users and their scripts call it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, run_margin

from annotations.model import Selector
from annotations.store import AnnotationStore

TEXT = "Moscow said on Tuesday that it would not intervene."
DOC = "e" * 64


def seeded_db(path: Path) -> None:
    with AnnotationStore(path) as store:
        store.register_document(DOC, path="x.txt", title="X")
        store.create(document=DOC, tag="source", selector=Selector.from_span(TEXT, 0, 6), annotator="ana")
        store.create(document=DOC, tag="claim", selector=Selector.from_span(TEXT, 7, 50), annotator="bo")


def test_version_and_help() -> None:
    assert run_margin("--version").stdout.startswith("margin, version ")
    for cmd in ([], ["export"], ["import"], ["stats"], ["list"], ["clean"], ["open"]):
        proc = run_margin(*cmd, "--help")
        assert proc.returncode == 0, proc.stderr
        assert "Usage:" in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "export"],
        ["export", "--db", "{db}"],
        ["export", "--format", "json", "--db", "{db}", "--out", "-"],
    ],
)
def test_global_db_before_or_after_the_command(db_path: Path, argv: list[str]) -> None:
    seeded_db(db_path)
    proc = run_margin(*[a.format(db=db_path) for a in argv])
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["passages"]) == 2


def test_margin_db_environment_variable(db_path: Path) -> None:
    seeded_db(db_path)
    proc = run_margin("stats", "--json", env={"MARGIN_DB": str(db_path)})
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stdout)
    assert stats["by_tag"] == {"source": 1, "claim": 1}
    assert stats["by_document"][0]["path"] == "x.txt"


def test_stats_piped_are_plain_aligned_lines(db_path: Path) -> None:
    # A program reading the counts gets columns split by spaces, not a drawn table.
    seeded_db(db_path)
    out = run_margin("stats", "--db", db_path).stdout
    assert not any(ch in out for ch in "┏┃│━─")
    sections = out.rstrip("\n").split("\n\n")
    assert sections[0].startswith("2 passages in 1 documents")
    assert sections[1].split("\n")[0] == "by tag" and {line.split()[0] for line in sections[1].split("\n")[2:]} == {
        "claim", "source"}
    header, row = sections[2].split("\n")[1:]
    assert header.split()[:2] == ["document", "status"] and row.split()[-2:] == ["1", "1"]
    assert len(header) == len(row)  # numbers aligned under their heading
    assert sections[3].split("\n")[0] == "by annotator"


def test_export_filters_and_file_output(db_path: Path, tmp_path: Path) -> None:
    seeded_db(db_path)
    out = tmp_path / "out.jsonl"
    proc = run_margin("export", "--db", db_path, "--format", "jsonl", "--tag", "claim", "--out", out)
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text().splitlines()
    assert [json.loads(line)["tag"] for line in lines] == ["claim"]
    proc = run_margin("export", "--db", db_path, "--annotator", "ana")
    assert [p["annotator"] for p in json.loads(proc.stdout)["passages"]] == ["ana"]


def test_import_round_trip_and_idempotence(db_path: Path, tmp_path: Path) -> None:
    seeded_db(db_path)
    exported = tmp_path / "e.json"
    run_margin("export", "--db", db_path, "--out", exported)
    target = tmp_path / "t.json"
    first = run_margin("import", exported, "--db", target)
    assert first.returncode == 0, first.stderr
    assert "imported 2 new passages" in first.stdout
    second = run_margin("--db", target, "import", exported)
    assert "imported 0 new passages" in second.stdout and "2 already here" in second.stdout


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        ("none", ["import", "{tmp}/missing.json"], "no such file"),
        ("badjson", ["import", "{tmp}/bad.json"], "cannot tell the format"),
        ("seeded", ["export", "--tag", "rumour"], "unknown tag rumour"),
        ("broken-db", ["export"], "not valid JSON"),
        ("future-db", ["stats"], "newer margin"),
        ("none", ["export"], "no database"),
        ("folder-db", ["stats"], "is a folder"),
    ],
)
def test_user_errors_are_one_line_exit_1(tmp_path: Path, setup: str, argv: list[str], message: str) -> None:
    db = tmp_path / "db.json"
    if setup == "seeded":
        seeded_db(db)
    elif setup == "badjson":
        (tmp_path / "bad.json").write_text("{ not json")
    elif setup == "broken-db":
        db.write_text('{"_meta": {"1": {"schema": 1}}, "annot')
    elif setup == "future-db":
        db.write_text('{"_meta": {"1": {"schema": 7}}}')
    elif setup == "folder-db":
        db = tmp_path
    before = db.read_bytes() if db.is_file() else None
    proc = run_margin(*[a.format(tmp=tmp_path) for a in argv], "--db", db)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    if before is not None:
        assert db.read_bytes() == before


def test_import_into_locked_database_is_refused(db_path: Path, tmp_path: Path) -> None:
    seeded_db(db_path)
    exported = tmp_path / "e.json"
    run_margin("export", "--db", db_path, "--out", exported)
    other = tmp_path / "other.json"
    with AnnotationStore(other):
        proc = run_margin("import", exported, "--db", other)
    assert proc.returncode == 1
    assert "in use by" in proc.stderr


def test_list_and_clean_on_seeds() -> None:
    proc = run_margin("list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 5
    assert {r["title"] for r in rows} >= {"Russia Is Unlikely To Help Maduro", "Why Maduro Probably Can't Count on Putin"}
    seed = sorted(SEEDS.glob("*.txt"))[1]
    proc = run_margin("clean", seed)
    assert proc.returncode == 0
    assert "Read at The Atlantic" not in proc.stdout
    proc = run_margin("clean", "-", input=seed.read_bytes())
    assert proc.stdout.startswith("Why Maduro Probably Can't Count on Putin")
    dropped = run_margin("clean", seed, "--show-dropped")
    assert "Read at The Atlantic" in dropped.stdout and "page furniture" in dropped.stdout


def test_export_sentences_with_their_tags(tmp_path: Path) -> None:
    from reader.corpus import load_corpus

    db = tmp_path / "s.json"
    corpus = load_corpus([SEEDS])
    doc = corpus.documents[1]
    start = doc.text.index("Vladimir")
    with AnnotationStore(db) as store:
        store.register_document(doc.id, path=doc.path, title=doc.title, source=str(doc.file))
        claim = store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, start, start + 8))
    proc = run_margin("export", "--format", "sentences", "--db", db)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {line["document"] for line in lines} == {doc.id}
    for line in lines:
        assert doc.text[line["start"] : line["end"]] == line["text"] and line["path"] == doc.path
    tagged = [line for line in lines if line["tags"]]
    assert len(tagged) == 1 and tagged[0]["tags"] == ["claim"] and tagged[0]["passages"] == [claim.id]
    assert tagged[0]["text"].endswith("threatens his 12-year reign.")  # "U.S." inside did not end it
    every = run_margin("export", "--format", "sentences", "--all-documents", "--corpus", SEEDS, "--db", db)
    assert every.returncode == 0, every.stderr
    assert len({json.loads(line)["document"] for line in every.stdout.splitlines()}) == len(corpus.documents)


def test_unknown_format_and_a_real_key_error(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    seeded_db(db)
    proc = run_margin("import", str(db), "--format", "json", "--db", tmp_path / "other.json")
    assert proc.returncode == 1 and proc.stderr.startswith("margin: ")
    # A KeyError inside margin is a bug: it is not dressed up as a user's mistake.
    from reader.cli import MarginGroup

    assert "KeyError" not in MarginGroup.invoke.__code__.co_names
