"""A second start: what the database remembers from the same cleaner is not computed again."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS

from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.corpus import cleaner_version, known_titles, load_corpus
from reader.screens.document import DocumentScreen
from reader.screens.library import LibraryScreen


def remember(store: AnnotationStore, cleaner: str) -> list[tuple[str, int]]:
    first = load_corpus([SEEDS])
    store.register_documents([(d.id, d.path, d.title, d.words, str(d.file), cleaner) for d in first.documents])
    return [(d.title, d.words) for d in first.documents]


def test_known_documents_are_listed_without_cleaning_and_cleaned_when_used(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        listed = remember(store, cleaner_version())
        known = known_titles(store)
    again = load_corpus([SEEDS], known=known)
    assert [(d.title, d.words) for d in again.documents] == listed
    assert not any(d.is_cleaned for d in again.documents)
    fresh = load_corpus([SEEDS]).documents[2]
    assert again.documents[2].text == fresh.text and again.documents[2].is_cleaned


def test_titles_from_another_cleaner_are_computed_again(db_path: Path) -> None:
    assert len(cleaner_version()) == 16
    with AnnotationStore(db_path) as store:
        remember(store, "an-older-cleaner")
        assert known_titles(store) == {}
    again = load_corpus([SEEDS], known={})
    assert all(d.is_cleaned for d in again.documents)


async def test_second_start_lists_remembered_titles_and_opens_a_document(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        listed = remember(store, cleaner_version())
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert [(d.title, d.words) for d in app.corpus.documents] == listed
        assert not any(d.is_cleaned for d in app.corpus.documents)
        await pilot.press("down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
        assert app.screen.document.is_cleaned
        assert app.screen.document.text.startswith(listed[1][0])
    store.close()


async def test_first_start_records_the_cleaner_with_each_document(db_path: Path) -> None:
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Each document was cleaned for its title and words; then only those are kept in memory.
        assert all(d.title and d.words and not d.is_cleaned for d in app.corpus.documents)
    assert {d.cleaner for d in store.documents()} == {cleaner_version()}
    assert all(d.size > 0 and d.mtime > 0 for d in store.documents())
    store.close()


async def test_a_later_start_does_not_read_hash_or_clean_unchanged_files(db_path: Path, tmp_path: Path,
                                                                          monkeypatch) -> None:
    import shutil

    import reader.corpus

    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    store = AnnotationStore(db_path)
    first = MarginApp(paths=(folder,), store=store, annotator="tester", resume=False)
    async with first.run_test(size=(120, 30)):
        await first.workers.wait_for_complete()
    store.close()
    changed = sorted(folder.glob("*.txt"))[3]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA new closing paragraph, added later.\n",
                       encoding="utf-8")
    read: list[str] = []
    real_read = reader.corpus.read_document

    def counting(file, *args, **kwargs):
        read.append(Path(file).name)
        return real_read(file, *args, **kwargs)

    monkeypatch.setattr(reader.corpus, "read_document", counting)
    store = AnnotationStore(db_path)
    again = MarginApp(paths=(folder,), store=store, annotator="tester", resume=False)
    async with again.run_test(size=(120, 30)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert read == [changed.name]  # only the file that changed was read
        assert len(again.corpus.documents) == 5 and not any(d.is_cleaned for d in again.corpus.documents)
        await pilot.press("enter")  # opening one reads it then
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert len(read) == 2 and again.screen.document.is_cleaned
    store.close()


def test_a_document_is_cleaned_once_when_two_threads_ask(monkeypatch) -> None:
    import threading

    import reader.cleaning

    calls = []
    real_clean = reader.cleaning.clean
    gate = threading.Barrier(2)

    def slow_clean(raw: str, overrides=None):
        calls.append(1)
        return real_clean(raw, overrides)

    monkeypatch.setattr(reader.cleaning, "clean", slow_clean)
    doc = load_corpus([SEEDS], keep_text=False).documents[0]
    calls.clear()

    def ask() -> None:
        gate.wait()
        assert doc.text

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1


async def wait_for_progress_bar(app: MarginApp, pilot) -> None:
    for _ in range(200):
        if app.screen.query("#loading"):
            return
        await pilot.pause(0.01)


async def test_progress_bar_appears_only_when_reading_takes_a_while(db_path: Path, monkeypatch) -> None:
    import threading

    import reader.app

    release = threading.Event()
    real_load = reader.app.load_corpus

    def slow_load(*args, **kwargs):
        corpus = real_load(*args, **kwargs)
        release.wait(10)
        return corpus

    monkeypatch.setattr(reader.app, "load_corpus", slow_load)
    monkeypatch.setattr(LibraryScreen, "PROGRESS_DELAY", 0.05)
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_progress_bar(app, pilot)
        assert app.screen.query("#loading"), "no progress bar while the documents were still being read"
        assert "reading documents" in app.screen.sub_title
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query("#loading")
        assert "showing 5 · " in app.screen.sub_title
    store.close()


def test_margin_list_takes_titles_the_database_has_from_this_cleaner(db_path: Path) -> None:
    import json

    from conftest import run_margin

    first = load_corpus([SEEDS]).documents[0]
    with AnnotationStore(db_path) as store:
        store.register_document(first.id, path=first.path, title="As the database remembers it", words=7,
                                cleaner=cleaner_version())
    rows = json.loads(run_margin("list", "--json", "--db", db_path).stdout)
    assert {"title": "As the database remembers it", "words": 7}.items() <= rows[0].items()

    with AnnotationStore(db_path) as store:  # made by another cleaner: computed again
        store.register_document(first.id, path=first.path, title="As the database remembers it", words=7,
                                cleaner="an-older-cleaner")
    rows = json.loads(run_margin("list", "--json", "--db", db_path).stdout)
    assert (rows[0]["title"], rows[0]["words"]) == (first.title, first.words)


async def test_a_document_that_cannot_be_prepared_is_reported_and_the_library_stays(
    db_path: Path, monkeypatch
) -> None:
    import reader.cleaning

    with AnnotationStore(db_path) as store:
        remember(store, cleaner_version())

    def broken(raw: str, overrides=None):
        raise ValueError("no article here")

    monkeypatch.setattr(reader.cleaning, "clean", broken)
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert any("Could not prepare" in n.message and "no article here" in n.message for n in app._notifications)
    store.close()


async def test_large_remembered_documents_are_prepared_in_the_background(tmp_path: Path, monkeypatch) -> None:
    import reader.app

    folder = tmp_path / "docs"
    folder.mkdir()
    paragraph = "The committee said the budget would hold, and the minister agreed with the findings of the report."
    (folder / "small.txt").write_text("A Short Report\n\n" + "\n\n".join([paragraph] * 3))
    (folder / "large.txt").write_text("A Long Report\n\n" + "\n\n".join([paragraph] * 40))
    monkeypatch.setattr(reader.app, "PREPARE_AHEAD", 2_000)
    db_path = tmp_path / "margin.json"
    with AnnotationStore(db_path) as store:
        first = load_corpus([folder])
        store.register_documents([(d.id, d.path, d.title, d.words, str(d.file), cleaner_version())
                                  for d in first.documents])
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(folder,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        cleaned = {d.path: d.is_cleaned for d in app.corpus.documents}
        assert cleaned == {"large.txt": True, "small.txt": False}
    store.close()


async def test_progress_bar_before_the_first_file_is_read(db_path: Path, monkeypatch) -> None:
    """The bar may appear before any progress was reported (a slow disk, a big first file)."""
    import threading

    import reader.app

    release = threading.Event()
    real_load = reader.app.load_corpus

    def slow_start(*args, **kwargs):
        release.wait(10)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(reader.app, "load_corpus", slow_start)
    monkeypatch.setattr(LibraryScreen, "PROGRESS_DELAY", 0.05)
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_progress_bar(app, pilot)
        assert app.screen.query("#loading")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query("#loading") and app.screen.query_one("#documents").row_count == 5
    store.close()


def pause_loading(monkeypatch, at: int):
    """Hold the app's loading of the corpus after ``at`` files (reported at once) until released."""
    import threading

    import reader.app

    halfway, release = threading.Event(), threading.Event()
    real_load = reader.app.load_corpus

    def paused_load(*args, **kwargs):
        report = args[2]

        def progress(done: int, total: int) -> None:
            report(done, total)
            if done == at:
                halfway.set()
                release.wait(10)

        return real_load(*args[:2], progress, *args[3:], **kwargs)

    monkeypatch.setattr(reader.app, "load_corpus", paused_load)
    monkeypatch.setattr(reader.app, "PROGRESS_EVERY", 0)
    return halfway, release


