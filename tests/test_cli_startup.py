"""The CLI imports only what the chosen subcommand needs: building the parser and printing help load no
analysis library (start-up time is measured in bench/bench_startup.py, not asserted here)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from workbench.ingest.presets import available, describe

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("polars", "duckdb", "numpy", "numba", "umap", "igraph", "altair", "papermill", "scipy",
         "sklearn", "pyarrow")


def loaded_after(code: str) -> set[str]:
    """Top-level modules a fresh interpreter holds after running `code` (run from the project root)."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_building_the_parser_loads_no_heavy_library():
    modules = loaded_after("from workbench.cli import build_parser\nbuild_parser()")
    assert "workbench" in modules
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_subcommand_help_loads_no_heavy_library():
    for command in ("ingest", "network", "analyze", "report", "synth"):
        code = ("import contextlib, io\nfrom workbench.cli import main\n"
                f"with contextlib.redirect_stdout(io.StringIO()) as out:\n"
                f"    try:\n        main([{command!r}, '--help'])\n    except SystemExit:\n        pass\n"
                f"assert {command!r} in out.getvalue()")
        modules = loaded_after(code)
        assert not modules & set(HEAVY), (command, modules & set(HEAVY))


def test_preset_descriptions_read_from_source_match_the_presets():
    assert describe() == {name: preset.description for name, preset in sorted(available().items())}
    assert "twitter_v2" in describe()


def test_lazy_package_names_still_resolve():
    from workbench.coordination import DEFAULT_SIGNALS, CoordinationNetwork
    from workbench.coordination.signals import ALL_SIGNALS
    from workbench.ingest import ingest_file

    assert set(DEFAULT_SIGNALS) <= set(ALL_SIGNALS)
    assert callable(ingest_file) and hasattr(CoordinationNetwork, "fit")


def test_coordination_without_similar_text_loads_no_numba():
    # numba (and the scipy it pulls in) costs about a second of start-up; only co_similar_text needs it.
    modules = loaded_after("from workbench.coordination import CoordinationNetwork\nCoordinationNetwork\n"
                           "from workbench.exports import write_network")
    assert "polars" in modules and "numba" not in modules and "scipy" not in modules
