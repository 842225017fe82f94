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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

# Function words of the languages scraped news comes in. A body paragraph is
# full of them; menus, credits and link lists are not.
_STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "said", "says", "one", "two", "de", "la", "le", "les", "des", "du", "un", "une", "et", "est", "que", "qui", "dans", "pour", "pas", "sur", "au", "aux", "ce", "cette", "il", "elle", "ils", "ne", "se", "sont", "avec", "par", "plus", "mais", "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "von", "mit", "sich", "des", "auf", "für", "im", "dem", "auch", "es", "an", "als", "nach", "wie", "aus", "bei", "wird", "sind", "el", "los", "las", "del", "por", "con", "una", "para", "como", "pero", "sus", "más", "este", "esta", "fue", "han", "muy", "sin", "sobre", "también", "o", "os", "as", "um", "uma", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "ao", "à", "é", "são", "foi", "ser", "não", "mais", "mas", "como", "seu", "sua", "pelo", "pela", "já", "il", "lo", "gli", "di", "che", "è", "per", "non", "sono", "una", "nel", "nella", "alla", "anche", "come", "più", "ma", "si", "и", "в", "не", "на", "что", "с", "по", "как", "это", "он", "она", "они", "к", "а", "из", "у", "за", "о", "от", "то", "же", "для", "все", "так", "его", "но", "было", "бы", "же", "или", "если", "уже", "yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "pada", "adalah", "dalam", "tidak", "akan", "juga", "atau", "oleh", "ada", "het", "een", "van", "en", "niet", "zijn", "op", "te", "dat", "voor", "met", "aan", "er", "maar", "om", "ook", "als", "bij"]
)

_WORD = re.compile(r"\w+", re.UNICODE)
_END_CHARS = frozenset(".!?…:;。！？\"”’»)]")
_BULLET_CHARS = frozenset("*+•·‣◦▪▸►-–—o0123456789")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[*+•·‣◦▪▸►\-–—o]\s+|\d{1,2}[.)]\s+)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

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
      | (?:views|rating|reviews|votes?|likes|shares|last\s+updated|updated|published|posted|birthday|address|phone|job|hobby|name|author|email|website)\s*:.{0,200}$
      | читать\s+на\s+\w+\s*$|read\s+in\s+\w+\s*$|leer\s+en\s+\w+\s*$|lire\s+en\s+\w+\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Appeals to the reader: comments, donations, subscriptions. They are written
# in full sentences, so they are caught by what they ask for.
_APPEAL = re.compile(
    r"""(?:share\s+your\s+(?:thoughts|views|opinion)|let\s+us\s+know\s+(?:what|in)|in\s+the\s+comments|leave\s+a\s+comment|
         what\s+do\s+you\s+think\?|join\s+the\s+(?:conversation|discussion)|
         (?:please\s+)?(?:donate|make\s+a\s+donation|support\s+(?:us|our\s+(?:work|journalism))|become\s+a\s+(?:member|patron|supporter|subscriber))|
         subscribe\s+(?:to|now|today)|sign\s+up\s+(?:for|to)\s+(?:our|the)\s+\w*\s*newsletter|
         (?:this|the)\s+(?:article|story)\s+(?:was\s+)?(?:originally\s+)?(?:published|appeared)\s+(?:on|in|at)|
         click(?:ing)?\s+here|subject\s+to\s+copyright|^support\s+\w+\s+(?:so|to|and|by|today)\b|far\s+from\s+free|tap\s+here|can\s+be\s+contacted|customer\s+service\s+(?:center|centre|team)|cookies?\s+(?:policy|settings)|we\s+use\s+cookies|terms\s+of\s+(?:use|service)|privacy\s+policy)""",
    re.IGNORECASE | re.VERBOSE,
)

# Words every appeal contains one of: a cheap test before the full pattern.
_APPEAL_HINTS = ("share", "let us", "comment", "what do you think", "join", "donat", "support", "become",
                 "subscribe", "sign up", "publish", "appear", "click", "tap here", "cookie", "terms of", "privacy",
                 "contacted", "customer service", "copyright", "far from free")


