"""Imports flow one way (docs/architecture.md): each module imports only modules of its own layer or of
layers below it, and the analysis layer (text, coordination, forensics) holds no connection and writes no
store: it imports neither DuckDB nor the store, pipeline, report or commands."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"

# Lowest first. A module's layer is that of its longest matching prefix.
LAYERS = (
    ("config", "schema", "errors", "provenance", "arrays", "csvsafe", "visible", "progress"),
    ("store",),
    ("ingest",),
    ("text", "coordination", "forensics", "synth"),
    ("pipeline", "params", "warmup", "evidence", "exports"),
    ("charts",),
    ("report",),
    ("commands", "cli"),
)
ANALYSIS = ("text", "coordination", "forensics")
FORBIDDEN_IN_ANALYSIS = ("workbench.store", "workbench.pipeline", "workbench.report", "workbench.commands",
                         "workbench.cli", "duckdb")


def layer_of(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else ""
    for index, names in enumerate(LAYERS):
        if top.removesuffix(".py") in names:
            return index
    raise AssertionError(f"{module}: not in any layer of docs/architecture.md; add it to LAYERS and the doc")


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def imports_of(path: Path) -> set[str]:
    """Every module imported anywhere in the file (inside functions too: a lazy import is still a dependency)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "workbench")
    return names


def _ids(value):
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize("module,path", [m for m in modules() if m[0] != "workbench"], ids=_ids)
def test_imports_flow_one_way(module, path):
    own = layer_of(module)
    for name in imports_of(path):
        if not name.startswith("workbench.") or name in ("workbench.__version__",):
            continue
        assert layer_of(name) <= own, f"{module} (layer {own}) imports {name} (layer {layer_of(name)})"


@pytest.mark.parametrize("module,path", [m for m in modules() if m[0].split(".")[1:2] and m[0].split(".")[1] in ANALYSIS],
                         ids=_ids)
def test_the_analysis_layer_holds_no_connection(module, path):
    for name in imports_of(path):
        assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_ANALYSIS), f"{module} imports {name}"


WRITERS = {"write_parquet", "write_csv", "write_text", "write_bytes", "write_ipc", "write_json", "write_ndjson",
           "write_network", "mkdir", "to_csv", "savez", "save"}


@pytest.mark.parametrize("module,path", [m for m in modules() if m[0].split(".")[1:2] and m[0].split(".")[1] in ANALYSIS],
                         ids=_ids)
def test_the_analysis_layer_writes_no_files(module, path):
    """Frames in, frames out: files (exports, evidence packs) are written by the layer above."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in WRITERS, f"{module} line {node.lineno} calls .{node.func.attr}()"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            assert not any(set(str(m)) & set("wax+") for m in modes), f"{module} line {node.lineno} opens a file to write"
