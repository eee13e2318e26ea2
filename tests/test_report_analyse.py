"""The report can run the analysis itself with its own knobs (window, edge weight, threshold, backend)."""
from __future__ import annotations

import json

from test_report_fixtures import build_store
from workbench.report import sections


def test_report_runs_and_stores_the_analysis_with_its_knobs(tmp_path):
    path = tmp_path / "corpus.duckdb"
    build_store(path, with_results=False)
    knobs = dict(window_s=30, min_edge_weight=3, score_threshold=0.35, narratives=False, embedding_backend="charhash",
                 narrative_sample_size=2000, seed=5)
    data = sections.load_report_data(str(path), ["Qilora"], analyze=knobs)
    assert "scores" in data.results and data.results["scores"].height > 0
    stored = json.loads(data.analysis_params)
    assert stored["coordination"] == {"window_s": 30.0, "min_edge_weight": 3}
    assert stored["score_threshold"] == 0.35 and stored["random_state"] == 5
    # The run is stored: a later report without `analyse` shows the same run.
    again = sections.load_report_data(str(path), ["Qilora"])
    assert again.analysis_run_id == data.analysis_run_id
