"""Coordination networks: ours vs coordination_network_toolkit 1.5.2 on the same generated input, same run.

    .venv/bin/python bench/bench_coordination_toolkit.py --posts 200000 [--corpus twitter|synth] [--repeat 3] [--skip-similar-toolkit]

--corpus twitter (default): the generator below. --corpus synth: the project's synthetic water-army corpus
(workbench.synth, default scenario: Chinese-majority text, fan clubs, squads co-reposting seed posts),
with its post kinds mapped to the toolkit's retweet and reply ids.

Each tool starts from its own loaded store: the toolkit from its SQLite after its own `preprocess_data`
(what its CSV loader calls, given proper URL lists: its CSV loader would turn an empty urls cell into the
link '' and make every link-less post co-link with every other, so we bypass the CSV step); ours from a
DuckDB store after loading (posts read back with `Store.posts`, timed). Each side runs in its own process,
which reports its own peak RSS (VmHWM). Reported: seconds for co-link, co-retweet/co_share,
co-tweet/co_text, co-reply (together) and co-similar-tweet/co_similar_text; whether the four edge sets
and weights are identical; recall of the toolkit's co_similar_tweet edges among ours.

Every run is cold, as a user meets it: a fresh process and a freshly loaded store for each tool (the
toolkit's first call of each network also builds its SQLite indexes). --repeat N (default 3) does N such
runs and reports the median of each timing, with every run's seconds in `runs_s`; the toolkit's
co_similar_tweet (tens of seconds) runs in the first repetition only.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]


sys.path.insert(0, str(ROOT))

from measure import peak_rss_gb  # noqa: E402

FOUR = [("co_link", "co_link_network"), ("co_share", "co_retweet_network"), ("co_text", "co_tweet_network"),
        ("co_reply", "co_reply_network")]


def generate(n_posts: int, seed: int = 0) -> pl.DataFrame:
    """Twitter-like corpus: 5% of posts by a 200-account network posting near-duplicate templated text
    with shared links in bursts; the rest organic with Zipf-distributed links, retweets and replies
    (hot objects included) and copy-pasted slogans over 2 days."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 6, 20)
    span_s = 2 * 86400
    n_accounts = max(50, n_posts // 20)
    vocabulary = np.array([f"w{i}" for i in range(20000)])
    account = rng.integers(0, n_accounts, n_posts)
    seconds = rng.integers(0, span_s, n_posts)
    kind = rng.choice(np.array(["post", "repost", "reply"]), n_posts, p=[0.55, 0.3, 0.15])
    n_words = rng.integers(6, 25, n_posts)
    words = vocabulary[rng.zipf(1.2, n_words.sum()) % len(vocabulary)]
    texts = [" ".join(w) + "." for w in np.split(words, np.cumsum(n_words)[:-1])]
    slogans = [f"slogan {i} " + " ".join(rng.choice(vocabulary[:500], 6)) for i in range(300)]
    for row in np.flatnonzero(rng.random(n_posts) < 0.05):
        texts[row] = slogans[rng.zipf(1.5) % 300]
    has_link = rng.random(n_posts) < 0.35
    link_ids = rng.zipf(1.3, n_posts) % 50000
    urls = [[f"https://site{l % 900}.example/a/{l}"] if h else [] for h, l in zip(has_link, link_ids)]
    shared = np.where(kind == "repost", np.char.add("tw:", (rng.zipf(1.4, n_posts) % 5000).astype(str)), None)
    parent = np.where(kind == "reply", np.char.add("tw:", (rng.zipf(1.4, n_posts) % 5000).astype(str)), None)
    # The coordinated network: bursts of near-duplicates of a few templates, one link per burst.
    n_campaign = n_posts // 20
    bots = rng.integers(0, 200, n_campaign) + n_accounts
    templates = [" ".join(rng.choice(vocabulary[:3000], 18)) for _ in range(40)]
    burst = rng.integers(0, max(1, n_campaign // 15), n_campaign)
    burst_start = rng.integers(0, span_s, burst.max() + 1)
    campaign_text = []
    for b in burst:
        tokens = templates[b % 40].split()
        tokens[int(rng.integers(len(tokens)))] = str(rng.choice(vocabulary))
        campaign_text.append(" ".join(tokens) + "!")
    bot_rows = np.arange(n_posts - n_campaign, n_posts)
    accounts = [f"tw:u{a}" for a in account]
    times = seconds.copy()
    shared, parent = shared.astype(object), parent.astype(object)
    for row, bot, b, text in zip(bot_rows, bots, burst, campaign_text):
        accounts[row] = f"tw:u{bot}"
        times[row] = burst_start[b] + rng.integers(0, 50)
        kind[row] = "post"
        texts[row] = text
        urls[row] = [f"https://smear.example/{b}"]
        shared[row] = None
        parent[row] = None
    frame = pl.DataFrame({
        "post_id": [f"tw:{i}" for i in range(n_posts)],
        "account_id": accounts,
        "created_at": [start + timedelta(seconds=int(s)) for s in times],
        "kind": kind, "text": texts, "urls": urls, "shared_post_id": list(shared), "parent_post_id": list(parent),
    }, schema_overrides={"urls": pl.List(pl.String), "created_at": pl.Datetime("us"),
                         "shared_post_id": pl.String, "parent_post_id": pl.String})
    return frame




def generate_synth(n_posts: int, seed: int = 0) -> pl.DataFrame:
    """The workbench.synth corpus (default scenario) in the columns both tools read."""
    from workbench.synth.generator import generate as generate_corpus

    with tempfile.TemporaryDirectory(prefix="bench_synth_") as tmp:
        generate_corpus(tmp, posts=n_posts, seed=seed)
        posts = pl.read_parquet(Path(tmp) / "posts.parquet")
    return posts.select("post_id", "account_id", "created_at", "kind", "text", "urls", "shared_post_id", "parent_post_id")


def run_toolkit(parquet: Path, workdir: Path, skip_similar: bool) -> dict:
    from coordination_network_toolkit import compute_networks as cn
    from coordination_network_toolkit.preprocess import preprocess_data

    posts = pl.read_parquet(parquet)
    db_path = str(workdir / "toolkit.db")
    rows = [
        (r["post_id"], r["account_id"], r["account_id"], r["shared_post_id"] or "", r["parent_post_id"] or "", r["text"],
         r["created_at"].timestamp(), r["urls"])
        for r in posts.iter_rows(named=True)
    ]
    started = time.perf_counter()
    preprocess_data(db_path, rows)
    result = {"preprocess_s": time.perf_counter() - started, "times_s": {}}
    calls = {
        "co_link": lambda: cn.compute_co_link_network(db_path, 60, n_threads=2, min_edge_weight=2),
        "co_share": lambda: cn.compute_co_retweet_parallel(db_path, 60, n_threads=2, min_edge_weight=2),
        "co_text": lambda: cn.compute_co_tweet_network(db_path, 60, n_threads=2, min_edge_weight=2),
        "co_reply": lambda: cn.compute_co_reply_network(db_path, 60, n_threads=2, min_edge_weight=2),
    }
    if not skip_similar:
        calls["co_similar_text"] = lambda: cn.compute_co_similar_tweet(db_path, 60, n_threads=2, min_edge_weight=2)
    for name, call in calls.items():
        started = time.perf_counter()
        call()
        result["times_s"][name] = time.perf_counter() - started
    tables = dict(FOUR + [("co_similar_text", "co_similar_tweet_network")])
    edges = {}
    with sqlite3.connect(db_path) as db:
        for name in calls:
            edges[name] = [list(r) for r in db.execute(f"select user_1, user_2, weight from {tables[name]} where user_1 != user_2")]
    json.dump(edges, open(workdir / "toolkit_edges.json", "w"))
    result["peak_rss_gb"] = peak_rss_gb()
    return result


def run_ours(parquet: Path, workdir: Path) -> dict:
    from workbench.coordination import CoordinationNetwork
    from workbench.store import Store

    db = workdir / "ours.duckdb"
    posts = pl.read_parquet(parquet)
    with Store(db) as store:
        columns = store.query("SELECT * FROM posts LIMIT 0").columns
        frame = posts.with_columns(platform=pl.lit("twitter"), source_id=pl.lit(1, dtype=pl.Int32),
                                   source_row=pl.int_range(pl.len()).cast(pl.Int64))
        store.append("posts", frame.select([c for c in columns if c in frame.columns]))
    del posts, frame
    result = {"times_s": {}}
    started = time.perf_counter()
    with Store(db, read_only=True) as store:
        loaded = store.posts(columns=["post_id", "account_id", "created_at", "kind", "text", "urls", "shared_post_id", "parent_post_id"])
    result["times_s"]["load_from_duckdb"] = time.perf_counter() - started
    # Edges only first: it is the headline comparison, so it pays this process's warm-up.
    started = time.perf_counter()
    CoordinationNetwork(signals=[s for s, _ in FOUR], window_s=60, min_edge_weight=2, semantics="toolkit",
                        text_normalizer="toolkit", max_pairs_per_object=None, find_communities=False).fit(loaded)
    result["times_s"]["four_signals_edges_only"] = time.perf_counter() - started
    started = time.perf_counter()
    four = CoordinationNetwork(signals=[s for s, _ in FOUR], window_s=60, min_edge_weight=2, semantics="toolkit",
                               text_normalizer="toolkit", max_pairs_per_object=None).fit(loaded)
    result["times_s"]["four_signals_fit"] = time.perf_counter() - started
    started = time.perf_counter()
    similar = CoordinationNetwork(signals=["co_similar_text"], window_s=60, min_edge_weight=2, semantics="toolkit",
                                  text_normalizer="toolkit", similarity_tokenizer="words_punct",
                                  similarity_threshold=0.9, max_pairs_per_object=None).fit(loaded)
    result["times_s"]["co_similar_text_fit"] = time.perf_counter() - started
    edges = {s: four.edges_.filter(pl.col("signal") == s).select("account_a", "account_b", "weight").rows() for s, _ in FOUR}
    edges["co_similar_text"] = similar.edges_.select("account_a", "account_b", "weight").rows()
    json.dump(edges, open(workdir / "our_edges.json", "w"))
    result["peak_rss_gb"] = peak_rss_gb()
    return result


def median_of_runs(runs: list[dict]) -> dict:
    """One phase's results over repetitions: median seconds per timing, every run's seconds, max peak."""
    keys = sorted({key for run in runs for key in run["times_s"]})
    per_key = {key: [run["times_s"][key] for run in runs if key in run["times_s"]] for key in keys}
    return {
        "times_s": {key: float(np.median(values)) for key, values in per_key.items()},
        "runs_s": {key: [round(v, 3) for v in values] for key, values in per_key.items()},
        "peak_rss_gb": max(run["peak_rss_gb"] for run in runs),
        **({"preprocess_s": float(np.median([run["preprocess_s"] for run in runs]))} if "preprocess_s" in runs[0] else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", choices=("twitter", "synth"), default="twitter")
    parser.add_argument("--skip-similar-toolkit", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs of each tool; medians are reported")
    parser.add_argument("--phase", choices=("toolkit", "ours"), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        workdir = Path(args.workdir)
        parquet = workdir / "posts.parquet"
        out = run_toolkit(parquet, workdir, args.skip_similar_toolkit) if args.phase == "toolkit" else run_ours(parquet, workdir)
        print("RESULT " + json.dumps(out))
        return
    with tempfile.TemporaryDirectory(prefix="bench_coord_") as tmp:
        workdir = Path(tmp)
        make = generate_synth if args.corpus == "synth" else generate
        make(args.posts, args.seed).write_parquet(workdir / "posts.parquet")
        runs: dict[str, list[dict]] = {"ours": [], "toolkit": []}
        for repetition in range(args.repeat):
            rundir = workdir / f"run{repetition}"
            rundir.mkdir()
            os.link(workdir / "posts.parquet", rundir / "posts.parquet")
            for phase in ("ours", "toolkit"):
                command = [sys.executable, __file__, "--phase", phase, "--workdir", str(rundir), "--posts", str(args.posts)]
                if args.skip_similar_toolkit or repetition > 0:
                    command.append("--skip-similar-toolkit")
                done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
                lines = [l for l in done.stdout.splitlines() if l.startswith("RESULT ")]
                if not lines:
                    sys.exit(f"{phase} failed:\n{done.stderr[-3000:]}")
                runs[phase].append(json.loads(lines[-1][7:]))
        results = {phase: median_of_runs(found) for phase, found in runs.items()}
        workdir = workdir / "run0"
        ours = {k: {tuple(r) for r in v} for k, v in json.load(open(workdir / "our_edges.json")).items()}
        theirs = {k: {tuple(r) for r in v} for k, v in json.load(open(workdir / "toolkit_edges.json")).items()}
    report = {"posts": args.posts, "corpus": args.corpus, "repeat": args.repeat, "ours": results["ours"], "toolkit": results["toolkit"], "comparison": {}}
    for signal, _ in FOUR:
        report["comparison"][signal] = {"toolkit_edges": len(theirs[signal]), "our_edges": len(ours[signal]),
                                        "identical": ours[signal] == theirs[signal]}
    toolkit_four = sum(results["toolkit"]["times_s"][s] for s, _ in FOUR)
    our_four = results["ours"]["times_s"]["four_signals_fit"]
    report["four_signals"] = {"toolkit_s": toolkit_four, "ours_fit_s": our_four,
                              "ours_with_load_s": our_four + results["ours"]["times_s"]["load_from_duckdb"],
                              "speedup_fit": toolkit_four / our_four,
                              "ours_edges_only_s": results["ours"]["times_s"]["four_signals_edges_only"],
                              "speedup_edges_only": toolkit_four / results["ours"]["times_s"]["four_signals_edges_only"]}
    if "co_similar_text" in theirs:
        their_pairs = {(a, b) for a, b, _ in theirs["co_similar_text"]}
        our_pairs = {(a, b) for a, b, _ in ours["co_similar_text"]}
        same_weight = len(theirs["co_similar_text"] & ours["co_similar_text"])
        report["co_similar"] = {
            "toolkit_s": results["toolkit"]["times_s"]["co_similar_text"],
            "ours_s": results["ours"]["times_s"]["co_similar_text_fit"],
            "speedup": results["toolkit"]["times_s"]["co_similar_text"] / results["ours"]["times_s"]["co_similar_text_fit"],
            "toolkit_edges": len(their_pairs), "our_edges": len(our_pairs),
            "recall_of_toolkit_edges": len(their_pairs & our_pairs) / max(len(their_pairs), 1),
            "precision_vs_toolkit": len(their_pairs & our_pairs) / max(len(our_pairs), 1),
            "same_weight_share": same_weight / max(len(theirs["co_similar_text"]), 1),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
