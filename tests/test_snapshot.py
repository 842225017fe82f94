"""The database file's layout (one record per line) and passages held once, compactly."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from annotations import snapshot
from annotations.errors import DatabaseError
from annotations.model import ANNOTATION_FIELDS, Annotation, Selector
from annotations.storage import SCHEMA_VERSION
from annotations.store import AnnotationStore

TEXT = "Moscow said on Tuesday that it would not intervene. Analysts expect talks to resume."
META = {"1": {"schema": SCHEMA_VERSION, "app": "margin"}}


def passage(start: int = 0, end: int = 6, tag: str = "claim", document: str = "d" * 64) -> Annotation:
    return Annotation.create(document=document, tag=tag, selector=Selector.from_span(TEXT, start, end),
                             annotator="ana")


def always(_tables: dict) -> bool:
    return True


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
plain_names = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'), max_size=8)
values = st.recursive(st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
                      max_leaves=8)


def tables(names: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    records = st.dictionaries(names, st.dictionaries(any_text, values, max_size=4), max_size=4)
    return st.dictionaries(names, records, max_size=4)


@settings(max_examples=200, deadline=None)
@given(tables(plain_names))
def test_layout_is_the_same_json_and_reads_back(data: dict) -> None:
    content = bytes(snapshot.dump(data))
    assert orjson.loads(content) == data == json.loads(content)
    assert snapshot.parse(content, {}, always) == data


@settings(max_examples=200, deadline=None)
@given(tables(any_text))
def test_names_that_need_escapes_are_read_whole_never_misread(data: dict) -> None:
    content = bytes(snapshot.dump(data))
    assert orjson.loads(content) == data
    assert snapshot.parse(content, {}, always) in (None, data)


@pytest.mark.parametrize("content", [
    orjson.dumps({"_meta": META, "annotations": {"1": {"a": 1}}}),  # one line (older margin, TinyDB)
    json.dumps({"_meta": META, "annotations": {"1": {"a": 1}}}, indent=1).encode(),  # pretty-printed by hand
    b'{\n"annotations":{\n"1":{\n"a":1}\n}\n}\n',  # a record over two lines
    b'{\n"annotations":{\n"1":{"a":{"b":1\n}}\n}\n}\n',  # a record over two lines, braces balanced
    b'{\n"annot\\u0061tions":{\n}\n}\n',  # an escaped table name
])
def test_other_layouts_are_read_as_the_same_json_or_left_to_the_whole_file_reader(content: bytes) -> None:
    assert snapshot.parse(content, {}, always) in (None, orjson.loads(content))


def test_an_older_margin_s_file_and_a_pretty_printed_one_are_read_whole() -> None:
    data = {"_meta": META, "annotations": {"1": {"a": 1}}}
    assert snapshot.parse(orjson.dumps(data), {}, always) is None
    assert snapshot.parse(json.dumps(data, indent=1).encode(), {}, always) is None


@pytest.mark.parametrize("content", [
    b'{\n"annotations":{\n"1":{"a":1},\n}\n}\n',  # a comma before the end
    b'{\n"annotations":{\n"1":{"a":1}\n"2":{"b":2}\n}\n}\n',  # a comma missing
    b'{\n"annotations":{\n"1":{"a":1}\n}\n}\n}\n',  # one brace too many
    b'{\n"annotations":{\n"1":{"a":1}\n}',  # cut short
    b'{\n"annotations":{\n"1":{"a":1\n}\n}\n',  # a record's brace missing
])
def test_what_is_not_json_is_never_read_as_records(content: bytes) -> None:
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(content)
    assert snapshot.parse(content, {}, always) is None


def test_records_a_little_off_the_layout_still_mean_what_they_say() -> None:
    two_on_a_line = b'{\n"annotations":{\n"1":{"a":1},"2":{"b":2}\n}\n}\n'
    assert snapshot.parse(two_on_a_line, {}, always) == orjson.loads(two_on_a_line)
    repeated = b'{\n"t":{\n"1":{"a":1},\n"1":{"a":2}\n}\n}\n'
    assert snapshot.parse(repeated, {}, always) == orjson.loads(repeated) == {"t": {"1": {"a": 2}}}


def test_a_large_table_is_read_in_chunks_that_meet_at_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "CHUNK", 64)
    data = {"_meta": META, "annotations": {str(k): {"text": "x\n}" * (k % 5), "k": k} for k in range(300)}}
    content = bytes(snapshot.dump(data))
    assert snapshot.parse(content, {}, always) == data
    broken = content.replace(b'"k":150},\n', b'"k":150}\n')
    assert snapshot.parse(broken, {}, always) is None


def test_records_are_converted_only_after_the_schema_says_they_can_be() -> None:
    converted = {"annotations": lambda key, record: ("converted", key)}
    current = bytes(snapshot.dump({"_meta": META, "annotations": {"1": {"a": 1}}}))
    assert snapshot.parse(current, converted, lambda t: "_meta" in t) == {
        "_meta": META, "annotations": {"1": ("converted", "1")}}
    first = bytes(snapshot.dump({"annotations": {"1": {"a": 1}}, "_meta": META}))
    assert snapshot.parse(first, converted, lambda t: "_meta" in t) is None
    older = bytes(snapshot.dump({"_meta": {"1": {"schema": 1}}, "annotations": {"1": {"a": 1}}}))
    assert snapshot.parse(older, converted, lambda t: False) is None


def test_database_is_written_one_record_per_line_and_plain_tinydb_reads_it(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        kept = [store.put(passage(0, 6)), store.put(passage(12, 19))]
    lines = db_path.read_bytes().split(b"\n")
    assert sum(line.startswith(b'"1":{"id"') or line.startswith(b'"2":{"id"') for line in lines) == 2
    plain = TinyDB(db_path)
    assert sorted(r["id"] for r in plain.table("annotations").all()) == sorted(a.id for a in kept)
    plain.close()
    with AnnotationStore(db_path) as again:
        assert sorted(again.annotations(), key=lambda a: a.start) == kept


def test_a_file_in_the_older_layout_opens_and_a_writer_lays_it_out_again(db_path: Path) -> None:
    ann = passage()
    db_path.write_bytes(orjson.dumps({"_meta": META, "annotations": {"1": ann.to_dict()}}))
    before = db_path.read_bytes()
    with AnnotationStore(db_path, read_only=True) as reader:
        assert reader.get(ann.id) == ann
    assert db_path.read_bytes() == before  # a reader writes nothing
    with AnnotationStore(db_path) as writer:
        assert writer.get(ann.id) == ann
    assert db_path.read_bytes() != before and orjson.loads(db_path.read_bytes()) == orjson.loads(before)
    assert db_path.read_bytes().startswith(b'{\n"_meta":{\n')


def test_a_passage_is_held_once_shared_by_the_store_and_the_storage(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        store.put(passage(0, 6))
        store.put(passage(12, 19, tag="source"))
    with AnnotationStore(db_path) as store:
        held = store.storage.read()["annotations"]
        for ann in store.annotations():
            assert any(record is ann for record in held.values())
        one, two = store.annotations()
        assert one.document is two.document and one.annotator is two.annotator
        assert one.modified is one.created  # never changed: one string for both
        assert one.attributes is two.attributes == {}
        changed = store.set_note(one.id, "checked")
        assert any(record is changed for record in store.storage.read()["annotations"].values())


def test_from_record_reads_what_from_dict_reads() -> None:
    ann = passage().changed(attributes={"confidence": "high"}, note="n")
    assert Annotation.from_record(ann.to_dict()) == ann == Annotation.from_dict(ann.to_dict())
    partial = {k: v for k, v in ann.to_dict().items() if k not in ("anchor", "review", "attributes")}
    assert Annotation.from_record(partial) == Annotation.from_dict(partial)
    extra = dict(ann.to_dict(), unknown="kept out")
    assert Annotation.from_record(extra) == ann


WRONG = {"id": 5, "document": None, "tag": ["claim"], "text": 7, "start": "0", "end": -1, "raw_start": 1.5,
         "raw_end": {}, "prefix": 1, "suffix": False, "note": [], "annotator": 3, "created": 0, "modified": None,
         "orphan": "yes", "anchor": 5, "review": "yes", "attributes": "checkworthy"}


@pytest.mark.parametrize("field", ANNOTATION_FIELDS)
def test_wrong_type_in_a_laid_out_file_is_named_and_the_file_kept(db_path: Path, field: str) -> None:
    record = dict(passage().to_dict(), **{field: WRONG[field]})
    db_path.write_bytes(snapshot.dump({"_meta": META, "annotations": {"1": record}}))
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match=f"record 1 of table 'annotations' is damaged: .*{field}"):
        AnnotationStore(db_path)
    assert db_path.read_bytes() == before


def test_passages_replayed_from_the_journal_are_held_once_too(db_path: Path) -> None:
    writer = AnnotationStore(db_path)
    writer.put(passage(0, 6))
    writer.storage.compact()
    ann = writer.put(passage(12, 19, tag="source"))  # in the journal only
    try:
        with AnnotationStore(db_path, read_only=True) as reader:
            assert reader.get(ann.id) == ann
            held = reader.storage.read()["annotations"]
            assert all(type(record) is Annotation for record in held.values())
            assert any(record is reader.get(ann.id) for record in held.values())
    finally:
        writer.close()


def test_the_garbage_collector_runs_again_after_opening_even_a_broken_file(db_path: Path) -> None:
    import gc

    with AnnotationStore(db_path) as store:
        store.put(passage())
    assert gc.isenabled()
    db_path.write_bytes(b'{\n"_meta":{\n"1":{"schema":' + str(SCHEMA_VERSION).encode() + b'}\n},\n"annotations":{\n"1":[]\n}\n}\n')
    with pytest.raises(DatabaseError, match="record 1 of table 'annotations' is not an object"):
        AnnotationStore(db_path)
    assert gc.isenabled()


def test_a_passage_is_written_as_its_record_byte_for_byte() -> None:
    """The storage, the journal and the exports hand ``Annotation``s to orjson: a dataclass is written
    field by field, in order, exactly as its dict was."""
    plain = passage()
    full = passage(12, 19).changed(note="n", attributes={"confidence": "high"}, review=True, anchor="fuzzy")
    for ann in (plain, full):
        assert orjson.dumps(ann) == orjson.dumps(ann.to_dict())
        assert list(orjson.loads(orjson.dumps(ann))) == list(ANNOTATION_FIELDS)


def test_documents_are_held_once_and_the_schema_is_written_first(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        store.put(passage())
        store.set_status("d" * 64, "done")
    tables = orjson.loads(db_path.read_bytes())
    reordered = {"documents": tables["documents"], "annotations": tables["annotations"], "_meta": tables["_meta"]}
    db_path.write_bytes(orjson.dumps(reordered))  # the schema last: read whole, then laid out again
    with AnnotationStore(db_path) as store:
        doc = store.document("d" * 64)
        assert doc.status == "done"
    assert db_path.read_bytes().startswith(b'{\n"_meta":{\n')
    with AnnotationStore(db_path) as store:
        held = store.storage.read()["documents"]
        assert any(record is store.document("d" * 64) for record in held.values())
