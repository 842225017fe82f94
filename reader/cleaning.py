"""Raw page text → the article: title, body paragraphs and section headings.

The input is the text of a scraped page, one block per line. Each line is
judged on its own features — length, sentence punctuation, share of
function words, list bullets, links, and a few phrases that only page
furniture uses (share/follow labels, read-time trailers, credits, appeals) —
as jusText does for HTML paragraphs, then re-judged from its neighbours:
short lines between body paragraphs are kept as headings, lines after the
article has clearly ended (a run of link lists and furniture) are dropped.
No rule names a site, a person or a document.

The result keeps a map from cleaned offsets to raw offsets (``to_raw``), so a
passage can always point into the original file, and ``dropped`` says which
raw lines were removed and why.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, pairwise, repeat

# Function words of the languages scraped news comes in. A body paragraph is
# full of them; menus, credits and link lists are not.
_STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "said", "says", "one", "two", "de", "la", "le", "les", "des", "du", "un", "une", "et", "est", "que", "qui", "dans", "pour", "pas", "sur", "au", "aux", "ce", "cette", "il", "elle", "ils", "ne", "se", "sont", "avec", "par", "plus", "mais", "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "von", "mit", "sich", "des", "auf", "für", "im", "dem", "auch", "es", "an", "als", "nach", "wie", "aus", "bei", "wird", "sind", "el", "los", "las", "del", "por", "con", "una", "para", "como", "pero", "sus", "más", "este", "esta", "fue", "han", "muy", "sin", "sobre", "también", "o", "os", "as", "um", "uma", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "ao", "à", "é", "são", "foi", "ser", "não", "mais", "mas", "como", "seu", "sua", "pelo", "pela", "já", "il", "lo", "gli", "di", "che", "è", "per", "non", "sono", "una", "nel", "nella", "alla", "anche", "come", "più", "ma", "si", "и", "в", "не", "на", "что", "с", "по", "как", "это", "он", "она", "они", "к", "а", "из", "у", "за", "о", "от", "то", "же", "для", "все", "так", "его", "но", "было", "бы", "же", "или", "если", "уже", "yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "pada", "adalah", "dalam", "tidak", "akan", "juga", "atau", "oleh", "ada", "het", "een", "van", "en", "niet", "zijn", "op", "te", "dat", "voor", "met", "aan", "er", "maar", "om", "ook", "als", "bij"]
)

_END_CHARS = frozenset(".!?…:;。！？\"”’»)]")
_BULLET_CHARS = frozenset("*+•·‣◦▪▸►-–—o0123456789")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[*+•·‣◦▪▸►\-–—o]\s+|\d{1,2}[.)]\s+)")


@functools.cache
def _cjk() -> re.Pattern[str]:
    """Kana, CJK ideographs and Hangul: compiled on first use (the ranges take a while to compile)."""
    return re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")



# Phrases that in a short line mark page furniture, whatever the site.
_FURNITURE = re.compile(
    r"""^(?:
        (?:share|tweet|email|print|follow|like|subscribe|sign\s?(?:up|in)|log\s?in|register|comments?|reply|
           advertisement|advertising|sponsored|related(?:\s+\w+)?|recommended(?:\s+\w+)?|read\s+(?:more|also|next|at\b.*)|
           more\s+(?:from|on|stories|news|top\s+reads\b.*)|top\s+(?:reads|stories|articles)|latest(?:\s+\w+)?|
           popular(?:\s+\w+)?|trending(?:\s+\w+)?|most\s+(?:read|popular|viewed)|see\s+also|you\s+may\s+also\s+like.*|
           search|menu|home|skip\s+to\s+.*|back\s+to\s+top|newsletter|tags?|topics?|categories|filed\s+under.*|
           article\s+information|explore\s+further|further\s+reading|citation|author\s+information|about\s+the\s+author|story\s+stream|recent\s+articles|briefly|
           photo|image|video|watch|listen|loading|close|open|next|previous|view\s+comments|show\s+comments)
        [\s:.!…|»›>-]*$
      | (?:photo|image|picture|credit|source|illustration|foto|фото)s?\s*(?:credit)?\s*[:：].{0,80}$
      | \(?(?:photo|image|source|credit)s?\s*[:：].{0,80}\)?$
      | (?:unable\s+to\s+calculate\s+)?read(?:ing)?\s+time.*$|\d+\s*min(?:ute)?s?\s+read.*$
      | (?:copyright|©|\(c\)).{0,150}$|all\s+rights\s+reserved.*$|citation\s*:.*$
      | (?:tags?|tagged(?:\s+with)?|categor(?:y|ies)|labels?|topics?|posted\s+in|filed\s+in)\s*:.{0,200}$
      | (?:views|rating|reviews|votes?|likes|shares|last\s+updated|updated|published|posted|birthday|address|phone|job|hobby|name|author|email|website)\s*:.{0,200}$
      | читать\s+на\s+\w+\s*$|read\s+in\s+\w+\s*$|leer\s+en\s+\w+\s*$|lire\s+en\s+\w+\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Appeals to the reader: comments, donations, subscriptions. They are written in full
# sentences, so they are caught by what they ask for: each word below starts a search, near
# where it stands, for the phrases it can be part of (on the lowercased line).
_APPEALS = {
    "share": r"share\s+your\s+(?:thoughts|views|opinion)",
    "let": r"let\s+us\s+know\s+(?:what|in)",
    "comment": r"leave\s+a\s+comment",
    "think?": r"what\s+do\s+you\s+think\?",
    "join": r"join\s+the\s+(?:conversation|discussion)",
    "donate": r"donate",
    "donation": r"make\s+a\s+donation",
    "support": r"support\s+(?:us|our\s+(?:work|journalism))|^support\s+\w+\s+(?:so|to|and|by|today)\b",
    "become": r"become\s+a\s+(?:member|patron|supporter|subscriber)",
    "subscribe": r"subscribe\s+(?:to|now|today)",
    "sign": r"sign\s+up\s+(?:for|to)\s+(?:our|the)\s+\w*\s*newsletter",
    "article": r"(?:this|the)\s+(?:article|story)\s+(?:was\s+)?(?:originally\s+)?(?:published|appeared)\s+(?:on|in|at)",
    "click": r"click(?:ing)?\s+here",
    "subject": r"subject\s+to\s+copyright",
    "far": r"far\s+from\s+free",
    "tap": r"tap\s+here",
    "contacted": r"can\s+be\s+contacted",
    "customer": r"customer\s+service\s+(?:center|centre|team)",
    "cookie": r"cookies?\s+(?:policy|settings)|we\s+use\s+cookies",
    "terms": r"terms\s+of\s+(?:use|service)",
    "privacy": r"privacy\s+policy",
}
_APPEALS.update(
    {verb: rf"if\s+you\s+{verb}\s+(?:this|the|my|our)\s+(?:article|post|story)" for verb in ("enjoyed", "liked", "like")}
)
# The rules of a comment thread, found the same way: they start the thread rather than ask the reader.
_COMMENT_RULES = {
    **{state: rf"comments?\s+(?:are|is|will\s+be|may\s+be)\s+{state}" for state in ("moderated", "approved")},
    **{verb: rf"right\s+to\s+{verb}\s+(?:\w+\s+){{0,3}}comments?" for verb in ("delete", "remove")},
    "policy": r"^comments?\s+policy\b",
}
_APPEALS.update(_COMMENT_RULES)


@functools.cache
def _appeal_pattern(word: str) -> re.Pattern[str]:
    return re.compile(_APPEALS[word])


def _alternatives(pattern: str) -> list[str]:
    """A pattern's alternatives at the top level (``a|(?:b|c)`` → ``a``, ``(?:b|c)``)."""
    found, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "(" and pattern[i - 1 : i] != "\\":
            depth += 1
        elif ch == ")" and pattern[i - 1 : i] != "\\":
            depth -= 1
        elif ch == "|" and depth == 0:
            found.append(pattern[start:i])
            start = i + 1
    return [*found, pattern[start:]]


# Tokens (as white-space splitting leaves them, with punctuation) that start that search, and
# the word to search from.
_TOKEN_HEADS = ("", "(", "[", '"', "“", "«", "'", "‘")
_TOKEN_TAILS = ("", ",", ".", ":", ";", "!", "?", ")", "]", '"', "”", "»", "'", "’", "…", "...")
_APPEAL_FORMS = {word: (word,) for word in _APPEALS if word != "think?"}
_APPEAL_FORMS.update(comment=("comment", "comments", "leave"), article=("article", "story"),
                     click=("click", "clicking"), cookie=("cookie", "cookies"))
_APPEAL_TOKENS = {
    head + form + tail: (word, form)
    for word, forms in _APPEAL_FORMS.items()
    for form in forms
    for head in _TOKEN_HEADS
    for tail in _TOKEN_TAILS
}
_APPEAL_TOKENS.update(
    {head + "think?" + tail: ("think?", "think?") for head in _TOKEN_HEADS for tail in ("", '"', "”", "»", "'", "’")}
)

# Appeals that begin with the word that starts their search ("support us"): tried only where the
# word stands, not at every place of the window around it.
_APPEALS_FROM_WORD = frozenset(
    word for word, forms in _APPEAL_FORMS.items()
    if all(alternative.lstrip("^").startswith(forms) for alternative in _alternatives(_APPEALS[word]))
)

# Where an appeal can begin and end around the word in it ("the article was originally published on").
_APPEAL_BEFORE_WORD = 40
_APPEAL_AFTER_WORD = 80
APPEAL_HEAD = 120
APPEAL_TAIL = 160


def _find_appeal(lowered: str, found: set[tuple[str, str]], long_line: bool) -> str | None:
    """The appeal word of the (stripped, lowercased) line if it asks something of the reader
    (or states the rules of the comments), else None.

    ``found`` are the appeal words the line contains (the word and the form seen). Each is
    searched for only near where it stands; in a long paragraph only words near its start
    or its end count.
    """
    tail = len(lowered) - APPEAL_TAIL
    for word, form in found:
        pattern = _appeal_pattern(word)
        from_word = word in _APPEALS_FROM_WORD
        at = lowered.find(form)
        while at >= 0:
            start, end = max(0, at - _APPEAL_BEFORE_WORD), at + len(form) + _APPEAL_AFTER_WORD
            if long_line and at < APPEAL_HEAD:
                end = min(end, APPEAL_HEAD)
            elif long_line:
                start = max(start, tail)
            if (not long_line or at < APPEAL_HEAD or at >= tail) and (
                pattern.match(lowered, at, end) if from_word else pattern.search(lowered, start, end)
            ):
                return word
            at = lowered.find(form, at + 1)
    return None


# What a site's legal notice says ("All rights reserved. This material may not be published…"):
# two different ones in a line make it the notice, not an article about copyright.
_LEGAL = re.compile(
    r"copyright|rights\s+reserved|non-?commercial|subscriber\s+agreement|trademark"
    r"|may\s+not\s+be\s+(?:re)?(?:published|produced|distributed|broadcast|copied)"
    r"|without\s+(?:the\s+)?(?:prior\s+)?(?:express\s+)?(?:written\s+)?(?:permission|consent)"
    r"|terms\s+of\s+(?:use|service)|privacy\s+policy"
)


_NAV_FIRST = frozenset("‹←«")
_NAV_LAST = frozenset("›→»")


def _is_navigation(line: str) -> bool:
    """"‹ Previous post", "Read the 8 comments »", "« Older | Main | Newer »": a link to another page.
    French and German quotation marks are told apart: a quotation holds both of its marks."""
    first, last = line[0], line[-1]
    if first in "‹←" or last in "›→":
        return True
    if first == "«" and ("|" in line or "»" not in line or _PREVIOUS_NEXT.search(line)):
        return True
    return last == "»" and "«" not in line


# "« Previous Post A Title Next Post » Another Title": the links to a blog's neighbouring posts.
_PREVIOUS_NEXT = re.compile(r"\b(?:previous|next|older|newer)\s+(?:post|article|entry|story)\b", re.IGNORECASE)


def _is_legal(lowered: str) -> bool:
    return len({found.split()[0] for found in _LEGAL.findall(lowered)}) >= 2


# The line a blog puts under each post: "This entry was posted on … and is filed under …",
# "Posted by A Writer on July 19, 2012 | Permalink", "Posted to News on 10 November 2012 · Comments (6)".
_POST_FOOTER = re.compile(
    r"this\s+(?:entry|post)\s+was\s+(?:posted|written|filed)\b"
    r"|posted\s+(?:to|in|by)\s.{0,80}\b(?:on|at)\s.{0,200}(?:comments?|responses?|filed|tagged|permalink|labels:|\|)"
    r"|you\s+can\s+follow\s+any\s+responses\s+to\s+this\s+(?:entry|post)"
)
# A note on the writer that says so ("About the author: Ann Writer is …"), or a blog's writer
# introducing themselves ("Hi, I'm Ann. I live in …", "Welcome! My name is Ann and I …").
# (Written so that no two quantifiers can share the same characters: a run of a million spaces
# costs a million steps, not a million squared.)
_WRITERS_NOTE = re.compile(
    r"about\s+the\s+(?:author|writer)\b\W*\w"
    r"|(?:(?:hi|hello|hey|welcome)[^\w\s]*\s+(?:i'm|i’m|i\s+am|my\s+name\s+is)|my\s+name\s+is)\s"
)
_NOTE_FIRST = frozenset(
    head + tail for head in ("about", "hi", "hello", "hey", "welcome", "my") for tail in ("", ",", ".", "!")
)
_FOOTER_FIRST = frozenset(["this", "posted", "you"])
MAX_FOOTER_WORDS = 60

# "By A Writer | 18 November 2019 at 2:26 PM": a byline with its date.
_DATED_BYLINE = re.compile(r"^(?:by|von|por|par|di|oleh)\s+[^|]{2,60}\|.*\b(?:\d{4}|\d{1,2}:\d{2})\b", re.IGNORECASE)
# A picture's caption ends with its credit: "(AP Photo/A. Diaz, File)", "(Getty Images)".
_CREDIT_END = re.compile(
    r"\((?:[^()]*\b)?(?:photos?|photograph|image|images|credit|getty|afp|reuters|ap|shutterstock|file|foto|фото)"
    r"\b[^()]*\)\.?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|von|por|par|di|oleh|автор|текст)\s+[\w.'’-]+(?:\s+[\w.'’()/:-]+){0,8}$", re.IGNORECASE)
_COMMENT_WORDS = r"(?:comments?|comentários?|comentarios?|commenti|responses|replies|kommentare|komentar|комментари\w*|discussion)"
# The verbs a post's or a quotation's header ends with ("A Reader says:").
_SAID = r"(?:said|says|wrote|writes|disse|escreveu|schrieb|написал|a écrit)"
_COMMENT_HEAD = re.compile(
    rf"(?:\b{_SAID}\s*:\s*$)"
    rf"|^\W*\d+\s+{_COMMENT_WORDS}\b"
    r"|^(?:one|no|\d+)\s+(?:responses?|comments?|replies|thoughts?)\s+(?:to|on)\b"
    rf"|^(?:top[\s-]rated|all|show|view|load|read|latest|recent|reader|readers'?|join\s+the)?\s*{_COMMENT_WORDS}\s*(?:\(\d+\))?\W*$",
    re.IGNORECASE,
)
# "About Halloween, she writes:", "As you may recall, Colon writes:": the article introducing a
# quotation, not a reader's post (a post's header names its writer, often with a date).
_QUOTE_INTRO = re.compile(
    r"^(?:(?:[^\d]*\b(?:i|you|he|she|we|they|it)\b.*)|(?:(?:on|as|about|in|at)\b[^\d]*))"
    rf"\b{_SAID}\s*:\s*$",
    re.IGNORECASE,
)
# Tokens a comment header has (one of them, or a last word followed by a colon).
_COMMENT_TOKENS = frozenset(
    head + word + tail
    for word in ("comment", "comments", "comentário", "comentários", "comentario", "comentarios", "commenti",
                 "responses", "replies", "kommentare", "komentar", "комментарии", "комментариев", "комментарий",
                 "комментария", "discussion", "response", "thought", "thoughts")
    for head in ("", "(", "[")
    for tail in ("", ":", ".", ")", "]", "(", "!")
)
_RELATIVE_TIME = re.compile(
    r"^(?:\w+\s+)?\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b", re.IGNORECASE
)
_LINK_LIST_HEAD = re.compile(
    r"^(?:read\s+also|read\s+more|see\s+also|related\b.*|more\b.*|top\s+reads|top\s+stories|recommended\b.*|"
    r"you\s+may\s+also\s+like.*|most\s+(?:read|popular)\b.*|latest\b.*|popular\b.*|trending\b.*|further\s+reading|"
    r"explore\s+further)\s*:?$",
    re.IGNORECASE,
)


# First words of the lines ``_FURNITURE`` can match: a set lookup spares the pattern on other lines.
_CREDIT_WORDS = ("photo", "image", "picture", "credit", "source", "illustration", "foto", "фото")
_FURNITURE_FIRST = frozenset(
    "share tweet email print follow like subscribe sign signup signin log login register comment comments reply "
    "advertisement advertising sponsored related recommended read more top latest popular trending most see you "
    "search menu home skip back newsletter tag tags topic topics categories filed article explore further citation "
    "author about story recent briefly photo image video watch listen loading close open next previous view show "
    "unable reading copyright c all views rating reviews vote votes likes shares last updated published posted "
    "birthday address phone job hobby name website читать leer lire tagged category label labels".split()
    + [w + s + c for w in _CREDIT_WORDS for s in ("", "s") for c in ("", "credit")]
)
_BYLINE_FIRST = frozenset(["by", "von", "por", "par", "di", "oleh", "автор", "текст"])
_FIRST_WORD_TRIM = "([{\"'«“‘"
_FIRST_WORD_TAIL = ".,!?…|»›>-)]}\"'”’"


def _may_be_furniture(first: str) -> bool:
    """Whether a line starting with token ``first`` (lowercased) could match ``_FURNITURE``."""
    if first.isalpha():
        return False
    ch = first[0]
    if ch.isdigit() or ch == "©":
        return True
    word = first.lstrip(_FIRST_WORD_TRIM).split(":", 1)[0].split("：", 1)[0].rstrip(_FIRST_WORD_TAIL)
    return word in _FURNITURE_FIRST


@dataclass(frozen=True, slots=True)
class DroppedLines:
    """A run of raw lines removed, and why (``first``/``last`` are 0-based line numbers)."""

    first: int
    last: int
    start: int
    end: int
    reason: str


# What a line is judged to be. Body lines are GOOD; NEAR lines are body only next to body;
# SHORT lines may be headings; BAD lines are furniture.
GOOD, NEAR, SHORT, BAD, HEADING, TITLE = "good", "near", "short", "bad", "heading", "title"
_KEPT = (GOOD, HEADING, TITLE)


@dataclass(slots=True)
class _Page:
    """The non-blank lines of a page, as parallel lists (one entry per line, in order)."""

    numbers: list[int]  # raw line number
    strips: list[str]  # the line without surrounding white space
    kinds: list[str]
    reasons: list[str]
    words: list[int]
    ratios: list[float]  # share of function words
    splits: list[int]  # white-space separated tokens (the reader's word count)
    tokens: int = 0
    stopwords: int = 0
    comments: bool = False  # some line looks like a comment header


class Cleaned:
    """The cleaned text, where each of its characters came from, and what was dropped.

    ``text`` is made at once; the offset map and the dropped runs only when asked for,
    since scripts that want just the text never need them.
    """

    def __init__(self, raw: str, text: str, lines: list[str], page: _Page) -> None:
        self.raw = raw
        self.text = text
        self._lines = lines
        self._page = page

    @cached_property
    def _line_starts(self) -> list[int]:
        return list(accumulate((len(line) + 1 for line in self._lines[:-1]), initial=0))

    @cached_property
    def pieces(self) -> list[tuple[int, int, int]]:
        """Each kept line: (cleaned offset, raw offset, length), sorted by both offsets."""
        page, starts, lines = self._page, self._line_starts, self._lines
        pieces = []
        pos = 0
        for k, kind in enumerate(page.kinds):
            if kind not in _KEPT:
                continue
            number = page.numbers[k]
            line = lines[number]
            stripped = page.strips[k]
            if pieces:
                pos += 2
            pieces.append((pos, starts[number] + len(line) - len(line.lstrip()), len(stripped)))
            pos += len(stripped)
        return pieces

    @cached_property
    def words(self) -> int:
        """``len(text.split())``, from the counts made while judging the lines (kept lines are
        joined by blank lines, so no word spans two of them)."""
        page = self._page
        return sum(n for kind, n in zip(page.kinds, page.splits, strict=True) if kind in _KEPT)

    @cached_property
    def kept_by_annotator(self) -> list[int]:
        """Raw line numbers kept because the annotator said so (the cleaner had dropped them)."""
        page = self._page
        return [page.numbers[k] for k, reason in enumerate(page.reasons) if reason == "kept by the annotator"]

    @cached_property
    def _piece_starts(self) -> list[int]:
        return [p[0] for p in self.pieces]

    @cached_property
    def dropped(self) -> list[DroppedLines]:
        """Runs of neighbouring raw lines removed for the same reason."""
        page, starts, lines = self._page, self._line_starts, self._lines
        runs: list[DroppedLines] = []
        for k, kind in enumerate(page.kinds):
            if kind in _KEPT:
                continue
            number = page.numbers[k]
            reason = page.reasons[k] or "not part of the article"
            end = starts[number] + len(lines[number])
            last = runs[-1] if runs else None
            if last and last.reason == reason and last.last == number - 1:
                runs[-1] = DroppedLines(last.first, number, last.start, end, reason)
            else:
                runs.append(DroppedLines(number, number, starts[number], end, reason))
        return runs

    def to_raw(self, i: int) -> int:
        """The raw offset of cleaned offset ``i`` (``len(text)`` maps past the last kept character)."""
        if not 0 <= i <= len(self.text):
            raise IndexError(f"offset {i} is outside the cleaned text (0..{len(self.text)})")
        pieces = self.pieces
        if not pieces:
            return 0
        k = bisect.bisect_right(self._piece_starts, i) - 1
        if k < 0:
            return pieces[0][1]
        c, r, n = pieces[k]
        if i < c + n:
            return r + (i - c)
        # A separator the cleaner inserted (blank line between kept blocks), or the end.
        if k + 1 < len(pieces):
            return pieces[k + 1][1]
        return r + n

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """A half-open cleaned span as a half-open raw span."""
        if end <= start:
            raw = self.to_raw(start)
            return raw, raw
        return self.to_raw(start), self.to_raw(end - 1) + 1


# -- counting tokens -------------------------------------------------------------------------
#
# Lines are split at white space, and one sum over the tokens' weights counts, in separate
# bit fields, the function words, the tokens of punctuation alone ("|", "—", "•": not words),
# the appeal words and the words of legal notices. A function word may carry punctuation
# ("it," "(the") or hide in a contraction ("we're", "qu’il"): those forms count too.

_WORD = re.compile(r"\w+")
_PUNCT_TOKENS = frozenset(
    "| - – — • · / & » « > < ... … : * + = # ~ ^ ( ) [ ] → ← › ‹ © ® ™ × ▪ ► ▸ ◦ ‣ ― _ ♦ ● ■ □ ★ ☆ ✓ ✔ ✕ ✖ ❯ ❮ ↑ ↓ "
    "\\ @ ! ? . , ; \" ' ” “ ‘ ’ %".split()
)
_FIELD_BITS = 21
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_STOPWORD, _PUNCT, _APPEAL_WORD, _LEGAL_WORD = 1, 1 << _FIELD_BITS, 1 << (2 * _FIELD_BITS), 1 << (3 * _FIELD_BITS)
# Words that start what a legal notice says: a line holding one is tried against ``_LEGAL``.
_LEGAL_TOKENS = frozenset(
    head + word + tail
    for word in ("copyright", "copyrights", "copyrighted", "rights", "permission", "commercial", "non-commercial",
                 "noncommercial", "trademark", "trademarks", "trademarked")
    for head in ("", "(")
    for tail in ("", ",", ".", ";", ":", ")")
)
# On lines of fewer tokens than this no field can overflow into the next (a token weighs at most 2).
ONE_SUM_TOKENS = _FIELD_MASK // 2


def _token_weights() -> dict[str, int]:
    """Each counted token form and its weight (the sum of its fields)."""
    ends = (",", ".", ";", ":", "'s", "'re", "'m", "'ll", "'ve", "'d", "'t", "’s", "’re", "’m", "’ll", "’ve", "’d", "’t")
    starts = ("(", '"', "“", "«", "„", "'", "‘", "l'", "d'", "qu'", "n'", "s'", "c'", "j'", "m'", "t'", "l’", "d’",
              "qu’", "n’", "s’", "c’", "j’", "m’", "t’")
    weights = dict.fromkeys(_STOPWORDS, _STOPWORD)
    weights.update(dict.fromkeys([w + end for end in ends for w in _STOPWORDS], _STOPWORD))
    weights.update(dict.fromkeys([start + w for start in starts for w in _STOPWORDS], _STOPWORD))
    # No stop-word form is a punctuation token or an appeal word (a test keeps it so): each gets one field.
    weights.update(dict.fromkeys(_PUNCT_TOKENS, _PUNCT))
    weights["-"] = 2 * _PUNCT  # a lone hyphen, which the hyphen count would count again
    weights.update(dict.fromkeys(_APPEAL_TOKENS, _APPEAL_WORD))
    weights.update(dict.fromkeys(_LEGAL_TOKENS, _LEGAL_WORD))
    return weights


_TOKEN_WEIGHTS = _token_weights()


# -- line features ------------------------------------------------------------------------------


def _judge_lines(lines: list[str], use_stopwords: bool) -> _Page:
    """Judge every non-blank line on its own features.

    One pass, no object per line: this is where the cleaner spends its time. Words are the
    white-space separated tokens (plus half the CJK characters, which are not separated).
    """
    rows = []
    comments = False
    weight = _TOKEN_WEIGHTS.get
    tokens_total = stops_total = 0
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        low = stripped.lower()
        tokens = low.split()
        if len(tokens) < ONE_SUM_TOKENS:
            counted = sum(map(weight, tokens, repeat(0)))
            stops = counted & _FIELD_MASK
            puncts = (counted >> _FIELD_BITS) & _FIELD_MASK
            appeals = (counted >> (2 * _FIELD_BITS)) & _FIELD_MASK
            legal = counted >> (3 * _FIELD_BITS)
        else:  # a line of a million words: count each field on its own
            weights = [weight(token, 0) for token in tokens]
            stops = sum(w & _FIELD_MASK for w in weights)
            puncts = sum((w >> _FIELD_BITS) & _FIELD_MASK for w in weights)
            appeals = sum((w >> (2 * _FIELD_BITS)) & _FIELD_MASK for w in weights)
            legal = sum(w >> (3 * _FIELD_BITS) for w in weights)
        if "/" in low:  # addresses and paths: count their parts, as a reader sees them
            n_tokens = len(_WORD.findall(low))
        else:  # hyphens and apostrophes inside a token join words ("year-to-date", "don't")
            n_tokens = len(tokens) - puncts + low.count("-") + low.count("'") + low.count("’")
        tokens_total += n_tokens
        stops_total += stops
        cjk = 0 if stripped.isascii() or not _cjk().search(stripped) else len(_cjk().findall(stripped))
        words = n_tokens + cjk // 2
        ratio = stops / n_tokens if n_tokens else 0.0
        length = len(stripped)
        kind = ""
        reason = ""
        if not stripped[0].isalnum() and not any(map(str.isalnum, stripped)) and "_" not in stripped:
            kind, reason = BAD, "punctuation only"
        elif (
            words < 12
            and (stripped[-1] in ":：" or not _COMMENT_TOKENS.isdisjoint(tokens))
            and _COMMENT_HEAD.search(stripped)
            and not _QUOTE_INTRO.match(stripped)
        ):
            kind, reason = BAD, "comment"
            comments = True
        elif words < 12 and " ago" in low and _RELATIVE_TIME.match(stripped):
            kind, reason = BAD, "date line"
        elif (
            words <= 25
            and length < 300
            and (tokens[0] in _FURNITURE_FIRST or (stripped[0] not in "*+" and _may_be_furniture(tokens[0])))
            and _FURNITURE.match(stripped)
        ):
            kind, reason = BAD, "page furniture"
        elif tokens[0] in _NOTE_FIRST and words <= MAX_NOTE_WORDS and _WRITERS_NOTE.match(low):
            kind, reason = BAD, "about the author"
        elif words <= MAX_FOOTER_WORDS and tokens[0] in _FOOTER_FIRST and _POST_FOOTER.match(low):
            kind, reason = BAD, "post footer"
        elif ("http" in low or "www." in low) and sum(len(m) for m in _URL.findall(stripped)) > 0.4 * length:
            kind, reason = BAD, "link"
        else:
            # Appeals sit at the start or the end of their paragraph; long lines are searched only there.
            appeal = appeals and _find_appeal(
                low, {_APPEAL_TOKENS[t] for t in _APPEAL_TOKENS.keys() & tokens}, words >= 60
            )
            end_char = stripped[-1] in _END_CHARS or (length > 1 and stripped[-2] in _END_CHARS)
            if appeal in _COMMENT_RULES:
                kind, reason = BAD, "comment"
                comments = True
            elif appeal:
                kind, reason = BAD, "appeal to the reader"
            elif (stripped[0] in _NAV_FIRST or stripped[-1] in _NAV_LAST) and _is_navigation(stripped):
                kind, reason = BAD, "navigation"
            elif legal and _is_legal(low):
                kind, reason = BAD, "legal notice"
            elif words < 25 and not end_char and stripped[0] in _BULLET_CHARS and _BULLET.match(stripped):
                kind, reason = BAD, "link list"
            elif use_stopwords and ratio < 0.08 and stripped.count(",") >= 5:
                kind, reason = BAD, "keyword list"
            elif tokens[0] in _BYLINE_FIRST and (
                (words <= 10 and _BYLINE.match(stripped)) or (words <= 30 and _DATED_BYLINE.match(stripped))
            ):
                kind, reason = BAD, "byline"
            elif (
                stripped[-1] in ")."
                and length < 400
                and stripped.find("(", max(0, length - 90)) >= 0
                and _CREDIT_END.search(stripped, max(0, length - 90))
            ):
                kind, reason = BAD, "photo caption"
            else:
                long_enough = length >= 110 or words >= 18 or cjk >= 40
                wordy = not use_stopwords or ratio >= 0.18 or cjk >= 15
                sentence = end_char or (words >= 30 and (ratio >= UNENDED_SHARE or not use_stopwords))
                if long_enough and wordy and sentence:
                    kind = GOOD
                elif (long_enough and (ratio >= NEAR_SHARE or cjk >= 15 or not use_stopwords)) or (
                    wordy and end_char and (length >= 50 or words >= 8 or cjk >= 15)
                ):
                    kind = NEAR
                else:
                    kind, reason = SHORT, "short line"
        rows.append((number, stripped, kind, reason, words, ratio, len(tokens)))
    if not rows:
        return _Page([], [], [], [], [], [], [])
    numbers, strips, kinds, reasons, words_of, ratios, splits = zip(*rows, strict=True)
    return _Page(list(numbers), list(strips), list(kinds), list(reasons), list(words_of), list(ratios), list(splits),
                 tokens_total, stops_total, comments)


# A long line that does not end like a sentence is body only with this share of function words (a
# run of glued links or tags has few); a long line with fewer than NEAR_SHARE is not even near it.
UNENDED_SHARE = 0.28
NEAR_SHARE = 0.05

# Below this share of function words the page's language is not one we have a list for
# (Japanese, Korean…): judge its lines without them.
PAGE_STOPWORD_SHARE = 0.05


# -- context ---------------------------------------------------------------------------------


def _classify(page: _Page) -> None:
    """Re-judge lines from their neighbours (jusText's context pass, for plain text)."""
    kinds, words = page.kinds, page.words
    if not kinds:
        return
    if GOOD not in kinds:
        # No clear body: keep the wordy lines, so a short text is not emptied.
        for k, kind in enumerate(kinds):
            if (kind is NEAR or kind is SHORT) and words[k] >= 4:
                kinds[k] = GOOD
        return

    # Near-good lines next to body text (or a short line away from it) are body text.
    nears = [k for k, kind in enumerate(kinds) if kind is NEAR]
    changed = True
    while changed and nears:
        changed = False
        waiting = []
        for k in nears:
            if _nearest(kinds, k, -1) is GOOD or _nearest(kinds, k, 1) is GOOD:
                kinds[k] = GOOD
                changed = True
            else:
                waiting.append(k)
        nears = waiting
    for k in nears:
        page.reasons[k] = "not part of the article"

    # Short lines between body paragraphs are section headings (or short paragraphs).
    for k, kind in enumerate(kinds):
        if kind is SHORT and words[k] <= 20 and _nearest(kinds, k, -1) is GOOD and _nearest(kinds, k, 1) is GOOD:
            kinds[k] = HEADING
            page.reasons[k] = ""

    _keep_appeals_inside(page)
    _keep_inner_lists(page)
    _keep_tables(page)
    _mark_signed_posts(page)
    if page.comments:
        _cut_comments(page)
    _cut_after_end(page)
    _keep_announced_lists(page)


# What a bulleted line may have been judged before it is known to be a list item: a short or a
# near line, a caption (never a comment, nor furniture). Once the article is chosen, items may
# also sit in a block outside it, or be a comma-heavy "keyword list".
_ITEM_REASONS = frozenset(["short line", "not part of the article", "photo caption"])
_ANNOUNCED_ITEM_REASONS = _ITEM_REASONS | {"outside the article", "keyword list"}


def _list_items(page: _Page, judged: frozenset[str] = _ITEM_REASONS) -> list[bool]:
    """Which lines of the page are list items ("* A point", "1. A step")."""
    return [
        reason == "link list" or (reason in judged and line[0] in _BULLET_CHARS and _BULLET.match(line) is not None)
        for reason, line in zip(page.reasons, page.strips, strict=True)
    ]


def _keep_announced_lists(page: _Page) -> None:
    """A list right after a paragraph of the article that ends in a colon ("Here are the key
    points:") is the article's, even where nothing follows it. This runs once the article is
    chosen, so a list never decides which block is the article."""
    kinds, reasons, strips = page.kinds, page.reasons, page.strips
    n = len(kinds)
    announcing = [k for k in range(n - 1) if kinds[k] is GOOD and strips[k][-1] in ":："]
    items = _list_items(page, _ANNOUNCED_ITEM_REASONS) if announcing else []
    for k in announcing:
        end = k + 1
        while end < n and items[end]:
            end += 1
        if end - k - 1 <= MAX_INNER_LIST:
            for j in range(k + 1, end):
                kinds[j], reasons[j] = GOOD, ""


# An appeal of at least this many words between two body paragraphs is the article's own.
MIN_INNER_APPEAL_WORDS = 12


def _keep_appeals_inside(page: _Page) -> None:
    """A sentence asking something of the reader in the middle of the article ("help us win a grant:
    vote here", "let us know what you think") is the writer's, not the site's: the site puts its
    appeals around the article, not between its paragraphs."""
    kinds, reasons, words = page.kinds, page.reasons, page.words
    for k, reason in enumerate(reasons):
        if (
            reason == "appeal to the reader"
            and words[k] >= MIN_INNER_APPEAL_WORDS
            and _nearest(kinds, k, -1) is GOOD
            and _nearest(kinds, k, 1) is GOOD
        ):
            kinds[k], reasons[k] = GOOD, ""


# A list of more items than this between two paragraphs is taken for a menu.
MAX_INNER_LIST = 30


def _keep_inner_lists(page: _Page) -> None:
    """A bulleted list after a body paragraph (or a line ending in a colon) and before another
    is part of the article, not a link list: menus do not sit between paragraphs. Single items
    that alternate with paragraphs are a list of teasers (a title, its excerpt), not the article,
    unless they start with a dash: then they name who said the paragraph before them."""
    kinds, reasons, strips = page.kinds, page.reasons, page.strips
    items = _list_items(page)
    runs = []
    n, end = len(kinds), 0
    for k in [k for k, item in enumerate(items) if item]:
        if k < end:  # inside the run found last
            continue
        end = k
        while end < n and (items[end] or kinds[end] is HEADING):
            end += 1
        intro = k > 0 and (kinds[k - 1] is GOOD or strips[k - 1].endswith(":"))
        if intro and end < n and end - k <= MAX_INNER_LIST and kinds[end] is GOOD:
            runs.append((k, end))
    for i, (k, end) in enumerate(runs):
        alternating = end - k == 1 and page.strips[k][0] not in "–—-" and (
            (i > 0 and runs[i - 1][1] - runs[i - 1][0] == 1 and runs[i - 1][1] + 1 == k)
            or (i + 1 < len(runs) and runs[i + 1][1] - runs[i + 1][0] == 1 and end + 1 == runs[i + 1][0])
        )
        if not alternating:
            for j in range(k, end):
                if kinds[j] is not HEADING:
                    kinds[j], reasons[j] = GOOD, ""


# A row of a table as the page's text gives it (three or more columns, set apart by runs of spaces),
# or a quantity and what it measures ("3/4 cup sugar", "2 cinnamon sticks": a recipe's ingredients).
_TABLE_ROW = re.compile(r"\S {3,}\S.* {3,}\S|^(?:\d+(?:/\d+)?|[½¼¾⅓⅔])\s+[^\d\s.)]")
_ROW_FIRST = frozenset("0123456789½¼¾⅓⅔")
MIN_TABLE_ROWS = 3


def _keep_tables(page: _Page) -> None:
    """A run of short rows laid out as a table, or of quantities, is the article's data."""
    kinds, reasons, strips = page.kinds, page.reasons, page.strips
    rows = [
        k for k, line in enumerate(strips)
        if ("   " in line or line[0] in _ROW_FIRST) and kinds[k] is not GOOD and reasons[k] != "comment" and _TABLE_ROW.search(line)
    ]
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i] != rows[i - 1] + 1:  # a run of neighbouring rows ends
            if i - start >= MIN_TABLE_ROWS:
                for k in rows[start:i]:
                    kinds[k], reasons[k] = GOOD, ""
            start = i


