"""The layers as folders, enforced: the import rules of pyproject.toml ([tool.importlinter]) hold for the code, and a
module that breaks one is caught (docs/architecture.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint(folder: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, check=False)


def test_the_code_keeps_every_layer_rule():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("analytics/coverage.py", "import flask", "Only web and server import Dash or Flask"),
        ("data/queries.py", "from dashboard.web import ids", "Layers"),
        ("services/figures.py", "from dashboard.i18n import _", "Words are made when rendering"),
        ("web/pages/briefing.py", "from dashboard.web.pages import trends", "Pages do not import pages"),
        ("web/shell.py", "import sqlalchemy", "Only the data layer talks to the database"),
    ],
)
def test_a_module_that_breaks_a_rule_is_caught(tmp_path, module, line, broken):
    shutil.copytree(ROOT / "dashboard", tmp_path / "dashboard", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "dashboard" / module, "a", encoding="utf-8") as source:
        source.write(f"\n{line}  # deliberately against the rules\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert any(broken in row and "BROKEN" in row for row in result.stdout.splitlines()), result.stdout[-3000:]
