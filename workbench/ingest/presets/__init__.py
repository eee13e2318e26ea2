"""Ingest presets: one small module per export format, each defining `PRESET`.

Adding a preset is adding a module here with a `PRESET = MyPreset()` whose class derives from
`workbench.ingest.presets.base.Preset`. The registry finds it by module name order.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from workbench.errors import UnknownPresetError


def _preset_modules() -> list[str]:
    names = sorted(module_info.name for module_info in pkgutil.iter_modules(__path__))
    return [name for name in names if name != "base"]


def available() -> dict:
    """Every preset, by name: {name: Preset}. Imports every preset module (and polars)."""
    from workbench.ingest.presets.base import Preset

    presets: dict[str, Preset] = {}
    for module_name in _preset_modules():
        module = importlib.import_module(f"{__name__}.{module_name}")
        preset = getattr(module, "PRESET", None)
        if isinstance(preset, Preset):
            presets[preset.name] = preset
    return presets


def get(name: str):
    presets = available()
    if name not in presets:
        raise UnknownPresetError(f"unknown preset {name!r}; available presets: {', '.join(sorted(presets))}")
    return presets[name]


def describe() -> dict[str, str]:
    """{name: description} of every preset, read from the preset modules' source without importing them.

    `workbench ingest --help` lists the presets; importing them would load polars and the readers (about
    a second), so the help reads the literal `name` and `description` class attributes of the class that
    each module instantiates as `PRESET`. tests/test_cli_startup.py checks this equals `available()`.
    """
    descriptions: dict[str, str] = {}
    for module_name in _preset_modules():
        tree = ast.parse(Path(__path__[0], f"{module_name}.py").read_text(encoding="utf-8"))
        preset_class = _instantiated_as_preset(tree)
        attributes = _literal_class_attributes(tree, preset_class) if preset_class else {}
        if "name" in attributes:
            descriptions[attributes["name"]] = attributes.get("description", "")
    return dict(sorted(descriptions.items()))


def _instantiated_as_preset(tree: ast.Module) -> str | None:
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PRESET" for t in node.targets)
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)):
            return node.value.func.id
    return None


def _literal_class_attributes(tree: ast.Module, class_name: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for statement in node.body:
                if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                        and isinstance(statement.targets[0], ast.Name)
                        and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)):
                    attributes[statement.targets[0].id] = statement.value.value
    return attributes
