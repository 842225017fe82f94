"""The ``margin`` command.

``margin [PATH ...]`` opens the reader; the subcommands work on the database
without starting Textual (it is imported only when the reader opens, so
``margin --help`` and ``margin export`` start fast). Global options (``--db``,
``--annotator``, ``--tags``, ``--config``) are accepted before or after the
subcommand and after paths. A user error prints one line and exits 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from annotations import __version__, formats
from annotations.errors import MarginError
from annotations.model import GOLD, STATUSES, Document, Tagset, name_problem
from annotations.store import AnnotationStore
from annotations.transfer import Selection, export_to, import_bytes, render

from .config import Config, default_db_path, load_config, login_name
from .terminal import one_line, sanitise

DEFAULT_MAX_MB = 50.0
VALUE_OPTIONS = ("--db", "--annotator", "--tags", "--config")


class UserError(click.ClickException):
    """One line on stderr, exit status 1, no traceback."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"margin: {one_line(self.format_message())}", err=True)


def say(message: str, *, err: bool = False) -> None:
    """Print a line that may hold names from files or databases: through the terminal sanitiser."""
    click.echo(sanitise(message), err=err)


def fail(message: str) -> NoReturn:
    raise UserError(message)


@dataclass
class Settings:
    """What the global options resolved to for this run."""

    db: Path
    annotator: str
    tagset: Tagset
    config: Config


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.meta[f"margin.{name}"] = value
        return value

    return callback


def global_options(f: Callable[..., Any] | None = None, *, skip: tuple[str, ...] = ()) -> Any:
    """The options every command takes, wherever they stand on the line."""
    if f is None:
        return lambda g: global_options(g, skip=skip)
    options = [
        click.option("--db", type=click.Path(path_type=Path), expose_value=False, callback=_remember("db"),
                     help="Database file (default: $MARGIN_DB, else the user data folder)."),
        click.option("--annotator", expose_value=False, callback=_remember("annotator"),
                     help="Name stored with new annotations (default: config, else the login name)."),
        click.option("--tags", "global_tags", expose_value=False, callback=_remember("tags"),
                     help="Comma-separated tags for this run, e.g. claim,source,prediction,quote."),
        click.option("--config", "config_path", type=click.Path(path_type=Path), expose_value=False,
                     callback=_remember("config"), help="Config file (default: $MARGIN_CONFIG, else the user config folder)."),
    ]
    names = ("db", "annotator", "tags", "config")
    for name, option in reversed(list(zip(names, options, strict=False))):
        if name not in skip:
            f = option(f)
    return f


def settings(ctx: click.Context) -> Settings:
    meta = ctx.meta
    config = load_config(meta.get("margin.config"))
    for warning in config.warnings:
        say(f"margin: {warning}", err=True)
    db = meta.get("margin.db") or os.environ.get("MARGIN_DB") or default_db_path()
    annotator = meta.get("margin.annotator") or config.annotator or login_name()
    problem = name_problem("annotator", annotator)
    if problem:
        fail(f"--annotator: {problem}")
    tagset = config.tagset
    if meta.get("margin.tags"):
        tagset = tagset.with_names(meta["margin.tags"].split(","))
        if not len(tagset):
            fail("--tags names no tag")
    for tag in tagset:
        problem = name_problem("tag", tag.name)
        if problem:
            fail(f"tags: {problem}")
    return Settings(Path(db).expanduser(), annotator, tagset, config)


def require_saved(store: AnnotationStore) -> None:
    """A command must not report success for changes the disk did not take."""
    if store.unsaved and not store.retry_save():
        fail(f"could not save to {store.path}: {store.save_error}; the database on disk is unchanged and valid")


def open_store(ctx: click.Context, *, write: bool) -> AnnotationStore:
    """Open the database; a command that writes refuses to run on a locked one."""
    path = settings(ctx).db
    if not write and not path.exists():
        fail(f"no database at {path} yet: tag something first, or pass --db")
    store = AnnotationStore(path, read_only=not write)
    for repair in store.repairs:
        say(f"margin: {path}: {repair}", err=True)
    if write and store.read_only:
        store.close()
        hint = "; close that margin first" if (store.held_by or "").startswith("in use") else ""
        fail(f"{path} is {store.held_by}{hint} (nothing was changed)")
    ctx.call_on_close(store.close)
    up_to_date(store)
    return store