_APPEAL_HINT = re.compile("|".join(re.escape(h) for h in _APPEAL_HINTS))


def _may_appeal(lowered: str) -> bool:
    return _APPEAL_HINT.search(lowered) is not None


_BYLINE = re.compile(r"^(?:by|von|por|par|di|oleh|автор|текст)\s+[\w.'’-]+(?:\s+[\w.'’()/:-]+){0,8}$", re.IGNORECASE)
_COMMENT_WORDS = r"(?:comments?|comentários?|comentarios?|commenti|responses|replies|kommentare|komentar|комментари\w*|discussion)"
_COMMENT_HEAD = re.compile(
    r"(?:\b(?:said|says|wrote|writes|disse|escreveu|schrieb|написал|a écrit)\s*:\s*$)"
    rf"|^\W*\d+\s+{_COMMENT_WORDS}\b"
    rf"|^(?:top[\s-]rated|all|show|view|load|read|latest|recent|reader|readers'?|join\s+the)?\s*{_COMMENT_WORDS}\s*(?:\(\d+\))?\W*$",
    re.IGNORECASE,
)
_COMMENT_HINT = re.compile(r"comment|коммент|respons|repl|discuss|said|says|wrote|writes|disse|escreveu|schrieb|написал|écrit|komentar")
_RELATIVE_TIME = re.compile(
    r"^(?:\w+\s+)?\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b", re.IGNORECASE
)
_LINK_LIST_HEAD = re.compile(
    r"^(?:read\s+also|read\s+more|see\s+also|related\b.*|more\b.*|top\s+reads|top\s+stories|recommended\b.*|"
    r"you\s+may\s+also\s+like.*|most\s+(?:read|popular)\b.*|latest\b.*|popular\b.*|trending\b.*|further\s+reading|"
    r"explore\s+further)\s*:?$",
    re.IGNORECASE,
)


class Line(NamedTuple):
    """One raw line of the page."""

    number: int  # 0-based line number in the raw text
    start: int  # offset of the line's first character in the raw text
    text: str  # without the newline


@dataclass(frozen=True, slots=True)
class DroppedLines:
    """A run of raw lines removed, and why (``first``/``last`` are 0-based line numbers)."""

    first: int
    last: int
    start: int
    end: int
    reason: str


@dataclass
class Cleaned:
    """The cleaned text, where each of its characters came from, and what was dropped."""

    raw: str
    text: str
    # Each kept piece: (cleaned offset, raw offset, length). Sorted by both offsets.
    pieces: list[tuple[int, int, int]] = field(default_factory=list)
    dropped: list[DroppedLines] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [p[0] for p in self.pieces]

    def to_raw(self, i: int) -> int:
        """The raw offset of cleaned offset ``i`` (``len(text)`` maps past the last kept character)."""
        if not 0 <= i <= len(self.text):
            raise IndexError(f"offset {i} is outside the cleaned text (0..{len(self.text)})")
        if not self.pieces:
            return 0
        k = bisect.bisect_right(self._starts, i) - 1
        if k < 0:
            return self.pieces[0][1]
        c, r, n = self.pieces[k]
        if i < c + n:
            return r + (i - c)
        # A separator the cleaner inserted (blank line between kept blocks), or the end.
        if k + 1 < len(self.pieces):
            return self.pieces[k + 1][1]
        return r + n

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """A half-open cleaned span as a half-open raw span."""
        if end <= start:
            raw = self.to_raw(start)
            return raw, raw
        return self.to_raw(start), self.to_raw(end - 1) + 1


# -- line features ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Judged:
    line: Line
    stripped: str
    words: int
    stop_ratio: float
    kind: str = "short"  # good, near, short, bad, blank
    reason: str = ""


def _split_lines(raw: str) -> list[Line]:
    lines = []
    pos = 0
    for number, text in enumerate(raw.split("\n")):
        lines.append(Line(number, pos, text))
        pos += len(text) + 1
    return lines


def _tokens(line: Line) -> tuple[str, str, int, int]:
    """The line stripped and lowercased, its number of words and of function words among them."""
    stripped = line.text.strip()
    lowered = stripped.lower()
    tokens = _WORD.findall(lowered)
    return stripped, lowered, len(tokens), sum(map(_STOPWORDS.__contains__, tokens))


