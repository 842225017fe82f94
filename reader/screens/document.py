"""The document screen: read, select, tag, note, undo — the annotating workflow."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations import formats
from annotations.errors import MarginError
from annotations.model import Annotation, Selector
from annotations.storage import write_atomic
from annotations.transfer import Selection, bundle, export
from reader.corpus import SourceDocument
from reader.layout import display_text, sentence_span
from reader.screens.dialogs import Choice, ExportDialog, TagPicker, TextPrompt, status_choice
from reader.widgets.bars import KeyBar, TitleBar
from reader.widgets.document_view import DocumentView, Highlight

QUOTE_CHARS = 48


class DocumentScreen(Screen):
    AUTO_FOCUS = "#text"
    BINDINGS = [
        Binding("t", "pick_tag", "Tag…", id="tag_picker"),
        Binding("x", "adjust", "Adjust", id="adjust"),
        Binding("A", "tag_all", "Tag all", id="tag_all"),
        Binding("m", "note", "Note", id="note"),
        Binding("d", "delete", "Delete", id="delete"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "redo", "Redo", id="redo"),
        Binding("n", "next_annotation(1)", "Next", id="next_annotation"),
        Binding("N", "next_annotation(-1)", "Prev", show=False, id="previous_annotation"),
        Binding("slash", "search", "Search", id="search"),
        Binding("f3", "next_match(1)", "Next match", show=False, id="next_match"),
        Binding("shift+f3", "next_match(-1)", "Previous match", show=False, id="previous_match"),
        Binding("left_square_bracket", "other_document(-1)", "Prev doc", show=False, id="previous_document"),
        Binding("right_square_bracket", "other_document(1)", "Next doc", show=False, id="next_document"),
        Binding("s", "status", "Status", id="status"),
        Binding("r", "raw", "Raw", id="raw"),
        Binding("e", "export", "Export", id="export"),
        Binding("a", "toggle_annotators", "Mine/all", id="toggle_annotators"),
        Binding("R", "review", "Review", id="review"),
        Binding("enter", "save_adjust", "Save span", show=False, id="save_adjust"),
        Binding("tab", "focus_panel", "Panel", show=False),
        Binding("escape", "escape", "Back", id="back"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, document: SourceDocument, position: int = 0) -> None:
        super().__init__()
        self.document = document
        self.position = position
        self.raw_view = False
        self.mine_only = False
        self.adjusting: Annotation | None = None
        self._matches: list[tuple[int, int]] = []
        self._search = ""
        self._save_timer: Timer | None = None
        self._panel_ids: list[str] = []
        self._panel_pending = False
        for tag in self.app.tagset:
            if tag.key:
                self._bindings.bind(tag.key, f"tag('{tag.name}')", tag.name, show=True)

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="banner", classes="banner")
        yield Static(id="doc-title")
        with Horizontal(id="reader"):
            yield DocumentView(id="text")
            yield OptionList(id="panel")
        yield Input(placeholder="search…", id="search")
        yield Static(id="status-line")
        yield KeyBar()

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def store(self):
        return self.app.store

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        banner = self.query_one("#banner", Static)
        banner.update(self.app.read_only_message or "")
        banner.display = bool(self.app.read_only_message)
        self.view.set_text(self.document.text, cursor=min(self.position, max(0, len(self.document.text) - 1)))
        self.refresh_annotations()
        self.view.focus()
        self._remember_position()

    def on_unmount(self) -> None:
        self._remember_position()

    def on_screen_suspend(self) -> None:
        self._remember_position()

    def _title_line(self) -> Text:
        stored = self.store.document(self.document.id)
        status = stored.status if stored else "new"
        line = Text()
        line.append(display_text(self.document.title), style="bold")
        line.append(f"   {self.document.path} · {status}", style="dim")
        if self.raw_view:
            line.append("   RAW PAGE (dropped lines dimmed; press r for the article)", style="bold reverse")
        if self.adjusting is not None:
            line.append("   ADJUSTING: move the ends, v or Enter saves, Esc cancels", style="bold reverse")
        everyone = sorted({a.annotator or "?" for a in self.store.annotations(document=self.document.id)})
        if self.mine_only:
            line.append(f"   showing mine ({self.app.annotator}) · a: everyone", style="italic")
        elif len(everyone) > 1:
            line.append(f"   showing everyone ({', '.join(everyone)}) · a: mine only", style="italic")
        return line

    # -- annotations shown ------------------------------------------------------------------

    def visible(self) -> list[Annotation]:
        """The passages shown: everyone's, or with ``a`` only this annotator's."""
        anns = self.store.annotations(document=self.document.id)
        if self.mine_only:
            anns = [a for a in anns if a.annotator == self.app.annotator]
        return anns

    def annotations(self) -> list[Annotation]:
        return [a for a in self.visible() if not a.orphan]

    def _own_passage_at_cursor(self, none_message: str) -> Annotation | None:
        """The passage under the cursor if this annotator may change it; else say why and give None."""
        ann = self.annotation_at(self.view.cursor)
        if ann is None:
            self.notify(none_message, severity="warning")
            return None
        return ann if self._editable(ann) else None

    def _editable(self, ann: Annotation) -> bool:
        if ann.annotator in ("", self.app.annotator) or self.app.config.edit_others:
            return True
        self.notify(
            f"This passage is {ann.annotator}'s: it is shown, not changed (set edit_others = true in the config "
            "to allow it, or use R to review).", severity="warning", timeout=6,
        )
        return False

    def refresh_annotations(self) -> None:
        tagset = self.app.tagset
        anns = self.visible()
        if self.raw_view:
            highlights = [Highlight(a.raw_start, a.raw_end, tagset.colour(a.tag), a.id) for a in anns if not a.orphan]
        else:
            highlights = [Highlight(a.start, a.end, tagset.colour(a.tag), a.id) for a in anns if not a.orphan]
        self.view.set_highlights(highlights)
        self.query_one("#doc-title", Static).update(self._title_line())
        # The side panel is rebuilt once per burst of changes, after the next refresh: a run of
        # edits (tag-all, undo chains) costs one rebuild, not one per change.
        if not self._panel_pending:
            self._panel_pending = True
            self.call_after_refresh(self._rebuild_panel)

    def _rebuild_panel(self) -> None:
        self._panel_pending = False
        if not self.is_mounted:
            return
        tagset = self.app.tagset
        anns = self.visible()
        panel = self.query_one("#panel", OptionList)
        highlighted = panel.highlighted
        panel.clear_options()
        self._panel_ids = []
        options = []
        for a in anns:
            label = Text()
            label.append(f" {a.tag} ", style=f"bold {tagset.colour(a.tag)} reverse")
            if a.annotator and a.annotator != self.app.annotator:
                label.append(f" {a.annotator}", style="italic dim")
            if a.orphan:
                label.append(" orphan", style="bold red")
            quote = display_text(a.text.replace("\n", " "))
            label.append(" " + (quote[:QUOTE_CHARS] + "…" if len(quote) > QUOTE_CHARS else quote))
            if a.note:
                label.append(f"\n   ✎ {display_text(a.note)}", style="italic")
            options.append(Option(label, id=a.id))
            self._panel_ids.append(a.id)
        panel.add_options(options)
        if not options:
            panel.add_option(Option(Text("No passages yet.\nSelect with v, tag with 1 2 3 or t.", style="dim"), disabled=True))
        elif highlighted is not None and highlighted < len(options):
            panel.highlighted = highlighted
        self._follow_cursor()

    def annotation_at(self, offset: int) -> Annotation | None:
        """The innermost passage under ``offset``."""
        hits = [a for a in self.annotations() if a.start <= offset < a.end]
        return min(hits, key=lambda a: a.end - a.start) if hits else None

    @on(DocumentView.CursorMoved)
    def cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        if not self.raw_view:
            self.position = event.offset
        self._follow_cursor()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.8, self._remember_position)

    def _follow_cursor(self) -> None:
        if not self._panel_ids or self.raw_view:
            return
        cursor = self.view.cursor
        ann = self.annotation_at(cursor)
        if ann is None:
            before = [a for a in self.annotations() if a.start <= cursor]
            ann = before[-1] if before else None
        if ann is not None and ann.id in self._panel_ids:
            self.query_one("#panel", OptionList).highlighted = self._panel_ids.index(ann.id)

    def _remember_position(self) -> None:
        if self.store.read_only:
            return
        stored = self.store.document(self.document.id)
        if stored is not None and stored.position == self.position and stored.last_opened:
            return
        try:
            self.store.set_position(self.document.id, self.position)
        except MarginError as err:
            self.notify(str(err), severity="error")

    @on(OptionList.OptionSelected, "#panel")
    def jump_to(self, event: OptionList.OptionSelected) -> None:
        ann = self.store.get(str(event.option.id))
        if ann is not None and not ann.orphan:
            self.view.move_to(ann.start, center=True)
            self.view.focus()

    def action_focus_panel(self) -> None:
        panel = self.query_one("#panel", OptionList)
        (self.view if panel.has_focus else panel).focus()

    # -- changing -------------------------------------------------------------------------

    def _can_edit(self) -> bool:
        if self.app.read_only_message:
            self.notify(f"Read-only: {self.app.read_only_message}. Nothing can be tagged here.", severity="warning")
            return False
        if self.raw_view:
            self.notify("This is the raw page; press r to return to the article and tag there.", severity="warning")
            return False
        return True

    def _target_span(self) -> tuple[int, int] | None:
        selection = self.view.selection
        if selection is not None:
            return selection
        if not self.document.text:
            return None
        start, end = sentence_span(self.document.text, self.view.cursor)
        return (start, end) if end > start else None

    def _selector(self, start: int, end: int) -> tuple[Selector, int, int]:
        raw_start, raw_end = self.document.cleaned.to_raw_span(start, end)
        return Selector.from_span(self.document.text, start, end), raw_start, raw_end

    def _write(self, action, label: str) -> object | None:
        """Run a store change; a failure is shown, and nothing on screen pretends it was saved."""
        try:
            result = action()
        except MarginError as err:
            self.notify(f"Not saved: {err}", severity="error", timeout=8)
            return None
        if self.store.unsaved:
            self.app.saving_failed()
        return result

    def say(self, message: str) -> None:
        """Routine feedback (saved, undone, …) goes to the status line; toasts are for warnings and errors."""
        self.query_one("#status-line", Static).update(Text(display_text(message)))

    def _saved_word(self) -> str:
        return "kept in memory, NOT saved yet" if self.store.unsaved else "saved"

    def action_tag(self, tag: str) -> None:
        if not self._can_edit():
            return
        if self.adjusting is not None:
            self._save_adjust(tag)
            return
        span = self._target_span()
        if span is None:
            self.notify("Nothing to tag here.", severity="warning")
            return
        selector, raw_start, raw_end = self._selector(*span)
        ann = self._write(
            lambda: self.store.create(
                document=self.document.id, tag=tag, selector=selector, raw_start=raw_start, raw_end=raw_end,
                annotator=self.app.annotator,
            ),
            "tag",
        )
        if ann is None:
            return
        self.app.history.record(None, ann, f"tag {tag}")
        stored = self.store.document(self.document.id)
        if stored is None or stored.status == "new":
            self._write(lambda: self.store.set_status(self.document.id, "in progress", self.app.annotator), "status")
        self.view.clear_selection()
        self.refresh_annotations()
        self.say(f"{tag}: “{_short(ann.text, 24)}” {self._saved_word()}")

    def action_pick_tag(self) -> None:
        if not self._can_edit():
            return
        current = self.annotation_at(self.view.cursor)

        def picked(tag: str | None) -> None:
            if tag is None:
                return
            if self.view.selection is None and self.adjusting is None and current is not None:
                if self._editable(current):
                    self._retag(current, tag)
            else:
                self.action_tag(tag)

        self.app.push_screen(TagPicker(self.app.tagset, current.tag if current else None), picked)

    def _retag(self, ann: Annotation, tag: str) -> None:
        after = self._write(lambda: self.store.retag(ann.id, tag), "retag")
        if after is not None:
            self.app.history.record(ann, after, f"retag {tag}")
            self.refresh_annotations()
            self.say(f"retagged as {tag} {self._saved_word()}")

    def action_adjust(self) -> None:
        if not self._can_edit():
            return
        ann = self._own_passage_at_cursor("No passage under the cursor to adjust.")
        if ann is None:
            return
        self.adjusting = ann
        self.view.anchor = ann.start
        self.view.selecting = True
        self.view.move_to(ann.end - 1)
        self.query_one("#doc-title", Static).update(self._title_line())

    def action_save_adjust(self) -> None:
        if self.adjusting is not None:
            self._save_adjust(None)
        elif self.focused is self.view and self.view.selection is not None:
            self.action_pick_tag()

    @on(DocumentView.SelectionFixed)
    def selection_fixed(self, event: DocumentView.SelectionFixed) -> None:
        if self.adjusting is not None:
            self._save_adjust(None)

    def _save_adjust(self, tag: str | None) -> None:
        ann = self.adjusting
        span = self.view.selection
        self.adjusting = None
        if ann is None or span is None:
            self.view.clear_selection()
            self.refresh_annotations()
            return
        selector, raw_start, raw_end = self._selector(*span)

        def change() -> Annotation:
            moved = self.store.move(ann.id, selector, raw_start, raw_end)
            return self.store.retag(ann.id, tag) if tag and tag != moved.tag else moved

        after = self._write(change, "adjust")
        self.view.clear_selection()
        if after is not None:
            self.app.history.record(ann, after, "adjust")
            self.say(f"span {self._saved_word()}: “{_short(after.text)}”")
        self.refresh_annotations()

    def action_tag_all(self) -> None:
        if not self._can_edit():
            return
        selection = self.view.selection
        current = self.annotation_at(self.view.cursor)
        if selection is not None:
            quote = self.document.text[selection[0] : selection[1]]
            tag = current.tag if current and (current.start, current.end) == selection else None
        elif current is not None:
            quote, tag = current.text, current.tag
        else:
            self.notify("Select a passage (or stand on one) to tag its other occurrences.", severity="warning")
            return

        def go(scope: str | None, tag: str | None = tag) -> None:
            if scope is None:
                return
            if tag is None:
                self.app.push_screen(TagPicker(self.app.tagset), lambda t: t and go(scope, t))
                return
            docs = [self.document] if scope == "this" else self.app.corpus.documents
            added = self._tag_occurrences(quote, tag, docs)
            self.view.clear_selection()
            self.refresh_annotations()
            where = "this document" if scope == "this" else f"{len(docs)} documents"
            self.notify(f"tagged {added} more occurrence{'s' if added != 1 else ''} of “{_short(quote)}” as {tag} in {where}")

        self.app.push_screen(
            Choice(f"Tag every other “{_short(quote)}”", [("this", "in this document"), ("all", "in all documents")]),
            go,
        )

    def _tag_occurrences(self, quote: str, tag: str, docs: list[SourceDocument]) -> int:
        added = 0
        for doc in docs:
            taken = {(a.start, a.end) for a in self.store.annotations(document=doc.id, tags=[tag])}
            text = doc.text
            for m in re.finditer(re.escape(quote), text):
                if (m.start(), m.end()) in taken:
                    continue
                raw_start, raw_end = doc.cleaned.to_raw_span(m.start(), m.end())
                ann = self._write(
                    lambda m=m, doc=doc, text=text, raw_start=raw_start, raw_end=raw_end: self.store.create(
                        document=doc.id, tag=tag, selector=Selector.from_span(text, m.start(), m.end()),
                        raw_start=raw_start, raw_end=raw_end, annotator=self.app.annotator,
                    ),
                    "tag",
                )
                if ann is None:
                    return added
                self.app.history.record(None, ann, f"tag {tag}")
                added += 1
        return added

    def action_note(self) -> None:
        if not self._can_edit():
            return
        ann = self._own_passage_at_cursor("No passage under the cursor: tag one first, then m adds a note.")
        if ann is None:
            return

        def done(note: str | None) -> None:
            if note is None or note == ann.note:
                return
            after = self._write(lambda: self.store.set_note(ann.id, note), "note")
            if after is not None:
                self.app.history.record(ann, after, "note")
                self.refresh_annotations()
                self.say(f"note {self._saved_word()}")

        self.app.push_screen(TextPrompt(f"Note on “{_short(ann.text)}”", ann.note), done)

    def action_delete(self) -> None:
        if not self._can_edit():
            return
        ann = self._own_passage_at_cursor("No passage under the cursor to delete.")
        if ann is None:
            return
        if self._write(lambda: self.store.delete(ann.id), "delete") is not None:
            self.app.history.record(ann, None, "delete")
            self.refresh_annotations()
            self.say(f"deleted {ann.tag} “{_short(ann.text)}” (u undoes)")

    def action_undo(self) -> None:
        self._history_step(undo=True)

    def action_redo(self) -> None:
        self._history_step(undo=False)

    def _history_step(self, *, undo: bool) -> None:
        if self.app.read_only_message:
            self._can_edit()
            return
        try:
            change = self.app.history.undo() if undo else self.app.history.redo()
        except MarginError as err:
            self.notify(f"Not saved: {err}", severity="error")
            return
        if change is None:
            self.say("Nothing to undo." if undo else "Nothing to redo.")
            return
        self.refresh_annotations()
        self.say(f"{'undone' if undo else 'redone'}: {change.label}")

    def action_next_annotation(self, step: int) -> None:
        anns = self.annotations()
        if not anns:
            self.say("No passages in this document yet.")
            return
        cursor = self.view.cursor
        if step > 0:
            target = next((a for a in anns if a.start > cursor), anns[0])
        else:
            target = next((a for a in reversed(anns) if a.start < cursor), anns[-1])
        self.view.move_to(target.start, center=True)

    # -- search -------------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self._search
        box.focus()

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        query = event.value
        if query != self._search or not self._matches:
            self._search = query
            text = self.view.text.lower()
            needle = query.lower()
            self._matches = []
            if needle:
                start = text.find(needle)
                while start >= 0 and len(self._matches) < 100_000:
                    self._matches.append((start, start + len(needle)))
                    start = text.find(needle, start + 1)
            self.view.set_matches(self._matches)
            if not self._matches:
                self.notify(f"“{query}” is not in this document.", severity="warning", timeout=3)
                return
            self.say(f"{len(self._matches)} matches · F3 next, shift+F3 previous")
        self.action_next_match(1)
        event.input.display = False
        self.view.focus()

    def action_next_match(self, step: int) -> None:
        if not self._matches:
            return
        cursor = self.view.cursor
        if step > 0:
            target = next((m for m in self._matches if m[0] > cursor), self._matches[0])
        else:
            target = next((m for m in reversed(self._matches) if m[0] < cursor), self._matches[-1])
        self.view.move_to(target[0], center=True)

    # -- other documents, status, raw, export ------------------------------------------------

    def action_other_document(self, step: int) -> None:
        docs = self.app.corpus.documents
        index = next((i for i, d in enumerate(docs) if d.id == self.document.id), 0)
        self._remember_position()
        self.app.open_document(docs[(index + step) % len(docs)].id, replace=True)

    def action_status(self) -> None:
        if self.app.read_only_message:
            self._can_edit()
            return
        stored = self.store.document(self.document.id)

        def chosen(status: str | None) -> None:
            if status and self._write(
                lambda: self.store.set_status(self.document.id, status, self.app.annotator), "status"
            ):
                self.query_one("#doc-title", Static).update(self._title_line())
                self.say(f"status: {status}")

        self.app.push_screen(status_choice(stored.status if stored else "new"), chosen)

    def action_raw(self) -> None:
        self._remember_position()
        self.raw_view = not self.raw_view
        cleaned = self.document.cleaned
        if self.raw_view:
            dimmed = [(d.start, d.end) for d in cleaned.dropped]
            raw_cursor = cleaned.to_raw(self.view.cursor)
            self.view.set_text(self.document.raw, cursor=raw_cursor, dimmed=dimmed)
        else:
            self.view.set_text(self.document.text, cursor=self.position)
        self._matches = []
        self.refresh_annotations()

    def action_export(self) -> None:
        def chosen(choice: dict | None) -> None:
            if choice:
                self.say(f"exporting {choice['format']} to {choice['path']}…")
                self.run_worker(lambda: self._export(choice), thread=True, exclusive=True, group="export")

        self.app.push_screen(ExportDialog(self.app.tagset, Path.cwd()), chosen)

    def _export(self, choice: dict) -> None:

        path = Path(choice["path"]).expanduser()
        name = choice["format"]
        texts = {d.id: d.text for d in self.app.corpus.documents} if formats.needs_text(name) else {}
        selection = Selection(tags=tuple(choice["tags"]))
        try:
            module = formats.get(name)
            if getattr(module, "WRITES_FOLDER", False) and path.suffix != ".zip":
                module.write_folder(bundle(self.store, selection, texts), path)
            else:
                write_atomic(path, export(self.store, name, selection, texts))
        except (OSError, MarginError, KeyError) as err:
            self.app.call_from_thread(self.notify, f"Export failed: {err}", severity="error")
            return
        self.app.call_from_thread(self.notify, f"exported {name} to {path}", timeout=6)
        self.app.call_from_thread(self.say, f"exported {name} to {path}")

    def action_toggle_annotators(self) -> None:
        self.mine_only = not self.mine_only
        self.refresh_annotations()
        self.say("showing only your passages" if self.mine_only else "showing everyone's passages")

    def action_review(self) -> None:
        if self.app.read_only_message:
            self._can_edit()
            return
        from reader.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.document), lambda _: self.refresh_annotations())

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
            self.view.focus()
            return
        if self.adjusting is not None:
            self.adjusting = None
            self.view.clear_selection()
            self.query_one("#doc-title", Static).update(self._title_line())
            return
        if self.view.anchor is not None:
            self.view.clear_selection()
            return
        if self._matches:
            self._matches = []
            self.view.set_matches([])
            return
        self._remember_position()
        self.app.pop_screen()


def _short(text: str, n: int = 40) -> str:
    text = display_text(text.replace("\n", " "))
    return text if len(text) <= n else text[: n - 1] + "…"
