"""margin-export JSON and JSONL: valid against the shipped schema, and lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import formats
from annotations.formats import schemas
from annotations.model import Selector
from annotations.store import AnnotationStore
from annotations.transfer import Selection, export, import_bytes

TEXT = "Officials said 👨🏻‍🚒 firemen arrived. 東京 reports: the rain will stop.\r\nשלום e\u0301 done."
DOC = "c" * 64


def export_schema() -> dict:
    return schemas.load("margin-export")


def passage_validator() -> jsonschema.Draft202012Validator:
    schema = export_schema()
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/passage"})


def fill(store: AnnotationStore) -> None:
    store.register_document(DOC, path="news/a.txt", title="A")
    store.create(document=DOC, tag="source", selector=Selector.from_span(TEXT, 0, 14), annotator="ana")
    store.create(document=DOC, tag="claim", selector=Selector.from_span(TEXT, 15, 37), annotator="bo", note="check")
    store.create(document=DOC, tag="prediction", selector=Selector.from_span(TEXT, 48, 69), annotator="ana")


def test_json_export_validates_and_has_the_documented_shape(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        fill(store)
        data = json.loads(export(store, "json", Selection()))
    jsonschema.validate(data, export_schema())
    assert data["format"] == "margin-export" and data["version"] == 2 and data["relations"] == []
    assert data["documents"] == [{"id": DOC, "path": "news/a.txt", "title": "A"}]
    assert [p["text"] for p in data["passages"]] == [TEXT[0:14], TEXT[15:37], TEXT[48:69]]


def test_jsonl_lines_validate(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        fill(store)
        content = export(store, "jsonl", Selection(tags=("claim", "prediction")))
    lines = content.decode().splitlines()
    assert len(lines) == 2
    for line in lines:
        passage_validator().validate(json.loads(line))


def test_filters(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        fill(store)
        by_annotator = json.loads(export(store, "json", Selection(annotator="ana")))
        by_doc = json.loads(export(store, "json", Selection(document="a.txt")))
        none = json.loads(export(store, "json", Selection(document="zzz.txt")))
    assert {p["tag"] for p in by_annotator["passages"]} == {"source", "prediction"}
    assert len(by_doc["passages"]) == 3
    assert none["passages"] == []


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_round_trip_into_empty_database(tmp_path: Path, fmt: str) -> None:
    with AnnotationStore(tmp_path / "a.json") as source:
        fill(source)
        content = export(source, fmt, Selection())
        original = source.annotations()
    with AnnotationStore(tmp_path / "b.json") as target:
        report = import_bytes(target, content)
        name, result = report.format, report.result
        assert name == fmt
        assert result.added == 3
        assert target.annotations() == original
        # A second import adds nothing.
        again = import_bytes(target, content).result
        assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
        assert len(target) == 3


def test_malformed_import_names_the_item_and_imports_nothing(db_path: Path) -> None:
    good = {"id": "x1", "document": DOC, "tag": "claim", "text": "Officials", "start": 0, "end": 9}
    bad = dict(good, id="x2", start="zero")
    lines = b"\n".join(json.dumps(p).encode() for p in (good, bad))
    with AnnotationStore(db_path) as store:
        with pytest.raises(Exception, match="line 2"):
            import_bytes(store, lines, "jsonl")
        assert len(store) == 0


texts = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
        st.sampled_from(["👨🏻‍🚒", "e\u0301", "東京", "שלום", "\r\n", "\n", "🇺🇦", "\u200d", "مرحبا"]),
    ),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), text=texts, fmt=st.sampled_from(["json", "jsonl"]))
def test_any_text_and_span_survive_export_and_import(tmp_path_factory, data, text: str, fmt: str) -> None:
    folder = tmp_path_factory.mktemp("rt")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    with AnnotationStore(folder / "a.json") as source:
        ann = source.create(document=DOC, tag="claim", selector=Selector.from_span(text, start, end), note=text[:5])
        content = formats.get(fmt).export(formats.ExportBundle([], [ann], "now"))
    with AnnotationStore(folder / "b.json") as target:
        import_bytes(target, content, fmt)
        back = target.get(ann.id)
    assert back == ann
    assert back.text == text[back.start : back.end]


def test_a_quote_of_common_words_is_found_among_many_documents_that_hold_them(tmp_path: Path) -> None:
    """Every document holds each word of the quote; only one holds them in that order. The search
    narrows to documents holding several of its words, and still finds that one."""
    import orjson

    from annotations.importing import DocumentText

    filler = "the council met and the report said work on the plan will go on. "
    corpus = [DocumentText(f"{k:064x}", f"{k:02d}.txt", "t", f"Item {k}. " + filler * 3) for k in range(60)]
    wanted = corpus[37]
    corpus[37] = DocumentText(wanted.id, wanted.path, "t", wanted.text + "the plan said the council will work on.")
    quote = "plan said the council will work"
    text = corpus[37].text
    start = text.index(quote)
    stamp = "2026-11-30T00:00:00.000Z"
    content = orjson.dumps({"format": "margin-export", "version": 1, "documents": [], "passages": [
        {"id": "q", "document": "not-in-the-corpus", "tag": "claim", "text": quote, "start": 0,
         "end": len(quote), "created": stamp, "modified": stamp}]})
    with AnnotationStore(tmp_path / "db.json") as store:
        import_bytes(store, content, "json", corpus)
        placed = store.get("q")
        assert placed is not None and placed.document == corpus[37].id
        assert (placed.start, placed.end) == (start, start + len(quote)) and text[placed.start:placed.end] == quote
