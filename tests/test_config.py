"""The user's config file: tags, annotator, keys; a broken file gives a warning and the defaults."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS, run_margin

from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.config import load_config
from reader.corpus import load_corpus


def test_config_adds_tags_and_sets_the_annotator(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'annotator = "ana"\n[[tags]]\nname = "quote"\nkey = "4"\ncolour = "#2ec27e"\n'
        'definition = "Words reported as said."\n[keys]\ntag_picker = "T"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.warnings == []
    assert config.annotator == "ana"
    assert config.tagset.names == ["claim", "source", "prediction", "quote"]
    assert config.tagset.get("quote").definition == "Words reported as said."
    assert config.keys == {"tag_picker": "T"}


def test_broken_config_warns_and_keeps_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("annotator = [unclosed\n", encoding="utf-8")
    config = load_config(path)
    assert config.tagset.names == ["claim", "source", "prediction"]
    assert len(config.warnings) == 1 and "ignored" in config.warnings[0]
    db = tmp_path / "db.json"
    AnnotationStore(db).close()
    proc = run_margin("stats", "--db", db, "--config", path)
    assert proc.returncode == 0 and "ignored" in proc.stderr and "Traceback" not in proc.stderr


async def test_key_overrides_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\ntag_picker = "T"\n', encoding="utf-8")
    store = AnnotationStore(tmp_path / "db.json")
    app = MarginApp(corpus=load_corpus([SEEDS]), store=store, annotator="t", config=load_config(path), resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        assert type(app.screen).__name__ == "TagPicker"
    store.close()
