"""Run a parameterised notebook into a dated report: executed notebook, offline HTML, run manifest.

Layout: `<out_root>/<YYYY-MM-DD>_<notebook name>_<NNN>/` with `report.ipynb` (executed, kept even when
a cell fails), `report.html` (self-contained), `manifest.json` (parameters, hashes, versions, git commit,
seeds, durations, status) and, for pseudonymised runs, `pseudonym_key.csv` is written by the notebook
for the team only. `<out_root>/index.html` lists every run and is rebuilt after each one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from workbench.errors import WorkbenchError
from workbench.provenance import package_versions, sha256_file
from workbench.report.display import REPORT_DIR_ENV, REPORT_RUN_ENV, TABLES_DIR
from workbench.report.html import export_html
from workbench.report.parameters import read_parameters, validate_parameters
from workbench.report.pseudonymise import SALT_ENV

WORKBENCH_DIR = Path(__file__).resolve().parents[1]


class ReportFailed(WorkbenchError):
    """A notebook cell raised during the report run; the partial notebook is kept."""

    exit_code = 4


@dataclass
class ReportRun:
    """One report run. `html_path` is None when the run failed before the HTML was written."""

    run_dir: Path
    notebook_path: Path
    html_path: Path | None
    manifest: dict[str, Any] = field(default_factory=dict)


def source_hashes() -> dict[str, str]:
    """sha256 of every workbench source file (relative path -> hex), and of them all together."""
    hashes = {}
    for path in sorted(WORKBENCH_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".json", ".yaml", ".txt") and "__pycache__" not in path.parts:
            hashes[str(path.relative_to(WORKBENCH_DIR.parent))] = sha256_file(path)
    combined = hashlib.sha256("".join(f"{k}:{v}\n" for k, v in hashes.items()).encode()).hexdigest()
    return {"combined": combined, **hashes}


def git_commit() -> dict[str, Any]:
    """The commit of the workbench checkout and whether the tree had changes (None outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=WORKBENCH_DIR, capture_output=True, text=True,
                                timeout=10).stdout.strip() or None
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=WORKBENCH_DIR,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty if commit else None}


def new_run_dir(out_root: Path, name: str, today: dt.date) -> Path:
    """The next free `<date>_<name>_<NNN>` directory (created)."""
    out_root.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
    for number in range(1, 10_000):
        candidate = out_root / f"{today.isoformat()}_{safe_name}_{number:03d}"
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise WorkbenchError(f"too many runs of {name} today under {out_root}")


def _failure_message(error: Exception, notebook_path: Path) -> str:
    cell_index = getattr(error, "cell_index", None)
    source = (getattr(error, "source", "") or "").strip().splitlines()
    first_line = source[0] if source else ""
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    where = f"cell {cell_index} (`{first_line[:100]}`)" if cell_index is not None else "the notebook"
    return (f"{where} failed with {ename}: {str(evalue)[:500]}\n"
            f"  the partly executed notebook is kept for debugging: {notebook_path}")


def check_database(db_path: str | Path, analysis_run_id: str | None = None) -> None:
    """Open the corpus read-only once before any kernel starts, so a missing database or one locked by a
    writer (an ingest, a read-write notebook) fails at once with the store's message naming the holder, and
    an analysis run that is not stored fails with a message naming the runs that are (RunNotFoundError)."""
    from workbench.store import Store

    with Store(db_path, read_only=True) as store:
        if analysis_run_id:
            store.run_info(analysis_run_id)


