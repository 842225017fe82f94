"""A TinyDB storage that never loses an acknowledged write and never leaves a broken file.

TinyDB's own ``JSONStorage`` rewrites the whole file in place on every change:
a crash mid-write leaves half a file, and the cost of a change grows with the
database. This storage keeps TinyDB's file format (a plain ``TinyDB(path)``
reads it) and adds:

* **Atomic snapshots.** The database file is only ever replaced whole: the new
  content goes to a temporary file in the same folder, is ``fsync``-ed, then
  ``os.replace``-d over the old one, and the folder is ``fsync``-ed. At every
  instant the file on disk is a complete, valid TinyDB JSON file.
* **A journal for small changes.** ``append`` writes one line of changes to
  ``<db>.journal`` and ``fsync``-s it before returning: once ``append``
  returns, the change survives ``kill -9`` and power loss. Each line is one
  atomic unit (a torn last line was never acknowledged and is ignored). On open
  the journal is replayed over the snapshot; ``compact`` folds it into a new
  snapshot. Every change is a whole-record put or a delete, so replaying a line
  twice (a crash between snapshot and journal truncation) is harmless.
* **One writer.** A ``filelock`` lock file (an OS lock, released by the kernel
  when the process dies, so a crash leaves no stale lock). A second process
  gets the storage read-only and ``held_by`` says who has it.
* **A schema version** in the ``_meta`` table, with migrations; a file from a
  newer margin is refused rather than guessed at, and a ``.bak`` copy is kept
  before any migration.
* **orjson, UTF-8 always**, whatever the locale says.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import getpass
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb.storages import Storage

from . import snapshot
from .errors import DatabaseError, ReadOnlyError, SaveDeferred
from .snapshot import Convert

SCHEMA_VERSION = 5
META_TABLE = "_meta"

Tables = dict[str, dict[str, Any]]
Change = list[Any]  # ["put", table, key, record] or ["del", table, key]


def _migrate_0_to_1(tables: Tables) -> Tables:
    """Schema 0 is any TinyDB file without our ``_meta`` table: stamp it."""
    return tables


def _migrate_1_to_2(tables: Tables) -> Tables:
    """Schema 2 remembers where each document's file is (``source``), so exports can re-read its text,
    and each annotator's status of it (``statuses``)."""
    for record in tables.get("documents", {}).values():
        if isinstance(record, dict):
            record.setdefault("source", "")
            record.setdefault("statuses", {})
    return tables


def _migrate_2_to_3(tables: Tables) -> Tables:
    """Schema 3 remembers which cleaner made each document's title and word count (``cleaner``),
    so the reader can trust them without cleaning the document again."""
    for record in tables.get("documents", {}).values():
        if isinstance(record, dict):
            record.setdefault("cleaner", "")
    return tables


def _migrate_3_to_4(tables: Tables) -> Tables:
    """Schema 4 records how each passage was last found in its text (``anchor``) and whether an
    approximate match awaits the annotator (``review``), each document's file ``size`` and
    ``mtime``, so an unchanged file is not read again, the annotator's ``overrides`` of the
    cleaner's choice of lines, passages' ``attributes`` and documents' ``labels``. Relations are
    a table of their own (``relations``, and ``relation_trash`` for deletions), new in schema 4."""
    for table in ("annotations", "trash"):
        for record in tables.get(table, {}).values():
            if isinstance(record, dict):
                record.setdefault("anchor", "exact")
                record.setdefault("review", False)
                record.setdefault("attributes", {})
    for record in tables.get("documents", {}).values():
        if isinstance(record, dict):
            record.setdefault("size", -1)
            record.setdefault("mtime", -1)
            record.setdefault("overrides", {})
            record.setdefault("labels", {})
    return tables


