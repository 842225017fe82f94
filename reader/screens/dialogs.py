"""Small modal screens: tag picker, note editor, status, choices, export, help."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from annotations import formats
from annotations.model import STATUSES, Tagset


class _Dialog(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class TagPicker(_Dialog):
    """Every tag with its key, colour and definition — the annotation guideline at hand."""

    def __init__(self, tagset: Tagset, current: str | None = None) -> None:
        super().__init__()
        self.tagset = tagset
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for tag in self.tagset:
            label = Text()
            label.append(" ■ ", style=tag.colour)
            label.append(f"[{tag.key or ' '}] ", style="bold")
            label.append(tag.name, style="bold")
            if tag.definition:
                label.append(f"\n      {tag.definition}", style="dim")
            options.append(Option(label, id=tag.name))
        with Vertical(classes="dialog"):
            yield Label("Tag the passage as…", classes="dialog-title")
            yield OptionList(*options, id="tags")
            yield Label("Enter chooses · a tag's key chooses at once · Esc cancels", classes="dialog-help")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.current in self.tagset:
            option_list.highlighted = self.tagset.names.index(self.current)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        tag = self.tagset.by_key(event.key)
        if tag is not None:
            event.stop()
            self.dismiss(tag.name)


class TextPrompt(_Dialog):
    """One line of text: a note, a search, a file name."""

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt", compact=True)
            yield Label("Enter saves · Esc cancels", classes="dialog-help")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class Choice(_Dialog):
    """Pick one of a few labelled choices."""

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(f"{n}  {label}" if n <= 9 else label, id=value)
                               for n, (value, label) in enumerate(self.choices, start=1)], id="choices")

    def on_mount(self) -> None:
        ids = [value for value, _ in self.choices]
        if self.current in ids:
            self.query_one(OptionList).highlighted = ids.index(self.current)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        """1–9 choose the first nine choices at once (as a tag's key does in the tag picker)."""
        if event.key.isdigit() and event.key != "0" and int(event.key) <= len(self.choices):
            event.stop()
            self.dismiss(self.choices[int(event.key) - 1][0])


def status_choice(current: str) -> Choice:
    return Choice("Status of this document", [(s, s) for s in STATUSES], current)


class ExportDialog(_Dialog):
    """Format, tags and destination; the screen writes the file and says where."""

    def __init__(self, tagset: Tagset, default_dir: Path, *, download: bool = False,
                 initial: dict | None = None) -> None:
        super().__init__()
        self.tagset = tagset
        self.default_dir = default_dir
        self.download = download  # served in a browser: a file name for the download, no path on the server
        # What the annotator entered last time (the dialog comes back with it after a failed export).
        given = initial or {}
        self.initial = {"format": given.get("format", "json"), "tags": ", ".join(given.get("tags", [])),
                        "path": given.get("path", "")}

    def compose(self) -> ComposeResult:
        names = list(formats.FORMATS)
        with Vertical(classes="dialog"):
            yield Label("Export passages", classes="dialog-title")
            yield Label("Format")
            yield Select([(f"{n} — {formats.FORMATS[n].DESCRIPTION}", n) for n in names], value=self.initial["format"],
                         allow_blank=False, id="format", compact=True)
            yield Label("Tags (comma-separated, empty for all)")
            yield Input(self.initial["tags"], placeholder=", ".join(self.tagset.names), id="tags", compact=True)
            if self.download:
                yield Label("Download as (a file for your browser; nothing is written on the server)")
                yield Input(self.initial["path"] or "margin-export.json", id="path", compact=True)
            else:
                yield Label("Write to (a file; a relative path starts in the folder margin was started in)")
                yield Input(self.initial["path"] or "margin-export.json", id="path", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Select.Changed, "#format")
    def format_changed(self, event: Select.Changed) -> None:
        path_input = self.query_one("#path", Input)
        path = Path(path_input.value)
        ext = formats.FORMATS[str(event.value)].EXTENSION
        path_input.value = str(path.with_suffix(ext))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export")
    @on(Input.Submitted)
    def export(self) -> None:
        tags = [t.strip() for t in self.query_one("#tags", Input).value.split(",") if t.strip()]
        self.dismiss(
            {
                "format": str(self.query_one("#format", Select).value),
                "tags": tags,
                "path": self.query_one("#path", Input).value.strip(),
            }
        )


class HelpScreen(_Dialog):
    """Every key of the screen below, and the tag definitions."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss_none", "Close")]

    def __init__(self, bindings: list[tuple[str, str]], tagset: Tagset) -> None:
        super().__init__()
        self.bindings_table = bindings
        self.tagset = tagset

    def compose(self) -> ComposeResult:
        keys = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        keys.add_column(style="bold")
        keys.add_column()
        for key, description in self.bindings_table:
            keys.add_row(key, description)
        tags = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        tags.add_column()
        tags.add_column(style="bold")
        tags.add_column()
        for tag in self.tagset:
            tags.add_row(Text(f"■ {tag.key}", style=tag.colour), tag.name, Text(tag.definition))
        with VerticalScroll(classes="dialog help"):
            yield Label("margin — keys", classes="dialog-title")
            yield Static(keys)
            yield Label("Tags", classes="dialog-title")
            yield Static(tags)
            yield Label("Esc or ? closes", classes="dialog-help")
