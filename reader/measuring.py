"""Reading and cleaning files in other processes, for a first start on a large corpus.

Cleaning is most of a first start's work and one interpreter cleans one file at a time, so
``python -m reader.measuring`` processes (one per core) read, hash and clean files and send
back only what the library shows: id, encoding, size, modification time, title and words.

They are started as plain commands, not with ``multiprocessing``: its started processes import
the program's main module again, which runs a whole program that lacks an
``if __name__ == "__main__"`` guard (a script that starts the reader, say). Each process is
given every n-th run of files and answers in order, one JSON line per file; the loader reads
the answers in the files' order. If a process cannot start or stops answering, the files left
are read in the loader's own thread: the results are the same either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson

from .corpus import Skipped, read_document

# Files handed to a process at once: the processes take turns, run by run.
RUN = 64

Item = tuple[str, str, int, "str | None"]  # file, path shown, max bytes, encoding asked for
Measure = Skipped | tuple[str, str, int, int, str, int]  # id, encoding, size, mtime, title, words


def measure(item: Item) -> Measure:
    """Read and clean one file; keep only what the library shows."""
    file, shown, max_bytes, encoding = item
    found = read_document(Path(file), shown, max_bytes, encoding)
    if isinstance(found, Skipped):
        return found
    return (found.id, found.encoding, found.size, found.mtime, found.title, found.words)


def measured(items: list[Item], workers: int, counted: list[int] | None = None) -> Iterator[Measure]:
    """``measure`` of each item, in order, from ``workers`` processes (``counted[0]`` counts the
    answers that came from them); in this thread for what is left if they cannot."""
    processes = _start(workers)
    given = 0
    try:
        if processes:
            for answer in _answers(items, processes):
                given += 1
                if counted is not None:
                    counted[0] += 1
                yield answer
    except (OSError, ValueError, orjson.JSONDecodeError):
        pass  # a process died or spoke nonsense: the rest is read here
    finally:  # also when the reading stops early: nothing left running
        for process in processes:
            process.kill()
            process.wait()
    for item in items[given:]:
        yield measure(item)


def _start(workers: int) -> list[subprocess.Popen]:
    # The package is found where this one was imported from, whatever the program's own path.
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    processes = []
    try:
        for _ in range(workers):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "reader.measuring"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env=env,  # nothing reaches the terminal the reader draws on
            ))
    except OSError:
        for process in processes:
            process.kill()
            process.wait()
        return []
    return processes


def _answers(items: list[Item], processes: list[subprocess.Popen]) -> Iterator[Measure]:
    """Runs of ``RUN`` items go to the processes in turn; their answers are read back in the same turn."""
    runs = [items[k : k + RUN] for k in range(0, len(items), RUN)]
    for k, process in enumerate(processes):
        mine = [item for run in runs[k :: len(processes)] for item in run]
        threading.Thread(target=_feed, args=(process, mine), daemon=True).start()
    for k, run in enumerate(runs):
        out = processes[k % len(processes)].stdout
        for _ in run:
            line = out.readline() if out is not None else b""
            if not line:
                raise OSError("a reading process stopped")
            answer = orjson.loads(line)
            yield Skipped(*answer["skipped"]) if isinstance(answer, dict) else tuple(answer)


def _feed(process: subprocess.Popen, items: list[Item]) -> None:
    """Write a process's share of the files, then close its input (it stops when it has answered them all).
    A thread of its own: a process writes answers while it is given files, and neither may wait on the other."""
    try:
        assert process.stdin is not None
        for item in items:
            process.stdin.write(orjson.dumps(item) + b"\n")
        process.stdin.close()
    except (OSError, ValueError):  # the process is gone (stopped early, or killed): the loader sees it too
        pass


def main() -> None:
    """Answer each file named on standard input (one JSON line each) with one JSON line, in order."""
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        file, shown, max_bytes, encoding = orjson.loads(line)
        answer = measure((file, shown, max_bytes, encoding))
        if isinstance(answer, Skipped):
            out.write(orjson.dumps({"skipped": [answer.path, answer.reason]}) + b"\n")
        else:
            out.write(orjson.dumps(answer) + b"\n")
        out.flush()  # the loader shows rows as they come


if __name__ == "__main__":
    main()
