"""Label Studio tasks JSON: ``data.text`` and ``annotations[].result[]`` of type ``labels``.

Offsets count **code points**: Label Studio fixed its emoji offsets (#1008,
#1347, PR #1559) so that ``value.start``/``end`` index Python-style characters.
The labelling config these tasks fit::

    <View><Labels name="label" toName="text">...</Labels><Text name="text" value="$text"/></View>

One ``annotation`` per annotator; a passage's note travels as the region's
``meta.text``; ids are kept in each result's ``id``.

Annotators: Label Studio's importer takes ``completed_by`` only as the id or
email of a user of that Label Studio (an unknown email is refused, and ``{}``
too), so by default margin leaves ``completed_by`` out — the importing user
becomes the annotator there — and keeps margin's annotator in each region's
``meta.annotator`` (regions are stored as given, so it survives Label Studio's
import and export). ``--ls-email-domain example.org`` writes ``completed_by:
{"email": "ana@example.org"}`` instead, for projects whose users have such
emails. On import the annotator is, in order: the region's ``meta.annotator``;
the email of an expanded ``completed_by`` object; ``ls-user-<id>`` for Label
Studio's default export, where ``completed_by`` is a user id; else
``--annotator``. ``created_at``/``updated_at`` become ``created``/``modified``,
so a re-import never counts as newer than local work it did not change. The
pre-1.0 ``completions`` key is read like ``annotations``; ``value.text``, when
present, is the quote that decides where the passage is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape  # quotes too: the names stand inside attribute values
from typing import Any

import orjson

from ..errors import ImportFormatError
from ..model import Annotation, Relation, Selector
from .bundle import ExportBundle, ImportBundle, stable_id

NAME = "labelstudio"
EXTENSION = ".json"
OFFSET_UNIT = "code points"
DESCRIPTION = "Label Studio tasks JSON (labels results)"
FROM_NAME = "label"
TO_NAME = "text"


def export(bundle: ExportBundle) -> bytes:
    tasks = []
    for n, (doc, passages) in enumerate(bundle.by_document(), start=1):
        text = bundle.text_of(doc, NAME)
        passages = bundle.placed(text, passages)
        by_annotator: dict[str, list[tuple[Annotation, dict[str, Any]]]] = {}
        for p in passages:
            result: dict[str, Any] = {
                "id": p.id,
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "manual",
                "value": {"start": p.start, "end": p.end, "text": p.text, "labels": [p.tag]},
                "meta": {"annotator": p.annotator, **({"text": [p.note]} if p.note else {})},
            }
            by_annotator.setdefault(p.annotator, []).append((p, result))
        domain = bundle.options.get("ls_email_domain")
        kinds = {a["name"]: a for a in (bundle.schema or {}).get("attributes", [])}
        for who in doc.labels:
            by_annotator.setdefault(who, [])
        annotations = []
        for who, pairs in by_annotator.items():
            results = [r for _, r in pairs]
            mine = {p.id for p, _ in pairs}
            for p, _ in pairs:  # attributes: per-region results sharing the region's id
                for name, value in p.attributes.items():
                    as_text = kinds.get(name, {}).get("type") == "text"
                    shown = {"text": [value]} if as_text else {"choices": [value]}
                    results.append({"id": p.id, "from_name": name, "to_name": TO_NAME,
                                    "type": "textarea" if as_text else "choices",
                                    "value": {"start": p.start, "end": p.end, "text": p.text, **shown}})
            for rel in bundle.relations:  # relations between this annotator's regions
                if rel.from_id in mine and rel.to_id in mine and rel.annotator == who:
                    results.append({"type": "relation", "from_id": rel.from_id, "to_id": rel.to_id,
                                    "direction": "right", "labels": [rel.type]})
            for name, values in doc.labels.get(who, {}).items():  # document labels: task-level choices
                results.append({"id": stable_id("ls-label", doc.id, who, name)[:10], "from_name": name,
                                "to_name": TO_NAME, "type": "choices", "value": {"choices": values}})
            annotation: dict[str, Any] = {"result": results, "was_cancelled": False,
                                          "created_at": min((p.created for p, _ in pairs), default=bundle.exported),
                                          "updated_at": max((p.modified for p, _ in pairs), default=bundle.exported)}
            if domain and who:
                annotation["completed_by"] = {"email": f"{who}@{domain}"}
            annotations.append(annotation)
        tasks.append({"id": n, "data": {"text": text, "document": doc.id, "path": doc.path, "title": doc.title},
                      "annotations": annotations})
    return orjson.dumps(tasks, option=orjson.OPT_INDENT_2) + b"\n"


def labeling_config(bundle: ExportBundle) -> str:
    """The Label Studio labelling config these tasks fit (tags, relations, attributes, document labels),
    written beside the export so that a project can be created from it."""
    schema = bundle.schema or {}
    tags = sorted({p.tag for p in bundle.passages})
    lines = ["<View>", f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">',
             *(f'    <Label value="{escape(t)}"/>' for t in tags), "  </Labels>",
             f'  <Text name="{TO_NAME}" value="$text"/>']
    relation_names = sorted({r["name"] for r in schema.get("relations", [])} | {r.type for r in bundle.relations})
    if relation_names:
        lines += ["  <Relations>", *(f'    <Relation value="{escape(n)}"/>' for n in relation_names), "  </Relations>"]
    for a in schema.get("attributes", []):
        if a.get("type") == "text":
            lines.append(f'  <TextArea name="{escape(a["name"])}" toName="{TO_NAME}" perRegion="true"/>')
        else:
            lines += [f'  <Choices name="{escape(a["name"])}" toName="{TO_NAME}" perRegion="true">',
                      *(f'    <Choice value="{escape(v)}"/>' for v in a.get("values", [])), "  </Choices>"]
    for d in schema.get("document_labels", []):
        choice = "multiple" if d.get("multiple") else "single"
        lines += [f'  <Choices name="{escape(d["name"])}" toName="{TO_NAME}" choice="{choice}">',
                  *(f'    <Choice value="{escape(v)}"/>' for v in d.get("values", [])), "  </Choices>"]
    return "\n".join([*lines, "</View>"]) + "\n"


def sniff(content: bytes) -> bool:
    head = content.lstrip()[:4000]
    return head.startswith(b"[") and b'"data"' in head and (
        b'"annotations"' in head or b'"predictions"' in head or b'"completions"' in head)


def import_(content: bytes) -> ImportBundle:
    try:
        tasks = orjson.loads(content)
    except orjson.JSONDecodeError as err:
        raise ImportFormatError(f"not valid JSON: {err}") from err
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise ImportFormatError("expected a list of Label Studio tasks")
    passages: list[Annotation] = []
    texts: dict[str, str] = {}
    derived: set[str] = set()
    relations: list[Relation] = []
    labels_found: list[tuple[str, str, str, list[str]]] = []
    timed = True
    for t, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ImportFormatError(f"task {t}: needs data.text")
        text = data["text"]
        doc_key = data["document"] if isinstance(data.get("document"), str) else stable_id("text", text)
        texts[doc_key] = text
        listed = task.get("annotations") or task.get("completions") or []  # "completions" before Label Studio 1.0
        if not isinstance(listed, list):
            raise ImportFormatError(f"task {t}: 'annotations' must be a list")
        for a, annotation in enumerate(listed, start=1):
            if not isinstance(annotation, dict):
                raise ImportFormatError(f"task {t}, annotation {a}: must be an object")
            who = annotation.get("completed_by")
            if isinstance(who, dict):
                default_annotator = str(who.get("email") or (f"ls-user-{who['id']}" if "id" in who else ""))
            elif isinstance(who, int) and not isinstance(who, bool):
                default_annotator = f"ls-user-{who}"
            else:
                default_annotator = ""
            created = _time(annotation.get("created_at"))
            modified = _time(annotation.get("updated_at")) or created
            timed = timed and bool(modified)
            results = [r for r in annotation.get("result", []) or [] if isinstance(r, dict)]
            # Per-region choices and text are the region's attributes; task-level choices, document labels.
            attributes: dict[str, dict[str, str]] = {}
            region_ids = {r.get("id") for r in results if r.get("type") == "labels"}
            # Whose annotation this is: margin's own export names them in the regions' meta.
            owner_meta = next((r["meta"]["annotator"] for r in results if r.get("type") == "labels"
                               and isinstance(r.get("meta"), dict) and isinstance(r["meta"].get("annotator"), str)),
                              default_annotator)
            for result in results:
                kind, value, name = result.get("type"), result.get("value"), result.get("from_name")
                if kind not in ("choices", "textarea") or not isinstance(value, dict) or not isinstance(name, str):
                    continue
                picked = value.get("choices") if kind == "choices" else value.get("text")
                if not isinstance(picked, list) or not all(isinstance(x, str) for x in picked):
                    continue
                if result.get("id") in region_ids:
                    attributes.setdefault(str(result["id"]), {})[name] = ", ".join(picked)
                elif kind == "choices":
                    labels_found.append((doc_key, owner_meta, name, list(picked)))
            region_passage: dict[str, str] = {}
            for r, result in enumerate(results, start=1):
                where = f"task {t}, annotation {a}, result {r}"
                if result.get("type") != "labels":
                    continue  # relations and choices are read around the regions
                value = result.get("value")
                if not isinstance(value, dict):
                    raise ImportFormatError(f"{where}: needs a value object")
                start, end, labels = value.get("start"), value.get("end"), value.get("labels")
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                    raise ImportFormatError(f"{where}: start/end must be inside the text")
                if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                    raise ImportFormatError(f"{where}: labels must be a list of tag names")
                meta = result.get("meta")
                meta = meta if isinstance(meta, dict) else {}
                note = "\n".join(map(str, meta["text"])) if isinstance(meta.get("text"), list) else ""
                annotator = meta["annotator"] if isinstance(meta.get("annotator"), str) else default_annotator
                # The quote decides: value.text where Label Studio wrote it, the offsets as a hint.
                quote = value.get("text")
                selector = Selector.from_span(text, start, end)
                if isinstance(quote, str) and quote:
                    selector = Selector(quote, selector.prefix, selector.suffix, start, start + len(quote))
                for n, tag in enumerate(labels):
                    result_id = result.get("id")
                    ann_id = result_id if isinstance(result_id, str) and len(result_id) == 36 and n == 0 else None
                    if ann_id is None:
                        ann_id = stable_id(doc_key, start, end, tag, annotator)
                        derived.add(ann_id)
                    passages.append(
                        Annotation(
                            id=ann_id, document=doc_key, tag=tag, text=selector.exact, start=selector.start,
                            end=selector.end, raw_start=start, raw_end=end, prefix=selector.prefix,
                            suffix=selector.suffix, note=note, annotator=annotator, created=created, modified=modified,
                            attributes=attributes.get(str(result.get("id")), {}),
                        )
                    )
                    region_passage.setdefault(str(result.get("id")), ann_id)
            for result in results:
                if result.get("type") != "relation":
                    continue
                source = region_passage.get(str(result.get("from_id")))
                target = region_passage.get(str(result.get("to_id")))
                if source is None or target is None:
                    continue
                if result.get("direction") == "left":
                    source, target = target, source
                names = result.get("labels") or ["related"]
                kind_name = names[0] if isinstance(names, list) and names and isinstance(names[0], str) else "related"
                owner = next((p.annotator for p in passages if p.id == source), default_annotator)
                relations.append(Relation(stable_id("ls-relation", source, target, kind_name, owner), source, target,
                                          kind_name, owner, created, modified))
    return ImportBundle([], passages, texts, derived=frozenset(derived), timed=timed, relations=relations,
                        labels=labels_found)


def _time(value: Any) -> str:
    """Label Studio's ISO-8601 time as margin writes times (UTC, milliseconds, Z); "" if there is none."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value  # kept as it is: the import's checks name it
    when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
