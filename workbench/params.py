"""The user-facing knobs of an analysis, each declared once: one name, one type, one default, one help.

The `analyze` command's flags are generated from `KNOBS` (`add_knob_arguments`), the report notebooks'
parameter cells are checked against them (tests/test_params.py fails on any drift in type, default or
help), and `analysis_params` turns knob values into the `AnalysisParams` of a run. Nothing else spells a
default: the estimators' own defaults are checked to agree with these.

    from workbench.params import analysis_params
    params = analysis_params({"window_s": 30, "target_terms": ["Xiaomi"]})

Names: snake_case with units (`window_s`); the CLI flag is the same name with dashes (`--window-s`), older
spellings stay accepted as aliases. In the report notebooks, `score_threshold` is the report's own display
threshold, so the analysis threshold is spelled `analysis_threshold` there (`Knob.notebook_name`).
Help texts avoid "=" and "(": papermill's parameter parser rejects them in a `# help` comment.

This module imports nothing heavy (the CLI builds its parsers from it at start-up).
"""
from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from typing import Any

from workbench.errors import ParameterError


@dataclass(frozen=True)
class Knob:
    name: str
    type: str  # as annotated in a notebook parameter cell: str, int, float, bool, list[str]
    default: Any
    help: str
    field: str  # where it goes in AnalysisParams: "score_threshold", or "coordination.window_s" for a step's keyword
    aliases: tuple[str, ...] = ()  # older CLI spellings, still accepted
    notebook_name: str | None = None  # the name in report notebooks, when theirs must differ
    minimum: float | None = None  # numbers: the smallest value that makes sense (and never NaN or infinite)
    maximum: float | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def in_notebooks(self) -> str:
        return self.notebook_name or self.name


KNOBS: tuple[Knob, ...] = (
    Knob("target_terms", "list[str]", [],
         "brand and product names in any language; empty: every post counts, or in a report the stored run's terms",
         "target_terms", aliases=("--target",)),
    Knob("competitor_terms", "list[str]", [],
         "competitor names in any language; with the target terms they decide which coordinated groups are smear "
         "operations against the target", "competitor_terms", aliases=("--competitor",)),
    Knob("since", "str", "", "first day included, ISO date UTC; empty for the first post", "since"),
    Knob("until", "str", "", "first day excluded, ISO date UTC; empty for the last post", "until"),
    Knob("window_s", "float", 60.0, "coordination window, seconds either side", "coordination.window_s",
         aliases=("--window",), minimum=0.0, maximum=366 * 86_400.0),
    Knob("text_normalizer", "str", "workbench",
         "how co_text and co_similar_text normalise text: workbench, or toolkit for the toolkit's co_tweet",
         "coordination.text_normalizer"),
    Knob("min_edge_weight", "int", 2, "coordinated actions a pair of accounts needs for an edge",
         "coordination.min_edge_weight", minimum=1),
    Knob("score_threshold", "float", 0.2, "suspicion score threshold of the flag rule", "score_threshold",
         aliases=("--threshold",), notebook_name="analysis_threshold", minimum=0.0, maximum=1.0),
    Knob("narratives", "bool", False, "also embed and cluster narratives, which is slower", "narratives"),
    Knob("embedding_backend", "str", "use",
         "use is the multilingual sentence encoder shipped on PyPI; charhash is fast but groups by characters; "
         "minilm or st:<model dir> are optional", "narrative_params.backend"),
    Knob("narrative_sample_size", "int", 20000,
         "distinct texts UMAP and HDBSCAN are fitted on; the rest are assigned", "narrative_params.sample_size",
         minimum=10),
    Knob("seed", "int", 0, "seed for every sample, layout and random step", "random_state", minimum=0, maximum=2**32 - 1),
)
BY_NAME = {knob.name: knob for knob in KNOBS}

# Where the report notebooks start from other values than the analysis does (checked by the tests).
REPORT_DEFAULTS: dict[str, Any] = {"narratives": True}


def defaults() -> dict[str, Any]:
    return {knob.name: knob.default for knob in KNOBS}


