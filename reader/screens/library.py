"""The first screen: every document of the corpus, with its progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, contains, eq, is_, is_not

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from annotations.model import Document
from reader.corpus import SourceDocument
from reader.layout import display_text
from reader.widgets.bars import KeyBar, TitleBar
from reader.widgets.document_table import Column, DocumentTable

# The fewest cells the title column gets, however narrow the screen.
MIN_TITLE = 24
# A sort looks at this many keys to tell whether they repeat (then it groups them) or not.
SORT_SAMPLE = 1024
# Keys with at most this many values are ordered by one pass over them per value, not grouped.
FEW_KEYS = 8
# While documents are read, rows are listed again at most this often (seconds) once they fill the screen.
STREAM_FULL_EVERY = 1.0


class CorpusProgress(Message):
    """How far the loading of the corpus has come."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


@dataclass
class _Aligned:
    """Per document, in the corpus's order, what ordering and filtering read: made once per
    document as documents are read, never per key or per sort."""

    ids: list[str] = field(default_factory=list)
    members: set[str] = field(default_factory=set)  # the same ids, to ask whether one is shown
    titles: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    # Title and path, lowercased: what filter words search. Made when a filter first asks (new
    # strings for every document: a library that is never filtered need not hold them).
    _haystacks: list[str] = field(default_factory=list)

    def extended(self, documents: list[SourceDocument]) -> _Aligned:
        if len(self.ids) > len(documents):  # the documents were replaced: start again
            self.ids, self.titles, self.paths, self.words, self._haystacks = [], [], [], [], []
            self.members = set()
        for doc in documents[len(self.ids):]:
            self.ids.append(doc.id)
            self.members.add(doc.id)
            self.titles.append(doc.title)
            self.paths.append(doc.path)
            self.words.append(doc.words)
        return self

    def caught_up(self, documents: list[SourceDocument]) -> bool:
        """Take the titles and word counts that changed since they were listed (the annotator's
        overrides make another title, another count); whether any did. Unchanged documents give
        back the very strings listed, so one pass in C compares them."""
        documents = documents[: len(self.ids)]
        titles = list(map(attrgetter("title"), documents))
        words = list(map(attrgetter("words"), documents))
        if not any(map(is_not, titles, self.titles)) and words == self.words:
            return False
        for k, (title, listed) in enumerate(zip(titles, self.titles, strict=True)):
            if title is not listed and k < len(self._haystacks):
                self._haystacks[k] = f"{title} {self.paths[k]}".lower()
        self.titles, self.words = titles, words
        return True

    @property
    def haystacks(self) -> list[str]:
        haystacks = self._haystacks
        for title, path in zip(self.titles[len(haystacks):], self.paths[len(haystacks):], strict=True):
            haystacks.append(f"{title} {path}".lower())
        return haystacks


def _stored_field(stored: list[Document | None], name: str, unknown: str) -> list:
    """One field of each document the database remembers (``unknown`` for the others): read in C
    when the database knows them all, as it does once the library is listed."""
    if not any(map(is_, stored, repeat(None))):
        return list(map(attrgetter(name), stored))
    return [getattr(doc, name) if doc is not None else unknown for doc in stored]