def _nearest(kinds: list[str], k: int, step: int) -> str:
    """The kind of the nearest good, bad or near line in direction ``step`` (within 2 lines)."""
    for i in (k + step, k + 2 * step):
        if not 0 <= i < len(kinds):
            return "edge"
        kind = kinds[i]
        if kind is GOOD or kind is BAD or kind is NEAR:
            return kind
    return SHORT


# Comment threads are cut only once this much article text has come before them, or this much
# before a header that can only start a thread ("One Response to …", "A Reader says:").
MIN_ARTICLE_WORDS = 80
MIN_THREAD_WORDS = 20
_THREAD_HEAD = re.compile(
    r"\b(?:said|says|wrote|disse|escreveu|schrieb|написал|a écrit)\s*:\s*$"
    r"|^(?:one|no|\d+)\s+(?:responses?|comments?|replies|thoughts?)\s+(?:to|on)\b",
    re.IGNORECASE,
)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# A time or a date, as a post's signature line carries it ("by reader on July 24, @10:25AM").
_STAMP = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:\d{{4}}|at\b)|\b\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)
# A run of signed posts: this many dated short lines, each with some text after it.
MIN_SIGNED_POSTS = 3
MAX_SIGNATURE_WORDS = 16


def _stamp_shape(line: str) -> str | None:
    """The shape of a line from its time or date on (letters → a, digits → 0), or None if it names none."""
    if line[0] in "—–-―" or "(@" in line:  # a quotation's attribution ("— A Name (@name) May 1, 2019")
        return None
    found = _STAMP.search(line)
    if found is None:
        return None
    return _SHAPE_DIGITS.sub("0", _SHAPE_LETTERS.sub("a", line[found.start():]))


