"""The first screen: every document of the corpus, with its progress."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from reader.corpus import SourceDocument
from reader.layout import display_text
from reader.widgets.bars import KeyBar, TitleBar


class CorpusProgress(Message):
    """How far the loading of the corpus has come."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


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
        self._cells: dict[str, list] = {}  # the cells shown, by document id (to update only what changed)
        self._progress_timer: Timer | None = None
        self._progress = (0, 0)

    @property
    def sorts(self) -> tuple[str, ...]:
        """Every column can sort: the fixed ones and one per tag."""
        return (*self.BASE_SORTS[:4], *(f"tag:{t.name}" for t in self.app.tagset), *self.BASE_SORTS[4:])

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="banner", classes="banner")
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
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
        self.mount(bar, before=self.query_one(DataTable))

    def on_corpus_progress(self, message: CorpusProgress) -> None:
        self._progress = (message.done, message.total)
        self.sub_title = f"reading documents… {message.done} of {message.total}"
        for bar in self.query("#loading"):
            bar.update(total=message.total, progress=message.done)

    def corpus_loaded(self) -> None:
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None
        self.query("#loading").remove()
        self.refresh_table()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query_one(DataTable).row_count:
            self.update_rows()  # back from a document: counts and status may have changed

    def update_rows(self) -> None:
        """Bring the rows shown up to date, changing only the cells that changed (no rebuild: a
        library of 50,000 documents comes back at once)."""
        table = self.query_one(DataTable)
        keys = list(table.columns)  # the columns as refresh_table made them, in the order of a row's cells
        corpus = self.app.corpus
        for row_key, old in list(self._cells.items()):
            doc = corpus.by_id(row_key)
            if doc is None:
                continue
            _, cells = self._row(doc)
            for column, before, after in zip(keys, old, cells, strict=True):
                if str(before) != str(after):
                    table.update_cell(row_key, column, after)
            self._cells[row_key] = cells
        self._show_counts(table.row_count)

    def refresh_table(self) -> None:
        table = self.query_one(DataTable)
        tagset = self.app.tagset
        current = None
        if table.row_count and table.cursor_row is not None:
            try:
                current = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
            except Exception:
                current = None
        table.clear(columns=True)
        longest = max((len(d.title) for d in self.app.corpus.documents), default=10)
        table.add_column("title", key="title", width=max(10, min(60, longest, self.app.size.width - 50)))
        table.add_column("words", key="words")
        for tag in tagset:
            table.add_column(Text(tag.name, style=tag.colour), key=f"tag:{tag.name}")
        table.add_column("status", key="status")
        if self._with_labels:
            table.add_column("labels", key="labels")
        table.add_column("last opened", key="last opened")
        rows = []
        wanted = parse_filter(self._filter)
        for doc in self.app.corpus.documents:
            if wanted.matches(doc, self.app.store):
                rows.append(self._row(doc))
        rows.sort(key=self._sort_key)
        self._cells = {}
        for doc, cells in rows:
            table.add_row(*cells, key=doc.id)
            self._cells[doc.id] = cells
        if current is not None:
            for index, (doc, _) in enumerate(rows):
                if doc.id == current:
                    table.move_cursor(row=index)
        self._show_counts(len(rows))

    def _show_counts(self, shown: int) -> None:
        """The title line: who, where, how far the work has come, what is shown."""
        docs = self.app.corpus.documents
        store = self.app.store
        done = sum(1 for d in docs if (stored := store.document(d.id)) is not None and stored.status == "done")
        passages = sum(sum(store.counts_by_tag(d.id).values()) for d in docs)
        sort = self.sorts[self._sort].replace("tag:", "")
        self.sub_title = display_text(
            f"{self.app.annotator} · {self.app.store.path} · {done}/{len(docs)} done · {passages} passages · "
            f"showing {shown} · sorted by {sort}"
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

    def _sort_key(self, row: tuple[SourceDocument, list]):
        doc, _ = row
        store = self.app.store
        stored = store.document(doc.id)
        key = self.sorts[self._sort]
        if key == "title":
            return doc.title.lower()
        if key == "words":
            return -doc.words
        if key == "annotations":
            return -sum(store.counts_by_tag(doc.id).values())
        if key == "status":
            return stored.status if stored else "new"
        if key == "last opened":
            return "" if not stored else "~" + "".join(chr(0x10FFFF - ord(c)) for c in stored.last_opened)
        if key.startswith("tag:"):
            return -store.counts_by_tag(doc.id).get(key[4:], 0)
        return doc.path

    def action_sort(self) -> None:
        self._sort = (self._sort + 1) % len(self.sorts)
        self.refresh_table()
        self.notify(f"sorted by {self.sorts[self._sort].replace('tag:', '')}", timeout=2)

    @on(DataTable.HeaderSelected)
    def header_sort(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key in self.sorts:
            self._sort = self.sorts.index(key)
        self.refresh_table()

    def action_filter(self) -> None:
        boxes = self.query("#filter")
        if boxes:
            box = boxes.first(Input)
            box.display = True
        else:  # mounted on first use: an idle Input costs start-up time
            box = Input(placeholder="words of the title or path; status:new tag:claim annotator:ana…", id="filter")
            self.mount(box, before=self.query_one(DataTable))
        box.focus()

    def action_clear_filter(self) -> None:
        for box in self.query("#filter").results(Input):
            box.value = ""
            box.display = False
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        # Typing fast rebuilds the list once, when the keys pause.
        self._filter = event.value
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.12, self.refresh_table)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self.refresh_table()
        self.query_one(DataTable).focus()

    def action_last_row(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def action_first_row(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_next_undone(self) -> None:
        """Open the next document (after the highlighted one) that is not done: the library as a work queue."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        store = self.app.store
        order = [str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]
        start = table.cursor_row or 0
        for step in range(1, len(order) + 1):
            doc_id = order[(start + step) % len(order)] if step < len(order) else order[start]
            stored = store.document(doc_id)
            if stored is None or stored.status not in ("done", "skipped"):
                table.move_cursor(row=order.index(doc_id))
                self.app.open_document(doc_id)
                return
        self.notify("Every document shown is done (or skipped).", timeout=4)

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_document(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
            self.app.open_document(str(row_key.value))


class LibraryFilter:
    """What the library's filter asks for: words of the title or path, and ``key:value`` terms."""

    def __init__(self, words: list[str], terms: dict[str, list[str]]) -> None:
        self.words = words
        self.terms = terms

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