class InOrder(Sequence[str]):
    """Document ids in a sort's order, looked up as they are asked for.

    A table asks only for the rows it draws; building the list of 50,000 ids in a shuffled order
    reads memory at random and took as long as the sort itself.
    """

    __slots__ = ("_ids", "_positions")

    def __init__(self, ids: list[str], positions: list[int]) -> None:
        self._ids = ids
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self._ids[k] for k in self._positions[row]]
        return self._ids[self._positions[row]]

    def __iter__(self) -> Iterator[str]:
        return map(self._ids.__getitem__, self._positions)

    def picked(self, wanted: Iterable[bool]) -> InOrder:
        """The rows for which ``wanted`` (one flag per row, in order) is true: positions are picked,
        not ids, so no id is looked up."""
        return InOrder(self._ids, list(compress(self._positions, wanted)))

    def picked_in_corpus(self, wanted: list[bool]) -> InOrder:
        """The rows whose document ``wanted`` flags, by its place in the corpus (so nothing had to be
        put in this order first)."""
        return self.picked(map(wanted.__getitem__, self._positions))

    def index(self, doc_id: str, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        """The row of ``doc_id``: its place in the corpus, then that place in the order (two scans in C)."""
        row = self._positions.index(self._ids.index(doc_id))
        if row < start or (stop is not None and row >= stop):
            raise ValueError(f"{doc_id!r} is not in the rows asked")
        return row


def positions_in_order(keys: list, backwards: bool) -> list[int]:
    """The positions of ``keys`` ordered by them, ties in their own order (largest first if ``backwards``).

    Keys that repeat a lot (counts, words, statuses) are grouped in one pass and the groups put in
    order, half a sort's time at 50,000 documents; other keys are sorted (comparisons in C).
    """
    sample = keys[:SORT_SAMPLE]
    if len(set(sample)) * 8 > len(sample):  # keys mostly distinct (titles, paths): no set of them all
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=backwards)
    distinct = set(keys)
    if len(distinct) <= FEW_KEYS:  # a status, counts mostly 0: one pass in C per key
        positions, few = range(len(keys)), []
        for key in sorted(distinct, reverse=backwards):
            few += compress(positions, map(eq, keys, repeat(key)))
        return few
    groups: dict = {key: [] for key in distinct}
    for position, key in enumerate(keys):
        groups[key].append(position)
    ordered: list[int] = []
    for key in sorted(distinct, reverse=backwards):
        ordered += groups[key]
    return ordered


@dataclass
class _Order:
    """The documents in one order (their ids, from their positions in the corpus's order)."""

    state: tuple[int, int]  # (sort column, documents) it was made for
    ids: InOrder