_HAS_DIGIT = re.compile(r"\d").search
_SHAPE_LETTERS = re.compile(r"[^\W\d_]+")
_SHAPE_DIGITS = re.compile(r"\d+")


def _mark_signed_posts(page: _Page) -> None:
    """Readers' posts each start (or end) with a short line naming a time, written the same way
    each time: where such lines repeat after the article, with text between them, a comment
    thread has begun."""
    kinds, words, strips = page.kinds, page.words, page.strips
    body_words, start = 0, len(kinds)
    for k, kind in enumerate(kinds):
        if kind is GOOD:
            body_words += words[k]
            if body_words >= MIN_ARTICLE_WORDS:
                start = k + 1
                break
    by_shape: dict[str, list[int]] = {}
    for k in range(start, len(kinds)):
        if words[k] <= MAX_SIGNATURE_WORDS and kinds[k] is not GOOD and _HAS_DIGIT(strips[k]):
            shape = _stamp_shape(strips[k])
            if shape is not None:
                by_shape.setdefault(shape, []).append(k)
    starts = []
    for stamps in by_shape.values():
        # Posts have text between their signatures; a list of dated links does not.
        texts = sum(
            1 for a, b in pairwise(stamps)
            if any(kinds[j] is GOOD or kinds[j] is NEAR for j in range(a + 1, b))
        )
        if texts + 1 >= MIN_SIGNED_POSTS:
            starts.append(stamps[0])
    if starts:
        first = min(starts)
        page.kinds[first], page.reasons[first] = BAD, "comment"
        page.comments = True


