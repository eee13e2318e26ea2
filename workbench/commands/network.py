"""`workbench network --db PATH --out DIR [--run RUN_ID] [--format parquet,csv,graphml]`: the coordination
network of a stored analysis run (`workbench analyze --save`), exported; with `--fit [--signals ...]
[--window-s N] [--semantics toolkit|coortweet] ...`, a network built now from the posts with those knobs."""
from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    from workbench.coordination.signal_names import ALL_SIGNALS, TEXT_NORMALIZERS
    from workbench.params import add_knob_arguments

    parser = subparsers.add_parser(
        "network",
        help="build coordination networks (co-link, co-share, co-text, near-duplicate text...) and export them",
        description="Write the edges, nodes, communities and hot objects of a stored analysis run (default: the "
                    "latest complete one), or with --fit build them now: find account pairs acting alike within "
                    "a time window, fuse the signals, find communities (docs/coordination.md explains every "
                    "definition).",
    )
    parser.add_argument("--db", required=True, help="the corpus DuckDB file (opened read-only)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--run", dest="run_id", default=None, metavar="RUN_ID",
                        help="the stored analysis run to export (default: the latest complete run)")
    parser.add_argument("--fit", action="store_true",
                        help="build the network now from the posts with the options below instead of reading a run")
    parser.add_argument("--signals", default=None,
                        help=f"comma-separated signals (default: the standard set); known: {','.join(ALL_SIGNALS)}")
    parser.add_argument("--semantics", choices=("toolkit", "coortweet"), default="toolkit",
                        help="edge weights: toolkit (directed, distinct matching posts) or coortweet (undirected, co-shared objects)")
    parser.add_argument("--min-participation", type=int, default=2, help="coortweet semantics: min coordinated shares per account")
    parser.add_argument("--similarity-threshold", type=float, default=0.8, help="co_similar_text Jaccard threshold (0.3 catches template variants; the toolkit uses 0.9)")
    parser.add_argument("--text-normalizer", choices=TEXT_NORMALIZERS, default="workbench",
                        help="how co_text and co_similar_text normalise text: workbench (NFKC, case folding, URL and "
                             "mention placeholders, punctuation folding; default) or toolkit (the "
                             "coordination_network_toolkit's co_tweet preprocessing, for parity with it)")
    parser.add_argument("--no-chance-test", action="store_true",
                        help="skip the test of co-action against chance at every time scale (the nodes' "
                             "coordinated_group stays -1): only the windowed edges, communities and flags, which is "
                             "what the coordination_network_toolkit computes. The flags then rest on the window "
                             "rules alone, which flag most accounts of a densely posting corpus")
    add_knob_arguments(parser, ("window_s", "min_edge_weight", "seed"))
    parser.add_argument("--format", default="parquet,csv,graphml", help="comma-separated: parquet,csv,graphml,gexf")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.exports import write_network
    from workbench.coordination.signal_names import posts_columns_for
    from workbench.errors import ParameterError

    network, node_info = fit_network(args) if args.fit else stored_network(args.db, args.run_id)
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    try:
        paths = write_network(network, args.out, formats, node_info=node_info)
    except ValueError as error:
        raise ParameterError(str(error)) from error
    flagged = int(network.nodes_["flagged"].sum())
    print(f"{len(network.edges_)} edges, {len(network.fused_edges_)} fused account pairs, "
          f"{len(network.communities_)} communities, {flagged} flagged accounts")
    for path in paths:
        print(path)
    return 0


def stored_network(db: str, run_id: str | None):
    """The network frames of a stored run, under the fitted network's attribute names (what the exports read)."""
    from types import SimpleNamespace

    from workbench.pipeline import Analysis
    from workbench.store import Store

    with Store(db, read_only=True) as store:
        analysis = Analysis.load(store, run_id)
        node_info = node_attributes(store, store.posts(columns=["account_id", "created_at"]), analysis)
    return SimpleNamespace(edges_=analysis.coordination_edges, fused_edges_=analysis.coordination_fused_edges,
                           nodes_=analysis.coordination_nodes, communities_=analysis.communities,
                           hot_objects_=analysis.hot_objects), node_info


def fit_network(args: argparse.Namespace):
    from workbench.coordination import DEFAULT_SIGNALS, CoordinationNetwork
    from workbench.coordination.signal_names import posts_columns_for
    from workbench.errors import ParameterError
    from workbench.store import Store

    signals = tuple(s.strip() for s in args.signals.split(",") if s.strip()) if args.signals else DEFAULT_SIGNALS
    network = CoordinationNetwork(
        signals=signals, window_s=args.window_s, semantics=args.semantics, min_edge_weight=args.min_edge_weight,
        min_participation=args.min_participation, similarity_threshold=args.similarity_threshold,
        text_normalizer=args.text_normalizer, random_state=args.seed,
        significance=None if args.no_chance_test else "default",
    )
    try:
        network.validate_params()
    except ValueError as error:
        raise ParameterError(str(error)) from error
    with Store(args.db, read_only=True) as store:
        posts = store.posts(columns=posts_columns_for(signals))
        node_info = node_attributes(store, posts, _latest_analysis(store))
    return network.fit(posts), node_info


def _latest_analysis(store):
    """The latest complete stored run, or None when there is none."""
    from workbench.errors import WorkbenchError
    from workbench.pipeline import Analysis

    try:
        return Analysis.load(store, None)
    except WorkbenchError:
        return None


def node_attributes(store, posts, analysis):
    """Per account: handle, first/last activity, and the campaign, its kind and the suspicion score from
    the stored analysis run (campaign and score stay empty without one)."""
    import polars as pl

    info = store.accounts(columns=["account_id", "handle"]).join(
        posts.group_by("account_id").agg(pl.col("created_at").min().dt.strftime("%Y-%m-%dT%H:%M:%S").alias("first_activity"),
                                         pl.col("created_at").max().dt.strftime("%Y-%m-%dT%H:%M:%S").alias("last_activity")),
        on="account_id", how="full", coalesce=True)
    if analysis is None or analysis.campaign_accounts.is_empty():
        return info
    members = analysis.campaign_accounts.select("account_id", pl.col("campaign_id").alias("campaign"))
    kinds = analysis.campaigns.select(pl.col("campaign_id").alias("campaign"), pl.col("kind").alias("group_kind"))
    scores = analysis.account_scores.select("account_id", "score")
    return (info.join(members.join(kinds, on="campaign", how="left").unique("account_id", keep="first"), on="account_id", how="left")
            .join(scores, on="account_id", how="left"))