class LibraryScreen(Screen):
    AUTO_FOCUS = "#documents"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("o", "sort", "Sort", id="sort"),
        Binding("N", "next_undone", "Next to do", id="next_undone"),
        Binding("enter", "open", "Open", show=False),
        Binding("G,end", "last_row", "Last", show=False),
        Binding("g,home", "first_row", "First", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    BASE_SORTS = ("path", "title", "words", "annotations", "status", "last opened")
    # A progress bar appears only if reading the documents takes longer than this (seconds):
    # most corpora are read before it would have been seen.
    PROGRESS_DELAY = 0.3

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._sort = 0
        self._filter_timer: Timer | None = None
        self._aligned = _Aligned()  # per document, in the corpus's order: what sorts and filters use
        self._recleaned_seen = SourceDocument.recleaned
        self._totals = (0, 0)  # documents done, passages: counted when they can have changed, not per key
        self._column_cache: tuple[tuple, list[Column]] | None = None
        self._ordered: _Order | None = None
        self._loaded = False
        self._streamed = (0.0, 0.0)  # when the rows were last listed during loading, and what it took
        self._stream_timer: Timer | None = None
        self._progress_timer: Timer | None = None
        self._progress = (0, 0)

    @property
    def sorts(self) -> tuple[str, ...]:
        """Every column can sort: the fixed ones and one per tag."""
        return (*self.BASE_SORTS[:4], *(f"tag:{t.name}" for t in self.app.tagset), *self.BASE_SORTS[4:])

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="banner", classes="banner")
        yield DocumentTable(self._cells_for, id="documents")
        yield KeyBar()

    def on_mount(self) -> None:
        banner = self.query_one("#banner", Static)
        banner.update(f"Read-only: {self.app.read_only_message}" if self.app.read_only_message else "")
        banner.display = bool(self.app.read_only_message)
        if not self.app._corpus_given:
            self.sub_title = "reading documents…"
            self._progress_timer = self.set_timer(self.PROGRESS_DELAY, self._show_progress)
        self.refresh_table()

    def _show_progress(self) -> None:
        from textual.widgets import ProgressBar

        done, total = self._progress
        bar = ProgressBar(total=total or None, id="loading", show_eta=False)
        bar.progress = done
        self.mount(bar, before=self.query_one(DocumentTable))

    def on_corpus_progress(self, message: CorpusProgress) -> None:
        if self._loaded:  # a report posted just before the end, read after it
            return
        self._progress = (message.done, message.total)
        self._list_read_so_far()
        self.sub_title = f"reading documents… {message.done} of {message.total}"
        for bar in self.query("#loading"):
            bar.update(total=message.total, progress=message.done)

    def _list_read_so_far(self, timed: bool = False) -> None:
        """List the documents read so far (they can be opened while the rest are read).

        Listing them again costs more as they grow, so it takes at most a tenth of the time: a
        report that comes too soon leaves a timer, so the rows catch up even if reading pauses.
        """
        if timed:
            self._stream_timer = None
        if self._loaded or not self.is_mounted:
            return
        table = self.query_one(DocumentTable)
        if len(self.app.corpus.documents) == table.row_count:
            return
        now = time.monotonic()
        # Once the rows fill the screen, more rows only move the scroll bar: list them once a second
        # (each listing is a new layout and a full frame, and the reading shares the interpreter).
        full = table.row_count >= table.size.height
        wait = self._streamed[0] + max(10 * self._streamed[1], STREAM_FULL_EVERY if full else 0.0) - now
        if wait > 0:
            if self._stream_timer is None:
                self._stream_timer = self.set_timer(wait, lambda: self._list_read_so_far(timed=True))
            return
        self.refresh_table(counts=False)
        self._streamed = (now, time.monotonic() - now)

    def corpus_loaded(self) -> None:
        self._loaded = True
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None
        self.query("#loading").remove()
        self._titles_changed()  # the loaded documents' own overrides may have made other titles
        self.refresh_table()

    def on_screen_resume(self) -> None:
        if not self.is_mounted or not self.query_one(DocumentTable).row_count:
            return
        if self._titles_changed():  # order and filter again
            self.refresh_table()
        else:
            self.update_rows()  # back from a document: counts and status may have changed

    def _titles_changed(self) -> bool:
        """Whether documents were cleaned again with other overrides since the rows were ordered,
        and their titles or word counts changed (what sorts and filters read is then taken again)."""
        if SourceDocument.recleaned == self._recleaned_seen:
            return False
        self._recleaned_seen = SourceDocument.recleaned
        if not self._aligned.caught_up(self.app.corpus.documents):
            return False
        self._ordered = self._column_cache = None
        return True

    def update_rows(self) -> None:
        """Bring the rows shown up to date: only the rows on screen are drawn again (no rebuild, so a
        library of 50,000 documents comes back at once)."""
        table = self.query_one(DocumentTable)
        table.refresh_rows()
        self._count_totals()
        self._show_counts(table.row_count)

    def refresh_table(self, counts: bool = True, recount: bool = True) -> None:
        """Filter and sort the documents again: only their order is rebuilt, never a row.

        ``counts=False`` leaves the title line alone (while the documents are still being read);
        ``recount=False`` keeps the totals of the title line and the order (a new filter changes
        neither: a key typed in the filter only picks from the documents already in order).
        """
        table = self.query_one(DocumentTable)
        table.set_columns(self._columns())
        order = self._order(fresh=recount)
        ids = order.ids
        wanted = parse_filter(self._filter)
        if wanted.words or wanted.terms:
            ids = wanted.select(ids, self._aligned.haystacks, self.app.corpus.by_id, self.app.store)
        table.set_rows(ids, keep=table.cursor_key)
        if not counts:
            return
        if recount:
            self._count_totals()
        self._show_counts(len(ids))

    def _order(self, fresh: bool) -> _Order:
        """Every document's id in the chosen order (and, once a filter asks, what its words search).

        Sorted again only when the order, the documents or (``fresh``) their counts may have changed.
        """
        documents = self.app.corpus.documents[:]  # the loader may be adding to it meanwhile
        state = (self._sort, len(documents))
        if fresh or self._ordered is None or self._ordered.state != state:
            aligned = self._aligned.extended(documents)
            keys, backwards = self._sort_keys(aligned)
            order = positions_in_order(keys, backwards)  # ties keep corpus order
            self._ordered = _Order(state, InOrder(aligned.ids, order))
        return self._ordered

    def _columns(self) -> list[Column]:
        """The title takes what the other columns leave of the screen (at most 60 cells).

        Measured again only when the documents, the screen's width or the tags change (not per key).
        """
        documents = self.app.corpus.documents
        shape = (len(documents), self.app.size.width, tuple(t.name for t in self.app.tagset), self._with_labels)
        if self._column_cache is not None and self._column_cache[0] == shape:
            return self._column_cache[1]
        longest = max((len(d.title) for d in documents), default=10)
        most_words = max((d.words for d in documents), default=0)
        others = [
            Column("words", "words", max(5, len(f"{most_words:,}")), "right"),
            *[Column(f"tag:{tag.name}", Text(tag.name, style=tag.colour), max(5, len(tag.name)), "right")
              for tag in self.app.tagset],
            Column("status", "status", len("in progress")),
            *([Column("labels", "labels", 24)] if self._with_labels else []),
            Column("last opened", "last opened", 16),
        ]
        # Each column has a space on either side; two cells stay free for the scroll bar. On a narrow
        # screen the title keeps a readable width and the last columns scroll sideways instead.
        room = self.app.size.width - sum(column.width + 2 for column in others) - 2 - 2
        columns = [Column("title", "title", max(min(MIN_TITLE, longest), min(60, longest, room))), *others]
        self._column_cache = (shape, columns)
        return columns

    def _cells_for(self, doc_id: str) -> list:
        doc = self.app.corpus.by_id(doc_id)
        return self._row(doc)[1] if doc is not None else []

    def _count_totals(self) -> None:
        """Documents done and passages, over the corpus shown: one pass over what the database holds
        (not a question per document: coming back from a document at 50,000 must not wait on it)."""
        shown = self._aligned.extended(self.app.corpus.documents[:]).members
        store = self.app.store
        done = sum(1 for d in store.documents() if d.status == "done" and d.id in shown)
        passages = sum(sum(by_tag.values()) for doc_id, by_tag in store.counts_by_document().items() if doc_id in shown)
        self._totals = (done, passages)

    def _show_counts(self, shown: int) -> None:
        """The title line: who, where, how far the work has come, what is shown."""
        done, passages = self._totals
        sort = self.sorts[self._sort].replace("tag:", "")
        self.sub_title = display_text(
            f"{self.app.annotator} · {self.app.store.path} · {done}/{len(self.app.corpus.documents)} done · "
            f"{passages} passages · showing {shown} · sorted by {sort}"
        )

    def _row(self, doc: SourceDocument) -> tuple[SourceDocument, list]:
        store = self.app.store
        counts = store.counts_by_tag(doc.id)
        stored = store.document(doc.id)
        title = display_text(doc.title)
        cells = [
            Text(title[:80] + ("…" if len(title) > 80 else "")),
            Text(f"{doc.words:,}", justify="right"),
            *[Text(str(counts.get(t.name, 0) or ""), justify="right") for t in self.app.tagset],
            stored.status if stored else "new",
            *([Text(display_text(self._labels(stored)))] if self._with_labels else []),
            (stored.last_opened[:16].replace("T", " ") if stored and stored.last_opened else ""),
        ]
        return doc, cells

    @property
    def _with_labels(self) -> bool:
        """A labels column when the schema has document labels."""
        return bool(self.app.editing.schema.document_labels)

    def _labels(self, stored) -> str:
        """This annotator's labels of the document, as the library shows them."""
        mine = stored.labels.get(self.app.annotator, {}) if stored else {}
        return "; ".join(f"{name}: {', '.join(values)}" for name, values in mine.items())

    def _sort_keys(self, aligned: _Aligned) -> tuple[list, bool]:
        """Each document's key for the chosen column, in corpus order, and whether the order runs
        backwards (counts and words largest first, the last opened first; ties keep path order)."""
        key = self.sorts[self._sort]
        store = self.app.store
        if key == "title":
            return list(map(str.lower, aligned.titles)), False
        if key == "words":
            return aligned.words, True
        if key == "annotations" or key.startswith("tag:"):
            counts = store.counts_by_document()  # one pass over the passages, not one per document
            if key == "annotations":
                totals = {doc_id: sum(by_tag.values()) for doc_id, by_tag in counts.items()}
            else:
                tag = key[4:]
                totals = {doc_id: by_tag[tag] for doc_id, by_tag in counts.items() if by_tag.get(tag)}
            return list(map(totals.get, aligned.ids, repeat(0))), True
        if key == "status":
            return _stored_field(store.documents_of(aligned.ids), "status", "new"), False
        if key == "last opened":  # never opened: last
            return _stored_field(store.documents_of(aligned.ids), "last_opened", ""), True
        return aligned.paths, False

    def action_sort(self) -> None:
        self._sort = (self._sort + 1) % len(self.sorts)
        self.refresh_table(recount=False)
        self.notify(f"sorted by {self.sorts[self._sort].replace('tag:', '')}", timeout=2)

    @on(DocumentTable.HeaderSelected)
    def header_sort(self, event: DocumentTable.HeaderSelected) -> None:
        key = event.column_key
        if key in self.sorts:
            self._sort = self.sorts.index(key)
        self.refresh_table(recount=False)

    def action_filter(self) -> None:
        boxes = self.query("#filter")
        if boxes:
            box = boxes.first(Input)
            box.display = True
        else:  # mounted on first use: an idle Input costs start-up time
            box = Input(placeholder="words of the title or path; status:new tag:claim annotator:ana…", id="filter")
            self.mount(box, before=self.query_one(DocumentTable))
        box.focus()
        # What the words search is made as the box opens, not on the first key typed (at 50,000
        # documents it takes as long as a key should).
        self._aligned.extended(self.app.corpus.documents[:]).haystacks  # noqa: B018

    def action_clear_filter(self) -> None:
        for box in self.query("#filter").results(Input):
            box.value = ""
            box.display = False
        self.query_one(DocumentTable).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        # Typing fast rebuilds the list once, when the keys pause.
        self._filter = event.value
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.12, self._refilter)

    def _refilter(self) -> None:
        self.refresh_table(recount=False)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._refilter()
        self.query_one(DocumentTable).focus()

    def action_last_row(self) -> None:
        table = self.query_one(DocumentTable)
        table.move_cursor(table.row_count - 1)

    def action_first_row(self) -> None:
        self.query_one(DocumentTable).move_cursor(0)

    def action_next_undone(self) -> None:
        """Open the next document (after the highlighted one) that is not done: the library as a work queue."""
        table = self.query_one(DocumentTable)
        order = table.keys
        if not order:
            return
        store = self.app.store
        start = table.cursor_row
        for step in range(1, len(order) + 1):
            row = (start + step) % len(order)
            stored = store.document(order[row])
            if stored is None or stored.status not in ("done", "skipped"):
                table.move_cursor(row)
                self.app.open_document(order[row])
                return
        self.notify("Every document shown is done (or skipped).", timeout=4)

    @on(DocumentTable.RowSelected)
    def row_selected(self, event: DocumentTable.RowSelected) -> None:
        self.app.open_document(event.key)

    def action_open(self) -> None:
        key = self.query_one(DocumentTable).cursor_key
        if key is not None:
            self.app.open_document(key)