def _cut_comments(page: _Page) -> None:
    """Readers' comments follow the article: from the first comment header on, nothing is body."""
    kinds, reasons, words = page.kinds, page.reasons, page.words
    if GOOD not in kinds:
        return
    body_words = 0
    for k in range(kinds.index(GOOD), len(kinds)):
        if reasons[k] == "comment" and (
            body_words >= MIN_ARTICLE_WORDS or (body_words >= MIN_THREAD_WORDS and _THREAD_HEAD.search(page.strips[k]))
        ) and not _article_goes_on(page, k, body_words):
            for rest in range(k, len(kinds)):
                if kinds[rest] is not BAD:
                    kinds[rest], reasons[rest] = BAD, "comment"
            return
        if kinds[k] is GOOD:
            body_words += words[k]


_BARE_COMMENTS = re.compile(r"^\W*(?:comments?|discussion)\W*$", re.IGNORECASE)


def _article_goes_on(page: _Page, k: int, before: int) -> bool:
    """Whether the bare "Comments" at line ``k`` is a link inside the article: twice as much article
    text as came before it follows, and then another comment header."""
    if not _BARE_COMMENTS.match(page.strips[k]):
        return False
    kinds, reasons, words = page.kinds, page.reasons, page.words
    after = 0
    for j in range(k + 1, len(kinds)):
        if reasons[j] == "comment":
            return after >= GOES_ON_SHARE * before and after >= GOES_ON_WORDS
        if kinds[j] is GOOD:
            after += words[j]
    return False


