"""The user's settings: a TOML file in the platformdirs config folder.

Example (``margin config-path`` prints where it lives)::

    annotator = "ana"
    theme = "textual-light"
    edit_others = false   # others' passages are shown but not changed
    snap = "word"         # a selection's ends widen to whole words; "char" keeps them where they are

    [[tags]]
    name = "quote"
    key = "4"
    colour = "#2ec27e"
    definition = "Words reported as said or written by someone."

    [[relations]]          # default: attributed_to, from claim/prediction to source
    name = "attributed_to"
    from = ["claim", "prediction"]
    to = ["source"]
    definition = "The source that makes or reports the claim."

    [[attributes]]
    name = "checkworthy"
    tags = ["claim"]
    values = ["yes", "no"]

    [[document_labels]]
    name = "stance"
    values = ["for", "against", "neutral"]

    [keys]
    tag_picker = "T"     # binding id = key(s), comma-separated
    tag_claim = "c"      # each tag's key has the id tag_<name>

Tags listed here are added to the default three (a tag of the same name
replaces the default one). A file that cannot be read gives a warning and the
defaults, never a crash.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from annotations.model import DEFAULT_TAGSET, Tag, Tagset
from annotations.schema import DEFAULT_SCHEMA, Schema, schema_from
from annotations.spans import SNAPS, Snap

APP_NAME = "margin"


def default_db_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "annotations.json"


def default_config_path() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return os.environ.get("USER") or "annotator"


@dataclass
class Config:
    annotator: str = ""
    theme: str = ""
    tagset: Tagset = field(default_factory=lambda: DEFAULT_TAGSET)
    keys: dict[str, str] = field(default_factory=dict)
    edit_others: bool = False  # may this annotator change other annotators' passages?
    snap: Snap = "word"  # how a selection's ends snap: to whole words, or to characters
    schema: Schema = field(default_factory=lambda: DEFAULT_SCHEMA)  # relations, attributes, document labels
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)


def load_config(path: Path | None = None) -> Config:
    """Read the config file; problems become ``warnings`` and the defaults stay."""
    path = path or Path(os.environ.get("MARGIN_CONFIG") or default_config_path())
    config = Config(path=path)
    if not path.exists():
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        config.warnings.append(f"config {path} ignored: {err}")
        return config
    if isinstance(data.get("annotator"), str):
        config.annotator = data["annotator"].strip()
    if isinstance(data.get("theme"), str):
        config.theme = data["theme"]
    if isinstance(data.get("edit_others"), bool):
        config.edit_others = data["edit_others"]
    if "snap" in data:
        if data["snap"] in SNAPS:
            config.snap = data["snap"]
        else:
            config.warnings.append(f"config {path}: snap must be one of {', '.join(SNAPS)}; using \"word\"")
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        config.keys = {str(k): str(v) for k, v in keys.items() if isinstance(v, str)}
    else:
        config.warnings.append(f"config {path}: [keys] must be a table; ignored")
    tags = data.get("tags", [])
    if tags:
        config.tagset = _tagset_from(tags, path, config.warnings)
    config.schema = schema_from(data, f"config {path}")
    config.warnings.extend(config.schema.warnings)
    return config


def _tagset_from(items: object, path: Path, warnings: list[str]) -> Tagset:
    if not isinstance(items, list):
        warnings.append(f"config {path}: 'tags' must be a list of [[tags]] tables; using the default tags")
        return DEFAULT_TAGSET
    tags = {t.name: t for t in DEFAULT_TAGSET}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            warnings.append(f"config {path}: tag {number} has no name; skipped")
            continue
        name = item["name"].strip()
        base = tags.get(name, Tag(name))
        tags[name] = Tag(
            name,
            key=str(item.get("key", base.key)),
            colour=str(item.get("colour", item.get("color", base.colour))),
            definition=str(item.get("definition", base.definition)),
        )
    return Tagset(tuple(tags.values())).with_names(tags)
