"""The editing rules, without the screen: spans, sentences, search, duplicates, ownership, undo, "saved"."""

from __future__ import annotations

import errno
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotations.editing import EditingSession
from annotations.errors import EditRefused, NotFound
from annotations.model import GOLD
from annotations.sentences import all_sentences, sentence_at, sentences_in_paragraph
from annotations.spans import normalise_span, word_end
from annotations.store import AnnotationStore
from annotations.textsearch import find_all

sys.path.insert(0, str(Path(__file__).parent / "data"))
from sentence_cases import AMBIGUOUS, CASES


@dataclass
class Doc:
    """A document as the session sees it: id, cleaned text, offsets into the raw file (here the same)."""

    id: str
    text: str

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        return start + 100, end + 100


TEXT = ("The Kremlin’s help never came. Mr. Smith told reporters on Jan. 5 that the U.S. would wait.\n\n"
        "Russia and Russian officials met. Russia said nothing.")


@pytest.fixture
def store(db_path: Path):
    with AnnotationStore(db_path) as s:
        yield s


@pytest.fixture
def session(store: AnnotationStore) -> EditingSession:
    return EditingSession(store, "ana")


# -- spans ---------------------------------------------------------------------------------------


def test_spans_are_trimmed_and_snapped_to_words() -> None:
    text = "  The Kremlin’s help never came.\n"
    start = text.index("Kremlin")
    # v on "Kremlin", w w: the half-open range ends at "never"; trimmed, it is exactly two words.
    assert text[slice(*normalise_span(text, start, text.index("never")))] == "Kremlin’s help"
    # An end inside a word widens to the whole word; with snap = "char" it stays.
    assert text[slice(*normalise_span(text, start + 2, text.index("help") + 2))] == "Kremlin’s help"
    assert text[slice(*normalise_span(text, start + 2, text.index("help") + 2, "char"))] == "emlin’s he"
    # An end at an apostrophe is a fair end: "Kremlin" of "Kremlin’s" stays "Kremlin".
    assert text[slice(*normalise_span(text, start, start + 7))] == "Kremlin"
    # A trailing newline or space never belongs to a passage; only white space is nothing.
    assert text[slice(*normalise_span(text, start, len(text)))] == "Kremlin’s help never came."
    assert normalise_span(text, 0, 2) is None


def test_spans_never_split_a_grapheme_cluster() -> None:
    text = "A firefighter 👨🏻‍🚒 and café (cafe\u0301) here"
    emoji = text.index("👨")
    # Half of the emoji sequence widens to all of it, in either snap mode.
    for snap in ("word", "char"):
        start, end = normalise_span(text, emoji, emoji + 2, snap)
        assert text[start:end] == "👨🏻‍🚒"
    accent = text.index("cafe\u0301")
    start, end = normalise_span(text, accent, accent + 4, "char")
    assert text[start:end] == "cafe\u0301"  # the combining accent comes with its letter


def test_word_end_is_half_open() -> None:
    text = "One two three"
    assert word_end(text, 0) == 3 and word_end(text, 3) == 7 and word_end(text, 5) == 7
    assert word_end(text, 8) == 13 and word_end(text, 13) == 13


# -- sentences --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("paragraph", "sentences"), CASES, ids=[c[0][:40] for c in CASES])
def test_sentence_cases(paragraph: str, sentences: list[str]) -> None:
    assert [paragraph[a:b] for a, b in sentences_in_paragraph(paragraph, 0)] == sentences


def test_there_are_at_least_forty_news_style_cases() -> None:
    assert len(CASES) >= 40
    joined = " ".join(p for p, _ in CASES)
    for needle in ("U.S.", "Mr.", "Jan.", "Gen.", "St.", "p.m.", "J. R. R.", "2.5", "“", "。"):
        assert needle in joined


def test_known_ambiguity_stays_one_sentence() -> None:
    # Documented limit: an abbreviation ending a sentence before a capital is not split.
    (paragraph, _), = AMBIGUOUS
    assert len(sentences_in_paragraph(paragraph, 0)) == 1


