"""Work shared among processes, answered in order: how a first start on a large corpus reads
and cleans its files on every core.

One interpreter cleans one file at a time, and cleaning is most of a first start's work. The
loader (``reader.corpus``) starts ``python -m <module>`` once per core; each process is given
every n-th run of items on its standard input (one JSON line each) and answers each with one
JSON line, in order, and the answers are read back in the items' order.

The processes are plain commands, not ``multiprocessing``'s: those import the program's main
module again, which runs a whole program that lacks an ``if __name__ == "__main__"`` guard (a
script that starts the reader, say). If a process cannot start or stops answering, the items
left are answered in this process by ``here``: the answers are the same either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

# Items handed to a process at once: the processes take turns, run by run.
RUN = 64


def answered(module: str, items: list[Any], workers: int, here: Callable[[Any], Any],
             counted: list[int] | None = None) -> Iterator[Any]:
    """The answer to each item, in order, from ``workers`` processes running ``module`` (see
    ``serve``); ``counted[0]`` counts those that came from them. Items they leave are answered
    by ``here`` in this thread."""
    processes = _start(module, workers)
    given = 0
    try:
        if processes:
            for answer in _answers(items, processes):
                given += 1
                if counted is not None:
                    counted[0] += 1
                yield answer
    except (OSError, ValueError, orjson.JSONDecodeError):
        pass  # a process died or spoke nonsense: the rest is answered here
    finally:  # also when the reading stops early: nothing left running
        for process in processes:
            process.kill()
            process.wait()
    for item in items[given:]:
        yield here(item)


def serve(answer: Callable[[Any], Any]) -> None:
    """A process's side: answer each JSON line of standard input with one JSON line, in order."""
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        out.write(orjson.dumps(answer(orjson.loads(line))) + b"\n")
        out.flush()  # the loader shows rows as they come


def _start(module: str, workers: int) -> list[subprocess.Popen]:
    # The package is found where this one was imported from, whatever the program's own path.
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    processes: list[subprocess.Popen] = []
    try:
        for _ in range(workers):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env=env,  # nothing reaches the terminal the reader draws on
            ))
    except OSError:
        for process in processes:
            process.kill()
            process.wait()
        return []
    return processes


def _answers(items: list[Any], processes: list[subprocess.Popen]) -> Iterator[Any]:
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
                raise OSError("a process stopped answering")
            yield orjson.loads(line)


def _feed(process: subprocess.Popen, items: list[Any]) -> None:
    """Write a process's share of the items, then close its input (it ends once it has answered
    them all). A thread of its own: a process answers while it is given items, and neither may
    wait on the other."""
    try:
        assert process.stdin is not None
        for item in items:
            process.stdin.write(orjson.dumps(item) + b"\n")
        process.stdin.close()
    except (OSError, ValueError):  # the process is gone (it stopped early, or was killed): the loader sees it too
        pass
