"""The one sanitiser between stored text and a terminal.

Everything margin shows came from somewhere it does not control: scraped pages,
databases merged from others, imported files, file names. Any of it may hold
escape sequences (set the window title, write the clipboard with OSC 52, move
the cursor), bells, or bidi overrides that make a line read backwards. Before
such text reaches a terminal — command output, error messages, the reader's
widgets and notifications — it passes through ``sanitise``: each such
character becomes one visible placeholder, so nothing acts on the terminal and
offsets into the text still match columns on screen.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1 controls (a terminal acts on these); zero-width
# characters and bidi overrides/isolates (they hide or reorder text).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    if ch == "\x1b":
        return "␛"
    if "\u200b" <= ch <= "\u200f" or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return "·"
    return "\N{REPLACEMENT CHARACTER}"


def sanitise(text: str) -> str:
    """``text`` with every character that could act on a terminal replaced by a visible one (same length)."""
    return _UNSAFE.sub(_visible, text)


def one_line(text: str) -> str:
    """``sanitise`` for a message of one line: newlines and tabs become spaces too."""
    return sanitise(text).replace("\n", " ").replace("\t", " ")