def test_sentence_at_and_whole_text() -> None:
    start = TEXT.index("Mr.")
    a, b = sentence_at(TEXT, start + 10)
    assert TEXT[a:b] == "Mr. Smith told reporters on Jan. 5 that the U.S. would wait."
    assert TEXT[slice(*sentence_at(TEXT, TEXT.index("As") if "As" in TEXT else 0))].startswith("The Kremlin")
    spans = all_sentences(TEXT)
    assert [TEXT[a:b] for a, b in spans][-2:] == ["Russia and Russian officials met.", "Russia said nothing."]
    assert len(spans) == 4


def test_a_huge_paragraph_is_segmented_in_a_window() -> None:
    text = "Word after word runs on. " * 200_000  # 5 MB in one line
    a, b = sentence_at(text, len(text) // 2)
    assert text[a:b] == "Word after word runs on."


# -- search -------------------------------------------------------------------------------------------


def test_search_folds_spaces_quotes_and_dashes_with_smart_case() -> None:
    page = "Overall,\u00a0the loss of Venezuela — a blow. Moscow’s foreign ministry said “no”. Russia, RUSSIA."
    assert find_all(page, "Overall, the loss of Venezuela - a blow")
    assert find_all(page, "Moscow's foreign")
    assert find_all(page, 'said "no"')
    assert len(find_all(page, "russia")) == 2  # no capital: any case
    assert len(find_all(page, "Russia")) == 1  # a capital: this case
    assert find_all(page, "İstanbul") == []  # letters that lower to two characters keep offsets right


def test_whole_words_by_default_for_tag_all() -> None:
    text = "Russia and Russian officials; Russia's army."
    assert [text[a:b] for a, b in find_all(text, "Russia", whole_words=True)] == ["Russia", "Russia"]
    assert len(find_all(text, "Russia")) == 3


# -- the session ----------------------------------------------------------------------------------------


def test_tag_saves_exactly_the_normalised_span(session: EditingSession, store: AnnotationStore) -> None:
    doc = Doc("d1", TEXT)
    start = TEXT.index("Kremlin")
    edit = session.tag(doc, start, TEXT.index("never"), "claim")
    (ann,) = edit.after
    assert ann.text == "Kremlin’s help" == TEXT[ann.start : ann.end]
    assert (ann.raw_start, ann.raw_end) == (ann.start + 100, ann.end + 100)
    assert edit.saved and store.document("d1").status == "in progress"


def test_sentence_under_the_cursor_knows_abbreviations(session: EditingSession) -> None:
    doc = Doc("d1", TEXT)
    (ann,) = session.tag_sentence(doc, TEXT.index("U.S."), "claim").after
    assert ann.text == "Mr. Smith told reporters on Jan. 5 that the U.S. would wait."


def test_duplicates_are_refused(session: EditingSession, store: AnnotationStore) -> None:
    doc = Doc("d1", TEXT)
    session.tag_sentence(doc, 3, "claim")
    with pytest.raises(EditRefused, match="already tagged claim"):
        session.tag_sentence(doc, 3, "claim")
    session.tag_sentence(doc, 3, "source")  # another tag is another passage
    other = EditingSession(store, "bo")
    other.tag_sentence(doc, 3, "claim")  # another annotator may draw the same
    assert len(store) == 3


def test_others_passages_are_not_changed(store: AnnotationStore) -> None:
    doc = Doc("d1", TEXT)
    (theirs,) = EditingSession(store, "bo").tag_sentence(doc, 3, "claim").after
    mine = EditingSession(store, "ana")
    for change in (lambda: mine.delete(theirs.id), lambda: mine.retag(theirs.id, "source"),
                   lambda: mine.note(theirs.id, "x"), lambda: mine.adjust(doc, theirs.id, 0, 3)):
        with pytest.raises(EditRefused, match="bo's"):
            change()
    assert store.get(theirs.id) == theirs
    EditingSession(store, "ana", edit_others=True).note(theirs.id, "allowed")
    assert store.get(theirs.id).note == "allowed"


def test_a_missing_passage_is_not_a_key_error(session: EditingSession) -> None:
    with pytest.raises(NotFound):
        session.delete("no-such-id")


def test_read_only_changes_nothing(db_path: Path) -> None:
    with AnnotationStore(db_path) as holder:
        reader = AnnotationStore(db_path)
        session = EditingSession(reader, "ana", read_only_reason="in use by someone")
        with pytest.raises(EditRefused, match="read-only"):
            session.tag(Doc("d1", TEXT), 0, 3, "claim")
        reader.close()
        assert len(holder) == 0


def test_tag_all_is_one_step_and_one_undo(session: EditingSession, store: AnnotationStore) -> None:
    docs = [Doc("d1", TEXT), Doc("d2", "Russia again. Not Russian.")]
    first = TEXT.index("Russia")
    session.tag(docs[0], first, first + 6, "claim")
    edit = session.tag_occurrences(docs, "Russia", "claim")
    assert [a.text for a in edit.after] == ["Russia", "Russia"]  # never inside "Russian"
    assert {a.document for a in edit.after} == {"d1", "d2"}
    assert len(store) == 3
    undone = session.undo()
    assert undone is not None and undone.label == edit.label and len(store) == 1
    session.redo()
    assert len(store) == 3
    inside = session.tag_occurrences(docs, "Russia", "source", whole_words=False)
    assert len(inside.after) == 5


def test_adjust_keeps_id_and_undo_restores(session: EditingSession, store: AnnotationStore) -> None:
    doc = Doc("d1", TEXT)
    (ann,) = session.tag(doc, 4, 11, "claim").after
    moved = session.adjust(doc, ann.id, 0, 20).after[0]
    assert moved.id == ann.id and moved.text == "The Kremlin’s help never"
    session.undo()
    assert store.get(ann.id).text == ann.text


def test_retag_note_delete_undo_redo(session: EditingSession, store: AnnotationStore) -> None:
    doc = Doc("d1", TEXT)
    (ann,) = session.tag(doc, 0, 3, "claim").after
    session.retag(ann.id, "source")
    session.note(ann.id, "check")
    session.delete(ann.id)
    assert store.get(ann.id) is None
    assert session.undo().label == "delete source"
    assert store.get(ann.id).note == "check"
    session.undo()
    session.undo()
    assert store.get(ann.id).tag == "claim" and store.get(ann.id).note == ""
    session.redo()
    assert store.get(ann.id).tag == "source"


def test_accept_into_gold_once(session: EditingSession, store: AnnotationStore) -> None:
    doc = Doc("d1", TEXT)
    (theirs,) = EditingSession(store, "bo").tag(doc, 0, 3, "claim").after
    gold = session.accept_into_gold(theirs.id).after[0]
    assert gold.annotator == GOLD and gold.text == theirs.text
    with pytest.raises(EditRefused, match="already in the gold set"):
        session.accept_into_gold(theirs.id)
    session.undo()
    assert store.annotations(annotator=GOLD) == []


def test_undo_says_not_saved_when_the_disk_fails(session: EditingSession, store: AnnotationStore,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Doc("d1", TEXT)
    assert session.tag(doc, 0, 3, "claim").saved
    import annotations.storage as storage

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "write", full)
    edit = session.undo()
    assert edit is not None and not edit.saved and "NOT saved" in edit.saved_word
    assert len(store) == 0 and store.unsaved
    monkeypatch.undo()
    assert store.retry_save() and not store.unsaved


def test_store_protocol_is_checked_by_mypy() -> None:
    import subprocess

    mypy = Path(sys.executable).with_name("mypy")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([str(mypy), "annotations/", "--ignore-missing-imports", "--no-incremental"],
                          capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("paragraph", ["", " ", "\u2063", '"', "”", ". . .", "(.)", "。", "\n\n"])
def test_odd_paragraphs_do_not_break_the_segmenter(paragraph: str) -> None:
    for offset in range(len(paragraph) + 1):
        span = sentence_at(paragraph, offset)
        assert span is None or 0 <= span[0] < span[1] <= len(paragraph)
