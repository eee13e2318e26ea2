"""`workbench ingest PATH... --preset NAME`: load exports into the corpus database.

Exit codes: 0 every row of every file loaded (or a duplicate, or the file already ingested);
4 every file loaded but some rows were quarantined, or some author profile values could not be read (stored NULL
and listed in `value_problems`); 1 a file was refused (nothing from it stored) or none
of its rows could be loaded; 3 the database is locked by another process. Files are ingested one by one,
each in its own transaction: one file's problem does not stop the files after it.
"""
from __future__ import annotations

import argparse

from workbench.config import DEFAULT_DB
from workbench.errors import WorkbenchError

EXIT_LOADED = 0
EXIT_FAILED = 1
EXIT_QUARANTINED = 4


def _limit(largest: float):
    """argparse's `type` for a size limit: a finite number above 0 and at most `largest` (nan, inf, 1e300 and 0
    are usage errors, not failures deep in the reader)."""
    def limit(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not 0 < value <= largest:  # also false for nan
            raise argparse.ArgumentTypeError(f"must be above 0 and at most {largest:g}, got {text!r}")
        return value

    return limit


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
    parser.add_argument("--max-field-mb", type=_limit(1_000_000), default=64.0,
                        help="longest field or line read, in MB; a longer row is quarantined (default %(default)s)")
    parser.add_argument("--max-ratio", type=_limit(1e9), default=200.0,
                        help="a compressed file may expand at most this many times its size, past 64 MB "
                             "(default %(default)s); beyond it the file is refused as a likely decompression bomb")
    parser.add_argument("--no-progress", "--quiet", dest="no_progress", action="store_true",
                        help="no progress bars (they are off anyway when not on a terminal)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.ingest import ingest_file, synth_files
    from workbench.ingest.readers import ReadLimits
    from workbench.ingest.timeparse import check_timezone
    from workbench.store import Store
    from workbench.visible import visible

    if args.timezone:
        check_timezone(args.timezone)
    if args.encoding:
        from workbench.ingest.readers import check_encoding

        check_encoding(args.encoding)
    if args.max_field_mb <= 0 or args.max_ratio <= 1:
        raise WorkbenchError("--max-field-mb must be positive and --max-ratio above 1")
    limits = ReadLimits(max_field_bytes=int(args.max_field_mb * 2**20), max_ratio=args.max_ratio)
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
    from workbench.progress import stages

    failed = quarantined = 0
    # one bar over the files (count, elapsed, ETA); large files get their own bar of rows from the loader
    bar = stages("ingest", [str(p) for p in paths], quiet=args.no_progress)
    with bar, Store(args.db) as store:
        for number, path in enumerate(paths, 1):
            bar.advance(str(path), f"file {number} of {len(paths)}")
            try:
                summary = ingest_file(store, path, args.preset, platform=args.platform, timezone=args.timezone,
                                      encoding=args.encoding, delimiter=args.delimiter, options=options,
                                      progress=False if args.no_progress else None, limits=limits)
            except WorkbenchError as error:
                # One file's problem does not stop the others; earlier files stay committed.
                failed += 1
                print(visible(f"error: {error} (nothing from this file was stored)"), flush=True)
                continue
            except Exception as error:  # an unforeseen failure on one file must not stop the files after it
                failed += 1
                print(visible(f"error: {path}: could not be ingested ({type(error).__name__}: {error}); nothing from this "
                              "file was stored. Please report this with the file's first rows."), flush=True)
                continue
            print(visible(summary.describe(), keep="\n"), flush=True)
            failed += summary.nothing_loaded
            quarantined += summary.rows_quarantined > 0 or summary.values_not_stored > 0
    if failed:
        return EXIT_FAILED
    return EXIT_QUARANTINED if quarantined else EXIT_LOADED
