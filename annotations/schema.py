"""What may be annotated beyond a tag: relations between passages, attributes of passages, labels of documents.

The schema comes from the config (``[[relations]]``, ``[[attributes]]``,
``[[document_labels]]`` next to ``[[tags]]``), with one relation by default:
``attributed_to``, from a claim or prediction to the source that makes or
reports it. It is remembered in the database once used, so exports, merges and
agreement know it without the config; a relation, attribute or label that the
current schema does not know is kept and shown as such, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RelationType:
    """A kind of link from one passage to another, allowed from some tags to some tags."""

    name: str
    from_tags: tuple[str, ...] = ()  # empty: any tag
    to_tags: tuple[str, ...] = ()
    key: str = ""
    colour: str = "#888888"
    definition: str = ""

    def fits(self, from_tag: str, to_tag: str) -> bool:
        return (not self.from_tags or from_tag in self.from_tags) and (not self.to_tags or to_tag in self.to_tags)


@dataclass(frozen=True)
class AttributeType:
    """A property of passages of some tags: one of closed ``values``, or free text."""

    name: str
    tags: tuple[str, ...] = ()  # empty: every tag
    values: tuple[str, ...] = ()  # empty with kind "text": free text
    kind: str = "choice"  # "choice" or "text"
    default: str = ""

    def applies_to(self, tag: str) -> bool:
        return not self.tags or tag in self.tags


@dataclass(frozen=True)
class DocumentLabelType:
    """A label of a whole document (its stance, say): one or several of ``values``."""

    name: str
    values: tuple[str, ...] = ()
    multiple: bool = False


DEFAULT_RELATIONS: tuple[RelationType, ...] = (
    RelationType("attributed_to", ("claim", "prediction"), ("source",), "", "#2ec27e",
                 "The source that makes or reports the claim or prediction."),
)


@dataclass(frozen=True)
class Schema:
    relations: tuple[RelationType, ...] = DEFAULT_RELATIONS
    attributes: tuple[AttributeType, ...] = ()
    document_labels: tuple[DocumentLabelType, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def relation(self, name: str) -> RelationType | None:
        return next((r for r in self.relations if r.name == name), None)

    def relations_between(self, from_tag: str, to_tag: str) -> list[RelationType]:
        return [r for r in self.relations if r.fits(from_tag, to_tag)]

    def attributes_for(self, tag: str) -> list[AttributeType]:
        return [a for a in self.attributes if a.applies_to(tag)]

    def attribute(self, name: str) -> AttributeType | None:
        return next((a for a in self.attributes if a.name == name), None)

    def label(self, name: str) -> DocumentLabelType | None:
        return next((d for d in self.document_labels if d.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """As the database and margin's exports remember it."""
        return {
            "relations": [{"name": r.name, "from": list(r.from_tags), "to": list(r.to_tags), "key": r.key,
                           "colour": r.colour, "definition": r.definition} for r in self.relations],
            "attributes": [{"name": a.name, "tags": list(a.tags), "values": list(a.values), "type": a.kind,
                            "default": a.default} for a in self.attributes],
            "document_labels": [{"name": d.name, "values": list(d.values), "multiple": d.multiple}
                                for d in self.document_labels],
        }


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if isinstance(v, str | int | float))
    return ()


def schema_from(data: Mapping[str, Any], where: str = "the config") -> Schema:
    """The schema a config (or a database, or an export) describes; problems become warnings."""
    warnings: list[str] = []
    relations = list(DEFAULT_RELATIONS) if "relations" not in data else []
    for n, item in enumerate(_items(data.get("relations"), "relations", where, warnings), start=1):
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            warnings.append(f"{where}: relation {n} has no name; skipped")
            continue
        relations.append(RelationType(name.strip(), _names(item.get("from")), _names(item.get("to")),
                                      str(item.get("key", "")), str(item.get("colour", item.get("color", "#888888"))),
                                      str(item.get("definition", ""))))
    attributes = []
    for n, item in enumerate(_items(data.get("attributes"), "attributes", where, warnings), start=1):
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            warnings.append(f"{where}: attribute {n} has no name; skipped")
            continue
        kind = "text" if item.get("type") == "text" else "choice"
        values = _names(item.get("values"))
        if kind == "choice" and not values:
            warnings.append(f"{where}: attribute {name!r} has no values (or type = \"text\"); skipped")
            continue
        attributes.append(AttributeType(name.strip(), _names(item.get("tags")), values, kind,
                                        str(item.get("default", ""))))
    labels = []
    for n, item in enumerate(_items(data.get("document_labels"), "document_labels", where, warnings), start=1):
        name = item.get("name")
        values = _names(item.get("values"))
        if not isinstance(name, str) or not name.strip() or not values:
            warnings.append(f"{where}: document label {n} needs a name and values; skipped")
            continue
        labels.append(DocumentLabelType(name.strip(), values, bool(item.get("multiple", False))))
    return Schema(tuple(relations), tuple(attributes), tuple(labels), tuple(warnings))


def _items(value: Any, what: str, where: str, warnings: list[str]) -> Iterable[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        warnings.append(f"{where}: '{what}' must be a list of [[{what}]] tables; ignored")
        return []
    return [item for item in value if isinstance(item, dict)]


DEFAULT_SCHEMA = Schema()