async def test_a_first_start_lists_documents_as_they_are_read(db_path: Path, monkeypatch) -> None:
    import reader.app

    halfway, release = pause_loading(monkeypatch, at=3)
    monkeypatch.setattr(reader.app, "REMEMBER_EVERY", 0)
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one("#documents")
        for _ in range(300):
            if halfway.is_set() and table.row_count == 3 and len(store.documents()) == 3:
                break
            await pilot.pause(0.01)
        assert halfway.is_set() and table.row_count == 3, "the documents read were not listed while the rest were read"
        assert "reading documents… 3 of 5" in app.screen.sub_title
        # The database is told of them meanwhile, not all at once at the end.
        assert [d.path for d in store.documents()] == [d.path for d in app.corpus.documents[:3]]
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 5 and "showing 5 · " in app.screen.sub_title
        assert {d.id: d.title for d in store.documents()} == {d.id: d.title for d in app.corpus.documents}
    store.close()
    with AnnotationStore(db_path, read_only=True) as again:  # and it is on the disk
        assert len(again.documents()) == 5 and all(d.cleaner == cleaner_version() and d.size > 0 for d in again.documents())


def remembered_then_changed_in_place(tmp_path: Path, db_path: Path, *, encodings: bool) -> tuple[Path, str]:
    """A copy of the seeds the database remembers (with or without each file's encoding, as schema
    5 and schema 4 did), then the first file's title changed to "XXXXX…" keeping its size and
    modification time: a list that trusts the database shows the old title, one that reads shows XXXXX."""
    import os
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    docs = load_corpus([folder]).documents
    with AnnotationStore(db_path) as store:
        store.register_documents([(d.id, d.path, d.title, d.words, str(d.file.resolve()), cleaner_version(), d.size,
                                   d.mtime, *([d.encoding] if encodings else [])) for d in docs])
    target = docs[0].file
    info = target.stat()
    data = target.read_bytes()
    changed = data.replace(docs[0].title.encode()[:5], b"XXXXX", 1)
    assert len(changed) == len(data) and changed != data
    target.write_bytes(changed)
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    return folder, docs[0].title


