"""HTML pages in: turned into the one-block-a-line text the cleaner reads.

Scraped corpora are often saved as ``.html``. margin converts a page with
inscriptis — the same conversion cleanbench's raw pages come from, so the
cleaner's measured quality holds for them — and tidies it the same way: no
trailing spaces, runs of blank lines made one, no blank lines at either end.
The converted text is the document's *raw text*: ``raw_start``/``raw_end``
point into it (the file's bytes still make the document's id).

The charset comes from the page (``<meta charset>``, or the ``http-equiv``
Content-Type), else from a byte-order mark, UTF-8, or detection.
"""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LOOKS_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n{3,}")
HTML_SUFFIXES = (".html", ".htm")


def looks_like_html(data: bytes) -> bool:
    return bool(_LOOKS_HTML.match(data[:1024].lstrip(b"\xef\xbb\xbf")))


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first few kilobytes, if Python knows it."""
    import codecs

    m = _META_CHARSET.search(data[:8192])
    if m is None:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None  # a broken or unknown charset: detection decides


def tidy(text: str) -> str:
    """As cleanbench made its raw pages: no trailing spaces, one blank line at most, none at the ends."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def html_to_text(markup: str) -> str:
    """The page's text, one block a line, as the cleaner expects it."""
    from inscriptis import get_text  # imported when the first page is read

    return tidy(get_text(markup))