def up_to_date(store: AnnotationStore) -> None:
    """Files the database remembers that changed: their passages re-anchored before the command reads."""
    from .refresh import refresh

    done = refresh(store)
    if done.changed:
        kept = "saved" if not store.read_only else "shown as they are now; the reader saves it when it opens them"
        say(f"margin: {done.changed} remembered file{'s' if done.changed != 1 else ''} changed: {done.moved} "
            f"passages found again, {done.orphaned} orphaned ({kept})", err=True)


class MarginGroup(click.Group):
    """A group whose default command is ``open``: ``margin seeds/`` means ``margin open seeds/``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        wants_help = any(a in ("--help", "-h", "--version") for a in args)
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                break
            if arg in VALUE_OPTIONS:
                i += 2
                continue
            if arg.startswith("-"):
                i += 1
                continue
            if arg not in self.commands:
                args.insert(i, "open")
            break
        else:
            if not wants_help:
                args.append("open")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MarginError as err:
            raise UserError(str(err)) from None


@click.group(cls=MarginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="margin")
@global_options
def cli() -> None:
    """margin: read scraped articles, tag passages, export them as JSON.

    With no command, or with paths, opens the reader (default: the bundled seeds).
    """


# -- the reader ---------------------------------------------------------------------------


def _max_size_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--encoding", callback=_check_encoding, metavar="NAME",
                     help="Read the documents in this encoding (e.g. latin-1) instead of detecting it.")(f)
    return click.option("--max-size", type=float, default=DEFAULT_MAX_MB, show_default=True, metavar="MB",
                        help="Skip files larger than this many megabytes.")(f)


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


@cli.command("open")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_max_size_option
@click.option("--store-socket", type=click.Path(path_type=Path), hidden=True,
              help="Use the store of a `margin serve` process instead of opening the database.")
@click.option("--ask-annotator", is_flag=True, hidden=True, help="Ask for the annotator's name first.")
@global_options
@click.pass_context
def open_cmd(ctx: click.Context, paths: tuple[Path, ...], max_size: float, encoding: str | None,
             store_socket: Path | None, ask_annotator: bool) -> None:
    """Open the reader on PATHS (files or folders; default: the bundled seeds)."""
    conf = settings(ctx)
    missing = [str(p) for p in paths if not p.exists()]
    if missing and len(missing) == len(paths):
        fail(f"no such file or folder: {', '.join(missing)}")
    if store_socket is not None:
        from annotations.remote import RemoteStore

        store = RemoteStore(store_socket)
    else:
        store = AnnotationStore(conf.db)
    try:
        from .app import MarginApp  # Textual is imported only here

        MarginApp(paths=paths, max_bytes=int(max_size * 1024 * 1024), encoding=encoding, store=store,
                  annotator=conf.annotator,
                  config=conf.config, tagset=conf.tagset, ask_annotator=ask_annotator,
                  watch_store=store_socket is not None, served=store_socket is not None).run()
    finally:
        store.close()


@cli.command("serve")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback is reachable by others: use --token and TLS.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="MARGIN_TOKEN", help="Secret every browser must give (?token=…); default: $MARGIN_TOKEN.")
@click.option("--public-url", help="The address browsers use, behind a reverse proxy (e.g. https://margin.example.org).")
@click.option("--max-sessions", default=32, show_default=True, type=click.IntRange(1, 1000),
              help="Reader sessions (browser tabs) at once; the next gets a page saying the server is busy.")
@_max_size_option
@global_options
@click.pass_context
def serve_cmd(ctx: click.Context, paths: tuple[Path, ...], host: str, port: int, token: str | None,
              public_url: str | None, max_sessions: int, max_size: float, encoding: str | None) -> None:
    """Serve the reader to browsers: each tab gets its own session, all share one database.

    Open http://HOST:PORT/?annotator=NAME (and &token=… when --token is set).
    """
    from .serve import is_loopback, serve

    conf = settings(ctx)
    if not is_loopback(host):
        say(f"margin: warning: listening on {host}: anyone who can reach it can read and annotate; there is no "
                   "authentication beyond --token, and no TLS (use a reverse proxy)", err=True)
    if token is not None and len(token) < 8:
        fail("--token must be at least 8 characters")
    extra = ["--max-size", str(max_size), *(["--encoding", encoding] if encoding else [])]
    if ctx.meta.get("margin.tags"):
        extra += ["--tags", ctx.meta["margin.tags"]]
    if ctx.meta.get("margin.config"):
        extra += ["--config", str(ctx.meta["margin.config"])]
    serve(paths=tuple(p.resolve() for p in paths), db=conf.db.resolve(), host=host, port=port, token=token,
          extra=extra, public_url=public_url.rstrip("/") if public_url else None, max_sessions=max_sessions)


# -- documents ----------------------------------------------------------------------------


@cli.command("list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")
@_max_size_option
@global_options
@click.pass_context
def list_cmd(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, max_size: float,
             encoding: str | None) -> None:
    """List documents: title, words, annotations per tag, status."""
    from .corpus import known_files, known_titles, load_corpus
    from .listing import print_documents

    conf = settings(ctx)
    store = AnnotationStore(conf.db, read_only=True) if conf.db.exists() else None
    try:
        if store is not None:
            up_to_date(store)
        known = known_titles(store) if store is not None else {}
        # Files the database knows, unchanged on disk, are listed from it without being read.
        files = known_files(store) if store is not None else None
        corpus = load_corpus(paths, max_bytes=int(max_size * 1024 * 1024), known=known, encoding=encoding,
                             files=files, keep_text=False)
        for skipped in corpus.skipped:
            say(f"margin: skipped {skipped.path}: {skipped.reason}", err=True)
        print_documents(corpus, store, conf.tagset, as_json=as_json)
    finally:
        if store is not None:
            store.close()


@cli.command("clean")
@click.argument("file", type=str)
@click.option("--show-dropped", is_flag=True, help="Also print the dropped lines, dimmed, with the reason for each.")
@_max_size_option
@global_options
@click.pass_context
def clean_cmd(ctx: click.Context, file: str, show_dropped: bool, max_size: float, encoding: str | None) -> None:
    """Print the cleaned text of FILE (or - for standard input); an HTML page is turned into text first."""
    from .cleaning import clean
    from .corpus import decode_page
    from .html import HTML_SUFFIXES, looks_like_html
    from .listing import print_cleaned

    if file == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        path = Path(file)
        if not path.is_file():
            fail(f"{file}: no such file")
        if path.stat().st_size > max_size * 1024 * 1024:
            fail(f"{file}: larger than {max_size:g} MB (use --max-size)")
        try:
            data = path.read_bytes()
        except OSError as err:
            fail(f"{file}: {err.strerror}")
        name = file
    html = Path(file).suffix.lower() in HTML_SUFFIXES if file != "-" else looks_like_html(data)
    text, problem = decode_page(data, encoding, html=html)
    if text is None:
        fail(f"{name}: {problem}")
    overrides = None
    db = settings(ctx).db
    if db.exists():  # the annotator's overrides of the cleaner, if the database knows this document
        import hashlib

        with AnnotationStore(db, read_only=True) as store:
            known = store.document(hashlib.sha256(data).hexdigest())
            overrides = known.line_overrides() if known is not None and known.overrides else None
    print_cleaned(clean(text, overrides), show_dropped=show_dropped)


# -- annotations ----------------------------------------------------------------------------


def _format_help() -> str:
    lines = [f"{name}: {m.DESCRIPTION} (offsets: {m.OFFSET_UNIT})" for name, m in formats.FORMATS.items()]
    return "Output format. " + "; ".join(lines) + "."


def _corpus_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--corpus", "corpus_paths", multiple=True, type=click.Path(path_type=Path),
                        help="Where the documents are (repeatable; default: the files the database remembers).")(f)


@cli.command("export")
@click.option("--format", "-f", "format_name", default="json", show_default=True,
              type=click.Choice(list(formats.FORMATS)), help=_format_help())
@click.option("--tag", "-t", "tags", multiple=True, help="Only passages with this tag (repeat for several).")
@click.option("--doc", help="Only this document: its path, file name or id.")
@click.option("--annotator", "only_annotator", help="Only passages by this annotator.")
@click.option("--gold", is_flag=True, help="Only the reviewed gold set (annotator 'gold').")
@click.option("--out", "-o", default="-", show_default=True,
              help="File to write, or - for standard output (brat: a folder, or a .zip file).")
@click.option("--excel", is_flag=True, help="csv: start with a UTF-8 byte-order mark, so Excel reads it right.")
@click.option("--ls-email-domain", metavar="DOMAIN", default="",
              help="labelstudio: write each annotator as completed_by ANNOTATOR@DOMAIN (default: leave it out).")
@click.option("--all-documents", is_flag=True,
              help="Also documents without a passage (formats that carry the text: sentences, doccano, …).")
@_corpus_option
@global_options(skip=("annotator",))
@click.pass_context
def export_cmd(ctx: click.Context, format_name: str, tags: tuple[str, ...], doc: str | None,
               only_annotator: str | None, gold: bool, out: str, excel: bool, ls_email_domain: str,
               all_documents: bool,
               corpus_paths: tuple[Path, ...]) -> None:
    """Export tagged passages (default: all of them, as margin-export JSON).

    Formats that carry each document's text (doccano, labelstudio, prodigy,
    brat, sentences) re-read the documents from where the reader last opened
    them, or from --corpus. `--format sentences` writes one JSON line per
    sentence with the tags of the passages in it.
    """
    if gold:
        if only_annotator and only_annotator != GOLD:
            fail("--gold and --annotator name different annotators; give one")
        only_annotator = GOLD
    store = open_store(ctx, write=False)
    known = set(settings(ctx).tagset.names) | set(store.counts_by_tag())
    unknown = [t for t in tags if t not in known]
    if unknown:
        fail(f"unknown tag {', '.join(unknown)}; known tags: {', '.join(sorted(known))}")
    if doc is not None:
        from annotations.transfer import match_documents

        if not match_documents(store, doc):
            fail(f"no document {doc!r} in {store.path}")
    texts: dict[str, str] = {}
    corpus: list[Document] = []
    if formats.needs_text(format_name):
        from .corpus import known_documents

        found = known_documents(store, corpus_paths).documents
        texts = {d.id: d.text for d in found}
        corpus = [Document(d.id, path=d.path, title=d.title) for d in found]
    module = formats.get(format_name)
    selection = Selection(tags=tags, document=doc, annotator=only_annotator, all_documents=all_documents, excel=excel,
                          ls_email_domain=ls_email_domain)
    if out != "-":
        say(export_to(store, format_name, selection, Path(out), texts, corpus), err=True)
        return
    if getattr(module, "WRITES_FOLDER", False):
        fail(f"{format_name} writes a folder of .txt/.ann files or a .zip: give --out FOLDER or --out FILE.zip")
    content, note = render(store, format_name, selection, texts, corpus)
    if note:
        say(f"margin: {note}", err=True)
    if sys.stdout.isatty():  # never hand a terminal the control characters a scraped page may hold
        from .listing import safe_text

        content = safe_text(content.decode("utf-8")).encode("utf-8")
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()


@cli.command("import")
@click.argument("file", type=str)
@click.option("--format", "-f", "format_name", type=click.Choice(formats.importable()),
              help="Format of FILE (default: detected from its content).")
@click.option("--strict", is_flag=True, help="Refuse the file if any passage's quote is not in its document's text.")
@_corpus_option
@global_options
@click.pass_context
def import_cmd(ctx: click.Context, file: str, format_name: str | None, strict: bool,
               corpus_paths: tuple[Path, ...]) -> None:
    """Import passages from FILE (or -): all of them, or none if any is malformed.

    Where a document's text is known (the database's files, or --corpus), each
    passage's quote decides where it is: offsets are only a hint. Passages whose
    document is not known are matched to the corpus by text. Formats without
    annotators (doccano) take --annotator. Importing the same file again adds
    nothing and never undoes newer local work.
    """
    if file == "-":
        content = sys.stdin.buffer.read()
    else:
        path = Path(file)
        if not path.is_file():
            fail(f"{file}: no such file")
        try:
            content = path.read_bytes()
        except OSError as err:
            fail(f"{file}: {err.strerror}")
    store = open_store(ctx, write=True)
    from .corpus import document_texts, known_documents

    corpus = document_texts(known_documents(store, corpus_paths))
    try:
        report = import_bytes(store, content, format_name, corpus, annotator=ctx.meta.get("margin.annotator"),
                              strict=strict)
    except MarginError as err:
        fail(f"{file}: {err}; nothing was imported")
    require_saved(store)
    result = report.result
    say(
        f"imported {result.added} new passages from {file} ({report.format}); "
        f"{result.updated} updated, {result.unchanged} already here"
    )
    if report.matched_by_text:
        say(f"{report.matched_by_text} passages were matched to documents of the corpus by their text")
    if report.moved:
        say(f"{report.moved} passages were placed where their quote is (their offsets pointed elsewhere)")
    if report.unplaced:
        say(f"{report.unplaced} passages have a quote that is not in their document's text: kept as orphans "
            "(--strict refuses such a file)")
    if report.unmatched:
        say(f"{report.unmatched} passages belong to documents that are not in the corpus (kept as they are)")


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of tables.")
@global_options
@click.pass_context
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """Counts of passages by tag, by document and by annotator."""
    from .listing import print_stats

    print_stats(open_store(ctx, write=False), as_json=as_json)


@cli.command("status")
@click.argument("doc")
@click.argument("status", type=click.Choice(STATUSES))
@global_options
@click.pass_context
def status_cmd(ctx: click.Context, doc: str, status: str) -> None:
    """Set a document's STATUS (new, in progress, done, skipped)."""
    from annotations.transfer import match_documents

    store = open_store(ctx, write=True)
    found = match_documents(store, doc)
    if len(found) != 1:
        fail(f"{'no' if not found else 'more than one'} document matches {doc!r}")
    store.set_status(found[0].id, status, settings(ctx).annotator)
    require_saved(store)
    say(f"{found[0].path or found[0].id}: {status}")


