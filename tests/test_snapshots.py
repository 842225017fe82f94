"""What every screen and dialog looks like, at three terminal sizes and in both themes.

Pinned as SVG snapshots; after a deliberate change to the look:
``python -m pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

from annotations.model import Selector
from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.config import Config
from reader.corpus import load_corpus

SIZES = {"120x40": (120, 40), "80x24": (80, 24), "60x20": (60, 20)}

# name → (keys pressed after start, how the database is prepared)
SCREENS = {
    "library": ((), ""),
    "document": (("down", "enter", "full_stop"), "passages"),
    "raw-view": (("down", "enter", "r"), ""),
    "help": (("down", "enter", "question_mark"), ""),
    "tag-picker": (("down", "enter", "t"), ""),
    "note": (("down", "enter", "1", "m"), ""),
    "export": (("down", "enter", "e"), ""),
    "status": (("down", "enter", "s"), ""),
    "review": (("down", "enter", "R"), "two annotators"),
    "read-only": (("down", "enter"), "held by another"),
}


@pytest.fixture
def snap_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # the header shows the database path: keep it the same on every machine
    stores = []

    def make(prepared: str = "", theme: str = "") -> MarginApp:
        corpus = load_corpus([SEEDS])
        if prepared == "held by another":
            stores.append(AnnotationStore(Path("snap.json")))  # another margin holds the database
            Path("snap.json.owner").write_text("in use by ana@lab, process 4242\n", encoding="utf-8")
        store = AnnotationStore(Path("snap.json"))
        stores.append(store)
        doc = corpus.documents[1]
        text = doc.text
        if prepared == "passages":
            outer_start = text.index("Vladimir")
            outer_end = text.index("reign.") + len("reign.")
            for tag, start, end in (
                ("claim", outer_start, outer_end),  # a whole sentence
                ("source", text.index("Vladimir Putin's Russia"), text.index("Vladimir Putin's Russia") + 23),  # nested
                ("prediction", text.index("U.S. pressure campaign"), text.index("Russia considers") + 16),  # overlapping
            ):
                store.create(document=doc.id, tag=tag, selector=Selector.from_span(text, start, end), annotator="snap")
        if prepared == "two annotators":
            start = text.index("Vladimir")
            store.create(document=doc.id, tag="claim", selector=Selector.from_span(text, start, start + 30),
                         annotator="ana")
            store.create(document=doc.id, tag="source", selector=Selector.from_span(text, start, start + 23),
                         annotator="bo")
        return MarginApp(corpus=corpus, store=store, annotator="snap", resume=False, config=Config(theme=theme))

    yield make
    for store in stores:
        store.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, snap_app, screen: str, size: str) -> None:
    keys, prepared = SCREENS[screen]
    assert snap_compare(snap_app(prepared), terminal_size=SIZES[size], press=list(keys))


@pytest.mark.parametrize("screen", ["library", "document", "export", "help"])
def test_light_theme(snap_compare, snap_app, screen: str) -> None:
    keys, prepared = SCREENS[screen]
    assert snap_compare(snap_app(prepared, theme="textual-light"), terminal_size=(80, 24), press=list(keys))