def _judge(line: Line, use_stopwords: bool, measured: tuple[str, str, int, int] | None = None) -> _Judged:
    stripped, lowered, n_tokens, stops = measured or _tokens(line)
    if not stripped:
        return _Judged(line, "", 0, 0.0, "blank")
    cjk = 0 if stripped.isascii() or max(stripped) < "\u3040" else len(_CJK.findall(stripped))
    words = n_tokens + cjk // 2
    stop_ratio = stops / n_tokens if n_tokens else 0.0
    judged = _Judged(line, stripped, words, stop_ratio)
    short = len(stripped) < 300
    url_chars = sum(len(m) for m in _URL.findall(stripped)) if ("http" in lowered or "www." in lowered) else 0
    sentence_end = stripped[-1] in _END_CHARS or (len(stripped) > 1 and stripped[-2] in _END_CHARS)
    bullet = stripped[0] in _BULLET_CHARS and bool(_BULLET.match(line.text))
    # Appeals sit at the start or the end of their paragraph; long lines are searched only there.
    appeal_zone = stripped if words < 60 else stripped[:120] + "\n" + stripped[-160:]

    if not n_tokens and not any(ch.isalpha() for ch in stripped):
        judged.kind, judged.reason = "bad", "punctuation only"
    elif words < 12 and _COMMENT_HINT.search(lowered) and _COMMENT_HEAD.search(stripped):
        judged.kind, judged.reason = "bad", "comment"
    elif words < 12 and " ago" in lowered and _RELATIVE_TIME.match(stripped):
        judged.kind, judged.reason = "bad", "date line"
    elif words <= 25 and short and _FURNITURE.match(stripped):
        judged.kind, judged.reason = "bad", "page furniture"
    elif url_chars > 0.4 * len(stripped):
        judged.kind, judged.reason = "bad", "link"
    elif _may_appeal(lowered if words < 60 else appeal_zone.lower()) and _APPEAL.search(appeal_zone):
        judged.kind, judged.reason = "bad", "appeal to the reader"
    elif bullet and not sentence_end and words < 25:
        judged.kind, judged.reason = "bad", "link list"
    elif stripped.count(",") >= 5 and stop_ratio < 0.08 and use_stopwords:
        judged.kind, judged.reason = "bad", "keyword list"
    elif words <= 10 and _BYLINE.match(stripped):
        judged.kind, judged.reason = "bad", "byline"
    else:
        long_enough = len(stripped) >= 110 or words >= 18 or (cjk >= 40)
        medium = len(stripped) >= 50 or words >= 8 or cjk >= 15
        wordy = not use_stopwords or stop_ratio >= 0.18 or cjk >= 15
        if long_enough and wordy and (sentence_end or words >= 30):
            judged.kind = "good"
        elif (medium and wordy and sentence_end) or long_enough:
            judged.kind = "near"
        else:
            judged.kind, judged.reason = "short", "short line"
    return judged


# Below this share of function words the page's language is not one we have a list for
# (Japanese, Korean…): judge its lines without them.
PAGE_STOPWORD_SHARE = 0.05


# -- context ---------------------------------------------------------------------------------


def _classify(lines: list[_Judged]) -> None:
    """Re-judge lines from their neighbours (jusText's context pass, for plain text)."""
    content = [j for j in lines if j.kind != "blank"]
    if not content:
        return
    goods = [i for i, j in enumerate(content) if j.kind == "good"]
    if not goods:
        # No clear body: keep the wordy lines, so a short text is not emptied.
        for j in content:
            if j.kind in ("near", "short") and j.words >= 4:
                j.kind = "good"
        return

    # Near-good lines next to body text are body text.
    changed = True
    while changed:
        changed = False
        for i, j in enumerate(content):
            if j.kind != "near":
                continue
            prev = content[i - 1].kind if i > 0 else "bad"
            nxt = content[i + 1].kind if i + 1 < len(content) else "bad"
            if "good" in (prev, nxt):
                j.kind = "good"
                changed = True

    # Short lines between body paragraphs are section headings (or short paragraphs).
    for i, j in enumerate(content):
        if j.kind not in ("short", "near"):
            continue
        before = _nearest(content, i, -1)
        after = _nearest(content, i, +1)
        if before == "good" and after == "good" and j.words <= 20 and j.kind == "short":
            j.kind, j.reason = "heading", ""
        elif j.kind == "near":
            j.reason = "not part of the article"

    _cut_comments(content)
    _cut_after_end(content)


