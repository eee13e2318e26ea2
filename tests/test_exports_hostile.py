"""Exports of a hostile corpus (issue 18): no CSV cell a spreadsheet would run, hidden characters shown,
evidence packs complete and never mixed with other files, verdicts only on what exists."""
from __future__ import annotations

import csv
import json
import re

import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.cli import main
from workbench.exports import write_network
from workbench.csvsafe import neutralise, write_csv
from workbench.evidence import write_evidence_pack
from workbench.pipeline import AnalysisParams, analyse_frames
from workbench.report.display import escape
from workbench.store import Store
from workbench.synth.writer import write_events_csv

FORMULAS = ['=HYPERLINK("http://evil.example","click") ', "@sum(1+1)*cmd|' /c calc'!a0 ", "+1|真的假的？ ", "-2+3 ", "\t=1+1 "]
HOSTILE_ID = "synth:c0005\x1b[31m\u202etxt.exe"
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


@pytest.fixture(scope="module")
def hostile():
    corpus = make_corpus(seed=11)
    posts = corpus["posts"].with_row_index("i")
    campaign = pl.col("account_id").str.starts_with("synth:c")
    prefix = pl.Series(FORMULAS)[posts["i"] % len(FORMULAS)]
    posts = posts.with_columns(pl.when(campaign).then(prefix + pl.col("text")).otherwise(pl.col("text")).alias("text")).drop("i")
    rename = pl.when(pl.col("account_id") == "synth:c0005").then(pl.lit(HOSTILE_ID)).otherwise(pl.col("account_id"))
    posts = posts.with_columns(rename.alias("account_id"))
    accounts = corpus["accounts"].with_columns(rename.alias("account_id")).with_columns(
        pl.when(pl.col("account_id") == "synth:c0000").then(pl.lit("=safe\u202etxt.exe")).otherwise(pl.col("handle")).alias("handle"))
    # Two members without a profile row: the pack must still list them.
    accounts = accounts.filter(~pl.col("account_id").is_in(["synth:c0001", "synth:c0002"]))
    analysis = analyse_frames(posts, accounts, corpus["events"], None, None, AnalysisParams(target_terms=("Zeta",)))
    return {"posts": posts, "accounts": accounts, "events": corpus["events"], "analysis": analysis}


def _campaign_with(analysis, account_ids: set[str]) -> str:
    members = analysis.campaign_accounts.group_by("campaign_id").agg(pl.col("account_id"))
    for campaign_id, ids in members.iter_rows():
        if account_ids <= set(ids):
            return campaign_id
    raise AssertionError(f"no campaign holds {account_ids}")


def test_every_csv_export_of_a_hostile_corpus_is_free_of_formulas(hostile, tmp_path):
    analysis = hostile["analysis"]
    campaign = _campaign_with(analysis, {"synth:c0000"})
    write_evidence_pack(analysis, campaign, tmp_path / "pack", hostile["posts"], hostile["accounts"])
    write_network(analysis.network, tmp_path / "network")
    write_events_csv(tmp_path / "events.csv", [{"event_id": "=cmd", "name": "@launch", "occurred_at": "2025-01-01",
                                               "kind": "launch", "target": "+x", "description": "-1"}])
    written = sorted(tmp_path.rglob("*.csv"))
    assert len(written) >= 13
    cells = 0
    neutralised = set()
    for path in written:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    cells += 1
                    if cell.startswith("'"):
                        neutralised.add(cell[1:2])
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or NUMBER.fullmatch(cell), (path.name, cell[:80])
    assert cells > 1000
    assert {"=", "@", "+", "-", "\t"} <= neutralised  # the hostile texts did reach the exports, neutralised
    families = (tmp_path / "pack" / "families.csv").read_text(encoding="utf-8")
    assert re.search(r"'(=hyperlink\(|@sum\(1\+1\)|=1\+1)", families.lower())  # representative texts, normalised
    # JSON keeps the texts exactly.
    texts = [json.loads(line)["text"] for line in (tmp_path / "pack" / "posts.jsonl").read_text().splitlines()]
    assert any(t.startswith('=HYPERLINK("http://evil.example","click")') for t in texts)
    readme = (tmp_path / "pack" / "README.md").read_text()
    assert "leading single quote" in readme and "posts.jsonl keeps every text exactly" in readme


def test_csv_writer_neutralises_only_text():
    frame = pl.DataFrame({"text": ["=1+1", "plain", "-x", None, "@a", "\rb"], "weight": [-0.5, 1.0, -2.0, 0.0, 3.0, 4.0],
                          "ids": [["=a", "b"], [], ["c"], None, ["d"], ["e"]]})
    assert neutralise("=x") == "'=x" and neutralise("x=") == "x=" and neutralise(-1) == -1
    import io

    buffer = io.BytesIO()
    write_csv(frame, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue().decode())))
    assert rows[1] == ["'=1+1", "-0.5", "'=a|b"] and rows[3][0] == "'-x" and rows[5][0] == "'@a" and rows[6][0] == "'\rb"
    assert frame["text"][0] == "=1+1"  # the frame itself is not changed


