"""`workbench network --db PATH --out DIR [--signals ...] [--window-s N] [--semantics toolkit|coortweet]
[--format parquet,csv,graphml]`: coordination networks from a corpus store."""
from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    from workbench.coordination.signal_names import ALL_SIGNALS, TEXT_NORMALIZERS

    parser = subparsers.add_parser(
        "network",
        help="build coordination networks (co-link, co-share, co-text, near-duplicate text...) and export them",
        description="Read the posts of a corpus store, find account pairs acting alike within a time window, "
                    "fuse the signals, find communities and write edges, nodes, communities and hot objects "
                    "(docs/coordination.md explains every definition).",
    )
    parser.add_argument("--db", required=True, help="the corpus DuckDB file (opened read-only)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--signals", default=None,
                        help=f"comma-separated signals (default: the standard set); known: {','.join(ALL_SIGNALS)}")
    parser.add_argument("--window-s", type=float, default=60.0, help="time window in seconds, +/- (default 60)")
    parser.add_argument("--semantics", choices=("toolkit", "coortweet"), default="toolkit",
                        help="edge weights: toolkit (directed, distinct matching posts) or coortweet (undirected, co-shared objects)")
    parser.add_argument("--min-edge-weight", type=int, default=2, help="toolkit semantics: keep edges with weight >= this")
    parser.add_argument("--min-participation", type=int, default=2, help="coortweet semantics: min coordinated shares per account")
    parser.add_argument("--similarity-threshold", type=float, default=0.8, help="co_similar_text Jaccard threshold (0.3 catches template variants; the toolkit uses 0.9)")
    parser.add_argument("--text-normalizer", choices=TEXT_NORMALIZERS, default="workbench",
                        help="how co_text and co_similar_text normalise text: workbench (NFKC, case folding, URL and "
                             "mention placeholders, punctuation folding; default) or toolkit (the "
                             "coordination_network_toolkit's co_tweet preprocessing, for parity with it)")
    parser.add_argument("--seed", type=int, default=0, help="random_state for MinHash and Leiden")
    parser.add_argument("--format", default="parquet,csv,graphml", help="comma-separated: parquet,csv,graphml")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.coordination import DEFAULT_SIGNALS, CoordinationNetwork
    from workbench.coordination.export import write_network
    from workbench.coordination.signal_names import posts_columns_for
    from workbench.errors import ParameterError
    from workbench.store import Store

    signals = tuple(s.strip() for s in args.signals.split(",") if s.strip()) if args.signals else DEFAULT_SIGNALS
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    network = CoordinationNetwork(
        signals=signals, window_s=args.window_s, semantics=args.semantics, min_edge_weight=args.min_edge_weight,
        min_participation=args.min_participation, similarity_threshold=args.similarity_threshold,
        text_normalizer=args.text_normalizer, random_state=args.seed,
    )
    try:
        network.validate_params()
    except ValueError as error:
        raise ParameterError(str(error)) from error
    with Store(args.db, read_only=True) as store:
        posts = store.posts(columns=posts_columns_for(signals))
    network.fit(posts)
    try:
        paths = write_network(network, args.out, formats)
    except ValueError as error:
        raise ParameterError(str(error)) from error
    flagged = int(network.nodes_["flagged"].sum())
    print(f"{len(network.edges_)} edges, {len(network.fused_edges_)} fused account pairs, "
          f"{len(network.communities_)} communities, {flagged} flagged accounts")
    for path in paths:
        print(path)
    return 0
