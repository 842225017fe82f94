"""Wrapping and motions of the document view, as pure text logic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.sentences import sentence_at
from reader.layout import (
    WrappedText,
    display_text,
    next_sentence,
    next_word,
    previous_sentence,
    previous_word,
    word_end,
)

words = st.sampled_from(["the", "minister", "said", "東京", "👨🏻‍🚒", "e\u0301", "a", "longwordwithoutanyspaces" * 3, " ", "\n", "\n\n"])
texts = st.lists(words, min_size=1, max_size=120).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text=texts, width=st.integers(8, 60), lazy=st.booleans())
def test_every_offset_is_on_exactly_one_line(text: str, width: int, lazy: bool) -> None:
    if lazy:
        WrappedText.EXACT_UP_TO, saved = -1, WrappedText.EXACT_UP_TO
    try:
        wrapped = WrappedText(text, width)
        # Lines cover the text without gaps or overlaps, in order.
        pos, y = 0, 0
        while y < wrapped.line_count:  # the count settles as paragraphs are wrapped exactly
            line = wrapped.line(y)
            assert line.start == pos
            pos = line.end
            y += 1
        assert pos == len(text)
        for offset in range(len(text)):
            line = wrapped.line(wrapped.line_of(offset))
            assert line.start <= offset < line.end
    finally:
        if lazy:
            WrappedText.EXACT_UP_TO = saved


def test_lazy_wrapping_corrects_its_estimate() -> None:
    text = "\n".join("word " * 40 for _ in range(5000))
    wrapped = WrappedText(text, 50)
    last = wrapped.line(wrapped.line_count - 1)
    assert last.end == len(text)
    assert wrapped.line_of(len(text) - 1) == wrapped.line_count - 1


def test_display_text_keeps_offsets_and_hides_controls() -> None:
    raw = "a\x1b[2Jb\x07c\u202ed\tz"
    shown = display_text(raw)
    assert len(shown) == len(raw)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\t" not in shown


def test_word_and_sentence_motions() -> None:
    text = "One two. Three four? Five"
    assert next_word(text, 0) == 4
    assert next_word(text, 4) == 9
    assert previous_word(text, 9) == 4
    assert sentence_at(text, 10) == (9, 20)
    assert sentence_at(text, 0) == (0, 8)
    assert next_sentence(text, 0) == 9 and next_sentence(text, 9) == 21
    assert previous_sentence(text, 21) == 9 and previous_sentence(text, 12) == 9
    # e: just after the word under the cursor, else after the next one (half-open ends).
    assert word_end(text, 0) == 3 and word_end(text, 3) == 7 and word_end(text, 4) == 7