SECRET_PARAMETERS = ("pseudonym_salt",)
# ipykernel warns on every start that its local TCP sockets are unencrypted; the kernel is ours, on this
# machine, for one run, so the line only alarms readers of cron logs. Errors still show.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def run_report(notebook: str | Path, params: dict[str, Any] | None = None, out_root: str | Path = "reports",
               params_from_text: bool = False, show_inputs: bool = False, kernel_name: str = "python3",
               cwd: str | Path | None = None, progress: bool = False) -> ReportRun:
    """Validate parameters, execute `notebook` with papermill, export HTML, write the manifest and index.

    params : parameter values by name (unknown names and wrong types raise ParameterError before any
        kernel starts); `params_from_text=True` converts text values (as from `-p name value`).
    Secret parameters (`pseudonym_salt`) never reach papermill, the executed notebook, the manifest or
    the index: they go to the kernel through its environment (`WORKBENCH_PSEUDONYM_SALT`), which the
    notebook reads. progress : show papermill's cell bar (cells done, elapsed, ETA) on stderr.
    Returns the ReportRun. Raises ReportFailed (exit code 4) naming the failing cell; the partial
    notebook and a manifest with status "failed" stay in the run directory, and the index is refreshed.
    """
    import papermill

    notebook = Path(notebook)
    if not notebook.is_file():
        raise WorkbenchError(f"no notebook at {notebook}")
    declared = read_parameters(notebook)
    values = validate_parameters(declared, dict(params or {}), from_text=params_from_text)
    if values.get("db_path"):
        check_database(values["db_path"], None if values.get("analyze") else values.get("analysis_run_id") or None)
    secrets = {name: values.pop(name) for name in SECRET_PARAMETERS if name in values}
    recorded = {**values, **{name: "(secret, not recorded)" for name, value in secrets.items() if value}}
    out_root = Path(out_root)
    started = dt.datetime.now(dt.timezone.utc)
    run_dir = new_run_dir(out_root, notebook.stem, started.date())
    executed_path = run_dir / "report.ipynb"
    html_path = run_dir / "report.html"
    manifest: dict[str, Any] = {
        "notebook": str(notebook),
        "notebook_sha256": sha256_file(notebook),
        "run_dir": str(run_dir),
        "parameters": recorded,
        "parameter_types": {name: p.type for name, p in declared.items()},
        "seeds": {name: value for name, value in values.items() if "seed" in name},
        "git": git_commit(),
        "packages": package_versions(),
        "source_sha256": source_hashes(),
        "started_at": started.isoformat(),
        "status": "running",
    }
    timings: dict[str, float] = {}
    previous_env = {key: os.environ.get(key) for key in (REPORT_RUN_ENV, REPORT_DIR_ENV, "PYTHONPATH", SALT_ENV)}
    os.environ[REPORT_RUN_ENV] = "1"  # charts skip the JupyterLab-only copy of their spec
    os.environ[REPORT_DIR_ENV] = str(run_dir.resolve())  # long tables go whole beside the page
    if secrets.get("pseudonym_salt"):
        os.environ[SALT_ENV] = secrets["pseudonym_salt"]
    # The kernel must import this workbench even when run from another directory without an install.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(WORKBENCH_DIR.parent), previous_env["PYTHONPATH"]) if p)
    clock = time.perf_counter()
    failure: Exception | None = None
    try:
        papermill.execute_notebook(
            str(notebook), str(executed_path), parameters=values, kernel_name=kernel_name,
            progress_bar=progress, cwd=str(cwd) if cwd else None, extra_arguments=list(KERNEL_ARGUMENTS),
        )
    except Exception as error:  # papermill raises PapermillExecutionError, or kernel start-up errors
        failure = error
    finally:
        for key, value in previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    timings["execute_s"] = round(time.perf_counter() - clock, 3)
    result_html: Path | None = None
    if failure is None:
        clock = time.perf_counter()
        title = f"{notebook.stem} — {started.date().isoformat()}"
        result_html = export_html(executed_path, html_path, show_inputs=show_inputs, title=title)
        timings["export_s"] = round(time.perf_counter() - clock, 3)
        manifest["html_sha256"] = sha256_file(result_html)
        manifest["tables_sha256"] = {path.name: sha256_file(path) for path in sorted((run_dir / TABLES_DIR).glob("*.csv"))}
        manifest["executed_notebook_sha256"] = sha256_file(executed_path)
    finished = dt.datetime.now(dt.timezone.utc)
    manifest.update(
        status="failed" if failure else "ok",
        finished_at=finished.isoformat(),
        durations_s={**timings, "total_s": round((finished - started).total_seconds(), 3)},
        html=str(result_html) if result_html else None,
    )
    if failure is not None:
        manifest["error"] = _failure_message(failure, executed_path)
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str), encoding="utf-8")
    write_index(out_root)
    if failure is not None:
        raise ReportFailed(manifest["error"]) from failure
    return ReportRun(run_dir=run_dir, notebook_path=executed_path, html_path=result_html, manifest=manifest)


def write_index(out_root: str | Path) -> Path:
    """Rebuild `<out_root>/index.html`: one row per run (newest first), static HTML with escaped values."""
    out_root = Path(out_root)
    rows = []
    for manifest_path in sorted(out_root.glob("*/manifest.json"), reverse=True):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        run_dir = manifest_path.parent
        link = f'<a href="{html.escape(run_dir.name)}/report.html">report</a>' if (run_dir / "report.html").exists() else ""
        params = ", ".join(f"{k}={v}" for k, v in sorted(manifest.get("parameters", {}).items()))
        cells = [run_dir.name, manifest.get("status", ""), manifest.get("started_at", ""),
                 str(manifest.get("durations_s", {}).get("total_s", "")), params[:400]]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + f"<td>{link}</td></tr>")
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>Workbench reports</title><style>body{font-family:sans-serif}td,th{border:1px solid #ddd;"
        "padding:3px 6px;font-size:13px;vertical-align:top}table{border-collapse:collapse}</style></head><body>"
        "<h1>Workbench reports</h1><table><thead><tr><th>run</th><th>status</th><th>started (UTC)</th>"
        "<th>seconds</th><th>parameters</th><th></th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></body></html>"
    )
    index = out_root / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