GOES_ON_SHARE = 2
GOES_ON_WORDS = 200
LATE_BLOCK_DISCOUNT = 0.3
# A block of list items ("* A Title") is a sidebar more often than an article: it weighs less.
LIST_BLOCK_DISCOUNT = 0.8
# A block starting within this many lines under a short date line weighs this much more.
DATED_BLOCK_BONUS = 4
DATELINE_REACH = 4
SIDE_BLOCK_SHARE = 0.25
# A side block joins the article across at most this many dropped lines, this many lines in all,
# and this many lines of page furniture (one "Read more" or "Advertisement" inside an article is
# common; a share bar and a "Related posts" heading mean it has ended).
MAX_GAP_LINES = 12
MAX_GAP_ALL_LINES = 40
MAX_GAP_FURNITURE = 1


def _cut_after_end(page: _Page) -> None:
    """Once the article has ended — a link list, or a long run of furniture — nothing after it is body."""
    kinds, words = page.kinds, page.words
    body = [k for k, kind in enumerate(kinds) if kind is GOOD or kind is HEADING]
    if not body:
        return
    body_words = sum(words[k] for k in body)
    # Find the largest block of body text; blocks are separated by runs of non-body lines.
    blocks: list[list[int]] = []
    for k in body:
        if blocks and _gap_is_small(page, blocks[-1][-1], k):
            blocks[-1].append(k)
        else:
            blocks.append([k])
    # The article is the biggest block; footers and disclaimers come late, so late blocks weigh less,
    # and the first block right under a date line (the article's dateline) weighs more. A block whose
    # paragraphs each sit between "Download now »" and a teaser's title is a column of ads, not
    # paragraphs that follow one another: a block weighs by the share of its lines that are body.
    total = len(kinds)
    block_words = [sum(words[k] for k in block) for block in blocks]
    dated = [_dated(page, block[0]) for block in blocks]
    if True in dated:
        first = dated.index(True)
        dated = [b == first for b in range(len(blocks))]
    weights = [
        block_words[b]
        * (1 - LATE_BLOCK_DISCOUNT * block[0] / total)
        * (DATED_BLOCK_BONUS if dated[b] else 1)
        * len(block) / (block[-1] - block[0] + 1)
        * (1 - LIST_BLOCK_DISCOUNT * _bulleted(page, block) / len(block))
        for b, block in enumerate(blocks)
    ]
    m = max(range(len(blocks)), key=weights.__getitem__)
    main_words = block_words[m]
    # Walk away from the article in both directions; a block joins it only if it is substantial
    # and not separated from the kept text by a long run of page furniture.
    for direction in (-1, 1):
        edge = blocks[m][0] if direction < 0 else blocks[m][-1]
        b = m + direction
        while 0 <= b < len(blocks):
            block = blocks[b]
            lo, hi = (block[-1], edge) if direction < 0 else (edge, block[0])
            substantial = (
                block_words[b] >= SIDE_BLOCK_SHARE * main_words
                and block_words[b] >= 0.1 * body_words
                and (len(block) > 1 or direction < 0)  # a lede stands alone; a bio or a teaser after it
            )
            if substantial and _gap_is_crossable(page, lo, hi):
                edge = block[0] if direction < 0 else block[-1]
            else:
                for k in block:
                    kinds[k], page.reasons[k] = BAD, "outside the article"
            b += direction


