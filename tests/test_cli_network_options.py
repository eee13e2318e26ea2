"""`workbench network --text-normalizer`: the CLI can match texts the toolkit's way or ours."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from workbench.cli import main
from workbench.store import Store

START = datetime(2025, 6, 26, 9, 0, 0)


def write_store(db, texts_a: list[str], texts_b: list[str]) -> None:
    """Accounts a and b post pairwise texts 10 s apart, one pair per hour."""
    rows = []
    for i, (text_a, text_b) in enumerate(zip(texts_a, texts_b)):
        at = START + timedelta(hours=i)
        rows += [{"post_id": f"x:a{i}", "account_id": "x:a", "created_at": at, "text": text_a},
                 {"post_id": f"x:b{i}", "account_id": "x:b", "created_at": at + timedelta(seconds=10), "text": text_b}]
    frame = pl.DataFrame(rows).with_columns(
        platform=pl.lit("x"), kind=pl.lit("post"), source_id=pl.lit(1, dtype=pl.Int32),
        source_row=pl.int_range(pl.len()).cast(pl.Int64))
    with Store(db) as store:
        columns = store.query("SELECT * FROM posts LIMIT 0").columns
        store.append("posts", frame.select([c for c in columns if c in frame.columns]))


def co_text_pairs(tmp_path, db, normalizer: str) -> set[tuple[str, str]]:
    out = tmp_path / normalizer
    assert main(["network", "--db", str(db), "--out", str(out), "--fit", "--signals", "co_text", "--format", "parquet",
                 "--text-normalizer", normalizer]) == 0
    edges = pl.read_parquet(out / "coordination_edges.parquet")
    return set(zip(edges["account_a"].to_list(), edges["account_b"].to_list()))


def test_text_normalizer_option_changes_which_texts_match(tmp_path):
    # Full-width letters are the same text after NFKC (ours) but not after lower-casing only (the toolkit's).
    db = tmp_path / "corpus.duckdb"
    write_store(db, ["ＢＵＹ the new phone today", "ＳＥＬＬ your old phone now"],
                ["buy the new phone today", "sell your old phone now"])
    assert co_text_pairs(tmp_path, db, "workbench") == {("x:a", "x:b"), ("x:b", "x:a")}
    assert co_text_pairs(tmp_path, db, "toolkit") == set()
    with pytest.raises(SystemExit):  # argparse rejects an unknown normaliser before anything runs
        main(["network", "--db", str(db), "--out", str(tmp_path / "bad"), "--text-normalizer", "nfc"])


def test_network_command_reads_every_column_a_signal_needs():
    from workbench.coordination.signal_names import PLAIN_SIGNALS, posts_columns_for
    from workbench.coordination.signals import signal_actions

    at = START
    posts = pl.DataFrame({
        "post_id": ["p1", "p2", "p3"], "account_id": ["a", "b", "a"], "created_at": [at, at, at],
        "kind": ["post", "post", "repost"], "text": ["#x @y http://l.example", "#x @y http://l.example", "RT"],
        "urls": [["http://l.example"], ["http://l.example"], []], "hashtags": [["x"], ["x"], []],
        "mentions": [["y"], ["y"], []], "media_hashes": [["m"], ["m"], []], "shared_post_id": [None, None, "p1"],
        "parent_post_id": ["p0", "p0", None], "lang": ["en"] * 3, "source_app": ["web"] * 3, "platform": ["x"] * 3,
    })
    for signal in PLAIN_SIGNALS:
        narrow = posts.select(posts_columns_for([signal]))
        assert signal_actions(narrow, signal).equals(signal_actions(posts, signal)), signal
    assert "lang" not in posts_columns_for(PLAIN_SIGNALS) and "text" in posts_columns_for(["co_link"])


def test_analyze_passes_the_text_normalizer_to_the_network():
    import argparse

    from workbench.commands.analyze import params_from_args
    from workbench.params import add_knob_arguments

    parser = argparse.ArgumentParser()
    add_knob_arguments(parser)
    assert params_from_args(parser.parse_args(["--text-normalizer", "toolkit", "--window", "30"])).coordination == {
        "window_s": 30.0, "text_normalizer": "toolkit"}
    assert params_from_args(parser.parse_args([])).coordination == {}


def test_no_chance_test_keeps_the_edges_and_leaves_groups_out(tmp_path):
    # Three accounts post the same texts 10 s apart, hour after hour: a squad by both the window and the test.
    db = tmp_path / "corpus.duckdb"
    texts = [f"claim number {i} about the phone battery" for i in range(6)]
    write_store(db, texts, texts)
    rows = [{"post_id": f"x:c{i}", "account_id": "x:c", "created_at": START + timedelta(hours=i, seconds=20),
             "text": text} for i, text in enumerate(texts)]
    # Organic background: 60 accounts with posts of their own, so the squad's shared texts stand out.
    rows += [{"post_id": f"x:o{u}_{i}", "account_id": f"x:o{u}", "created_at": START + timedelta(hours=i, minutes=u),
              "text": f"user {u} writes note {i} on a day of her own"} for u in range(60) for i in range(6)]
    with Store(db) as store:
        columns = store.query("SELECT * FROM posts LIMIT 0").columns
        frame = pl.DataFrame(rows).with_columns(platform=pl.lit("x"), kind=pl.lit("post"), source_id=pl.lit(1, dtype=pl.Int32),
                                                source_row=pl.int_range(100, 100 + pl.len()).cast(pl.Int64))
        store.append("posts", frame.select([c for c in columns if c in frame.columns]))
    outputs = {}
    for name, extra in (("with", []), ("without", ["--no-chance-test"])):
        out = tmp_path / name
        assert main(["network", "--db", str(db), "--out", str(out), "--fit", "--signals", "co_text", "--format", "parquet", *extra]) == 0
        outputs[name] = (pl.read_parquet(out / "coordination_edges.parquet"), pl.read_parquet(out / "coordination_nodes.parquet"))
    assert outputs["with"][0].equals(outputs["without"][0])
    squad = pl.col("account_id").is_in(["x:a", "x:b", "x:c"])
    assert (outputs["with"][1].filter(squad)["coordinated_group"] >= 0).all()
    assert (outputs["without"][1]["coordinated_group"] == -1).all()
