"""Offsets in the units other tools count: Python code points ↔ UTF-16 code units."""

from __future__ import annotations

import bisect


class Utf16Offsets:
    """Convert offsets in one text between code points and UTF-16 code units.

    Only characters outside the Basic Multilingual Plane (most emoji, some CJK)
    take two UTF-16 units, so the map stores just their positions.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 position of each astral character.
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]

    def to_utf16(self, offset: int) -> int:
        if not self._astral:
            return offset
        return offset + bisect.bisect_left(self._astral, offset)

    def from_utf16(self, unit: int) -> int:
        """The code point offset of UTF-16 unit ``unit`` (a unit inside a surrogate pair counts as the end of its character)."""
        if not self._astral:
            return unit
        k = bisect.bisect_left(self._astral_u16, unit)
        # k astral characters lie wholly before ``unit``; one more if unit falls on its second half.
        if k < len(self._astral_u16) and self._astral_u16[k] + 1 == unit:
            return self._astral[k] + 1
        return unit - k


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