def _gap_is_crossable(page: _Page, lo: int, hi: int) -> bool:
    """Whether the lines strictly between lines ``lo`` and ``hi`` may sit inside one article."""
    if hi - lo - 1 > MAX_GAP_ALL_LINES:
        return False
    return page.kinds[lo + 1 : hi].count(BAD) <= MAX_GAP_LINES and page.reasons[lo + 1 : hi].count(
        "page furniture"
    ) <= MAX_GAP_FURNITURE


def _bulleted(page: _Page, block: list[int]) -> int:
    """How many lines of a block are list items ("* A Title", "- A link")."""
    return sum(1 for k in block if page.strips[k][0] in _LIST_MARKS and _BULLET.match(page.strips[k]))


_LIST_MARKS = _BULLET_CHARS - frozenset("0123456789")  # numbered steps are the article's


def _dated(page: _Page, k: int) -> bool:
    """Whether one of the few lines before line ``k`` is a short line giving a date or time."""
    for j in range(max(0, k - DATELINE_REACH), k):
        if page.words[j] <= MAX_SIGNATURE_WORDS and page.reasons[j] != "comment" and _STAMP.search(page.strips[j]):
            return True
    return False


def _gap_is_small(page: _Page, a: int, b: int) -> bool:
    if b == a + 1:  # neighbours
        return True
    if b - a - 1 > 4:
        return False
    between = page.kinds[a + 1 : b]
    if between.count(BAD) > 2:
        return False
    return not any(page.kinds[k] is BAD and _LINK_LIST_HEAD.match(page.strips[k]) for k in range(a + 1, b))


