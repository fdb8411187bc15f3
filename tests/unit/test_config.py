"""Settings come from the environment with documented defaults."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from dashboard import config
from dashboard.config import ROOT, Settings


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M))
    names = {f.metadata["env"] for f in fields(Settings)} | {"TEST_DATABASE_URL", "REQUIRE_POSTGRES", "REQUIRE_BROWSER"}
    assert names - documented == set(), "settings missing from the README's table"


def test_defaults(monkeypatch, tmp_path):
    for f in fields(Settings):
        monkeypatch.delenv(f.metadata["env"], raising=False)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    settings = Settings.from_env()
    assert settings.database_url == f"sqlite:///{tmp_path / 'mmc.db'}"
    assert (settings.host, settings.port, settings.debug, settings.suppression_k) == ("127.0.0.1", 8050, False, 5)


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    first = Settings.from_env().secret_key
    assert len(first) == 64
    assert Settings.from_env().secret_key == first
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert Settings.from_env().secret_key == "from-the-environment"


def test_environment_values_are_typed(monkeypatch):
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("SECRET_KEY", "x")
    settings = Settings.from_env()
    assert settings.port == 9000
    assert settings.debug is True


def test_a_bad_number_names_the_setting(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValueError, match="PORT must be a whole number"):
        Settings.from_env()
