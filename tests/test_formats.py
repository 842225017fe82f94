"""Every exchange format: the offsets its tool counts, a parser or schema for its shape, round trips."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from conftest import SEEDS, run_margin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import formats
from annotations.model import Selector
from annotations.store import AnnotationStore
from annotations.transfer import DocumentText, Selection, export, import_bytes
from reader.corpus import load_corpus

EMOJI_TEXT = "👨🏻‍🚒 firemen said 🔥 was out.\n𝒜 report: 東京 🇯🇵 will reopen. e\u0301 done 😀😀."
DOC = "f" * 64


def emoji_store(path: Path) -> AnnotationStore:
    store = AnnotationStore(path)
    store.register_document(DOC, path="emoji.txt", title="emoji")
    for tag, quote in (("source", "firemen"), ("claim", "🔥 was out"), ("prediction", "東京 🇯🇵 will reopen"),
                       ("claim", "😀😀"), ("source", "👨🏻‍🚒 firemen said 🔥 was out.\n𝒜 report")):
        start = EMOJI_TEXT.index(quote)
        store.create(document=DOC, tag=tag, selector=Selector.from_span(EMOJI_TEXT, start, start + len(quote)),
                     annotator="ana", note=f"note on {tag}")
    return store


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


@pytest.fixture
def emoji(tmp_path: Path):
    store = emoji_store(tmp_path / "e.json")
    yield store, {DOC: EMOJI_TEXT}
    store.close()


def test_doccano_counts_utf16_units(emoji) -> None:
    store, texts = emoji
    (line,) = export(store, "doccano", Selection(), texts).decode().splitlines()
    record = json.loads(line)
    assert record["text"] == EMOJI_TEXT
    quotes = {p.text for p in store.annotations()}
    assert {utf16_slice(record["text"], s, e) for s, e, _ in record["label"]} == quotes
    # Counting code points instead would be wrong here: that is the bug doccano users report.
    assert any(record["text"][s:e] != utf16_slice(record["text"], s, e) for s, e, _ in record["label"])


@pytest.mark.parametrize("fmt", ["labelstudio", "prodigy"])
def test_labelstudio_and_prodigy_count_code_points(emoji, fmt: str) -> None:
    store, texts = emoji
    content = export(store, fmt, Selection(), texts).decode()
    if fmt == "labelstudio":
        (task,) = json.loads(content)
        text = task["data"]["text"]
        spans = [(r["value"]["start"], r["value"]["end"], r["value"]["text"]) for a in task["annotations"] for r in a["result"]]
        assert all(r["type"] == "labels" and r["from_name"] and r["to_name"] for a in task["annotations"] for r in a["result"])
    else:
        (line,) = content.splitlines()
        record = json.loads(line)
        text = record["text"]
        spans = [(s["start"], s["end"], s["text"]) for s in record["spans"]]
    assert len(spans) == 5
    for start, end, quote in spans:
        assert text[start:end] == quote


W3C_SCHEMA = {
    "type": "object",
    "required": ["@context", "type", "first"],
    "properties": {
        "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
        "type": {"const": "AnnotationCollection"},
        "first": {
            "type": "object",
            "required": ["type", "items"],
            "properties": {
                "type": {"const": "AnnotationPage"},
                "items": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
            },
        },
    },
    "$defs": {
        "annotation": {
            # The model's MUSTs: id, type "Annotation", target; bodies are TextualBody with a value.
            "type": "object",
            "required": ["id", "type", "target", "body"],
            "properties": {
                "id": {"type": "string", "format": "uri", "pattern": "^urn:uuid:"},
                "type": {"const": "Annotation"},
                "body": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["type", "value", "purpose"],
                    "properties": {"type": {"const": "TextualBody"}, "value": {"type": "string"},
                                   "purpose": {"enum": ["tagging", "commenting"]}}}},
                "target": {
                    "type": "object",
                    "required": ["source", "selector"],
                    "properties": {
                        "source": {"type": "string", "pattern": "^urn:sha256:[0-9a-f]{64}$"},
                        "selector": {"type": "array", "minItems": 2, "items": {"oneOf": [
                            {"type": "object", "required": ["type", "exact"], "properties": {
                                "type": {"const": "TextQuoteSelector"}, "exact": {"type": "string"},
                                "prefix": {"type": "string"}, "suffix": {"type": "string"}}},
                            {"type": "object", "required": ["type", "start", "end"], "properties": {
                                "type": {"const": "TextPositionSelector"},
                                "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}}},
                        ]}},
                    },
                },
            },
        }
    },
}


def test_w3c_matches_the_model_and_counts_code_points(emoji) -> None:
    store, _ = emoji
    data = json.loads(export(store, "w3c", Selection()))
    jsonschema.validate(data, W3C_SCHEMA)
    for item in data["first"]["items"]:
        quote = next(s for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector")
        pos = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
        assert EMOJI_TEXT[pos["start"] : pos["end"]] == quote["exact"]
        purposes = [b["purpose"] for b in item["body"]]
        assert purposes == ["tagging", "commenting"]


def test_brat_ann_lines_parse_back(emoji, tmp_path: Path) -> None:
    store, texts = emoji
    archive = zipfile.ZipFile(io.BytesIO(export(store, "brat", Selection(), texts)))
    names = sorted(archive.namelist())
    assert names == ["annotation.conf", "emoji.ann", "emoji.txt"]
    text = archive.read("emoji.txt").decode("utf-8")
    assert text == EMOJI_TEXT
    entities = {}
    for line in archive.read("emoji.ann").decode("utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T"):
            key, (tag, spans), shown = fields[0], fields[1].split(" ", 1), fields[2]
            fragments = [tuple(map(int, frag.split())) for frag in spans.split(";")]
            assert " ".join(text[a:b] for a, b in fragments) == shown
            entities[key] = (tag, fragments[0][0], fragments[-1][1])
        else:
            assert line.startswith("#") and fields[1].startswith("AnnotatorNotes T")
    quotes = sorted(text[s:e] for _, s, e in entities.values())
    assert quotes == sorted(p.text for p in store.annotations())


def test_csv_reads_back_with_the_csv_module(emoji) -> None:
    store, _ = emoji
    content = export(store, "csv", Selection()).decode("utf-8")
    assert "\r\n" in content
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert len(rows) == 5
    by_id = {a.id: a for a in store.annotations()}
    for row in rows:
        ann = by_id[row["id"]]
        assert row["text"] == ann.text and int(row["start"]) == ann.start and row["tag"] == ann.tag
        assert row["document_path"] == "emoji.txt"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "w3c", "doccano", "labelstudio"])
def test_round_trip_keeps_tag_text_offsets(emoji, tmp_path: Path, fmt: str) -> None:
    store, texts = emoji
    content = export(store, fmt, Selection(), texts)
    corpus = [DocumentText(DOC, "emoji.txt", "emoji", EMOJI_TEXT)]
    with AnnotationStore(tmp_path / f"back-{fmt}.json") as target:
        report = import_bytes(target, content, None, corpus)
        assert report.format == fmt  # detected
        assert report.result.added == 5
        back = {(a.document, a.tag, a.text, a.start, a.end) for a in target.annotations()}
        assert back == {(a.document, a.tag, a.text, a.start, a.end) for a in store.annotations()}
        if fmt in ("json", "jsonl", "w3c", "labelstudio"):
            assert {a.id for a in target.annotations()} == {a.id for a in store.annotations()}
        assert import_bytes(target, content, fmt, corpus).result.added == 0  # twice adds nothing


def test_import_matches_unknown_documents_by_text(emoji, tmp_path: Path) -> None:
    store, texts = emoji
    doccano = json.loads(export(store, "doccano", Selection(), texts).decode().splitlines()[0])
    del doccano["document"]  # as doccano itself would export it
    content = json.dumps(doccano).encode()
    corpus = [DocumentText(DOC, "emoji.txt", "emoji", EMOJI_TEXT)]
    with AnnotationStore(tmp_path / "t.json") as target:
        report = import_bytes(target, content, None, corpus)
        assert report.matched_by_text == 5 and report.unmatched == 0
        assert {a.document for a in target.annotations()} == {DOC}
    with AnnotationStore(tmp_path / "u.json") as target:
        report = import_bytes(target, content, None, [])
        assert report.unmatched == 5
        (doc,) = target.documents()
        assert doc.title.startswith("👨🏻‍🚒 firemen")


@pytest.mark.parametrize(
    ("fmt", "content", "where"),
    [
        ("doccano", b'{"text": "abc", "label": [[0, 2, "claim"]]}\n{"text": "abc", "label": [[0, 9, "claim"]]}\n', "line 2"),
        ("labelstudio", b'[{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 2, "end": 1, "labels": ["x"]}}]}]}]', "task 1, annotation 1, result 1"),
        ("w3c", b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", "first": {"items": [{"type": "Annotation"}]}}', "annotation 1"),
        ("jsonl", b'{"id": "a", "document": "d", "tag": "claim", "text": "ab", "start": 0, "end": 2}\n{"id": "b"}\n', "line 2"),
    ],
)
def test_malformed_import_names_item_and_imports_nothing(tmp_path: Path, fmt: str, content: bytes, where: str) -> None:
    with AnnotationStore(tmp_path / "m.json") as store:
        with pytest.raises(Exception, match=where):
            import_bytes(store, content, fmt)
        assert len(store) == 0


astral_texts = st.lists(
    st.one_of(st.sampled_from(["👨🏻‍🚒", "😀", "𝒜", "東京", "\r\n", "\n", " ", "e\u0301", "🇯🇵"]),
              st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)),
    min_size=2, max_size=20,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), text=astral_texts, fmt=st.sampled_from(["json", "jsonl", "w3c", "doccano", "labelstudio"]))
def test_round_trip_property_astral_crlf_overlaps(tmp_path_factory, data, text: str, fmt: str) -> None:
    folder = tmp_path_factory.mktemp("fmt")
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))), min_size=1, max_size=4))
    with AnnotationStore(folder / "a.json") as source:
        for k, (a, b) in enumerate(spans):
            start, end = min(a, b - 1), max(a + 1, b)
            source.create(document=DOC, tag=("claim", "source")[k % 2], selector=Selector.from_span(text, start, end))
        content = export(source, fmt, Selection(), {DOC: text})
        original = {(a.tag, a.text, a.start, a.end) for a in source.annotations()}
    with AnnotationStore(folder / "b.json") as target:
        import_bytes(target, content, fmt, [DocumentText(DOC, "x.txt", "x", text)])
        back = {(a.tag, a.text, a.start, a.end) for a in target.annotations()}
        assert back == original
        assert all(text[a.start : a.end] == a.text for a in target.annotations())


def test_every_format_from_the_command_line_on_the_seeds(tmp_path: Path) -> None:
    db = tmp_path / "cli.json"
    corpus = load_corpus([SEEDS])
    with AnnotationStore(db) as store:
        for doc in corpus.documents[:3]:
            store.register_document(doc.id, path=doc.path, title=doc.title, source=str(doc.file))
            start = doc.text.index(" ", 40) + 1
            end = doc.text.index(".", start) + 1
            store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, start, end),
                         raw_start=doc.cleaned.to_raw(start), raw_end=doc.cleaned.to_raw(end - 1) + 1)
    help_text = run_margin("export", "--help").stdout
    for name, module in formats.FORMATS.items():
        assert name in help_text
        assert module.OFFSET_UNIT.split()[0] in help_text
        out = tmp_path / f"out-{name}{module.EXTENSION}"
        proc = run_margin("export", "--db", db, "--format", name, "--out", out)
        assert proc.returncode == 0, (name, proc.stderr)
        assert out.exists() and out.stat().st_size > 0
    folder = tmp_path / "brat-folder"
    proc = run_margin("export", "--db", db, "--format", "brat", "--out", folder)
    assert proc.returncode == 0, proc.stderr
    assert len(list(folder.glob("*.ann"))) == 3
    assert run_margin("export", "--db", db, "--format", "brat").returncode == 1
    # No absolute path of this machine leaks into any export.
    for out in tmp_path.glob("out-*"):
        if out.suffix != ".zip":
            assert str(tmp_path) not in out.read_text(encoding="utf-8")
            assert str(SEEDS) not in out.read_text(encoding="utf-8")


def test_w3c_collection_and_page_have_stable_iris(emoji) -> None:
    store, texts = emoji
    first = json.loads(export(store, "w3c", Selection(), texts))
    again = json.loads(export(store, "w3c", Selection(), texts))
    for doc in (first, again):
        assert doc["id"].startswith("urn:uuid:") and doc["first"]["id"].startswith("urn:uuid:")
        assert doc["id"] != doc["first"]["id"]
    assert (first["id"], first["first"]["id"]) == (again["id"], again["first"]["id"])  # same content, same IRIs
    one = store.annotations()[0]
    store.set_note(one.id, "changed")
    changed = json.loads(export(store, "w3c", Selection(), texts))
    assert changed["id"] != first["id"]


def test_csv_cells_never_start_a_formula_and_excel_gets_a_bom(tmp_path: Path) -> None:
    text = "=HYPERLINK(\"http://evil\") +1 -2 @SUM(A1) plain"
    with AnnotationStore(tmp_path / "c.json") as store:
        store.register_document(DOC, path="=cmd.txt", title="@title")
        for quote in ("=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "plain"):
            start = text.index(quote)
            store.create(document=DOC, tag="claim", selector=Selector.from_span(text, start, start + len(quote)),
                         note="\tnote")
        content = export(store, "csv", Selection())
        with_bom = export(store, "csv", Selection(excel=True))
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert {r["text"] for r in rows} == {"'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "plain"}
    assert rows[0]["document_path"] == "'=cmd.txt" and rows[0]["start"].isdigit()
    assert with_bom.startswith("\ufeff".encode()) and with_bom[3:] == content


def test_brat_folder_has_an_annotation_conf(emoji, tmp_path: Path) -> None:
    store, texts = emoji
    with zipfile.ZipFile(io.BytesIO(export(store, "brat", Selection(), texts))) as archive:
        conf = archive.read("annotation.conf").decode()
    sections = {}
    current = None
    for line in conf.splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line.strip("[]")
            sections[current] = []
        elif line.strip() and not line.startswith("#"):
            sections[current].append(line)
    assert set(sections) == {"entities", "relations", "events", "attributes"}
    assert set(sections["entities"]) == {"claim", "source", "prediction"}


def test_labelstudio_config_is_well_formed_xml_whatever_the_tag_names() -> None:
    from xml.etree import ElementTree

    from annotations.formats.bundle import ExportBundle
    from annotations.formats.labelstudio import labeling_config
    from annotations.model import Annotation

    text = 'He said "no" & left.'
    tags = ['say "no"', "a&b", "<odd>", "it's"]
    passages = [Annotation.create(document="d" * 64, tag=t, selector=Selector.from_span(text, 0, 2)) for t in tags]
    config = labeling_config(ExportBundle(documents=[], passages=passages, exported=""))
    labels = [e.get("value") for e in ElementTree.fromstring(config).iter("Label")]
    assert sorted(labels) == sorted(tags)