# -- title ---------------------------------------------------------------------------------------


def _title_like(page: _Page, k: int) -> bool:
    stripped = page.strips[k]
    words = page.words[k]
    return (
        3 <= words <= 30
        and page.kinds[k] in (SHORT, NEAR, HEADING)
        and not stripped.endswith((".", ",", ":"))
        and not (words >= 6 and page.ratios[k] == 0)  # a menu, not a headline
        and sum(map(str.isdigit, stripped)) < len(stripped) * 0.3
        and not _BULLET.match(stripped)
        and not _FURNITURE.match(stripped)
        and not _BYLINE.match(stripped)
    )


_NAV_WORDS = re.compile(
    r"\b(?:menu|search|navigation|toggle|close|log\s?in|log\s?out|sign\s?in|sign\s?up|subscribe|welcome\s+to|follow|"
    r"facebook|twitter|linkedin|homepage|home|skip|jump|settings|account|support|newsletter|cookies?)\b",
    re.IGNORECASE,
)
TITLE_WINDOW = 25
_NOT_A_HEADLINE = re.compile(
    r"^(?:by|von|por|par|di|oleh|published|updated|posted)\b|^\(.*\)$|@|\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b(?:writer|reporter|editor|correspondent|staff|contributor|columnist|"
    r"associated press|reuters|photo|image|credit)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b.*\d{4}",
    re.IGNORECASE,
)


