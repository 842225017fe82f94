"""HTML pages open directly: converted as cleanbench's pages were, then cleaned; bad pages skipped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import run_margin

from reader.corpus import Skipped, load_corpus, read_document
from reader.html import declared_charset, html_to_text
from reader.widgets.document_view import DocumentView

BODY = ("Officials in the capital said on Tuesday that the talks would resume next week, according to a "
        "statement released by the ministry after the meeting ended late in the evening.")


def page(title: str = "Talks To Resume In Geneva", charset: str = "utf-8", extra: str = "") -> str:
    paragraphs = "".join(f"<p>{BODY} Paragraph {n} adds its own détail.</p>\n" for n in range(6))
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title} | The Daily Example</title>
<script>var tracking = {{"id": 1}};</script><style>p {{ color: red }}</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>{title}</h1>
<p class="byline">By A. Reporter</p>
{paragraphs}{extra}
</article>
<aside><h3>Read also</h3><ul><li><a href="/a">Another story</a></li><li><a href="/b">And another</a></li></ul></aside>
<footer>© 2026 The Daily Example. All rights reserved.</footer>
</body></html>
"""


def test_a_page_is_converted_then_cleaned(tmp_path: Path) -> None:
    file = tmp_path / "talks.html"
    data = page().encode("utf-8")
    file.write_bytes(data)
    doc = read_document(file, file.name)
    assert not isinstance(doc, Skipped)
    import hashlib

    assert doc.id == hashlib.sha256(data).hexdigest()  # the id is the file's bytes
    assert doc.raw == html_to_text(page())  # the raw text is the converted page
    assert "var tracking" not in doc.raw and "color: red" not in doc.raw
    assert doc.title == "Talks To Resume In Geneva"
    assert BODY in doc.text and "détail" in doc.text
    assert "Another story" not in doc.text and "All rights reserved" not in doc.text
    start = doc.text.index("Paragraph 3")
    raw_start, raw_end = doc.to_raw_span(start, start + 11)
    assert doc.raw[raw_start:raw_end] == "Paragraph 3"
    # Folders include .html and .htm pages; margin clean reads them too.
    (tmp_path / "other.htm").write_bytes(page("Another Page Entirely").encode("utf-8"))
    assert {d.path for d in load_corpus([tmp_path]).documents} == {"talks.html", "other.htm"}
    cleaned = run_margin("clean", file)
    assert cleaned.returncode == 0 and BODY in cleaned.stdout and "<p>" not in cleaned.stdout
    piped = run_margin("clean", "-", input=data)
    assert piped.stdout == cleaned.stdout


async def test_a_page_opens_in_the_reader_and_a_passage_is_its_words(db_path: Path, tmp_path: Path) -> None:
    from test_app import make_app

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "talks.html").write_bytes(page().encode("utf-8"))
    app = make_app(db_path, paths=(folder,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        assert BODY in view.text and "Another story" not in view.text and "<p>" not in view.text
        view.move_to(view.text.index("Paragraph 3"))
        await pilot.press("1")
        await pilot.pause()
        (passage,) = app.store.annotations()
        assert passage.text == view.text[passage.start : passage.end] and "Paragraph 3" in passage.text
        await pilot.press("q")
    app.store.close()


def test_charsets_declared_wrong_or_broken(tmp_path: Path) -> None:
    latin = page(charset="iso-8859-1").encode("latin-1")
    assert declared_charset(latin) == "iso8859-1"
    (tmp_path / "latin.html").write_bytes(latin)
    # Declared utf-8 but written in Latin-1; and a charset no one knows: detection decides both.
    (tmp_path / "lies.html").write_bytes(page(charset="utf-8").encode("latin-1"))
    (tmp_path / "broken.html").write_bytes(page(charset="x-no-such-charset").encode("latin-1"))
    docs = {d.path: d for d in load_corpus([tmp_path]).documents}
    for name in ("latin.html", "lies.html", "broken.html"):
        assert "détail" in docs[name].text, name


@pytest.mark.slow
def test_a_twenty_megabyte_page_opens_and_a_hostile_one_is_skipped(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    extra = "".join(f"<p>{BODY} Extra paragraph {n}.</p>\n" for n in range(100_000))
    big.write_text(page(extra=extra), encoding="utf-8")
    assert big.stat().st_size > 20_000_000
    t0 = time.perf_counter()
    doc = read_document(big, big.name)
    assert not isinstance(doc, Skipped) and "Extra paragraph 99999" in doc.raw
    print(f"\n20 MB page converted in {time.perf_counter() - t0:.1f} s")
    (tmp_path / "empty.html").write_text("<html><body><script>x()</script></body></html>")
    (tmp_path / "binary.html").write_bytes(b"<html>\x00\x01\x02" * 1000)
    corpus = load_corpus([tmp_path])
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert "empty.html" in reasons and "binary.html" in reasons
    assert [d.path for d in corpus.documents] == ["big.html"]
