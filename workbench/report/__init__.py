"""Reports: parameterised notebooks executed with papermill into dated, self-contained HTML.

`run_report(notebook, params, out_root="reports") -> ReportRun` (with .html_path, .run_dir, .manifest)
is the entry point for `workbench report` and `workbench demo`.
"""
from workbench.report.runner import ReportFailed, ReportRun, run_report, write_index

__all__ = ["ReportFailed", "ReportRun", "run_report", "write_index"]
