"""Finding a phrase as the reader sees it: any space is a space, any quote a quote, any dash a dash.

Scraped pages mix no-break and thin spaces, curly and straight quotes, and
four kinds of dash; an annotator types the plain ones. Both the text and the
query are *folded* character for character (so offsets in the folded text are
offsets in the real one), and the search is case-insensitive unless the query
has a capital letter (smart case, as in vim and ripgrep). Search and tag-all
use the same rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from .spans import WORD

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"
_SINGLE_QUOTES = "’‘‛′ʼ"
_DOUBLE_QUOTES = "“”„‟″"
_DASHES = "‐‑‒–—―−"
_FOLD = str.maketrans(
    {**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_SINGLE_QUOTES, "'"), **dict.fromkeys(_DOUBLE_QUOTES, '"'),
     **dict.fromkeys(_DASHES, "-")}
)


def fold(text: str, *, ignore_case: bool) -> str:
    """``text`` with spaces, quotes and dashes made plain (and lower case if asked), same length."""
    folded = text.translate(_FOLD)
    if ignore_case:
        lowered = folded.lower()
        if len(lowered) == len(folded):
            return lowered
        # A few letters lower to two characters ("İ"): keep those as they are, so offsets still agree.
        return "".join(low if len(low := ch.lower()) == 1 else ch for ch in folded)
    return folded


def smart_case(query: str) -> bool:
    """True when the search ignores case: the query has no capital letter."""
    return not any(ch.isupper() for ch in query)


def _is_word_char(ch: str) -> bool:
    return bool(WORD.match(ch))


def find_all(text: str, query: str, *, whole_words: bool = False, limit: int = 100_000,
             folded_text: str | None = None) -> list[tuple[int, int]]:
    """Every [start, end) where ``query`` is in ``text`` under the folding rules.

    ``whole_words`` keeps only matches not inside a longer word ("Russia" is not found in
    "Russian"). ``folded_text`` may pass ``fold(text, ignore_case=smart_case(query))`` computed
    before, to spare repeated searches of a large text.
    """
    if not query:
        return []
    ignore_case = smart_case(query)
    haystack = folded_text if folded_text is not None else fold(text, ignore_case=ignore_case)
    needle = fold(query, ignore_case=ignore_case)
    return list(_matches(text, haystack, needle, whole_words, limit))


def _matches(text: str, haystack: str, needle: str, whole_words: bool, limit: int) -> Iterator[tuple[int, int]]:
    check_start = whole_words and _is_word_char(needle[0])
    check_end = whole_words and _is_word_char(needle[-1])
    found = 0
    pos = haystack.find(needle)
    while pos >= 0 and found < limit:
        end = pos + len(needle)
        if not (check_start and pos > 0 and _is_word_char(text[pos - 1])) and not (
            check_end and end < len(text) and _is_word_char(text[end])
        ):
            found += 1
            yield pos, end
        pos = haystack.find(needle, pos + 1)