def add_knob_arguments(parser: argparse.ArgumentParser, names: tuple[str, ...] | None = None) -> None:
    """One flag per knob (all, or those named), typed, with the knob's default and help."""
    for knob in (BY_NAME[n] for n in names) if names else KNOBS:
        help_text = knob.help + " (default: %(default)s)"
        if knob.type == "bool":
            parser.add_argument(knob.flag, *knob.aliases, dest=knob.name, action=argparse.BooleanOptionalAction,
                                default=knob.default, help=help_text)
        elif knob.type == "list[str]":
            parser.add_argument(knob.flag, *knob.aliases, dest=knob.name, action="append", default=None,
                                metavar="TERM", help=knob.help + " (repeatable)")
        else:
            parser.add_argument(knob.flag, *knob.aliases, dest=knob.name, type=_parser_of(knob), default=knob.default,
                                help=help_text)


def _parser_of(knob: Knob):
    """argparse's `type` for a knob: the text parsed and, for numbers, checked against the knob's range, so a
    wrong value (nan, -5) is argparse's one-line usage error rather than a failure deep in the analysis."""
    if knob.type == "str":
        return str

    def parse(text: str):
        try:
            value = int(text) if knob.type == "int" else float(text)
            return _in_range(knob, value)
        except (ValueError, ParameterError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = knob.type  # argparse names the type in its message
    return parse


def knob_values(args: argparse.Namespace) -> dict[str, Any]:
    """The knob values parsed by a parser built with `add_knob_arguments`."""
    values = {name: getattr(args, name) for name in BY_NAME if hasattr(args, name)}
    for knob in KNOBS:  # a repeatable flag never given is None
        if knob.type == "list[str]" and knob.name in values and values[knob.name] is None:
            values[knob.name] = []
    return values


def _checked(knob: Knob, value: Any) -> Any:
    """The value in the knob's type (an int for a float knob becomes a float, so 30 and 30.0 are one run)."""
    if knob.type == "list[str]":
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"{knob.name}: expected a list of strings, got {value!r}")
        return tuple(value)
    if knob.type == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"{knob.name}: expected true or false, got {value!r}")
        return value
    if knob.type in ("float", "int") and isinstance(value, (int, float)) and not isinstance(value, bool):
        if knob.type == "int" and not isinstance(value, int):
            raise ParameterError(f"{knob.name}: expected int, got {value!r}")
        return _in_range(knob, float(value) if knob.type == "float" else value)
    if knob.type == "str" and isinstance(value, str):
        return value
    raise ParameterError(f"{knob.name}: expected {knob.type}, got {value!r}")


def _in_range(knob: Knob, value: float | int) -> float | int:
    if value != value or value in (float("inf"), float("-inf")):
        raise ParameterError(f"{knob.name}: expected a finite number, got {value!r}")
    if (knob.minimum is not None and value < knob.minimum) or (knob.maximum is not None and value > knob.maximum):
        bounds = (f"at least {knob.minimum:.15g}" if knob.maximum is None else
                  f"between {knob.minimum:.15g} and {knob.maximum:.15g}")
        raise ParameterError(f"{knob.name}: must be {bounds}, got {value!r}")
    return value


def _day(knob: Knob, text: str) -> str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as error:
        raise ParameterError(f"{knob.name}: not an ISO date: {text!r}") from error


def analysis_params(values: dict[str, Any] | None = None, **other):
    """The `AnalysisParams` of knob values (missing knobs take their defaults; `other` sets AnalysisParams
    fields that are not knobs). A step keyword equal to its default is left out, so the same effective
    settings always give the same parameters and run id. Unknown names and wrong types raise ParameterError."""
    from workbench.pipeline import AnalysisParams

    given = dict(values or {})
    unknown = sorted(set(given) - set(BY_NAME))
    if unknown:
        raise ParameterError(f"unknown analysis parameter(s) {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    fields: dict[str, Any] = {}
    steps: dict[str, dict] = {}
    for knob in KNOBS:
        value = _checked(knob, given.get(knob.name, knob.default))
        if knob.name in ("since", "until"):
            value = _day(knob, value)
        if "." in knob.field:
            step, keyword = knob.field.split(".")
            if value != knob.default:
                steps.setdefault(step, {})[keyword] = value
        else:
            fields[knob.field] = value
    return AnalysisParams(**fields, **steps, **other)