@cli.command("repair")
@global_options
@click.pass_context
def repair_cmd(ctx: click.Context) -> None:
    """Mend a database whose journal has damaged lines: keep every good line, set the others aside.

    The damaged lines go to <db>.journal.damaged (nothing is thrown away); the database is then
    opened and written whole again.
    """
    from annotations.storage import JournaledStorage

    path = settings(ctx).db
    if not path.exists() and not path.with_name(path.name + ".journal").exists():
        fail(f"no database at {path}")
    kept, damaged = JournaledStorage.repair(path)
    with AnnotationStore(path) as store:
        if store.read_only:
            fail(f"{path} is {store.held_by}; close that margin first")
        require_saved(store)
        count = len(store)
    if damaged:
        say(f"{path}: set {damaged} damaged journal line{'s' if damaged != 1 else ''} aside in "
            f"{path.name}.journal.damaged; kept {kept}; {count} passages now")
    else:
        say(f"{path}: nothing to repair ({count} passages)")


@cli.command("merge")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--into", "into", required=True, type=click.Path(path_type=Path), help="The database to merge into.")
def merge_cmd(sources: tuple[Path, ...], into: Path) -> None:
    """Merge annotators' databases SOURCES into one (--into).

    Every annotation id appears once; where two databases hold different
    versions of it, the newest (by its modified time) is kept and reported.
    Merging again, or in another order, gives the same result.
    """
    for source in sources:
        if not source.is_file():
            fail(f"{source}: no such database")
        if source.resolve() == into.resolve():
            fail(f"{source} is also the --into database")
    target = AnnotationStore(into)
    try:
        if target.read_only:
            fail(f"{into} is {target.held_by}; close that margin first (nothing was changed)")
        totals = {"added": 0, "updated": 0, "deleted": 0, "documents": 0}
        conflicts: list[str] = []
        up_to_date(target)
        for source in sources:
            with AnnotationStore(source, read_only=True) as other:
                up_to_date(other)
                report = target.merge_from(other)
            require_saved(target)
            for key in totals:
                totals[key] += getattr(report, key)
            conflicts += report.conflicts
            say(f"{source}: {report.added} added, {report.updated} updated, {report.deleted} deleted, "
                f"{report.unchanged} already there, {len(report.conflicts)} conflicts, {report.relations} relations")
        say(f"merged {len(sources)} databases into {into}: {totals['added']} added, {totals['updated']} updated, "
                   f"{totals['deleted']} deleted, {totals['documents']} new documents, {len(conflicts)} conflicts")
        for ann_id in conflicts[:20]:
            ann = target.get(ann_id)
            kept = f"{ann.tag} by {ann.annotator or '?'}, modified {ann.modified}" if ann else "deleted"
            say(f"  conflict {ann_id}: kept the newest ({kept})")
        if len(conflicts) > 20:
            say(f"  … and {len(conflicts) - 20} more")
    finally:
        target.close()


