"""The production lock file (requirements.lock, with hashes) pins what requirements.txt asks for."""

from __future__ import annotations

import re

from dashboard.config import ROOT


def _pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==([^\s;\\]+)", line)
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def test_the_lock_file_pins_every_requirement_at_its_version_with_hashes():
    wanted = _pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked = _pins(lock)
    assert wanted, "requirements.txt pins its requirements"
    assert {name: locked.get(name) for name in wanted} == wanted, "run pip-compile as requirements.lock says"
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in entry for entry in entries if re.match(r"^[A-Za-z0-9]", entry))
