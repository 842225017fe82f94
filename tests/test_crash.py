"""kill -9 while writing: the database always opens, and nothing acknowledged is lost."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT
from tinydb import TinyDB

from annotations.store import AnnotationStore

WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from annotations.model import Selector
    from annotations.storage import JournaledStorage
    from annotations.store import AnnotationStore

    JournaledStorage.COMPACT_AFTER = 3000  # fold often, so kills also land mid-snapshot
    text = "The ministry said the talks would resume next week in Geneva, officials added. " * 4
    store = AnnotationStore(sys.argv[1])
    i = 0
    while True:
        start = i % 200
        ann = store.create(document="f" * 64, tag=("claim", "source")[i % 2],
                           selector=Selector.from_span(text, start, start + 20))
        if i % 7 == 3:
            store.retag(ann.id, "prediction")
        sys.stdout.write(ann.id + "\\n")  # acknowledged: create() returned
        sys.stdout.flush()
        i += 1
    """
)


def test_kill_9_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    db = tmp_path / "crash.json"
    rng = random.Random(20261124)
    acknowledged: set[str] = set()
    for trial in range(50):
        proc = subprocess.Popen([sys.executable, str(script), str(db), str(ROOT)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        wanted = rng.randint(1, 40)
        for _ in range(wanted):
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged.add(line.strip())
        proc.kill()  # SIGKILL
        proc.wait()
        # Whatever was printed before the kill was acknowledged too.
        acknowledged.update(line.strip() for line in proc.stdout.read().splitlines() if line.strip())
        proc.stdout.close()

        json.loads(db.read_bytes())  # the snapshot is always whole, valid JSON
        with AnnotationStore(db) as store:
            missing = acknowledged - {a.id for a in store.annotations()}
            assert not missing, f"trial {trial}: {len(missing)} acknowledged annotations lost"
        # An annotation written but killed before it was reported may be there too: never fewer.
        plain = TinyDB(db)
        assert acknowledged <= {row["id"] for row in plain.table("annotations").all()}
        plain.close()
