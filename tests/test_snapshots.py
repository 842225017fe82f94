"""What the screens look like, pinned as SVG snapshots (update with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

from annotations.model import Selector
from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.corpus import load_corpus


@pytest.fixture
def snap_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # the header shows the database path: keep it the same on every machine
    stores = []

    def make(annotate: bool = False) -> MarginApp:
        corpus = load_corpus([SEEDS])
        store = AnnotationStore(Path("snap.json"))
        stores.append(store)
        if annotate:
            doc = corpus.documents[1]
            text = doc.text
            outer_start = text.index("Vladimir")
            outer_end = text.index("reign.") + len("reign.")
            for tag, start, end in (
                ("claim", outer_start, outer_end),  # a whole sentence
                ("source", text.index("Vladimir Putin's Russia"), text.index("Vladimir Putin's Russia") + 23),  # nested
                ("prediction", text.index("U.S. pressure campaign"), text.index("Russia considers") + 16),  # overlapping
            ):
                store.create(document=doc.id, tag=tag, selector=Selector.from_span(text, start, end), annotator="snap")
        return MarginApp(corpus=corpus, store=store, annotator="snap", resume=False)

    yield make
    for store in stores:
        store.close()


def test_library_screen(snap_compare, snap_app) -> None:
    assert snap_compare(snap_app(), terminal_size=(110, 24))


def test_document_screen_with_overlapping_passages(snap_compare, snap_app) -> None:
    assert snap_compare(snap_app(annotate=True), terminal_size=(110, 30), press=["down", "enter", "full_stop"])


def test_help_screen(snap_compare, snap_app) -> None:
    assert snap_compare(snap_app(), terminal_size=(110, 40), press=["down", "enter", "question_mark"])