# Comment threads are cut only once this much article text has come before them.
MIN_ARTICLE_WORDS = 80


def _cut_comments(content: list[_Judged]) -> None:
    """Readers' comments follow the article: from the first comment header on, nothing is body."""
    first_body = next((i for i, j in enumerate(content) if j.kind == "good"), None)
    if first_body is None:
        return
    start = None
    body_words = 0
    for i in range(first_body, len(content)):
        if content[i].reason == "comment" and body_words >= MIN_ARTICLE_WORDS:
            start = i
            break
        if content[i].kind == "good":
            body_words += content[i].words
    if start is None:
        return
    for j in content[start:]:
        if j.kind != "bad":
            j.kind, j.reason = "bad", "comment"


def _nearest(content: list[_Judged], i: int, step: int) -> str:
    """The kind of the nearest non-short line in direction ``step`` (within 2 lines)."""
    k = i + step
    seen = 0
    while 0 <= k < len(content) and seen < 2:
        kind = content[k].kind
        if kind in ("good", "bad", "near"):
            return kind
        k += step
        seen += 1
    return "edge" if not 0 <= k < len(content) else "short"


LATE_BLOCK_DISCOUNT = 0.3
SIDE_BLOCK_SHARE = 0.25
MAX_GAP_LINES = 40


def _cut_after_end(content: list[_Judged]) -> None:
    """Once the article has ended — a link list, or a long run of furniture — nothing after it is body."""
    good_idx = [i for i, j in enumerate(content) if j.kind in ("good", "heading")]
    if not good_idx:
        return
    body_words = sum(content[i].words for i in good_idx)
    # Find the largest block of body text; blocks are separated by runs of non-body lines.
    blocks: list[list[int]] = []
    for i in good_idx:
        if blocks and _gap_is_small(content, blocks[-1][-1], i):
            blocks[-1].append(i)
        else:
            blocks.append([i])
    # The article is the biggest block; footers and disclaimers come late, so late blocks weigh less.
    total = len(content)
    main = max(blocks, key=lambda b: sum(content[i].words for i in b) * (1 - LATE_BLOCK_DISCOUNT * b[0] / total))
    main_words = sum(content[i].words for i in main)
    m = blocks.index(main)
    # Walk away from the article in both directions; a block joins it only if it is substantial
    # and not separated from the kept text by a long run of page furniture.
    for direction in (-1, 1):
        edge = main[0] if direction < 0 else main[-1]
        k = m + direction
        while 0 <= k < len(blocks):
            block = blocks[k]
            words = sum(content[i].words for i in block)
            lo, hi = (block[-1], edge) if direction < 0 else (edge, block[0])
            gap = sum(1 for j in content[lo + 1 : hi] if j.kind == "bad")
            if words >= SIDE_BLOCK_SHARE * main_words and words >= 0.1 * body_words and gap <= MAX_GAP_LINES:
                edge = block[0] if direction < 0 else block[-1]
            else:
                for i in block:
                    content[i].kind, content[i].reason = "bad", "outside the article"
            k += direction


def _gap_is_small(content: list[_Judged], a: int, b: int) -> bool:
    between = content[a + 1 : b]
    if any(j.kind == "bad" and _LINK_LIST_HEAD.match(j.stripped) for j in between):
        return False
    bad = [j for j in between if j.kind == "bad"]
    return len(between) <= 4 and len(bad) <= 2


# -- title ---------------------------------------------------------------------------------------


