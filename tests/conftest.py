"""Shared fixtures: a fresh database path, the seeds, and a way to run the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "margin.json"


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own config or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MARGIN_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("MARGIN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))


def run_margin(*args: str | os.PathLike[str], input: bytes | None = None, env: dict[str, str] | None = None,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reader`` (the installed ``margin``) and capture what a user would see."""
    full_env = dict(os.environ, **(env or {}))
    full_env.setdefault("PYTHONIOENCODING", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "reader", *map(str, args)],
        input=input,
        capture_output=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=120,
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))
