"""Report parameters, read from the notebook's cell tagged `parameters`, and strict validation.

The parameters cell holds only annotated literal assignments, one per line, each with a `# help` comment:

    db_path: str = "data/workbench.duckdb"  # corpus database, opened read-only
    seed: int = 0  # seed for every sampled chart and layout

papermill only warns about names that cell does not define; here an unknown name or a value of the wrong
type is a `ParameterError`. Values from the command line arrive as text and are converted by type:
int, float, bool (true/false/yes/no/1/0), str, and lists (a JSON/YAML list, or comma-separated items).
"""
from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from workbench.errors import ParameterError

SCALAR_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # "int", "float", "bool", "str", "list[str]", "list[int]", "list[float]", "str | None"...
    default: Any
    help: str


def parameters_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"the notebook must have exactly one cell tagged 'parameters', found {len(cells)}")
    return cells[0]


def read_parameters(notebook_path: str | Path) -> dict[str, Parameter]:
    """The parameters a notebook declares, in cell order: name -> Parameter."""
    try:
        notebook = nbformat.read(str(notebook_path), as_version=4)
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.name for p in Path(notebook_path).parent.glob("*.ipynb"))) or "none"
        raise ParameterError(f"no notebook {notebook_path} (notebooks in that folder: {shipped})") from None
    except (OSError, ValueError) as error:  # nbformat's NotJSONError and validation errors are ValueErrors
        raise ParameterError(f"{notebook_path} is not a Jupyter notebook ({type(error).__name__})") from None
    source = parameters_cell(notebook).source
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ParameterError(f"{notebook_path}: the parameters cell is not valid Python: {error}") from error
    lines = source.splitlines()
    declared: dict[str, Parameter] = {}
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            raise ParameterError(f"{notebook_path}: parameters cell line {node.lineno}: "
                                 "only annotated literal assignments (`name: type = value  # help`) are allowed")
        try:
            default = ast.literal_eval(node.value)
        except ValueError as error:
            raise ParameterError(f"{notebook_path}: parameter {node.target.id} must have a literal value") from error
        type_name = ast.unparse(node.annotation).replace("Optional[", "").strip()
        # ast offsets count UTF-8 bytes, so slice the encoded line (values may hold Chinese text)
        rest = lines[node.lineno - 1].encode("utf-8")[node.value.end_col_offset:].decode("utf-8")
        help_text = rest.split("#", 1)[1].strip() if "#" in rest else ""
        declared[node.target.id] = Parameter(node.target.id, type_name, default, help_text)
    return declared


def _split_type(type_name: str) -> tuple[str, bool]:
    parts = [p.strip() for p in type_name.split("|")]
    nullable = "None" in parts
    parts = [p for p in parts if p != "None"]
    return (parts[0] if parts else "str"), nullable


def _convert_text(text: str, base: str, name: str) -> Any:
    if base.startswith("list"):
        item_type = base[5:-1] if base.startswith("list[") else "str"
        stripped = text.strip()
        if stripped.startswith("["):
            items = yaml.safe_load(stripped)
        else:
            items = [item.strip() for item in stripped.split(",") if item.strip()]
        return [_convert_text(str(i), item_type, name) if isinstance(i, str) else i for i in items]
    if base == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise ParameterError(f"parameter {name}: expected a bool (true/false), got {text!r}")
    if base == "int":
        try:
            return int(text)
        except ValueError:
            raise ParameterError(f"parameter {name}: expected an int, got {text!r}") from None
    if base == "float":
        try:
            return float(text)
        except ValueError:
            raise ParameterError(f"parameter {name}: expected a float, got {text!r}") from None
    return text


def _check(value: Any, base: str, nullable: bool, name: str) -> Any:
    if value is None:
        if nullable:
            return None
        raise ParameterError(f"parameter {name}: None is not allowed (type {base})")
    if base.startswith("list"):
        if not isinstance(value, (list, tuple)):
            raise ParameterError(f"parameter {name}: expected a list, got {type(value).__name__}")
        item_type = base[5:-1] if base.startswith("list[") else "str"
        return [_check(v, item_type, False, f"{name}[{i}]") for i, v in enumerate(value)]
    if base.startswith("dict"):
        if not isinstance(value, dict):
            raise ParameterError(f"parameter {name}: expected a dict, got {type(value).__name__}")
        return value
    if base == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if base == "str" and isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()  # YAML turns 2025-01-01 into a date; the notebook wants text
    expected = SCALAR_TYPES.get(base)
    if expected is None:
        raise ParameterError(f"parameter {name}: unsupported type annotation {base!r}")
    if isinstance(value, bool) and expected is not bool:
        raise ParameterError(f"parameter {name}: expected {base}, got bool {value!r}")
    if not isinstance(value, expected):
        raise ParameterError(f"parameter {name}: expected {base}, got {type(value).__name__} {value!r}")
    return value


def validate_parameters(declared: dict[str, Parameter], given: dict[str, Any], from_text: bool = False) -> dict[str, Any]:
    """The full parameter set (defaults overridden by `given`), type-checked.

    `from_text=True` converts string values by the declared type first (the `-p name value` path).
    Raises ParameterError for unknown names (listing the known ones) and wrong types.
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(declared)
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; this notebook takes: {known}")
    values: dict[str, Any] = {}
    for name, parameter in declared.items():
        base, nullable = _split_type(parameter.type)
        if name not in given:
            values[name] = parameter.default
            continue
        value = given[name]
        if from_text and isinstance(value, str) and base != "str":
            value = None if (nullable and value.strip().lower() in ("none", "null", "")) else _convert_text(value, base, name)
        values[name] = _check(value, base, nullable, name)
    return values


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """Parameters from a YAML (or JSON) mapping file."""
    try:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ParameterError(f"cannot read parameter file {path}: {error}") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"parameter file {path} must hold a mapping of name: value")
    return loaded