def _title_like(j: _Judged) -> bool:
    return (
        j.kind in ("short", "near", "heading")
        and 3 <= j.words <= 30
        and not _BULLET.match(j.line.text)
        and not _FURNITURE.match(j.stripped)
        and not _BYLINE.match(j.stripped)
        and not j.stripped.endswith((".", ",", ":"))
        and sum(ch.isdigit() for ch in j.stripped) < len(j.stripped) * 0.3
        and not (j.words >= 6 and j.stop_ratio == 0)  # a menu, not a headline
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


def _title_score(j: _Judged, distance: int, repeated: bool) -> float:
    words = j.stripped.split()
    capitals = sum(1 for w in words if w[:1].isupper()) / len(words)
    score = 2.0 * capitals + min(len(words), 15) / 15 + (1.5 if repeated else 0.0) - 0.04 * distance
    if _NAV_WORDS.search(j.stripped):
        score -= 3.0
    if _NOT_A_HEADLINE.search(j.stripped):
        score -= 4.0
    return score


def _choose_title(judged: list[_Judged]) -> _Judged | None:
    """The headline: a title-like line shortly before the body, capitalised like a headline,
    better still if the page repeats it (as the window title and the heading)."""
    content = [j for j in judged if j.kind != "blank"]
    first_body = next((k for k, j in enumerate(content) if j.kind == "good"), len(content))
    counts: dict[str, int] = {}
    for j in content:
        counts[j.stripped] = counts.get(j.stripped, 0) + 1
    best, best_score = None, float("-inf")
    for k in range(max(0, first_body - TITLE_WINDOW), first_body):
        j = content[k]
        if not _title_like(j):
            continue
        score = _title_score(j, first_body - k, counts[j.stripped] > 1)
        if score > best_score:
            best, best_score = j, score
    return best


# -- assembling ---------------------------------------------------------------------------------


def clean(raw: str) -> Cleaned:
    """Clean a page's text. ``raw`` uses ``\\n`` line ends (the corpus normalises them)."""
    lines = _split_lines(raw)
    measured = [_tokens(line) for line in lines]
    total = sum(m[2] for m in measured)
    stops = sum(m[3] for m in measured)
    use_stopwords = total > 0 and stops / total >= PAGE_STOPWORD_SHARE
    judged = [_judge(line, use_stopwords, m) for line, m in zip(lines, measured, strict=True)]
    _classify(judged)
    title = _choose_title(judged)
    if title is not None:
        title.kind, title.reason = "title", ""
        folded = title.stripped.casefold()
        for j in judged:
            if j is not title and j.kind != "blank" and j.stripped.casefold() == folded:
                j.kind, j.reason = "bad", "repeated title"

    keep = [j for j in judged if j.kind in ("good", "heading", "title")]
    if not keep:
        # Nothing looks like an article: show the page as it is rather than an empty reader.
        keep = [j for j in judged if j.kind != "blank"]
        for j in keep:
            j.kind, j.reason = "good", ""
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    pos = 0
    for j in keep:
        if parts:
            parts.append("\n\n")
            pos += 2
        lead = len(j.line.text) - len(j.line.text.lstrip())
        pieces.append((pos, j.line.start + lead, len(j.stripped)))
        parts.append(j.stripped)
        pos += len(j.stripped)
    text = "".join(parts)

    kept_numbers = {j.line.number for j in keep}
    dropped = _dropped_runs(judged, kept_numbers)
    return Cleaned(raw=raw, text=text, pieces=pieces, dropped=dropped)


def _dropped_runs(judged: Iterable[_Judged], kept: set[int]) -> list[DroppedLines]:
    runs: list[DroppedLines] = []
    for j in judged:
        if j.line.number in kept or j.kind == "blank":
            continue
        reason = j.reason or "not part of the article"
        end = j.line.start + len(j.line.text)
        last = runs[-1] if runs else None
        if last and last.reason == reason and last.last == j.line.number - 1:
            runs[-1] = DroppedLines(last.first, j.line.number, last.start, end, reason)
        else:
            runs.append(DroppedLines(j.line.number, j.line.number, j.line.start, end, reason))
    return runs


def clean_text(raw: str) -> str:
    """Just the cleaned text, for scripts and the cleanbench scorer."""
    return clean(raw.replace("\r\n", "\n").replace("\r", "\n")).text