def _migrate_4_to_5(tables: Tables) -> Tables:
    """Schema 5 remembers the encoding each document's file was read in (``encoding``, "" until
    the file is next read), so listing an unchanged file need not read it to say so."""
    for record in tables.get("documents", {}).values():
        if isinstance(record, dict):
            record.setdefault("encoding", "")
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {
    0: _migrate_0_to_1, 1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5,
}


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, content: bytes | bytearray) -> None:
    """Replace ``path`` by ``content`` so that a reader sees the old or the new file, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _describe_oserror(err: OSError) -> str:
    return err.strerror or str(err)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Opening a large database makes hundreds of thousands of records that all live on; the
    cyclic garbage collector would walk them again and again as they are made (a third of the
    time to open 500,000 passages), and they hold no cycles to find."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _meta_first(tables: Tables) -> Tables:
    """The tables with ``_meta`` first, as the file lays them out: reading record by record needs
    the schema before the records."""
    if next(iter(tables), META_TABLE) == META_TABLE:
        return tables
    return {META_TABLE: tables.get(META_TABLE, {}), **tables}


def empty_tables() -> Tables:
    return {META_TABLE: {"1": {"schema": SCHEMA_VERSION, "app": "margin"}}}


def schema_of(tables: Tables) -> int:
    meta = tables.get(META_TABLE, {}).get("1", {})
    version = meta.get("schema", 0) if isinstance(meta, dict) else 0
    return version if isinstance(version, int) else -1


class JournaledStorage(Storage):
    """TinyDB storage: atomic snapshots, an fsync-ed journal, a lock, a schema version.

    ``TinyDB(path, storage=JournaledStorage)`` works as with any storage;
    ``AnnotationStore`` also uses ``append`` so that a change costs one short
    journal line instead of a rewrite of the whole file.
    """

    #: Fold the journal into the snapshot when it grows past this many bytes.
    COMPACT_AFTER = 8 * 1024 * 1024

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False,
                 convert: dict[str, Convert] | None = None) -> None:
        """``convert`` names tables whose records are kept as values of their own (the store's
        ``Annotation``s) rather than dicts: each record is converted as the file is read, and
        written back by orjson (dataclasses are written field by field, as their dicts were)."""
        super().__init__()
        self.path = Path(path)
        self.convert = dict(convert or {})
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.owner_path = self.path.with_name(self.path.name + ".owner")
        self.read_only = read_only
        self.held_by: str | None = None
        self._mutex = threading.RLock()
        self._lock: FileLock | None = None
        self._journal_fd: int | None = None
        self._journal_size = 0
        self._dirty = False
        self._relayout = False
        self._compactor: threading.Thread | None = None
        self.pending: list[bytes] = []  # journal lines applied in memory, not yet on disk
        self.last_error = ""
        if self.path.is_symlink():
            raise DatabaseError(
                f"{self.path} is a symbolic link (to {os.readlink(self.path)}); margin keeps its database only in a "
                "real file, so pass the file itself"
            )
        if self.path.is_dir():
            raise DatabaseError(f"{self.path} is a folder, not a database file; pass a file path such as {self.path / 'annotations.json'}")
        if not self.read_only:
            self._take_lock()
            if not self.read_only:
                self._remove_stale_temporaries()
        try:
            with collector_paused():
                self._tables = self._load()
        except BaseException:
            self._release_lock()
            raise

    # -- the TinyDB Storage interface ------------------------------------------------

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        """Replace the whole database (TinyDB's own write path): one atomic snapshot."""
        with self._mutex:
            self._require_writable()
            self._tables = data
            self._snapshot()

    def close(self) -> None:
        self.wait_for_compaction()
        with self._mutex:
            if self.pending:
                with contextlib.suppress(SaveDeferred):
                    self._write_pending()
            if not self.read_only and (self._journal_size or self._dirty or self._relayout):
                # On failure the journal still holds everything; the next open folds it in.
                with contextlib.suppress(OSError, DatabaseError):
                    self.compact()
            if self._journal_fd is not None:
                os.close(self._journal_fd)
                self._journal_fd = None
            self._release_lock()

    # -- journaled changes ------------------------------------------------------------

    def append(self, changes: list[Change]) -> None:
        """Apply ``changes`` and make them durable before returning (one journal line).

        If the disk refuses (full, read-only, gone), the changes still apply in
        memory and wait in ``pending``; ``SaveDeferred`` says so, and every later
        ``append`` or ``retry`` writes them first, in order. The journal never
        holds part of a line: a failed write is cut off again.
        """
        if not changes:
            return
        line = orjson.dumps(changes) + b"\n"
        with self._mutex:
            self._require_writable()
            for change in changes:
                self._apply(self._tables, change)
            self.pending.append(line)
            self._write_pending()
            if self._journal_size > self.COMPACT_AFTER and self._compactor is None:
                self._compact_in_background()

    def apply_in_memory(self, changes: list[Change]) -> None:
        """Apply ``changes`` to what this process sees, without writing them anywhere."""
        with self._mutex:
            for change in changes:
                self._apply(self._tables, change)

    def retry(self) -> bool:
        """Try again to write what is pending; True when nothing is left unsaved."""
        with self._mutex:
            if self.pending:
                with contextlib.suppress(SaveDeferred):
                    self._write_pending()
            return not self.pending

    def _write_pending(self) -> None:
        try:
            fd = self._journal()
            while self.pending:
                line = self.pending[0]
                written = 0
                try:
                    while written < len(line):
                        written += os.write(fd, line[written:])
                    os.fsync(fd)
                except OSError:
                    # Cut off whatever part of the line reached the file: it was not acknowledged.
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, self._journal_size)
                    raise
                self._journal_size += len(line)
                self.pending.pop(0)
        except (OSError, DatabaseError) as err:
            reason = _describe_oserror(err) if isinstance(err, OSError) else str(err)
            self.last_error = reason
            raise SaveDeferred(
                f"could not save to {self.journal_path}: {reason}; "
                f"{len(self.pending)} change(s) kept in memory until the disk takes them"
            ) from err
        self.last_error = ""

    def _compact_in_background(self) -> None:
        """Fold the journal into the snapshot without making the writer wait for the disk.

        The snapshot's content is taken now (under the lock); writing it and
        trimming the folded part off the journal happen in a thread. Until the
        trim, replaying the whole journal over the new snapshot is harmless.
        """
        # Records are never changed in place (a put replaces one whole), so copies of the tables
        # hold this instant's content; laying it out happens in the thread.
        tables = {name: dict(table) for name, table in _meta_first(self._tables).items()}
        mark = self._journal_size

        def fold() -> None:
            try:
                write_atomic(self.path, snapshot.dump(tables))
                with self._mutex:
                    self._trim_journal(mark)
            except OSError:
                pass  # the journal still holds everything; the next fold or open tries again
            finally:
                self._compactor = None

        self._compactor = threading.Thread(target=fold, name="margin-compact", daemon=True)
        self._compactor.start()

    def _trim_journal(self, mark: int) -> None:
        """Drop the first ``mark`` bytes of the journal (they are in the snapshot now)."""
        with open(self.journal_path, "rb") as fh:
            fh.seek(mark)
            tail = fh.read()
        write_atomic(self.journal_path, tail)
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        self._journal()

    def wait_for_compaction(self) -> None:
        compactor = self._compactor
        if compactor is not None:
            compactor.join()

    def compact(self) -> None:
        """Fold the journal into a new snapshot, then empty the journal."""
        with self._mutex:
            self._require_writable()
            self._snapshot()
            if self._journal_fd is not None:
                os.ftruncate(self._journal_fd, 0)
                os.fsync(self._journal_fd)
            elif self.journal_path.exists():
                self.journal_path.unlink()
            self._journal_size = 0

    # -- internals ----------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            who = f" ({self.held_by})" if self.held_by else ""
            raise ReadOnlyError(f"{self.path} is open read-only{who}; nothing was saved")

    def _take_lock(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.lock_path, timeout=0, thread_local=False)
            lock.acquire()
        except Timeout:
            self.read_only = True
            try:
                self.held_by = self.owner_path.read_text(encoding="utf-8").strip() or "another margin"
            except OSError:
                self.held_by = "another margin"
            return
        except OSError as err:
            if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and self.path.exists():
                # The database can be read but not written here: open it read-only and say why.
                self.read_only = True
                self.held_by = f"not writable ({_describe_oserror(err)})"
                return
            raise DatabaseError(f"cannot write in {self.path.parent}: {_describe_oserror(err)}") from err
        self._lock = lock
        me = f"in use by {getpass.getuser()}@{socket.gethostname()}, process {os.getpid()}"
        with contextlib.suppress(OSError):
            self.owner_path.write_text(me + "\n", encoding="utf-8")

    def try_take_over(self) -> bool:
        """A second instance opened read-only because another held the lock: take the lock if it is
        free now (the other closed or died) and read the database afresh. True when this storage
        can write from now on; else ``held_by`` says who holds it now."""
        if not self.read_only or self._lock is not None or (self.held_by or "").startswith("not writable"):
            return False
        lock = FileLock(self.lock_path, timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            with contextlib.suppress(OSError):
                self.held_by = self.owner_path.read_text(encoding="utf-8").strip() or self.held_by
            return False
        except OSError:
            return False
        with self._mutex:
            self._lock = lock
            self.read_only = False
            self.held_by = None
            with contextlib.suppress(OSError):
                self.owner_path.write_text(
                    f"in use by {getpass.getuser()}@{socket.gethostname()}, process {os.getpid()}\n", encoding="utf-8")
            try:
                with collector_paused():
                    self._tables = self._load()
                self.settle()
            except BaseException:
                self.read_only = True
                self._release_lock()
                raise
        return True

    def _remove_stale_temporaries(self) -> None:
        """Temporary files that a killed margin left half-written (``.<db>.<pid>.<thread>.tmp``).

        Called with the lock held, so no other margin is writing this database; a file whose
        process is still alive is left alone all the same.
        """
        for name in (self.path.name, self.journal_path.name):
            for tmp in self.path.parent.glob(f".{glob_escape(name)}.*.tmp"):
                pid_text = tmp.name[len(f".{name}.") :].split(".", 1)[0]
                if not pid_text.isdigit() or (int(pid_text) != os.getpid() and _alive(int(pid_text))):
                    continue
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self.owner_path.unlink(missing_ok=True)
            self._lock.release()
            self._lock = None

    def _journal(self) -> int:
        if self._journal_fd is None:
            try:
                self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            except OSError as err:
                raise DatabaseError(f"could not save to {self.journal_path}: {_describe_oserror(err)}") from err
            self._journal_size = os.fstat(self._journal_fd).st_size
        return self._journal_fd

    def _snapshot(self) -> None:
        content = snapshot.dump(_meta_first(self._tables))
        try:
            write_atomic(self.path, content)
        except OSError as err:
            raise DatabaseError(f"could not save {self.path}: {_describe_oserror(err)}") from err

    @staticmethod
    def _apply(tables: Tables, change: Change) -> None:
        """Apply one change margin made itself (``append``)."""
        if change[0] == "put":
            tables.setdefault(change[1], {})[change[2]] = change[3]
        else:
            tables.get(change[1], {}).pop(change[2], None)

    @staticmethod
    def _apply_checked(tables: Tables, change: Change) -> None:
        """Apply one change read back from the journal, whose every part is checked first."""
        if not isinstance(change, list) or len(change) < 3:
            raise ValueError("a change must be a list [operation, table, key, …]")
        op, table, key = change[0], change[1], change[2]
        if not isinstance(table, str) or not isinstance(key, str):
            raise ValueError("a change's table and key must be strings")
        if op == "put":
            if len(change) != 4 or not isinstance(change[3], dict):
                raise ValueError("a put must carry one record object")
            tables.setdefault(table, {})[key] = change[3]
        elif op == "del":
            tables.get(table, {}).pop(key, None)
        else:
            raise ValueError(f"unknown journal operation {op!r}")

    def _load(self) -> Tables:
        tables, laid_out = self._read_snapshot()
        # Read record by record in the current schema, the snapshot's records are converted
        # already: so are the journal's as they are replayed. Otherwise all are, after migrating.
        converted = laid_out and schema_of(tables) == SCHEMA_VERSION
        replayed = self._replay_journal(tables, self.convert if converted else {})
        version = schema_of(tables)
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path} was written by a newer margin (schema {version}; this one reads up to {SCHEMA_VERSION}); upgrade margin to open it"
            )
        if version < 0:
            raise DatabaseError(f"{self.path}: the schema version in table '_meta' is not a number")
        if version < SCHEMA_VERSION:
            backup = self.path.with_name(f"{self.path.name}.schema{version}.bak")
            if not self.read_only and self.path.exists() and not backup.exists():
                shutil.copy2(self.path, backup)
            while version < SCHEMA_VERSION:
                tables = MIGRATIONS[version](tables)
                version += 1
            tables.setdefault(META_TABLE, {})["1"] = {"schema": SCHEMA_VERSION, "app": "margin"}
            replayed = True
        if not converted:
            for name, to_value in self.convert.items():
                table = tables.get(name)
                if table:
                    for key, record in table.items():
                        table[key] = to_value(key, record)
        self._tables = tables
        # Folding the journal or writing a migrated file waits for ``settle``: a caller that
        # finds the content unusable closes without having changed the file.
        self._dirty = replayed or not self.path.exists()
        # A file in another layout is rewritten in margin's when this storage closes, so that the
        # next open reads it record by record (its content is the same JSON).
        self._relayout = bool(self.convert) and not laid_out
        return tables

    @staticmethod
    def repair(path: Path) -> tuple[int, int]:
        """``salvage`` under the database's lock; a database in use by another margin is refused."""
        lock = FileLock(path.with_name(path.name + ".lock"), timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise DatabaseError(f"{path} is in use by another margin; close it first (nothing was changed)") from None
        try:
            return JournaledStorage.salvage(path)
        finally:
            lock.release()

    @staticmethod
    def salvage(path: Path) -> tuple[int, int]:
        """Set aside the damaged lines of ``path``'s journal (into ``<journal>.damaged``), keep the rest.

        Returns (good lines kept, damaged lines set aside). The journal is rewritten atomically
        with the good lines in their order; a torn last line (never acknowledged) is dropped.
        Call it without the database open (``margin repair`` holds the lock while it runs).
        """
        journal = path.with_name(path.name + ".journal")
        try:
            content = journal.read_bytes()
        except FileNotFoundError:
            return 0, 0
        lines = content.split(b"\n")
        good: list[bytes] = []
        bad: list[bytes] = []
        for line in lines[:-1]:
            try:
                changes = orjson.loads(line)
                if not isinstance(changes, list):
                    raise ValueError("not a list of changes")
                scratch: Tables = {}
                for change in changes:
                    JournaledStorage._apply_checked(scratch, change)
                orjson.dumps(scratch)
            except (orjson.JSONDecodeError, ValueError, TypeError, IndexError, AttributeError):
                bad.append(line)
                continue
            good.append(line)
        if lines[-1]:
            bad.append(lines[-1])
        if bad:
            damaged = journal.with_name(journal.name + ".damaged")
            with open(damaged, "ab") as fh:
                fh.write(b"".join(line + b"\n" for line in bad))
                fh.flush()
                os.fsync(fh.fileno())
            write_atomic(journal, b"".join(line + b"\n" for line in good))
        return len(good), len(bad)

    def settle(self) -> None:
        """Write the opened state (replayed journal, migration, new file) as one clean snapshot."""
        if self._dirty and not self.read_only:
            self.compact()
            self._dirty = False

    def _read_snapshot(self) -> tuple[Tables, bool]:
        """The snapshot's tables, and whether the file was in margin's layout (``snapshot``)."""
        try:
            content = self.path.read_bytes()
        except FileNotFoundError:
            if self.journal_path.exists() and self.journal_path.stat().st_size:
                raise DatabaseError(
                    f"{self.path} is missing but its journal {self.journal_path.name} is there: the journal holds only "
                    "the latest changes, not the database. Restore the database file (or a backup), or move the "
                    "journal away to start afresh; nothing was changed"
                ) from None
            return empty_tables(), True
        except OSError as err:
            raise DatabaseError(f"cannot read {self.path}: {_describe_oserror(err)}") from err
        if not content.strip():
            raise DatabaseError(f"{self.path} is empty, not a margin database; move it away or pass another --db")
        if self.convert:
            tables = snapshot.parse(content, self.convert, lambda read: schema_of(read) == SCHEMA_VERSION)
            if tables is not None:
                return tables, True
        try:
            tables = orjson.loads(content)
        except orjson.JSONDecodeError as err:
            raise DatabaseError(f"{self.path} is not valid JSON ({err}); it is left as it is") from err
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            raise DatabaseError(f"{self.path} is JSON but not a TinyDB database (expected an object of tables)")
        return tables, False

    def _replay_journal(self, tables: Tables, convert: dict[str, Convert]) -> bool:
        try:
            content = self.journal_path.read_bytes()
        except FileNotFoundError:
            return False
        except OSError as err:
            raise DatabaseError(f"cannot read {self.journal_path}: {_describe_oserror(err)}") from err
        lines = content.split(b"\n")
        # The last piece has no newline: empty, or a torn write that was never acknowledged.
        replayed = False
        for number, line in enumerate(lines[:-1], start=1):
            try:
                changes = orjson.loads(line)
                if not isinstance(changes, list):
                    raise ValueError("a journal line must be a list of changes")
                for change in changes:
                    self._apply_checked(tables, change)
                    to_value = convert.get(change[1]) if change[0] == "put" else None
                    if to_value is not None:
                        table = tables[change[1]]
                        table[change[2]] = to_value(change[2], table[change[2]])
            except (orjson.JSONDecodeError, ValueError, TypeError, IndexError, AttributeError) as err:
                kept = ""
                if not self.read_only:
                    shutil.copy2(self.journal_path, self.journal_path.with_name(self.journal_path.name + ".bad"))
                    kept = "; a copy is kept as .bad"
                raise DatabaseError(
                    f"{self.journal_path} line {number} is damaged ({err}){kept}; `margin repair` keeps every good "
                    "line and sets the damaged ones aside"
                ) from err
            replayed = True
        return replayed or bool(lines[-1])
