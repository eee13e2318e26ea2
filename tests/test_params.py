"""The analysis knobs are declared once (workbench/params.py): the CLI flags come from them, the report
notebooks' parameter cells and the estimators' own defaults must agree with them."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from workbench.cli import build_parser
from workbench.errors import ParameterError
from workbench.params import KNOBS, REPORT_DEFAULTS, analysis_params
from workbench.pipeline import AnalysisParams, make_run_id
from workbench.report.parameters import read_parameters

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_parameters_agree_with_the_knobs(path):
    declared = read_parameters(path)
    for knob in KNOBS:
        parameter = declared.get(knob.in_notebooks)
        if parameter is None:
            continue
        assert parameter.type == knob.type, f"{path.name}: {parameter.name} is {parameter.type}, the knob is {knob.type}"
        assert parameter.help.removeprefix("analyze: ") == knob.help, f"{path.name}: help of {parameter.name} drifted"
        assert parameter.default == REPORT_DEFAULTS.get(knob.name, knob.default), f"{path.name}: default of {parameter.name}"


def test_the_report_that_can_analyze_declares_every_knob():
    declared = read_parameters(Path(__file__).resolve().parents[1] / "notebooks" / "campaign_report.ipynb")
    assert {knob.in_notebooks for knob in KNOBS} <= set(declared)


def test_defaults_are_the_analysis_and_estimator_defaults():
    from workbench.coordination import CoordinationNetwork
    from workbench.text.narratives import NarrativeClusters

    assert analysis_params() == AnalysisParams()
    by_name = {knob.name: knob for knob in KNOBS}
    network = inspect.signature(CoordinationNetwork).parameters
    assert network["window_s"].default == by_name["window_s"].default
    assert network["min_edge_weight"].default == by_name["min_edge_weight"].default
    assert inspect.signature(NarrativeClusters).parameters["sample_size"].default == by_name["narrative_sample_size"].default


def test_cli_flags_are_generated_from_the_knobs():
    parser = build_parser()
    analyze = parser._subparsers._group_actions[0].choices["analyze"]
    actions = {action.dest: action for action in analyze._actions}
    for knob in KNOBS:
        assert knob.flag in actions[knob.name].option_strings
        if knob.type != "list[str]":
            assert actions[knob.name].default == knob.default
    args = parser.parse_args(["analyze", "--window", "30", "--target", "a", "--target-terms", "b"])
    assert args.window_s == 30.0 and args.target_terms == ["a", "b"]


def test_one_setting_one_run_id():
    import polars as pl

    empty = pl.DataFrame({"sha256": []}, schema={"sha256": pl.String})
    assert make_run_id(analysis_params({"window_s": 30}), empty) == make_run_id(analysis_params({"window_s": 30.0}), empty)
    assert make_run_id(analysis_params({"window_s": 60}), empty) == make_run_id(AnalysisParams(), empty)
    assert analysis_params({"window_s": 30}).coordination == {"window_s": 30.0}


def test_unknown_knobs_and_wrong_types_are_errors():
    with pytest.raises(ParameterError, match="unknown analysis parameter.*window\\b"):
        analysis_params({"window": 30})
    with pytest.raises(ParameterError, match="min_edge_weight: expected int"):
        analysis_params({"min_edge_weight": "two"})
    with pytest.raises(ParameterError, match="since: not an ISO date"):
        analysis_params({"since": "yesterday"})
