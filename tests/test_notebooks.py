"""The notebooks in git: no outputs, one typed `parameters` cell, thin cells, and each one runs
through `workbench report` on a small corpus with its own parameters."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from test_report_fixtures import CAMPAIGN, build_store
from workbench.report import run_report
from workbench.report.parameters import read_parameters

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = {"campaign_report", "corpus_overview", "narrative_explorer", "coordination_explorer", "account_dossier"}


def test_all_notebooks_are_there():
    assert EXPECTED <= {path.stem for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_outputs_are_committed(path):
    book = nbformat.read(str(path), as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_typed_literals_with_help(path):
    declared = read_parameters(path)
    assert "db_path" in declared and "seed" in declared
    for parameter in declared.values():
        assert parameter.type, parameter.name
        assert parameter.help, f"{path.name}: parameter {parameter.name} needs a # help comment"
        assert "=" not in parameter.help and "(" not in parameter.help  # papermill's parser rejects these


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_stay_thin(path):
    book = nbformat.read(str(path), as_version=4)
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While)), \
                f"{path.name}: move logic into workbench/ ({type(node).__name__} in a cell)"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("nbcorpus") / "corpus.duckdb"
    build_store(path)
    return path


@pytest.mark.slow
@pytest.mark.xdist_group("report")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_a_small_corpus(path, corpus, tmp_path):
    params = {"db_path": str(corpus), "top_rows": 10, "target_terms": ["Xiaomi", "YU7"]}
    if path.stem == "account_dossier":
        params["account_id"] = CAMPAIGN[0]
    run = run_report(path, params, out_root=tmp_path)
    assert run.manifest["status"] == "ok"
    html = run.html_path.read_text()
    assert 'class="wb-chart"' in html
    if path.stem == "account_dossier":
        assert "xiaomifan1000" in html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_sees_the_same_parameters(path):
    """Plain `papermill NB out.ipynb -p name value` users see every parameter with its type and help."""
    import papermill

    inferred = papermill.inspect_notebook(str(path))
    declared = read_parameters(path)
    assert list(inferred) == list(declared)
    for name, parameter in declared.items():
        assert inferred[name]["inferred_type_name"] == parameter.type
        assert inferred[name]["help"] == parameter.help
