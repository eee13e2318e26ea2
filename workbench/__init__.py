"""Open investigation workbench for coordinated inauthentic ("water army") campaigns.

The public API (docs/architecture.md):

    from workbench import Store, Analysis, analyze
    with Store("data/workbench.duckdb", read_only=True) as store:
        analysis = analyze(store, target_terms=["Xiaomi", "小米"])   # knobs: workbench.params.KNOBS
        analysis.save(store)                                           # a run the report can show
        same = Analysis.load(store, analysis.run_id)
"""
from workbench import config as _config  # noqa: F401  (sets cache locations before heavy imports)

__version__ = "0.1.0"
__all__ = ["Analysis", "AnalysisParams", "Store", "analyze"]


def __getattr__(name: str):
    # Imported on first use, so `import workbench` (and the CLI's start-up) stays light.
    if name == "Store":
        from workbench.store import Store

        return Store
    if name in ("Analysis", "AnalysisParams", "analyze"):
        from workbench import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