def test_a_later_list_does_not_read_unchanged_files(tmp_path: Path, db_path: Path) -> None:
    import json

    from conftest import run_margin

    folder, title = remembered_then_changed_in_place(tmp_path, db_path, encodings=True)
    listed = run_margin("list", folder, "--db", db_path)
    assert listed.returncode == 0 and title in listed.stdout and "XXXXX" not in listed.stdout
    # --json too: the database remembers the encoding each file was read in (schema 5).
    as_json = run_margin("list", folder, "--db", db_path, "--json")
    rows = json.loads(as_json.stdout)
    assert "XXXXX" not in as_json.stdout and {r["encoding"] for r in rows} == {"utf-8"}


def test_files_whose_encoding_is_not_remembered_are_read_once_more(tmp_path: Path, db_path: Path) -> None:
    """A database from before schema 5 knows the files but not their encodings: they are read."""
    from conftest import run_margin

    folder, _title = remembered_then_changed_in_place(tmp_path, db_path, encodings=False)
    with AnnotationStore(db_path, read_only=True) as store:
        assert {d.encoding for d in store.documents()} == {""}
    as_json = run_margin("list", folder, "--db", db_path, "--json")
    assert as_json.returncode == 0 and "XXXXX" in as_json.stdout


async def test_a_document_opened_while_the_rest_are_read_is_not_opened_twice(db_path: Path, monkeypatch) -> None:
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=True)
    async with app.run_test(size=(120, 30)) as pilot:  # a first start: open a document, so a later one resumes
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
    store.close()

    halfway, release = pause_loading(monkeypatch, at=3)
    store = AnnotationStore(db_path)
    app = MarginApp(paths=(SEEDS,), store=store, annotator="tester", resume=True)
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(300):
            if halfway.is_set() and app.screen.query_one("#documents").row_count:
                break
            await pilot.pause(0.01)
        await pilot.press("enter")  # the annotator opens a listed document before the resume would
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["LibraryScreen", "DocumentScreen"]
    store.close()
