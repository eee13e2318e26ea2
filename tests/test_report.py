"""The report runner end to end on a small seeded corpus: parameters, failures, manifest, index,
offline HTML, reproducibility and pseudonymisation."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from test_report_fixtures import CAMPAIGN, build_store
from workbench.errors import ParameterError
from workbench.report import ReportFailed, run_report
from workbench.report.display import VEGALITE_MIME
from workbench.report.parameters import read_parameters, validate_parameters

pytestmark = pytest.mark.xdist_group("report")
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "campaign_report.ipynb"
EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""",
                      re.IGNORECASE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    build_store(path)
    return path


@pytest.fixture(scope="module")
def two_runs(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    params = {"db_path": str(corpus), "target_terms": ["Xiaomi", "YU7"], "seed": 3}
    return run_report(NOTEBOOK, params, out_root=out), run_report(NOTEBOOK, params, out_root=out)


def outputs_of(notebook_path: Path) -> list:
    """Every output's data (text/html tables and chart specs), in order: what a reader sees."""
    book = nbformat.read(str(notebook_path), as_version=4)
    seen = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            seen.append(data.get(VEGALITE_MIME) or data.get("text/html") or output.get("text"))
    return seen


def test_unknown_parameter_and_wrong_type_are_errors_before_any_kernel_starts(corpus, tmp_path):
    with pytest.raises(ParameterError, match="unknown parameter.*no_such"):
        run_report(NOTEBOOK, {"db_path": str(corpus), "no_such": 1}, out_root=tmp_path)
    with pytest.raises(ParameterError, match="seed: expected int"):
        run_report(NOTEBOOK, {"seed": "three"}, out_root=tmp_path)
    with pytest.raises(ParameterError, match="expected a bool"):
        validate_parameters(read_parameters(NOTEBOOK), {"pseudonymise": "maybe"}, from_text=True)
    assert not list(tmp_path.iterdir())  # nothing was run


def test_text_values_are_converted_by_declared_type():
    values = validate_parameters(read_parameters(NOTEBOOK),
                                 {"seed": "7", "score_threshold": "0.25", "pseudonymise": "yes",
                                  "target_terms": "小米, YU7"}, from_text=True)
    assert values["seed"] == 7 and values["score_threshold"] == 0.25 and values["pseudonymise"] is True
    assert values["target_terms"] == ["小米", "YU7"]


@pytest.mark.slow  # starts a kernel
def test_run_writes_notebook_html_manifest_and_index(two_runs):
    run = two_runs[0]
    assert run.html_path.is_file() and run.notebook_path.is_file()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d_campaign_report_\d{3}", run.run_dir.name)
    manifest = json.loads((run.run_dir / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["parameters"]["seed"] == 3
    assert manifest["seeds"] == {"seed": 3}
    assert len(manifest["notebook_sha256"]) == 64 and len(manifest["source_sha256"]["combined"]) == 64
    assert manifest["packages"]["altair"].startswith("6")
    assert {"execute_s", "export_s", "total_s"} <= set(manifest["durations_s"])
    index = (run.run_dir.parent / "index.html").read_text()
    assert run.run_dir.name in index and two_runs[1].run_dir.name in index


@pytest.mark.slow  # starts a kernel
def test_report_answers_with_evidence(two_runs):
    html = re.sub(r"<td [^>]*>", "<td>", two_runs[0].html_path.read_text())  # cells carry classes and sort keys
    # the planted campaign: 40 suspicious accounts, registered the same day, with their repeated text
    assert "40" in html and "xiaomifan1000" in html
    assert "The Xiaomi YU7 catches fire" in html
    assert "ab" * 32 in html  # the source file hash is in the evidence
    assert re.search(r"<td>analysis parameters</td><td>\{[^<]*(&quot;|\")random_state(&quot;|\"): 11[,}]", html)  # the run's parameters
    assert "YU7 launch &lt;b&gt;event&lt;/b&gt;" in html  # hostile event name shown as text
    assert "n0 [false_claim]: fire yu7 buy" in html  # the narrative with its tactic and keywords
    # the suspicious set (scores >= 0.5 by the fixture: the 40 planted accounts) checked against ground truth
    assert "The post pairs behind the five strongest edges" in html
    assert "<td>synth:c0</td><td>synth:c1</td><td>co_text</td><td>synth:x" in html  # edge evidence names its posts
    assert "<td>true positives</td><td>40</td>" in html and "<td>recall</td><td>100.0%</td>" in html
    # findings first: the summary precedes every section, and the campaign has its own section
    assert html.index('id="summary"') < html.index('id="campaigns"') < html.index('id="appendix"')
    assert "1 coordinated campaign against the target: 40 accounts" in html
    assert re.search(r'<h3 class="wb-text" id="campaign-C-test-[0-9a-f]{6}">C-test: campaign against the target</h3>', html)


@pytest.mark.slow  # starts a kernel
def test_html_is_self_contained(two_runs):
    html = two_runs[0].html_path.read_text()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "require.js" not in html and "mathjax" not in html.lower() and "mermaid" not in html.lower()
    assert html.count('class="wb-chart"') >= 8
    assert "Content-Security-Policy" in html


# Other engineers edit the working tree while tests run, so the git state and source hashes may move
# between the two runs; they are compared by the manifest test of a clean checkout (CI), not here.
CODE_STATE_ROW = re.compile(r"<tr><td[^>]*>(git commit|workbench sources sha256)</td><td[^>]*>[^<]*</td></tr>")


@pytest.mark.slow  # starts a kernel
def test_two_runs_give_the_same_tables_and_chart_specs(two_runs):
    first, second = two_runs
    def stable(outputs):
        return [CODE_STATE_ROW.sub("", o) if isinstance(o, str) else o for o in outputs]
    assert stable(outputs_of(first.notebook_path)) == stable(outputs_of(second.notebook_path))
    a = json.loads((first.run_dir / "manifest.json").read_text())
    b = json.loads((second.run_dir / "manifest.json").read_text())
    for volatile in ("started_at", "finished_at", "durations_s", "run_dir", "html", "html_sha256",
                     "executed_notebook_sha256", "git", "source_sha256"):
        a.pop(volatile), b.pop(volatile)
    assert a == b


@pytest.mark.slow  # starts a kernel
def test_pseudonymised_report_has_no_raw_handle_or_id(corpus, tmp_path):
    run = run_report(NOTEBOOK, {"db_path": str(corpus), "pseudonymise": True, "pseudonym_salt": "s3cret"},
                     out_root=tmp_path)
    html = run.html_path.read_text()
    for account in CAMPAIGN + ["synth:o1", "synth:o17"]:
        assert account not in html
    assert "xiaomifan" not in html and "person_1" not in html
    assert "acct_" in html
    # the salt reached the kernel through its environment: it is in no output, not even the manifest
    for written in (run.html_path, run.run_dir / "manifest.json", run.notebook_path, run.run_dir.parent / "index.html"):
        assert "s3cret" not in written.read_text(encoding="utf-8"), written.name


@pytest.mark.slow  # starts a kernel
def test_failure_keeps_the_partial_notebook_and_names_the_cell(tmp_path):
    book = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    book.cells = [new_code_cell("x: int = 1  # a number\n", metadata={"tags": ["parameters"]}),
                  new_code_cell("y = x + 1"), new_code_cell("raise RuntimeError('planted failure')"),
                  new_code_cell("z = 3")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(book, str(path))
    with pytest.raises(ReportFailed, match=r"cell \d+ \(`raise RuntimeError.*planted failure") as caught:
        run_report(path, {"x": 5}, out_root=tmp_path / "reports")
    assert caught.value.exit_code != 0
    run_dir = next((tmp_path / "reports").glob("*_broken_*"))
    partial = nbformat.read(str(run_dir / "report.ipynb"), as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in partial.cells for o in c.get("outputs", []))
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "planted failure" in manifest["error"]
    assert not (run_dir / "report.html").exists()
    assert "failed" in (tmp_path / "reports" / "index.html").read_text()


def test_cli_report_exits_non_zero_on_bad_parameter(corpus, tmp_path, capsys):
    from workbench.cli import main

    code = main(["report", str(NOTEBOOK), "-p", "seed", "x", "--out-dir", str(tmp_path)])
    assert code != 0
    assert "seed" in capsys.readouterr().err


def test_locked_database_fails_fast_with_the_stores_message(tmp_path):
    import subprocess
    import sys
    import time

    from workbench.errors import DatabaseLockedError

    path = tmp_path / "locked.duckdb"
    build_store(path, n_organic=50, with_results=False)
    # another process holds the write lock, as an ingest would
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.perf_counter()
        with pytest.raises(DatabaseLockedError, match=f"PID {holder.pid}"):
            run_report(NOTEBOOK, {"db_path": str(path)}, out_root=tmp_path / "reports")
        assert time.perf_counter() - started < 10  # no kernel was started
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow  # starts a kernel
def test_report_runs_while_an_analyst_reads_the_database(corpus, tmp_path):
    from workbench.store import Store

    with Store(corpus, read_only=True) as analyst:  # an open notebook session
        run = run_report(NOTEBOOK, {"db_path": str(corpus), "max_posts": 500}, out_root=tmp_path)
        assert analyst.scalar("SELECT count(*) FROM posts") > 500
    assert run.manifest["status"] == "ok"


def test_cli_merges_parameter_file_and_p_values_with_types(tmp_path, monkeypatch, capsys):
    from workbench.cli import main
    from workbench.report import runner

    seen = {}

    def fake_run_report(notebook, params, out_root, show_inputs, progress=False):
        seen.update(params)
        return runner.ReportRun(run_dir=tmp_path, notebook_path=tmp_path / "report.ipynb", html_path=tmp_path / "report.html")

    monkeypatch.setattr(runner, "run_report", fake_run_report)
    params_file = tmp_path / "params.yaml"
    params_file.write_text("db_path: data/a.duckdb\nseed: 4\ntarget_terms: [小米, YU7]\nsince: 2025-01-01\n", encoding="utf-8")
    assert main(["report", str(NOTEBOOK), "-f", str(params_file), "-p", "seed", "9", "-p", "pseudonymise", "true"]) == 0
    assert seen == {"db_path": "data/a.duckdb", "seed": 9, "target_terms": ["小米", "YU7"], "since": "2025-01-01",
                    "pseudonymise": True}
    assert capsys.readouterr().out.strip().endswith("report.html")
    params_file.write_text("seed: four\n", encoding="utf-8")
    assert main(["report", str(NOTEBOOK), "-f", str(params_file)]) != 0
