"""The layering of DESIGN.md holds: the data core knows nothing of the reader or the UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint_imports), "--config", str(ROOT / "pyproject.toml")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 2 kept, 0 broken" in proc.stdout


def _imported_modules(code: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def test_help_and_export_do_not_import_textual() -> None:
    for argv in (["--help"], ["export", "--help"], ["stats", "--help"]):
        modules = _imported_modules(f"import sys; sys.argv=['margin', *{argv!r}]\nfrom reader.cli import main\ntry: main()\nexcept SystemExit: pass")
        assert "reader.cli" in modules
        assert not any(m == "textual" or m.startswith("textual.") for m in modules), argv


def test_code_is_ruff_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run([str(ruff), "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
