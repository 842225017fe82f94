"""Review: where annotators disagree on a document, and accepting one version into the gold set."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.agreement import disagreements, relation_disagreements
from annotations.errors import MarginError
from annotations.model import GOLD
from reader.corpus import SourceDocument
from reader.layout import display_text
from reader.widgets.bars import KeyBar, TitleBar


class ReviewScreen(Screen):
    """Each disagreement with every annotator's version; Enter accepts the highlighted one into gold."""

    AUTO_FOCUS = "#versions"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, document: SourceDocument) -> None:
        super().__init__()
        self.document = document

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="review-title")
        yield OptionList(id="versions")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        store = self.app.store
        found = disagreements(store.annotations(document=self.document.id), GOLD)
        title = Text()
        title.append(f"Review: {display_text(self.document.title)}", style="bold")
        open_ = sum(not d.resolved for d in found)
        title.append(f"   {len(found)} disagreement{'s' if len(found) != 1 else ''}, {open_} without a gold version · "
                     "Enter accepts into gold", style="dim")
        self.query_one("#review-title", Static).update(title)
        options: list[Option] = []
        text = self.document.text
        tagset = self.app.tagset
        for n, d in enumerate(found, start=1):
            head = Text()
            head.append(f"{n}. ", style="bold")
            quote = display_text(text[d.start : d.end].replace("\n", " "))
            head.append(f"“{quote[:70]}{'…' if len(quote) > 70 else ''}”")
            if d.resolved:
                head.append("  ✓ gold: " + ", ".join(g.tag for g in d.gold), style="bold green")
            options.append(Option(head, disabled=True))
            for who, passages in d.versions.items():
                if not passages:
                    options.append(Option(Text(f"     {who}: — (no passage)", style="dim"), disabled=True))
                for p in passages:
                    line = Text(f"     {who}: ")
                    line.append(f" {p.tag} ", style=f"bold {tagset.colour(p.tag)} reverse")
                    shown = display_text(p.text.replace("\n", " "))
                    line.append(f" “{shown[:60]}{'…' if len(shown) > 60 else ''}”")
                    if p.attributes:
                        line.append("  " + display_text(" · ".join(f"{k}={v}" for k, v in p.attributes.items())),
                                    style="dim")
                    if p.note:
                        line.append(f"  ✎ {display_text(p.note)}", style="italic")
                    options.append(Option(line, id=p.id))
        relation_found = relation_disagreements(store.annotations(document=self.document.id),
                                                store.relations(document=self.document.id), GOLD)
        if relation_found:
            options.append(Option(Text("Relations", style="bold"), disabled=True))
        for d in relation_found:
            for who, rels in d.versions.items():
                if not rels:
                    options.append(Option(Text(f"     {who}: — (no relation)", style="dim"), disabled=True))
                for r in rels:
                    source, target = store.get(r.from_id), store.get(r.to_id)
                    line = Text(f"     {who}: ")
                    line.append(display_text(f"{source.tag if source else '?'} “{(source.text if source else '')[:30]}” "
                                             f"→ {r.type} → {target.tag if target else '?'} "
                                             f"“{(target.text if target else '')[:30]}”"))
                    if d.gold:
                        line.append("  ✓ gold", style="bold green")
                    options.append(Option(line, id=f"relation:{r.id}"))
        if not found and not relation_found:
            options.append(Option(Text("No disagreements here: every annotator agrees (or only one annotated).",
                                       style="dim"), disabled=True))
        versions = self.query_one("#versions", OptionList)
        highlighted = versions.highlighted
        versions.clear_options()
        versions.add_options(options)
        if highlighted is not None and highlighted < len(options):
            versions.highlighted = highlighted

    @on(OptionList.OptionSelected, "#versions")
    def accept(self, event: OptionList.OptionSelected) -> None:
        option = str(event.option.id)
        try:
            if option.startswith("relation:"):
                edit = self.app.editing.accept_relation_into_gold(option.split(":", 1)[1])
                what = "the relation"
            else:
                chosen = self.app.store.get(option)
                if chosen is None:
                    return
                edit = self.app.editing.accept_into_gold(chosen.id)
                what = f"{chosen.annotator}'s {chosen.tag}"
        except MarginError as err:
            self.notify(str(err)[:1].upper() + str(err)[1:], severity="warning", timeout=4)
            return
        if not edit.saved:
            self.app.saving_failed()
        self.notify(f"accepted {what} into gold ({edit.saved_word})", timeout=3)
        self.refresh_list()

    def action_back(self) -> None:
        self.dismiss(None)