@cli.command("agree")
@click.option("--annotators", help="Comma-separated annotators to compare (default: all but gold).")
@click.option("--tag", "-t", "tags", multiple=True, help="Only this tag (repeatable).")
@click.option("--doc", help="Only this document: its path, file name or id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of tables.")
@_corpus_option
@global_options
@click.pass_context
def agree_cmd(ctx: click.Context, annotators: str | None, tags: tuple[str, ...], doc: str | None, as_json: bool,
              corpus_paths: tuple[Path, ...]) -> None:
    """Agreement between annotators: span F1, token kappa, Krippendorff's alpha.

    Exact-span F1 and overlap F1 and Cohen's kappa for each pair, per tag and
    over all tags; Krippendorff's alpha (nominal) across all. See the README
    for how each is computed.
    """
    from annotations.agreement import agreement
    from annotations.transfer import match_documents

    from .corpus import known_documents
    from .listing import print_agreement

    store = open_store(ctx, write=False)
    passages = store.annotations(tags=tags or None)
    if doc is not None:
        wanted = {d.id for d in match_documents(store, doc)}
        if not wanted:
            fail(f"no document {doc!r} in {store.path}")
        passages = [p for p in passages if p.document in wanted]
    who = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else sorted(
        {p.annotator for p in passages} - {GOLD})
    if len(who) < 2:
        fail(f"agreement needs at least two annotators; found {', '.join(who) or 'none'}")
    unknown = [a for a in who if a not in {p.annotator for p in passages}]
    if unknown:
        fail(f"no passages by {', '.join(unknown)}")
    texts = {d.id: d.text for d in known_documents(store, corpus_paths).documents}
    report = agreement(passages, texts, who, list(tags) or None, relations=store.relations(),
                       documents=store.documents())
    if report.missing_texts and not texts:
        fail("the documents' texts are not available here; pass --corpus PATH")
    print_agreement(report, as_json=as_json)


def main() -> None:
    """Entry point: every mistake is one line starting ``margin:`` and status 1; anything unexpected
    still ends as one line, not a traceback."""
    try:
        code = cli.main(prog_name="margin", standalone_mode=False)
    except click.UsageError as err:  # unknown option, bad value, missing argument
        where = f"margin {err.ctx.command_path.split(' ', 1)[1]} --help" if err.ctx and " " in err.ctx.command_path \
            else "margin --help"
        say(f"margin: {one_line(err.format_message())} (see {where})", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except (click.Abort, KeyboardInterrupt):
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as err:
        if os.environ.get("MARGIN_DEBUG"):
            raise
        say(f"margin: unexpected error: {type(err).__name__}: {one_line(str(err))} (MARGIN_DEBUG=1 shows where)",
            err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
