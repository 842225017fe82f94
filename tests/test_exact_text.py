"""Every path that stores a passage stores exactly the text the annotator meant — not a character more or less.

Each case names the text meant, as a person reading the screen would say it, and checks the stored passage
three ways: its ``text`` is that text, it is ``cleaned[start:end]``, and it is ``raw[raw_start:raw_end]``.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEEDS, run_margin
from test_app import make_app, open_second

from annotations.anchoring import reanchor_document
from annotations.model import Annotation, Selector
from annotations.store import AnnotationStore
from reader.corpus import load_corpus
from reader.widgets.document_view import DocumentView

DOC = load_corpus([SEEDS]).documents[1]


def exact(ann: Annotation, meant: str, text: str = DOC.text, raw: str = DOC.raw) -> None:
    assert ann.text == meant, (ann.text, meant)
    assert text[ann.start : ann.end] == meant
    assert raw[ann.raw_start : ann.raw_end] == meant
    assert not ann.orphan


async def stored_after(pilot, *keys: str) -> Annotation:
    store = pilot.app.store
    before = {a.id: a for a in store.annotations()}
    await pilot.press(*keys)
    await pilot.pause()
    (changed,) = [a for a in store.annotations() if before.get(a.id) != a]
    return changed


async def test_keys_store_what_was_meant(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view: DocumentView = await open_second(pilot)
        text = view.text
        view.move_to(text.index("Putin's Russia"))
        exact(await stored_after(pilot, "v", "w", "w", "v", "1"), "Putin's Russia")
        view.move_to(text.index("well-armed"))
        exact(await stored_after(pilot, "2"), '"Vladimir Putin\'s Russia may seem like an obvious place for Maduro to '
              "turn as he scours the world for well-armed friends willing to help him withstand a U.S. pressure "
              "campaign that threatens his 12-year reign.")
        view.move_to(text.index("Moscow"))
        exact(await stored_after(pilot, "shift+right", "shift+right", "shift+right", "3"), "Moscow")
        view.move_to(text.index("resources"))
        exact(await stored_after(pilot, "v", "e", "e", "v", "1"), "resources and")
        # x: adjust the first passage's start back one word with o then b.
        view.move_to(text.index("Putin's Russia") + 2)
        exact(await stored_after(pilot, "x", "o", "b", "v"), "Vladimir Putin's Russia")
    app.store.close()


async def test_tag_all_stores_each_occurrence_exactly(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        first = view.text.index("Kremlin")
        view.select(first, first + len("Kremlin"))
        await pilot.press("1")
        view.move_to(first)  # standing on the passage: A tags its other occurrences
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        passages = app.store.annotations()
        assert len(passages) > 1
        for ann in passages:
            exact(ann, "Kremlin")
    app.store.close()


def test_imports_store_the_quotes_the_file_meant(tmp_path: Path) -> None:
    quotes = ["Vladimir Putin's Russia", "U.S. pressure campaign", "Russia considers Venezuela its closest ally"]
    db = tmp_path / "source.json"
    with AnnotationStore(db) as store:
        store.register_documents([(DOC.id, DOC.path, DOC.title, DOC.words, str(DOC.file.resolve()), "")])
        for quote in quotes:
            start = DOC.text.index(quote)
            raw = DOC.to_raw_span(start, start + len(quote))
            store.create(document=DOC.id, tag="claim", selector=Selector.from_span(DOC.text, start, start + len(quote)),
                         raw_start=raw[0], raw_end=raw[1], annotator="ana")
    shifted = json.loads(run_margin("export", "--db", db).stdout)
    for p in shifted["passages"]:  # offsets two characters off, raw offsets wrong: the quote decides
        p["start"] += 2
        p["end"] += 2
        p["raw_start"] = p["raw_end"] = 0
    files = {"json": json.dumps(shifted).encode()}
    for fmt in ("labelstudio", "doccano", "w3c", "jsonl"):
        files[fmt] = run_margin("export", "--db", db, "--format", fmt).stdout.encode()
    for fmt, content in files.items():
        target = tmp_path / f"{fmt}.json"
        proc = run_margin("import", "-", "--format", fmt, "--db", target, "--corpus", SEEDS, input=content)
        assert proc.returncode == 0, (fmt, proc.stderr)
        with AnnotationStore(target, read_only=True) as store:
            stored = sorted(store.annotations(), key=lambda a: a.start)
        assert [a.text for a in stored] == sorted(quotes, key=DOC.text.index), fmt
        for ann in stored:
            exact(ann, ann.text)


def test_reanchoring_stores_the_quote_where_it_now_stands(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    file = folder / DOC.file.name
    file.write_bytes(DOC.file.read_bytes())
    with AnnotationStore(tmp_path / "db.json") as store:
        ids = {}
        for quote in ("Putin has said nary a word about Maduro or Venezuela lately", "Vladimir Putin's Russia"):
            start = DOC.text.index(quote)
            raw = DOC.to_raw_span(start, start + len(quote))
            ids[quote] = store.create(document=DOC.id, tag="claim", raw_start=raw[0], raw_end=raw[1],
                                      selector=Selector.from_span(DOC.text, start, start + len(quote))).id
        store.register_document(DOC.id, path=DOC.path, title=DOC.title)
        edited = DOC.raw.replace("nary", "barely").replace("\n\n", "\n\nAn editor's note added to the page here.\n\n", 1)
        file.write_text(edited, encoding="utf-8")
        (new,) = load_corpus([folder]).documents
        reanchor_document(store, new.id, new.path, new.text, new.to_raw_span)
        exact(store.get(ids["Vladimir Putin's Russia"]), "Vladimir Putin's Russia", new.text, new.raw)
        exact(store.get(ids["Putin has said nary a word about Maduro or Venezuela lately"]),
              "Putin has said barely a word about Maduro or Venezuela lately", new.text, new.raw)
