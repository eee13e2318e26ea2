"""Ingest presets: one small module per export format, each defining `PRESET`.

Adding a preset is adding a module here with a `PRESET = MyPreset()` whose class derives from
`workbench.ingest.presets.base.Preset`. The registry finds it by module name order.
"""
from __future__ import annotations

import importlib
import pkgutil

from workbench.errors import UnknownPresetError
from workbench.ingest.presets.base import Preset


def available() -> dict[str, Preset]:
    presets: dict[str, Preset] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        preset = getattr(module, "PRESET", None)
        if isinstance(preset, Preset):
            presets[preset.name] = preset
    return presets


def get(name: str) -> Preset:
    presets = available()
    if name not in presets:
        raise UnknownPresetError(f"unknown preset {name!r}; available presets: {', '.join(sorted(presets))}")
    return presets[name]
