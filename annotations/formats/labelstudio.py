"""Label Studio tasks JSON: ``data.text`` and ``annotations[].result[]`` of type ``labels``.

Offsets count **code points**: Label Studio fixed its emoji offsets (#1008,
#1347, PR #1559) so that ``value.start``/``end`` index Python-style characters.
The labelling config these tasks fit::

    <View><Labels name="label" toName="text">...</Labels><Text name="text" value="$text"/></View>

One ``annotation`` per annotator; a passage's note travels as the region's
``meta.text``; ids are kept in each result's ``id``.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..errors import ImportFormatError
from ..model import Annotation, Selector, utc_now
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
        by_annotator: dict[str, list[dict[str, Any]]] = {}
        for p in passages:
            result: dict[str, Any] = {
                "id": p.id,
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "manual",
                "value": {"start": p.start, "end": p.end, "text": p.text, "labels": [p.tag]},
            }
            if p.note:
                result["meta"] = {"text": [p.note]}
            by_annotator.setdefault(p.annotator, []).append(result)
        annotations = [
            {"result": results, "completed_by": {"email": who} if who else {}, "was_cancelled": False}
            for who, results in by_annotator.items()
        ]
        tasks.append({"id": n, "data": {"text": text, "document": doc.id, "path": doc.path, "title": doc.title},
                      "annotations": annotations})
    return orjson.dumps(tasks, option=orjson.OPT_INDENT_2) + b"\n"


def sniff(content: bytes) -> bool:
    head = content.lstrip()[:4000]
    return head.startswith(b"[") and b'"data"' in head and (b'"annotations"' in head or b'"predictions"' in head)


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
    stamp = utc_now()
    for t, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ImportFormatError(f"task {t}: needs data.text")
        text = data["text"]
        doc_key = data["document"] if isinstance(data.get("document"), str) else stable_id("text", text)
        texts[doc_key] = text
        for a, annotation in enumerate(task.get("annotations", []) or [], start=1):
            if not isinstance(annotation, dict):
                raise ImportFormatError(f"task {t}, annotation {a}: must be an object")
            who = annotation.get("completed_by")
            annotator = who.get("email", "") if isinstance(who, dict) else ""
            for r, result in enumerate(annotation.get("result", []) or [], start=1):
                where = f"task {t}, annotation {a}, result {r}"
                if not isinstance(result, dict) or result.get("type") != "labels":
                    continue  # other result types (choices, ratings) are not passages
                value = result.get("value")
                if not isinstance(value, dict):
                    raise ImportFormatError(f"{where}: needs a value object")
                start, end, labels = value.get("start"), value.get("end"), value.get("labels")
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                    raise ImportFormatError(f"{where}: start/end must be inside the text")
                if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                    raise ImportFormatError(f"{where}: labels must be a list of tag names")
                meta = result.get("meta")
                note = "\n".join(meta["text"]) if isinstance(meta, dict) and isinstance(meta.get("text"), list) else ""
                selector = Selector.from_span(text, start, end)
                for n, tag in enumerate(labels):
                    result_id = result.get("id")
                    ann_id = result_id if isinstance(result_id, str) and len(result_id) == 36 and n == 0 else None
                    passages.append(
                        Annotation(
                            id=ann_id or stable_id(doc_key, start, end, tag, annotator), document=doc_key, tag=tag,
                            text=selector.exact, start=start, end=end, raw_start=start, raw_end=end,
                            prefix=selector.prefix, suffix=selector.suffix, note=note, annotator=annotator,
                            created=stamp, modified=stamp,
                        )
                    )
    return ImportBundle([], passages, texts)
