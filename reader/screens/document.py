"""The document screen: the keys of the annotating workflow, and what they show.

Every change goes through the app's ``EditingSession`` (``annotations.editing``),
which decides what a span saves as, refuses duplicates and others' passages,
records undo steps and says whether the disk took the change. This screen maps
keys to those calls, keeps the selection and the side panel in step, and says
what happened.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.style import Style as ContentStyle
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations import formats
from annotations.editing import Edit, EditingSession, short
from annotations.errors import MarginError
from annotations.model import Annotation, Tagset
from annotations.textsearch import find_all, fold, smart_case
from annotations.transfer import Selection, export, export_to
from reader.corpus import SourceDocument
from reader.layout import display_text
from reader.screens.dialogs import Choice, ExportDialog, TagPicker, TextPrompt, status_choice
from reader.widgets.bars import KeyBar, TitleBar
from reader.widgets.document_view import DocumentView, Highlight

QUOTE_CHARS = 48
NONE = "\x00none"  # the choice that clears a value (an id no real value has)
T = TypeVar("T")


class DocumentScreen(Screen):
    AUTO_FOCUS = "#text"
    BINDINGS = [
        Binding("t", "pick_tag", "Tag…", id="tag_picker"),
        Binding("x", "adjust", "Adjust", id="adjust"),
        Binding("A", "tag_all", "Tag all", id="tag_all"),
        Binding("m", "note", "Note", id="note"),
        Binding("d", "delete", "Delete", id="delete"),
        Binding("c", "confirm", "Confirm", id="confirm"),
        Binding("l", "link", "Link", id="link"),
        Binding("J", "jump_link", "Other end", show=False, id="jump_link"),
        Binding("K", "unlink", "Unlink", show=False, id="unlink"),
        Binding("i", "attributes", "Attributes", id="attributes"),
        Binding("L", "document_labels", "Doc labels", show=False, id="document_labels"),
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
        Binding("plus", "override(True)", "Keep line", id="keep_line"),
        Binding("minus", "override(False)", "Drop line", id="drop_line"),
        Binding("e", "export", "Export", id="export"),
        Binding("a", "toggle_annotators", "Mine/all", id="toggle_annotators"),
        Binding("R", "review", "Review", id="review"),
        Binding("enter", "save_adjust", "Save span", show=False, id="save_adjust"),
        Binding("tab", "focus_panel", "Panel", show=False),
        Binding("p", "toggle_panel", "Side panel", show=False, id="toggle_panel"),
        Binding("escape", "escape", "Back", id="back"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, document: SourceDocument, position: int = 0) -> None:
        super().__init__()
        self.document = document
        self.position = position
        self._has_view = False  # the document's view is composed (keys act only then)
        self.raw_view = False
        self.mine_only = False
        self.adjusting: Annotation | None = None
        self.linking: Annotation | None = None  # l: the passage a link starts from, until Enter or Esc
        self._matches: list[tuple[int, int]] = []
        self._search = ""
        self._save_timer: Timer | None = None
        self._panel_ids: list[str] = []
        self._panel_pending = False
        self._panel_styles: dict[tuple[str, int], ContentStyle] = {}  # (Rich style, theme) → the panel's
        self.panel_wanted: bool | None = None  # p: the annotator's choice; None: as the width allows

    @staticmethod
    def for_tagset(tagset: Tagset) -> type[DocumentScreen]:
        """The screen class with a key for each tag (binding id ``tag_<name>``, so ``[keys]`` can remap it).

        Tags come from the config, so their bindings are declared on a subclass made for this tagset:
        Textual reads ``BINDINGS`` from the class, and the keymap, help, key line and palette see them.
        """
        bindings = [Binding(tag.key, f"tag('{tag.name}')", tag.name, id=f"tag_{tag.name}")
                    for tag in tagset if tag.key]
        return type("DocumentScreen", (DocumentScreen,), {"BINDINGS": bindings})

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="banner", classes="banner")
        yield Static(id="doc-title")
        with Horizontal(id="reader"):
            yield DocumentView(id="text")
            yield OptionList(id="panel")
        yield Static(id="current-passage")
        yield Input(placeholder="search…", id="search")
        yield Static(id="status-line")
        yield KeyBar()

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def store(self):
        return self.app.store

    @property
    def session(self) -> EditingSession:
        return self.app.editing

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        banner = self.query_one("#banner", Static)
        message = self.app.read_only_message
        banner.update(f"Read-only: {message}" if message else "")
        banner.display = bool(message)
        self.view.span_rule = self._span_rule
        self.view.set_text(self.document.text, cursor=min(self.position, len(self.document.text)))
        self._arrange()
        self.refresh_annotations()
        self.view.focus()
        self._remember_position()

    def _span_rule(self, start: int, end: int) -> tuple[int, int] | None:
        """The selection is drawn as the session will save it (not in the raw page, which is never tagged)."""
        return (start, end) if self.raw_view else self.session.span(self.document, start, end)

    # -- responsive layout ------------------------------------------------------------------

    #: The text column keeps at least this many columns while the terminal has them.
    TEXT_MIN = 50
    PANEL_MIN = 28

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """Side panel: a share of the width, hidden when the text would drop below ``TEXT_MIN`` columns
        (``p`` shows or hides it whatever the width); hidden, the passage under the cursor shows in a
        line under the text."""
        width = self.size.width
        panel = self.query_one("#panel", OptionList)
        share = max(self.PANEL_MIN, min(60, int(width * 0.35)))
        fits = width - share >= self.TEXT_MIN + 2
        shown = fits if self.panel_wanted is None else self.panel_wanted
        panel.display = shown
        if shown:
            panel.styles.width = share if fits else max(self.PANEL_MIN, width // 2)
        line = self.query_one("#current-passage", Static)
        line.display = not shown and not self.raw_view
        self._show_current()

    def action_toggle_panel(self) -> None:
        self.panel_wanted = not self.query_one("#panel", OptionList).display
        self._arrange()

    def _show_current(self) -> None:
        """The one-line view of the passage under the cursor, when the side panel is hidden."""
        line = self.query_one("#current-passage", Static)
        if not line.display:
            return
        ann = self.annotation_at(self.view.cursor)
        if ann is None:
            line.update(Text(f"{len(self.annotations())} passages · p shows the side panel", style="dim"))
            return
        shown = Text()
        shown.append(f" {display_text(ann.tag)} ", style=f"bold {self.app.tagset.colour(ann.tag)} reverse")
        if ann.review:
            shown.append(" review", style="bold yellow")
        shown.append(" " + display_text(ann.text.replace("\n", " ")))
        if ann.note:
            shown.append(f"  ✎ {display_text(ann.note)}", style="italic")
        shown.no_wrap = True
        shown.overflow = "ellipsis"
        line.update(shown)

    def on_unmount(self) -> None:
        self._remember_position()

    def on_screen_suspend(self) -> None:
        self._remember_position()

    def _title_line(self) -> Text:
        stored = self.store.document(self.document.id)
        status = stored.status if stored else "new"
        line = Text()
        line.append(display_text(self.document.title), style="bold")
        line.append(f"   {display_text(self.document.path)} · {status}", style="dim")
        if self.raw_view:
            line.append("   RAW PAGE (dropped lines dimmed; press r for the article)", style="bold reverse")
        if self.adjusting is not None:
            line.append("   ADJUSTING: move the ends (o: the other end), v or Enter saves, Esc cancels",
                        style="bold reverse")
        if self.linking is not None:
            line.append(f"   LINKING from {display_text(self.linking.tag)} “{short(display_text(self.linking.text), 24)}”: "
                        "go to the other passage, Enter links, Esc cancels", style="bold reverse")
        stored_labels = stored.labels.get(self.app.annotator, {}) if stored else {}
        if stored_labels:
            shown = "; ".join(f"{k}: {', '.join(v)}" for k, v in stored_labels.items())
            line.append(f"   {display_text(shown)}", style="italic")
        everyone = sorted({a.annotator or "?" for a in self.store.annotations(document=self.document.id)})
        if self.mine_only:
            line.append(f"   showing mine ({display_text(self.app.annotator)}) · a: everyone", style="italic")
        elif len(everyone) > 1:
            line.append(f"   showing everyone ({display_text(', '.join(everyone))}) · a: mine only", style="italic")
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

    def _panel_style(self, spec: str) -> ContentStyle:
        """A Rich style (``"bold red reverse"``) as the side panel's labels hold it, converted once."""
        theme = self.app.ansi_theme
        converted = self._panel_styles.get((spec, id(theme)))
        if converted is None:
            converted = ContentStyle.from_rich_style(self.app.console.get_style(spec), theme)
            self._panel_styles[(spec, id(theme))] = converted
        return converted

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
        by_id = {a.id: a for a in anns}
        links: dict[str, list] = {}
        for rel in self.store.relations(document=self.document.id):
            links.setdefault(rel.from_id, []).append(rel)
            links.setdefault(rel.to_id, []).append(rel)
        styled = self._panel_style
        for a in anns:
            parts: list[str | tuple[str, ContentStyle]] = [
                (f" {display_text(a.tag)} ", styled(f"bold {tagset.colour(a.tag)} reverse"))
            ]
            if a.annotator and a.annotator != self.app.annotator:
                parts.append((f" {display_text(a.annotator)}", styled("italic dim")))
            if a.orphan:
                parts.append((" orphan", styled("bold red")))
            elif a.review:
                parts.append((" review (c confirms)", styled("bold yellow")))
            quote = display_text(a.text.replace("\n", " "))
            parts.append(" " + (quote[:QUOTE_CHARS] + "…" if len(quote) > QUOTE_CHARS else quote))
            if a.attributes:
                parts.append(("\n   " + display_text(" · ".join(f"{k}={v}" for k, v in a.attributes.items())),
                              styled("dim")))
            for rel in links.get(a.id, []):
                other_id = rel.to_id if rel.from_id == a.id else rel.from_id
                other = by_id.get(other_id) or self.store.get(other_id)
                arrow = "→" if rel.from_id == a.id else "←"
                known = "" if self.session.schema.relation(rel.type) else " (not in the schema)"
                target = f"{other.tag}: “{short(display_text(other.text), 30)}”" if other else "(gone)"
                parts.append((f"\n   {arrow} {display_text(rel.type)}{known} {display_text(target)}", styled("italic")))
            if a.note:
                parts.append((f"\n   ✎ {display_text(a.note)}", styled("italic")))
            # Content, not Rich Text: a list of 1,000 passages would convert each label before measuring it.
            label = Content.assemble(*parts)
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
        self._show_current()
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

    def say(self, message: str) -> None:
        """Routine feedback (saved, undone, …) goes to the status line; toasts are for warnings and errors."""
        self.query_one("#status-line", Static).update(Text(display_text(message)))

    def _in_article(self) -> bool:
        if self.raw_view:
            self.notify("This is the raw page; press r to return to the article and tag there.", severity="warning")
            return False
        return True

    def _run(self, call: Callable[[], T]) -> T | None:
        """Ask the session for a change; a refusal or failure is shown, nothing pretends to be saved."""
        try:
            result = call()
        except MarginError as err:
            self.notify(str(err)[:1].upper() + str(err)[1:], severity="warning", timeout=6)
            return None
        if self.store.unsaved:
            self.app.saving_failed()
        return result

    def _shown(self, edit: Edit, message: str) -> None:
        self.refresh_annotations()
        self.say(f"{message} {edit.saved_word}")

    def action_tag(self, tag: str) -> None:
        if not self._in_article():
            return
        if self.adjusting is not None:
            self._save_adjust(tag)
            return
        selection = self.view.selection
        if selection is not None:
            edit = self._run(lambda: self.session.tag(self.document, *selection, tag))
        elif self.view.anchor is not None:
            self.notify("The selection holds only white space: nothing to tag.", severity="warning")
            return
        else:
            edit = self._run(lambda: self.session.tag_sentence(self.document, self.view.cursor, tag))
        if edit is None:
            return
        self.view.clear_selection()
        (ann,) = edit.after
        self._shown(edit, f"{tag}: “{short(display_text(ann.text), 24)}”")

    def action_pick_tag(self) -> None:
        if not self._in_article():
            return
        current = self.annotation_at(self.view.cursor)

        def picked(tag: str | None) -> None:
            if tag is None:
                return
            if self.view.anchor is None and self.adjusting is None and current is not None:
                edit = self._run(lambda: self.session.retag(current.id, tag))
                if edit is not None:
                    self._shown(edit, f"retagged as {tag}")
            else:
                self.action_tag(tag)

        self.app.push_screen(TagPicker(self.app.tagset, current.tag if current else None), picked)

    def _passage_here(self, none_message: str) -> Annotation | None:
        ann = self.annotation_at(self.view.cursor)
        if ann is None:
            self.notify(none_message, severity="warning")
            return None
        if not self.session.may_edit(ann):
            self._run(lambda: self.session.require_own(ann))  # the session says whose it is
            return None
        return ann

    def action_adjust(self) -> None:
        if not self._in_article():
            return
        ann = self._passage_here("No passage under the cursor to adjust.")
        if ann is None:
            return
        self.adjusting = ann
        self.view.anchor = ann.start
        self.view.selecting = True
        self.view.move_to(ann.end)
        self.query_one("#doc-title", Static).update(self._title_line())

    def action_save_adjust(self) -> None:
        if self.linking is not None:
            self._finish_link()
        elif self.adjusting is not None:
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
        self.view.clear_selection()
        if ann is not None and span is not None:
            edit = self._run(lambda: self.session.adjust(self.document, ann.id, *span, tag))
            if edit is not None:
                (after,) = edit.after
                self.say(f"span {edit.saved_word}: “{short(display_text(after.text))}”")
        self.refresh_annotations()

    def action_tag_all(self) -> None:
        if not self._in_article():
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
        shown = short(display_text(quote))

        def go(choice: str | None, tag: str | None = tag) -> None:
            if choice is None:
                return
            if tag is None:
                self.app.push_screen(TagPicker(self.app.tagset), lambda t: t and go(choice, t))
                return
            scope, _, words = choice.partition(":")
            docs = [self.document] if scope == "this" else self.app.corpus.documents
            edit = self._run(lambda: self.session.tag_occurrences(docs, quote, tag, whole_words=words == "words"))
            if edit is None:
                return
            self.view.clear_selection()
            added = len(edit.after)
            where = "this document" if scope == "this" else f"{len(docs)} documents"
            self._shown(edit, f"tagged {added} more occurrence{'s' if added != 1 else ''} of “{shown}” as {tag} in "
                              f"{where} (one u undoes them all);")

        self.app.push_screen(
            Choice(f"Tag every other “{shown}”", [
                ("this:words", "in this document, whole words"),
                ("all:words", "in all documents, whole words"),
                ("this:any", "in this document, also inside longer words"),
                ("all:any", "in all documents, also inside longer words"),
            ]),
            go,
        )

    def action_note(self) -> None:
        if not self._in_article():
            return
        ann = self._passage_here("No passage under the cursor: tag one first, then m adds a note.")
        if ann is None:
            return

        def done(note: str | None) -> None:
            if note is None or note == ann.note:
                return
            edit = self._run(lambda: self.session.note(ann.id, note))
            if edit is not None:
                self._shown(edit, "note")

        self.app.push_screen(TextPrompt(f"Note on “{short(display_text(ann.text))}”", ann.note), done)

    # -- relations, attributes, document labels ---------------------------------------------

    def action_link(self) -> None:
        """Start a link at the passage under the cursor; Enter on another passage makes it."""
        if not self._in_article():
            return
        ann = self.annotation_at(self.view.cursor)
        if ann is None:
            self.notify("No passage under the cursor to link from.", severity="warning")
            return
        self.linking = ann
        self.query_one("#doc-title", Static).update(self._title_line())
        self.say("linking: move to the other passage (n/N, arrows, /), Enter links it, Esc cancels")

    def _finish_link(self) -> None:
        source = self.linking
        target = self.annotation_at(self.view.cursor)
        if source is None:
            return
        if target is None or target.id == source.id:
            self.notify("Move to another passage to link to, then Enter (Esc cancels).", severity="warning")
            return
        self.linking = None
        self.query_one("#doc-title", Static).update(self._title_line())
        fitting = self.session.schema.relations_between(source.tag, target.tag)

        def make(kind: str | None) -> None:
            if kind is None:
                return
            edit = self._run(lambda: self.session.link(source.id, target.id, kind))
            if edit is not None:
                self._shown(edit, f"linked {source.tag} → {target.tag} ({kind})")

        if fitting:
            self._choose("Which relation?", [(r.name, f"{r.name} — {r.definition}") for r in fitting], make)
        else:
            self._run(lambda: self.session.link(source.id, target.id))  # says why no relation fits

    def _choose(self, title: str, choices: list[tuple[str, str]], then: Callable[[str | None], None]) -> None:
        """Ask which of ``choices`` (value, label) — or, when there is only one, take it at once."""
        if len(choices) == 1:
            then(choices[0][0])
        else:
            self.app.push_screen(Choice(title, choices), then)

    def _links_here(self) -> list:
        ann = self.annotation_at(self.view.cursor)
        return self.store.relations_of(ann.id) if ann is not None else []

    def action_jump_link(self) -> None:
        """Go to the other end of the passage's (first) relation."""
        ann = self.annotation_at(self.view.cursor)
        links = self._links_here()
        if ann is None or not links:
            self.say("No relation here.")
            return
        rel = links[0]
        other = self.store.get(rel.to_id if rel.from_id == ann.id else rel.from_id)
        if other is not None and not other.orphan and other.document == self.document.id:
            self.view.move_to(other.start, center=True)

    def action_unlink(self) -> None:
        links = self._links_here()
        if not links:
            self.say("No relation here to remove.")
            return

        def chosen(rel_id: str | None) -> None:
            if rel_id:
                edit = self._run(lambda: self.session.unlink(rel_id))
                if edit is not None:
                    self._shown(edit, "relation removed (u undoes)")

        self._choose("Remove which relation?", [(r.id, r.type) for r in links], chosen)

    def action_attributes(self) -> None:
        """The attributes the schema gives this passage's tag: choose one, then its value."""
        if not self._in_article():
            return
        ann = self._passage_here("No passage under the cursor: tag one first, then i sets its attributes.")
        if ann is None:
            return
        kinds = self.session.schema.attributes_for(ann.tag)
        if not kinds:
            self.notify(f"The schema has no attributes for {ann.tag} ([[attributes]] in the config).",
                        severity="warning")
            return

        def set_value(name: str, value: str | None) -> None:
            if value is None:
                return
            edit = self._run(lambda: self.session.set_attribute(ann.id, name, value))
            if edit is not None:
                self._shown(edit, f"{name} = {value or '(none)'}")

        def picked(name: str | None) -> None:
            kind = self.session.schema.attribute(name) if name else None
            if kind is None:
                return
            if kind.kind == "text":
                self.app.push_screen(TextPrompt(f"{name} of “{short(display_text(ann.text))}”",
                                                ann.attributes.get(name, kind.default)), lambda v: set_value(name, v))
            else:
                choices = [(v, v) for v in kind.values] + [(NONE, "(none)")]
                self.app.push_screen(Choice(f"{name} of “{short(display_text(ann.text))}”", choices,
                                            ann.attributes.get(name)),
                                     lambda v: set_value(name, "" if v == NONE else v))

        self._choose("Which attribute?", [(k.name, f"{k.name}: {ann.attributes.get(k.name, '—')}") for k in kinds],
                     picked)

    def action_document_labels(self) -> None:
        """This annotator's labels of the whole document (its stance, say)."""
        kinds = self.session.schema.document_labels
        if not kinds:
            self.notify("The schema has no document labels ([[document_labels]] in the config).", severity="warning")
            return

        def set_values(name: str, values: list[str] | None) -> None:
            if values is None:
                return
            edit = self._run(lambda: self.session.set_document_label(self.document.id, name, values))
            if edit is not None:
                self.query_one("#doc-title", Static).update(self._title_line())
                self._shown(edit, f"{name}: {', '.join(values) or '(none)'}")

        def picked(name: str | None) -> None:
            kind = self.session.schema.label(name) if name else None
            if kind is None:
                return
            if kind.multiple:
                self.app.push_screen(TextPrompt(f"{name} (comma-separated: {', '.join(kind.values)})"),
                                     lambda v: set_values(name, None if v is None else
                                                          [x.strip() for x in v.split(",") if x.strip()]))
            else:
                choices = [(v, v) for v in kind.values] + [(NONE, "(none)")]
                self.app.push_screen(Choice(f"{name} of this document", choices),
                                     lambda v: set_values(name, None if v is None else [] if v == NONE else [v]))

        self._choose("Which label?", [(k.name, k.name) for k in kinds], picked)

    def action_confirm(self) -> None:
        """Confirm a passage that was found again only approximately after its text changed."""
        if not self._in_article():
            return
        ann = self._passage_here("No passage under the cursor to confirm.")
        if ann is None:
            return
        edit = self._run(lambda: self.session.confirm(ann.id))
        if edit is not None:
            self._shown(edit, f"confirmed “{short(display_text(ann.text))}”:")

    def action_delete(self) -> None:
        if not self._in_article():
            return
        ann = self._passage_here("No passage under the cursor to delete.")
        if ann is None:
            return
        edit = self._run(lambda: self.session.delete(ann.id))
        if edit is not None:
            left = len(self.annotations())
            self._shown(edit, f"deleted {ann.tag} “{short(display_text(ann.text))}” ({left} passage"
                              f"{'s' if left != 1 else ''} left here; u undoes):")

    def action_undo(self) -> None:
        self._history_step(undo=True)

    def action_redo(self) -> None:
        self._history_step(undo=False)

    def _history_step(self, *, undo: bool) -> None:
        history = self.session.history
        if not (history.can_undo if undo else history.can_redo):
            self.say("Nothing to undo." if undo else "Nothing to redo.")
            return
        edit = self._run(self.session.undo if undo else self.session.redo)
        if edit is not None:
            if edit.step.documents:
                self._apply_overrides()
            self._shown(edit, f"{'undone' if undo else 'redone'}: {edit.label},")

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
        event.input.display = False
        self.view.focus()
        if query != self._search or not self._matches:
            self._search = query
            text = self.view.text
            self._matches = find_all(text, query, folded_text=fold(text, ignore_case=smart_case(query))) if query else []
            self.view.set_matches(self._matches)
            if not self._matches:
                if query:
                    self.notify(f"“{display_text(query)}” is not in this document; the cursor stays where it was.",
                                severity="warning", timeout=4)
                return
            count = len(self._matches)
            self.say(f"{count} match{'es' if count != 1 else ''} · F3 next, shift+F3 previous")
        self.action_next_match(1)

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
        stored = self.store.document(self.document.id)

        def chosen(status: str | None) -> None:
            if status and self._run(lambda: self.session.set_status(self.document.id, status)) is not None:
                self.query_one("#doc-title", Static).update(self._title_line())
                self.say(f"status: {status}")

        if self.session.read_only_reason:
            self._run(self.session.require_writable)  # says why not
            return
        self.app.push_screen(status_choice(stored.status if stored else "new"), chosen)

    def action_raw(self) -> None:
        self._remember_position()
        self.raw_view = not self.raw_view
        cleaned = self.document.cleaned
        self.view.show_headings = not self.raw_view
        if self.raw_view:
            dimmed = [(d.start, d.end) for d in cleaned.dropped]
            raw_cursor = cleaned.to_raw(min(self.view.cursor, max(0, len(self.document.text) - 1)))
            self.view.set_text(self.document.raw, cursor=raw_cursor, dimmed=dimmed)
        else:
            self.view.set_text(self.document.text, cursor=self.position)
        self._matches = []
        self.refresh_annotations()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self._has_view:
            # A key that reaches the screen while it is still being put together (a later start
            # reopening the last document as the annotator presses Enter in the library) does
            # nothing: there is no text yet to act on. Once the view is there it stays.
            self._has_view = bool(self.query(DocumentView))
            if not self._has_view:
                return False
        if action == "override":
            return self.raw_view  # the lines of the raw page: kept or dropped by the annotator
        return True

    def action_override(self, keep: bool) -> None:
        """In the raw page: keep the line under the cursor (or the selected lines) in the article, or drop it."""
        raw = self.document.raw
        span = self.view.raw_selection or (self.view.cursor, self.view.cursor)
        first = raw.count("\n", 0, span[0])
        last = first + raw.count("\n", span[0], max(span[0], span[1] - 1))
        lines = list(range(first, last + 1))
        edit = self._run(lambda: self.session.override_lines(self.document.id, lines, keep))
        if edit is None:
            return
        self._apply_overrides()
        self.view.clear_selection()
        what = "kept in the article" if keep else "dropped from the article"
        self.say(f"{len(lines)} line{'s' if len(lines) != 1 else ''} {what} (u undoes) {edit.saved_word}")

    def _apply_overrides(self) -> None:
        """Show the document cleaned again with the annotator's overrides, its passages found in the new text."""
        from reader.refresh import apply_overrides

        doc = self.document
        self._run(lambda: apply_overrides(self.store, doc))
        cursor = self.view.cursor
        if self.raw_view:
            self.view.set_text(doc.raw, cursor=cursor, dimmed=[(d.start, d.end) for d in doc.cleaned.dropped])
        else:
            self.view.set_text(doc.text, cursor=min(cursor, len(doc.text)))
        self.refresh_annotations()

    def action_export(self) -> None:
        def chosen(choice: dict | None) -> None:
            if choice:
                self.say(f"exporting {choice['format']} to {choice['path']}…")
                self.run_worker(lambda: self._export(choice), thread=True, exclusive=True, group="export")

        self.app.push_screen(ExportDialog(self.app.tagset, Path.cwd(), download=self.app.served), chosen)

    def _export(self, choice: dict) -> None:
        name = choice["format"]
        texts = {d.id: d.text for d in self.app.corpus.documents} if formats.needs_text(name) else {}
        selection = Selection(tags=tuple(choice["tags"]))
        try:
            if self.app.served:
                # Served: the file goes to the browser, never to a path on the server.
                filename = Path(choice["path"]).name or f"margin-export{formats.get(name).EXTENSION}"
                content = export(self.store, name, selection, texts)
                self.app.call_from_thread(self.app.deliver_binary, io.BytesIO(content), save_filename=filename)
                done = f"sent {filename} to your browser as a download"
            else:
                target = Path(choice["path"]).expanduser()
                done = export_to(self.store, name, selection, target if target.is_absolute() else Path.cwd() / target,
                                 texts)
        except MarginError as err:
            self.app.call_from_thread(self._export_failed, choice, str(err))
            return
        self.app.call_from_thread(self.notify, done, timeout=6)
        self.app.call_from_thread(self.say, done)

    def _export_failed(self, choice: dict, reason: str) -> None:
        """Say why in one line, and bring the dialog back with what was entered, to fix and retry."""
        self.notify(f"Export failed: {reason}", severity="error", timeout=8)
        self.say("export failed (nothing was written)")

        def chosen(again: dict | None) -> None:
            if again:
                self.say(f"exporting {again['format']} to {again['path']}…")
                self.run_worker(lambda: self._export(again), thread=True, exclusive=True, group="export")

        self.app.push_screen(ExportDialog(self.app.tagset, Path.cwd(), download=self.app.served, initial=choice), chosen)

    def action_toggle_annotators(self) -> None:
        self.mine_only = not self.mine_only
        self.refresh_annotations()
        self.say("showing only your passages" if self.mine_only else "showing everyone's passages")

    def action_review(self) -> None:
        if self.app.read_only_message:
            self.notify(f"Read-only: {self.app.read_only_message}; nothing can be accepted here.", severity="warning")
            return
        from reader.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.document), lambda _: self.refresh_annotations())

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
            self.view.focus()
            return
        if self.adjusting is not None or self.linking is not None:
            self.adjusting = None
            self.linking = None
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
