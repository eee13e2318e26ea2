"""Evidence packs: complete, hostile text kept inert, byte-identical for the same inputs."""
import json

import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.evidence import write_evidence_pack
from workbench.pipeline import AnalysisParams, analyse_frames


@pytest.fixture(scope="module")
def corpus():
    c = make_corpus(seed=11)
    hostile = "<script>alert(1)</script>'); DROP TABLE posts;--\x00 Zeta X7 is a scam, the battery caught fire after 3 days, do not buy"
    c["posts"] = c["posts"].with_columns(
        pl.when(pl.col("post_id") == c["posts"].filter(pl.col("account_id") == "synth:c0003")["post_id"][0])
        .then(pl.lit(hostile)).otherwise(pl.col("text")).alias("text")
    )
    c["hostile"] = hostile
    return c


def run(corpus):
    return analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], None, None, AnalysisParams(target_terms=("Zeta",)))


def test_pack_is_complete_and_byte_identical(corpus, tmp_path):
    first, second = run(corpus), run(corpus)
    campaign = first.campaigns["campaign_id"][0]
    a = write_evidence_pack(first, campaign, tmp_path / "a", corpus["posts"], corpus["accounts"])
    b = write_evidence_pack(second, campaign, tmp_path / "b", corpus["posts"], corpus["accounts"])
    names = sorted(p.name for p in a.iterdir())
    assert names == ["README.md", "accounts.csv", "campaign.csv", "edge_posts.csv", "edges.csv", "families.csv",
                     "manifest.json", "posts.jsonl", "signals.csv", "sources.csv"]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["params"]["target_terms"] == ["Zeta"]
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    accounts = pl.read_csv(a / "accounts.csv")
    assert accounts.height == manifest["counts"]["accounts"] >= 30
    assert pl.read_csv(a / "edge_posts.csv").height > 0
    assert {"fired_signals", "flag_reason"} <= set(accounts.columns)
    for name in names:
        if name.endswith(".csv"):
            assert (a / name).read_bytes().startswith(b"\xef\xbb\xbf"), name  # Excel reads UTF-8 with a BOM
    readme = (a / "README.md").read_text()
    assert all(f"**{name}**" in readme for name in names if name != "README.md")
    assert "**coordination**" in readme and "**registration_burst**" in readme
    families = pl.read_csv(a / "families.csv")
    assert (families["campaign_posts"] >= 0.5 * families["size"]).all()  # only families the campaign drives


def test_chinese_text_is_readable_in_posts_jsonl(corpus, tmp_path):
    analysis = analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], None, None, AnalysisParams(target_terms=("Zeta",)))
    campaign, member = analysis.campaign_accounts.row(0)[:2]
    posts = corpus["posts"].with_columns(pl.when(pl.col("account_id") == member).then(pl.lit("小米YU7 自燃，千万别买"))
                                         .otherwise(pl.col("text")).alias("text"))
    pack = write_evidence_pack(analysis, campaign, tmp_path, posts, corpus["accounts"])
    raw = (pack / "posts.jsonl").read_text(encoding="utf-8")
    assert "小米YU7 自燃，千万别买" in raw and "\\u5c0f" not in raw


def test_hostile_text_is_exact_and_inert(corpus, tmp_path):
    analysis = run(corpus)
    pack = write_evidence_pack(analysis, analysis.campaigns["campaign_id"][0], tmp_path, corpus["posts"], corpus["accounts"])
    raw = (pack / "posts.jsonl").read_text()
    assert "<script>" in raw and "\x00" not in raw  # NUL escaped as \u0000, markup kept as data
    texts = [json.loads(line)["text"] for line in raw.splitlines()]
    assert corpus["hostile"] in texts


def test_unknown_campaign(corpus, tmp_path):
    with pytest.raises(KeyError):
        write_evidence_pack(run(corpus), "C-nope", tmp_path, corpus["posts"])
