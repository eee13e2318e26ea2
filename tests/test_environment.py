"""The project's own files: environment.yml agrees with pyproject.toml, the schema doc is current."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.strip()[len(_name(requirement)):].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): _spec(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    listed = {}
    for entry in environment:
        if isinstance(entry, dict):
            for requirement in entry.get("pip", []):
                if not requirement.startswith("-e"):
                    listed[_name(requirement)] = _spec(requirement)
        elif not entry.startswith(("python=", "pip")) or entry.startswith("pip "):
            listed[_name(entry)] = _spec(entry)
    assert listed == wanted


def test_schema_reference_is_generated_from_the_schema():
    from workbench.schema import markdown_reference

    assert (ROOT / "docs" / "schema.md").read_text().strip() == markdown_reference().strip()


def test_only_the_store_opens_duckdb():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "workbench").rglob("*.py")
                 if "duckdb.connect" in path.read_text() and path.name != "store.py"]
    assert offenders == []