def test_evidence_pack_lists_members_without_profiles_and_refuses_a_non_empty_folder(hostile, tmp_path):
    analysis = hostile["analysis"]
    campaign = _campaign_with(analysis, {"synth:c0001", "synth:c0002"})
    members = set(analysis.campaign_accounts.filter(pl.col("campaign_id") == campaign)["account_id"].to_list())
    pack = write_evidence_pack(analysis, campaign, tmp_path / "pack", hostile["posts"], hostile["accounts"])
    manifest = json.loads((pack / "manifest.json").read_text())
    accounts = pl.read_csv(pack / "accounts.csv", infer_schema=False)
    assert set(accounts["account_id"].to_list()) == members and accounts.height == manifest["counts"]["accounts"] == len(members)
    without = accounts.filter(pl.col("account_id").is_in(["synth:c0001", "synth:c0002"]))
    assert without.height == 2 and without["handle"].is_null().all() and without["score"].is_not_null().all()

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    (other / "zz_malware.exe").write_bytes(b"MZ")
    with pytest.raises(FileExistsError, match="not empty"):
        write_evidence_pack(analysis, campaign, other, hostile["posts"], hostile["accounts"])
    assert (other / "notes.txt").read_text() == "mine"
    # --force replaces an earlier pack, never files a user put there (they were deleted before)
    with pytest.raises(FileExistsError, match="not part of an evidence pack"):
        write_evidence_pack(analysis, campaign, other, hostile["posts"], hostile["accounts"], replace=True)
    assert (other / "notes.txt").read_text() == "mine" and (other / "zz_malware.exe").exists()
    before = sorted(p.name for p in pack.iterdir())
    write_evidence_pack(analysis, campaign, pack, hostile["posts"], hostile["accounts"], replace=True)
    assert sorted(p.name for p in pack.iterdir()) == before


def test_hidden_characters_are_shown_in_reports_and_kept_escaped_in_graphml(hostile, tmp_path):
    shown = escape("=safe\u202etxt.exe\x1b[31m")
    assert "\u202e" not in shown and "\x1b" not in shown and "\\u202E" in shown and "\\x1B" in shown
    assert escape("a <b>\n中文") == "a &lt;b&gt;\n中文"
    write_network(hostile["analysis"].network, tmp_path, formats=["graphml", "parquet"])
    graphml = (tmp_path / "coordination_network.graphml").read_text(encoding="utf-8")
    assert "synth:c0005\\x1B[31m\\u202Etxt.exe" in graphml and "\x1b" not in graphml and "\u202e" not in graphml
    nodes = pl.read_parquet(tmp_path / "coordination_nodes.parquet")
    assert HOSTILE_ID in nodes["account_id"].to_list()  # Parquet keeps the id exactly


def test_verdict_on_what_does_not_exist_fails_and_stores_nothing(hostile, tmp_path, capsys):
    db = tmp_path / "corpus.duckdb"
    with Store(db) as store:
        store.append("posts", hostile["posts"])
        store.append("accounts", hostile["accounts"])
    common = ["--db", str(db), "--value", "rejected", "--author", "ana", "--note", "n"]
    assert main(["verdict", "--account", "c0003", *common]) == 1
    assert "no account 'c0003'" in capsys.readouterr().err
    assert main(["verdict", "--account", "synth:nobody", *common]) == 1
    # a campaign verdict reads the stored run (none here): refused, nothing stored
    assert main(["verdict", "--campaign", "C-nope", *common]) == 1
    assert "no complete analysis run" in capsys.readouterr().err
    with Store(db, read_only=True) as store:
        assert store.labels().height == 0
    assert main(["verdict", "--account", "synth:c0003", *common]) == 0
    with Store(db, read_only=True) as store:
        assert store.labels()["entity_id"].to_list() == ["synth:c0003"]


def test_verdict_merges_only_into_a_campaign_of_the_run_and_names_only_runs_that_exist(hostile, tmp_path, capsys):
    db = tmp_path / "corpus.duckdb"
    with Store(db) as store:
        store.append("posts", hostile["posts"])
        store.append("accounts", hostile["accounts"])
        run_id = hostile["analysis"].save(store)
    campaign = hostile["analysis"].campaigns["campaign_id"][0]
    common = ["--db", str(db), "--author", "ana", "--note", "n"]
    assert main(["verdict", "--campaign", campaign, "--value", "confirmed", "--merge-into", "C-does-not-exist", *common]) == 1
    assert "cannot merge" in capsys.readouterr().err
    assert main(["verdict", "--campaign", campaign, "--value", "confirmed", "--merge-into", campaign, *common]) == 1
    assert main(["verdict", "--account", "synth:c0003", "--value", "rejected", "--run", "run-nope", *common]) == 1
    assert "no analysis run 'run-nope'" in capsys.readouterr().err
    with Store(db, read_only=True) as store:
        assert store.labels().height == 0
    assert main(["verdict", "--account", "synth:c0003", "--value", "rejected", "--run", run_id, *common]) == 0


def test_export_evidence_refuses_a_non_empty_folder_before_analysing(tmp_path, capsys):
    db = tmp_path / "corpus.duckdb"
    Store(db).close()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("x")
    assert main(["export-evidence", "--db", str(db), "--campaign", "C-1", "--out", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err and (out / "notes.txt").exists()


def test_two_ids_never_look_alike_in_report_tables_and_their_links_search_what_is_shown():
    from workbench.report.display import escape_id, table_html
    from workbench.visible import visible_id

    char, typed, tab = "synth:x\u200by", "synth:x\\u200By", "synth:tab\tid"
    assert escape_id(char) != escape_id(typed) and "\u200b" not in escape_id(char) and "\t" not in escape_id(tab)
    assert visible_id(char) == "synth:x\\u200By" and visible_id(typed) == "synth:x\\\\u200By"  # terminal lines too
    html_text = table_html(pl.DataFrame({"account_id": [char, typed, tab]}), filters={"account_id": "posts"})
    for value in (char, typed, tab):  # the link's search text is the cell's text
        assert f'data-wb-filter="{escape_id(value)}"' in html_text and f">{escape_id(value)}</a>" in html_text
