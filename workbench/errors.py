"""Errors the user can act on. The CLI prints their message instead of a traceback."""
from __future__ import annotations


class WorkbenchError(Exception):
    """An expected failure with a message that says what happened and what to do."""

    exit_code = 1


class DatabaseLockedError(WorkbenchError):
    """Another process holds the DuckDB write lock."""

    exit_code = 3


class InputFileError(WorkbenchError):
    """An input file cannot be read at all (not a row-level problem: those go to quarantine)."""


class UnknownPresetError(WorkbenchError):
    """The ingest preset named does not exist."""


class ParameterError(WorkbenchError):
    """A report or analysis parameter is unknown or has the wrong type."""


class NotFittedError(WorkbenchError):
    """An estimator was used before `fit`."""


def check_fitted(estimator, attributes=None) -> None:
    """Raise NotFittedError unless `estimator` has its fitted attributes (default: its class's
    `FITTED_ATTRIBUTES`), naming them and the call that sets them."""
    wanted = attributes if attributes is not None else getattr(type(estimator), "FITTED_ATTRIBUTES", ())
    missing = [name for name in wanted if not hasattr(estimator, name)]
    if missing:
        raise NotFittedError(f"this {type(estimator).__name__} is not fitted yet ({', '.join(missing)} missing): "
                             "call fit(...) first")
