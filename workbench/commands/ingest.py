"""`workbench ingest PATH... --preset NAME`: load exports into the corpus database."""
from __future__ import annotations

import argparse

from workbench.config import DEFAULT_DB
from workbench.errors import WorkbenchError


def _pairs(text: str) -> dict[str, str]:
    pairs = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        if "=" not in item:
            raise argparse.ArgumentTypeError(f"expected name=value, got {item!r}")
        key, value = item.split("=", 1)
        pairs[key.strip()] = value.strip()
    return pairs


def add_parser(subparsers) -> None:
    from workbench.ingest.presets import describe  # reads the presets' source: no polars at parse time

    names = ", ".join(f"{name} ({description})" for name, description in describe().items())
    parser = subparsers.add_parser("ingest", help="load export files into the corpus database",
                                   description=f"Load export files, losing nothing. Presets: {names}.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files (CSV/TSV, JSONL, JSON, Parquet; .gz/.zst) or a synth folder")
    parser.add_argument("--preset", required=True, help="export format preset")
    parser.add_argument("--db", default=str(DEFAULT_DB), help="corpus database (default %(default)s)")
    parser.add_argument("--platform", help="platform name for ids (default: the preset's)")
    parser.add_argument("--timezone", help="zone of times without an offset, e.g. UTC or Asia/Shanghai")
    parser.add_argument("--encoding", help="text encoding (default: detected; utf-8, utf-16, gb18030, ...)")
    parser.add_argument("--delimiter", help="CSV delimiter (default: detected)")
    parser.add_argument("--map", type=_pairs, default={}, help="generic preset: canonical=raw column pairs, comma separated")
    parser.add_argument("--mapping", help="generic preset: YAML mapping file")
    parser.add_argument("--option", type=_pairs, default={}, help="preset options as name=value pairs")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.ingest import ingest_file, synth_files
    from workbench.store import Store

    options = dict(args.option)
    if args.map:
        options["map"] = args.map
    if args.mapping:
        options["mapping"] = args.mapping
    paths: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir() and args.preset == "synth":
            paths.extend(synth_files(path))
        else:
            paths.append(path)
    failed = 0
    with Store(args.db) as store:
        for path in paths:
            try:
                summary = ingest_file(store, path, args.preset, platform=args.platform, timezone=args.timezone,
                                      encoding=args.encoding, delimiter=args.delimiter, options=options,
                                      progress=False if args.no_progress else None)
            except WorkbenchError as error:
                # One file's problem does not stop the others; earlier files stay committed.
                failed += 1
                print(f"error: {error} (nothing from this file was stored)")
                continue
            print(summary.describe())
    return 1 if failed else 0
