"""The Textual app: a library of documents and a reader for each.

The app holds what every screen shares — the corpus, the store, the tagset,
the annotator and the editing session (the rules and the undo history) — and
nothing else; the screens map keys to the session and show what it returns.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Mapping
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import get_current_worker

from annotations.editing import EditingSession
from annotations.errors import MarginError
from annotations.model import DEFAULT_TAGSET, Tagset
from annotations.store import Store

from .commands import ScreenActions, active_keys
from .config import Config
from .corpus import (
    DEFAULT_MAX_BYTES,
    Corpus,
    KnownFile,
    SourceDocument,
    cleaner_version,
    known_files,
    known_titles,
    line_overrides,
    load_corpus,
)
from .screens.library import CorpusProgress, LibraryScreen
from .terminal import sanitise

# Opening a document larger than this (characters) that still needs cleaning says so.
LARGE_DOCUMENT = 1_000_000
# Progress of the loading reaches the library at most this often (seconds): each report is a message to handle.
PROGRESS_EVERY = 0.5
# While documents are read, the database is told of those read so far at most this often (seconds).
REMEMBER_EVERY = 2.0

# Remembered documents larger than this are cleaned in the background once the library is shown,
# so that opening them is as quick as opening a small one; smaller ones are cleaned when opened.
PREPARE_AHEAD = 200_000


class MarginApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "margin"
    COMMANDS = App.COMMANDS | {ScreenActions}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(
        self,
        *,
        corpus: Corpus | None = None,
        paths: tuple[Path, ...] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
        encoding: str | None = None,
        store: Store,
        annotator: str,
        config: Config | None = None,
        tagset: Tagset = DEFAULT_TAGSET,
        resume: bool = True,
        ask_annotator: bool = False,
        watch_store: bool = False,
        served: bool = False,
    ) -> None:
        super().__init__()
        self.corpus = corpus or Corpus()  # loaded in a worker when not given (see on_mount)
        self._corpus_given = corpus is not None
        self._asked_to_open = False  # a document was opened: a resume would come too late to be wanted
        # How many of the corpus's documents the database has been told of (while they are read,
        # each report of progress tells it of the new ones: the end of a first start need not).
        self._remembered = 0
        self._remembered_at = time.monotonic()
        self._remember_failed = False
        self.paths = paths
        self.max_bytes = max_bytes
        self.encoding = encoding  # --encoding: read every document in it instead of detecting
        self.store = store
        self.annotator = annotator
        self.config = config or Config()
        self.tagset = tagset
        self.resume = resume
        self.ask_annotator = ask_annotator
        self.watch_store = watch_store  # other sessions write to this store: follow their changes
        # A session of `margin serve`: it writes no file on the server (exports are downloads).
        self.served = served
        self._seen_version = -1
        self._retry_timer = None
        self._document_screen = None
        self._quit_anyway = False
        self.read_only_message = ""
        if store.read_only:
            self.read_only_message = f"{store.path} is {store.held_by or 'open elsewhere'}"
        self.editing = EditingSession(store, annotator, edit_others=self.config.edit_others, snap=self.config.snap,
                                      read_only_reason=self.read_only_message, schema=self.config.schema)
        self.sub_title = sanitise(f"{annotator} · {store.path}")

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification passes the terminal sanitiser and shows its text literally (no markup):
        messages name tags, annotators and files that came from elsewhere."""
        super().notify(sanitise(message), title=sanitise(title), severity=severity, timeout=timeout, markup=False)

    def saving_failed(self) -> None:
        """The disk refused a write: say so, keep the changes, and retry until it takes them."""
        self.notify(
            f"Not saved: {self.store.save_error}. {self.store.unsaved} change(s) kept in memory; retrying every few seconds.",
            severity="error", timeout=10,
        )
        if self._retry_timer is None:
            self._retry_timer = self.set_interval(3.0, self._retry_save)

    def _retry_save(self) -> None:
        if self.store.retry_save():
            if self._retry_timer is not None:
                self._retry_timer.stop()
                self._retry_timer = None
            self.notify("All changes are saved now.", timeout=5)

    async def action_quit(self) -> None:
        if self.store.unsaved and not self._quit_anyway and not self.store.retry_save():
            self._quit_anyway = True
            self.notify(
                f"{self.store.unsaved} change(s) are not saved ({self.store.save_error}). "
                "Free some space and wait, or press q again to quit and lose them.",
                severity="error", timeout=15,
            )
            return
        self.exit()

    def on_unmount(self) -> None:
        gc.unfreeze()  # once the app is gone what it set aside is collected again (a program may start another)

    def get_default_screen(self) -> LibraryScreen:
        """The library is the first screen (no blank screen under it)."""
        return LibraryScreen()

    def on_mount(self) -> None:
        if self.config.theme:
            try:
                self.theme = self.config.theme
            except Exception:
                self.notify(f"unknown theme {self.config.theme!r} in the config; using the default", severity="warning")
        if self.config.keys:
            self.set_keymap(self.config.keys)
        for warning in self.config.warnings:
            self.notify(warning, severity="warning", timeout=10)
        for repair in self.store.repairs:
            self.notify(f"{self.store.path}: {repair}", severity="warning", timeout=12)
        if self.read_only_message:
            self.notify(f"Read-only: {self.read_only_message}", severity="warning", timeout=10)
            if hasattr(self.store, "take_over") and (self.store.held_by or "").startswith("in use"):
                self._lock_poll = self.set_interval(2.0, self._poll_lock)
        if self.watch_store:
            self._seen_version = self.store.version
            self.set_interval(0.5, self._follow_store)
        if self._corpus_given:
            self._corpus_ready()
        else:
            # What the database remembers is read here, on the UI thread: a remote store is not shared.
            self._load_corpus(known_titles(self.store), known_files(self.store), line_overrides(self.store))
        if self.ask_annotator:
            self._ask_annotator()

    @work(thread=True, exclusive=True, group="corpus")
    def _load_corpus(self, known: Mapping[str, tuple[str, int]], files: dict[str, KnownFile],
                     overrides: dict[str, dict[int, bool]]) -> None:
        """Read and clean the documents off the UI thread; the library shows the progress.

        Documents the database knows from this cleaner, unchanged on disk, are not even read; the
        others are read and cleaned for their title and words, then only those are kept. Progress
        reaches the screen a few times a second, not after every file.
        """
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - last[0] >= PROGRESS_EVERY:
                last[0] = now
                # Posted, not called: a message is safe from a thread and the reading never waits for the screen.
                self.screen.post_message(CorpusProgress(done, total))

        # The library lists the documents as they are read: they go straight into the app's corpus.
        corpus = load_corpus(self.paths, self.max_bytes, progress, known, self.encoding, files, keep_text=False,
                             overrides=overrides, into=self.corpus)
        self.call_from_thread(self._corpus_loaded, corpus)

    def _corpus_loaded(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._corpus_ready()

    def on_corpus_progress(self, message: CorpusProgress) -> None:
        """Tell the database of the documents read so far, every few seconds while the rest are
        read (the library has shown the report; it comes here after). Each telling is a journal
        line written through to the disk: not one per report."""
        now = time.monotonic()
        if now - self._remembered_at >= REMEMBER_EVERY:
            self._remembered_at = now
            self._remember_from(self._remembered)

    def _remember_from(self, start: int, also: list[SourceDocument] | None = None) -> None:
        """Remember the path, title, words and file of the corpus's documents from ``start`` on (and
        of ``also``): a later start takes them from there. Documents are only ever appended, so
        ``_remembered`` says how far the database has been told."""
        documents = self.corpus.documents[start:]  # a copy: the loader may be adding to it
        if self.store.read_only or not (documents or also):
            return
        version = cleaner_version()
        try:
            self.store.register_documents(
                [(d.id, d.path, d.title, d.words, d.source, version, d.size, d.mtime, d.encoding)
                 for d in [*(also or ()), *documents]]
            )
        except MarginError as err:
            if not self._remember_failed:  # said once, not at every report of a long start
                self.notify(f"Could not save the document list: {err}", severity="error")
            self._remember_failed = True
            return
        self._remembered = start + len(documents)
        self._remember_failed = False

    def _corpus_ready(self) -> None:
        """The documents are known: remember them, say what was skipped, reopen where the annotator was."""
        recleaned = []
        for doc_id, overrides in line_overrides(self.store).items():  # the annotator's word over the cleaner's
            doc = self.corpus.by_id(doc_id)
            if doc is not None and doc.overrides != overrides:
                doc.reclean(overrides)
                recleaned.append(doc)
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen) and screen.is_mounted:
                screen.corpus_loaded()
        # Those not told of yet, and those whose title the overrides may have changed (all of them
        # if telling failed on the way, or the list is another one).
        failed = self._remember_failed or self._remembered > len(self.corpus.documents)
        self._remember_from(0 if failed else self._remembered, recleaned)
        if self.corpus.skipped:
            lines = "\n".join(f"{s.path}: {s.reason}" for s in self.corpus.skipped[:8])
            more = f"\n… and {len(self.corpus.skipped) - 8} more" if len(self.corpus.skipped) > 8 else ""
            self.notify(f"Skipped {len(self.corpus.skipped)} files:\n{lines}{more}", severity="warning", timeout=12)
        if not self.corpus.documents:
            self.notify("No documents to show: every file was skipped (see above).", severity="error", timeout=20)
        # Reopen where the annotator was, unless they opened a document from the rows listed meanwhile.
        if self.resume and not self._asked_to_open:
            last = self.store.last_opened(among=[d.id for d in self.corpus.documents])
            if last is not None:
                self.open_document(last.id)
        large = [d for d in self.corpus.documents if not d.is_cleaned and d.size > PREPARE_AHEAD]
        if large:
            self._prepare(large)
        # The documents and the database's records live as long as the app: set them aside from the
        # cyclic garbage collector, whose full passes over them froze a library of 50,000 documents
        # for ~0.2 s at random keys (a database of 500,000 passages: longer).
        gc.freeze()

    def _poll_lock(self) -> None:
        """Read-only because another margin had the database: become the writer when it is gone."""
        try:
            taken = self.store.take_over()
        except MarginError as err:
            self.notify(f"Could not take over {self.store.path}: {err}", severity="error")
            taken = False
        if taken:
            self._lock_poll.stop()
            self.read_only_message = ""
            self.editing.read_only_reason = ""
            self.notify("The other margin has closed: this one saves your work now.", timeout=8)
        elif self.store.held_by and self.store.held_by not in self.read_only_message:
            self.read_only_message = f"{self.store.path} is {self.store.held_by}"
            self.editing.read_only_reason = self.read_only_message
        else:
            return
        for screen in self.screen_stack:
            for banner in screen.query("#banner"):
                banner.update(f"Read-only: {self.read_only_message}" if self.read_only_message else "")
                banner.display = bool(self.read_only_message)
        refresh = getattr(self.screen, "refresh_annotations", None) or getattr(self.screen, "refresh_table", None)
        if refresh is not None:
            refresh()

    def _ask_annotator(self) -> None:
        from .screens.dialogs import TextPrompt

        def named(name: str | None) -> None:
            name = (name or "").strip()
            if not name:
                self._ask_annotator()
                return
            self.annotator = name[:64]
            self.editing.annotator = self.annotator
            self.sub_title = sanitise(f"{self.annotator} · {self.store.path}")

        self.push_screen(TextPrompt("Your name (stored with each passage you tag)", placeholder="e.g. ana"), named)

    def _follow_store(self) -> None:
        """Other sessions changed the database: show their work (within half a second)."""
        try:
            version = self.store.version
        except MarginError:
            return
        if version == self._seen_version:
            return
        self._seen_version = version
        refresh = getattr(self.screen, "refresh_annotations", None) or getattr(self.screen, "refresh_table", None)
        if refresh is not None:
            refresh()

    def open_document(self, doc_id: str, *, replace: bool = False) -> None:
        self._asked_to_open = True
        doc = self.corpus.by_id(doc_id)
        if doc is None:
            self.notify("That document is no longer in the corpus.", severity="error")
            return
        if not doc.is_cleaned:
            self._clean_then_open(doc, replace)
            return
        if not self.store.read_only:
            from annotations.anchoring import reanchor_document

            try:
                report = reanchor_document(self.store, doc.id, doc.path, doc.text, doc.cleaned.to_raw_span)
            except MarginError as err:
                self.notify(f"Could not update passages: {err}", severity="error")
            else:
                if report.moved or report.orphaned:
                    self.notify(
                        f"The text changed: {report.moved} passages found again, {report.orphaned} orphaned "
                        "(listed in the side panel, never deleted).",
                        severity="warning", timeout=8,
                    )
        stored = self.store.document(doc_id)
        screen = self.document_screen(doc, position=stored.position if stored else 0)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def document_screen(self, doc: SourceDocument, position: int = 0):
        """The document screen for ``doc``, with a key for each tag of this session's tagset."""
        if self._document_screen is None:
            from .screens.document import DocumentScreen  # imported when first needed: a faster start

            self._document_screen = DocumentScreen.for_tagset(self.tagset)
        return self._document_screen(doc, position=position)

    @work(thread=True, exclusive=True, group="clean")
    def _clean_then_open(self, doc: SourceDocument, replace: bool) -> None:
        """A document known from an earlier start is cleaned when first opened, off the UI thread.

        Only the last document asked for opens (a second Enter while the first is cleaned wins).
        """
        if doc.size > LARGE_DOCUMENT:
            self.call_from_thread(self.notify, f"Preparing {doc.path}…", timeout=3)
        try:
            doc.cleaned  # noqa: B018 - cached on the document
        except Exception as err:  # the cleaner takes any text; should it ever fail, say so and stay put
            self.call_from_thread(self.notify, f"Could not prepare {doc.path}: {err}", severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self.open_document, doc.id, replace=replace)

    @work(thread=True, exclusive=True, group="prepare")
    def _prepare(self, documents: list[SourceDocument]) -> None:
        """Clean the large remembered documents ahead of their opening, off the UI thread."""
        worker = get_current_worker()
        for doc in documents:
            if worker.is_cancelled:
                return
            try:
                doc.cleaned  # noqa: B018 - cached on the document
            except Exception:  # opening it will say what is wrong
                continue

    def action_help(self) -> None:
        from .screens.dialogs import HelpScreen

        self.push_screen(HelpScreen(active_keys(self), self.tagset))
