"""Progress of long work on the terminal: named stages with counts, elapsed time and an ETA (tqdm).

Quiet when stderr is not a terminal (cron, CI, papermill kernels) or when the command got `--quiet`:
`stages(names, enabled=False)` returns the same object that does nothing, so callers never branch.
"""
from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Sequence

from workbench.visible import visible


def progress_enabled(quiet: bool = False) -> bool:
    """True when progress should be drawn: not asked to be quiet and stderr is a terminal."""
    return not quiet and sys.stderr.isatty()


class Stages:
    """A bar over the named stages of one job: `advance(name, detail)` marks the previous stage done and
    shows the next (with a detail such as "1,000,000 posts"); `close()` prints the total time."""

    def __init__(self, job: str, names: Sequence[str], enabled: bool = True):
        self.job, self.names, self.enabled = job, list(names), enabled
        self.started = time.perf_counter()
        self._bar = None
        self._current: str | None = None
        if enabled:
            from tqdm import tqdm

            # a pty that reports no size makes tqdm draw nothing; shutil's size has a fallback
            size = shutil.get_terminal_size((100, 20))
            self._bar = tqdm(total=len(self.names), desc=job, unit="stage", file=sys.stderr, leave=True,
                             ncols=max(size.columns, 60), nrows=max(size.lines, 10),
                             bar_format="{desc} | stage {n_fmt}/{total_fmt} |{bar:20}| {elapsed} elapsed, ETA {remaining}")

    def advance(self, name: str, detail: str = "") -> None:
        if self._bar is None:
            return
        if self._current is not None:
            self._bar.update(1)
        self._current = name
        # Stage names can be file names, which an attacker chooses: shown with their control characters escaped.
        self._bar.set_description_str(visible(f"{self.job}: {name}{' (' + detail + ')' if detail else ''}"))

    def close(self, summary: str = "") -> None:
        if self._bar is None:
            return
        if self._current is not None:
            self._bar.update(self._bar.total - self._bar.n)
        self._bar.set_description_str(visible(f"{self.job}: {summary or 'done'}"))
        self._bar.close()
        self._bar = None

    def __enter__(self) -> "Stages":
        return self

    def __exit__(self, *exc) -> None:
        self.close("failed" if exc[0] else "")


def stages(job: str, names: Sequence[str], quiet: bool = False) -> Stages:
    """A `Stages` bar, drawn only when `progress_enabled(quiet)`."""
    return Stages(job, names, enabled=progress_enabled(quiet))