def _headline_score(stripped: str, distance: int, repeated: bool) -> float:
    """How much a line looks like the headline, before the penalties of ``_title_penalty``."""
    words = stripped.split()
    capitals = sum(1 for w in words if w[:1].isupper()) / len(words)
    return 2.0 * capitals + min(len(words), 15) / 15 + (1.5 if repeated else 0.0) - 0.04 * distance


def _title_penalty(stripped: str) -> float:
    """Navigation words and bylines, dates or credits make a line less of a headline."""
    return (3.0 if _NAV_WORDS.search(stripped) else 0.0) + (4.0 if _NOT_A_HEADLINE.search(stripped) else 0.0)


def _choose_title(page: _Page) -> int | None:
    """The headline: a title-like line shortly before the body, capitalised like a headline,
    better still if the page repeats it (as the window title and the heading)."""
    kinds, strips = page.kinds, page.strips
    first_body = kinds.index(GOOD) if GOOD in kinds else len(kinds)
    candidates = sorted(
        ((-_headline_score(strips[k], first_body - k, _repeated(strips, k)), k)
         for k in range(max(0, first_body - TITLE_WINDOW), first_body)
         if _title_like(page, k)),
    )
    # Penalties only lower a score: the patterns run on the best candidates only.
    best, best_score = None, float("-inf")
    for negative, k in candidates:
        if -negative < best_score:
            break
        score = -negative - _title_penalty(strips[k])
        if score > best_score or (score == best_score and best is not None and k < best):
            best, best_score = k, score
    return best


# The standfirst (dek) is a sentence-like line right under the headline, before the body starts.
STANDFIRST_REACH = 4


def _keep_standfirst(page: _Page, title: int) -> None:
    kinds = page.kinds
    k = title + 1
    if k >= len(kinds) or kinds[k] not in (SHORT, NEAR) or not 6 <= page.words[k] <= 40 or page.ratios[k] < 0.15:
        return
    if any(kinds[j] is GOOD for j in range(k + 1, min(len(kinds), k + 1 + STANDFIRST_REACH))):
        kinds[k], page.reasons[k] = GOOD, ""


# "A Name is a graduate student at …": a note on the author, closing the article.
_AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]*\s+){1,4}(?:is|was|has\s+been)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}"
    r"(?:at|of|for|with|in)\b"
)
MAX_BIO_WORDS = 45
# "Ann Writer is a staff writer … She also …": a name, then what the person is, and a word that
# only a note on a writer has (their trade, or "she"/"he" opening the next sentence).
_NAMED = re.compile(
    r"^((?:[A-Z][\w.'’-]*\s+){1,3})(?:/\s+\w+\s+|\(@?\w+\)\s+)?(?:is|has\s+been|writes|works|covers|currently)\s"
)
_WRITER = re.compile(
    r"[.!]\s+(?:he|she)\s|\b(?:author|writer|editor|journalist|reporter|founder|blogger|contributor|columnist"
    r"|correspondent|freelance)\b",
    re.IGNORECASE,
)
MAX_NOTE_WORDS = 80
BIO_REACH = 2


def _is_author_note(line: str, words: int) -> bool:
    if words <= MAX_BIO_WORDS and _AUTHOR_BIO.match(line):
        return True
    named = words <= MAX_NOTE_WORDS and _NAMED.match(line)
    return bool(named) and _STOPWORDS.isdisjoint(named.group(1).lower().split()) and bool(_WRITER.search(line))


def _drop_author_bio(page: _Page) -> None:
    """A note on the author is among the last kept lines of the page."""
    kinds = page.kinds
    kept = [k for k in range(len(kinds) - 1, -1, -1) if kinds[k] in _KEPT][:BIO_REACH]
    for k in kept:
        if kinds[k] is not TITLE and _is_author_note(page.strips[k], page.words[k]):
            kinds[k], page.reasons[k] = BAD, "about the author"


# A paragraph of at least this many words that the page gives again is kept once.
MIN_REPEATED_WORDS = 8


def _drop_repeated_paragraphs(page: _Page) -> None:
    """Pages that carry the article twice (a print copy, a teaser of the first paragraphs) give
    each paragraph once: a kept paragraph is dropped where it repeats one kept before it."""
    kinds, strips, words = page.kinds, page.strips, page.words
    seen = set()
    for k, kind in enumerate(kinds):
        if kind in _KEPT and words[k] >= MIN_REPEATED_WORDS:
            if strips[k] in seen:
                kinds[k], page.reasons[k] = BAD, "repeated paragraph"
            seen.add(strips[k])


def _repeated(strips: list[str], k: int) -> bool:
    """Whether line ``k`` appears elsewhere on the page."""
    line = strips[k]
    try:
        strips.index(line, k + 1)
    except ValueError:
        return strips.index(line) < k
    return True


# -- assembling ---------------------------------------------------------------------------------


def clean(raw: str, overrides: Mapping[int, bool] | None = None) -> Cleaned:
    """Clean a page's text. ``raw`` uses ``\\n`` line ends (the corpus normalises them).

    ``overrides`` is the annotator's word over the cleaner's: raw line number → keep (True) or
    drop (False), whatever the line was judged.
    """
    lines = raw.split("\n")
    page = _judge_lines(lines, use_stopwords=True)
    if page.tokens and page.stopwords / page.tokens < PAGE_STOPWORD_SHARE:
        page = _judge_lines(lines, use_stopwords=False)
    _classify(page)
    kinds, strips = page.kinds, page.strips
    title = _choose_title(page)
    if title is not None:
        kinds[title], page.reasons[title] = TITLE, ""
        folded = strips[title].casefold()
        size = len(folded)
        for k, stripped in enumerate(strips):
            # Case folding never shortens a line, and leaves the length of ASCII alone.
            n = len(stripped)
            if (n == size or (n < size and not stripped.isascii())) and k != title and stripped.casefold() == folded:
                kinds[k], page.reasons[k] = BAD, "repeated title"
        _keep_standfirst(page, title)
    _drop_author_bio(page)
    _drop_repeated_paragraphs(page)

    if overrides:
        for k, number in enumerate(page.numbers):
            keep = overrides.get(number)
            if keep is True and kinds[k] not in _KEPT:
                kinds[k], page.reasons[k] = GOOD, "kept by the annotator"
            elif keep is False:
                kinds[k], page.reasons[k] = BAD, "dropped by the annotator"
    kept = [strips[k] for k, kind in enumerate(kinds) if kind in _KEPT]
    if not kept and not overrides:
        # Nothing looks like an article: show the page as it is rather than an empty reader.
        for k in range(len(kinds)):
            kinds[k], page.reasons[k] = GOOD, ""
        kept = strips
    return Cleaned(raw, "\n\n".join(kept), lines, page)


def clean_text(raw: str) -> str:
    """Just the cleaned text, for scripts and the cleanbench scorer."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return clean(raw).text