class LibraryFilter:
    """What the library's filter asks for: words of the title or path, and ``key:value`` terms."""

    def __init__(self, words: list[str], terms: dict[str, list[str]]) -> None:
        self.words = words
        self.terms = terms

    def select(self, rows: InOrder, haystacks: list[str], document: Callable[[str], SourceDocument | None],
               store) -> InOrder:
        """The rows asked for, in their order. ``haystacks`` holds each document's title and path,
        lowercased, in the corpus's order (the order ``rows`` picks from)."""
        words = self.words
        if len(words) == 1:  # the common case: one pass in C, no Python per document
            chosen = rows.picked_in_corpus(list(map(contains, haystacks, repeat(words[0]))))
        elif words:
            chosen = rows.picked_in_corpus([all(word in haystack for word in words) for haystack in haystacks])
        else:
            chosen = rows
        if self.terms:
            chosen = chosen.picked((doc := document(doc_id)) is not None and self.matches(doc, store)
                                   for doc_id in chosen)
        return chosen

    def matches(self, doc: SourceDocument, store) -> bool:
        haystack = f"{doc.title} {doc.path}".lower()
        if not all(word in haystack for word in self.words):
            return False
        stored = store.document(doc.id) if self.terms else None
        for value in self.terms.get("status", []):
            if value not in (stored.status if stored else "new"):
                return False
        if "tag" in self.terms or "annotator" in self.terms:
            passages = store.annotations(document=doc.id)
            for value in self.terms.get("tag", []):
                if not any(value == a.tag.lower() for a in passages):
                    return False
            for value in self.terms.get("annotator", []):
                if not any(value == a.annotator.lower() for a in passages):
                    return False
        return True


FILTER_KEYS = ("status", "tag", "annotator")


def parse_filter(text: str) -> LibraryFilter:
    """``status:new tag:claim war`` → documents whose status has "new", with a claim, titled with "war".

    ``status:progress`` finds "in progress"; a key not known is taken as a word.
    """
    words: list[str] = []
    terms: dict[str, list[str]] = {}
    for token in text.lower().split():
        key, colon, value = token.partition(":")
        if colon and key in FILTER_KEYS and value:
            terms.setdefault(key, []).append(value)
        else:
            words.append(token)
    return LibraryFilter(words, terms)
