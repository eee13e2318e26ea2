"""The synthetic corpus: contract (files, columns, ids), realism (statistics) and determinism."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from workbench.errors import WorkbenchError
from workbench.synth import generate

POSTS = 10_000
FILES = ("posts.parquet", "accounts.parquet", "events.csv", "truth_accounts.parquet", "truth_posts.parquet",
         "manifest.json")


def _load(folder: Path) -> dict:
    return {
        "posts": pl.read_parquet(folder / "posts.parquet"),
        "accounts": pl.read_parquet(folder / "accounts.parquet"),
        "truth_accounts": pl.read_parquet(folder / "truth_accounts.parquet"),
        "truth_posts": pl.read_parquet(folder / "truth_posts.parquet"),
        "events": pl.read_csv(folder / "events.csv"),
        "manifest": json.loads((folder / "manifest.json").read_text()),
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("synth_default")
    generate(folder, posts=POSTS, seed=7)
    data = _load(folder)
    data["folder"] = folder
    return data


def _campaign_posts(corpus) -> pl.DataFrame:
    return corpus["posts"].join(corpus["truth_posts"], on="post_id")


def test_writes_every_file_with_the_contract_columns(corpus):
    assert all((corpus["folder"] / name).exists() for name in FILES)
    schema = pq.read_schema(corpus["folder"] / "posts.parquet")
    assert schema.names == ["post_id", "platform", "account_id", "created_at", "text", "lang", "kind",
                            "parent_post_id", "shared_post_id", "urls", "hashtags", "mentions", "media_hashes",
                            "source_app", "like_count", "repost_count", "reply_count"]
    assert str(schema.field("created_at").type) == "timestamp[us]"
    assert str(schema.field("urls").type) == "list<element: string>"
    meta = pq.ParquetFile(corpus["folder"] / "posts.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert corpus["accounts"].columns == ["account_id", "platform", "handle", "display_name", "created_at",
                                          "followers", "following", "posts_count", "verified", "description",
                                          "location"]
    # Columns are only ever added (others read these files): the first ones keep their names and order.
    assert corpus["truth_accounts"].columns == ["account_id", "campaign_id", "squad_id", "role", "is_campaign",
                                                "is_fan_club", "is_bought", "account_type", "brand"]
    assert corpus["truth_posts"].columns == ["post_id", "campaign_id", "narrative", "template_id", "is_camouflage",
                                             "tactic", "claim_id", "wave_id"]
    assert corpus["events"].columns == ["event_id", "name", "occurred_at", "kind", "target", "description"]
    assert all(value.endswith("Z") for value in corpus["events"]["occurred_at"])


def test_ids_counts_and_references_are_consistent(corpus):
    posts = corpus["posts"]
    assert posts.height == POSTS
    assert posts["post_id"].n_unique() == POSTS
    assert posts["post_id"].str.contains(r"^synth:p\d{9}$").all()
    assert posts["account_id"].str.contains(r"^synth:u\d{7}$").all()
    assert (posts["platform"] == "synth").all()
    assert set(posts["kind"].unique()) == {"post", "repost", "reply", "quote", "comment"}
    assert set(posts["account_id"].unique()) <= set(corpus["accounts"]["account_id"])
    assert corpus["accounts"]["account_id"].n_unique() == corpus["accounts"].height
    assert corpus["accounts"]["handle"].n_unique() == corpus["accounts"].height
    times = posts.select("post_id", "created_at")
    for column, kinds in (("shared_post_id", ("repost", "quote")), ("parent_post_id", ("reply", "comment"))):
        refs = posts.filter(pl.col(column).is_not_null())
        assert set(refs["kind"].unique()) <= set(kinds)
        assert posts.filter(pl.col("kind").is_in(kinds))[column].null_count() == 0
        joined = refs.join(times, left_on=column, right_on="post_id", how="left", suffix="_target")
        assert joined["created_at_target"].null_count() == 0, f"{column} points outside the corpus"
        assert (joined["created_at"] > joined["created_at_target"]).all()
    # Truth covers every post and account exactly once.
    assert corpus["truth_posts"]["post_id"].sort().equals(posts["post_id"].sort())
    assert corpus["truth_accounts"]["account_id"].sort().equals(corpus["accounts"]["account_id"].sort())
    # Engagement counts at export time are at least what the corpus itself shows.
    shared = posts.filter(pl.col("shared_post_id").is_not_null()).group_by("shared_post_id").len()
    check = shared.join(posts, left_on="shared_post_id", right_on="post_id")
    assert (check["repost_count"] >= check["len"]).all()


def test_entities_also_appear_in_the_text(corpus):
    posts = corpus["posts"]
    with_urls = posts.filter(pl.col("urls").list.len() > 0)
    assert with_urls.height > 100
    for row in with_urls.head(300).iter_rows(named=True):
        assert all(url in row["text"] for url in row["urls"])
    for row in posts.filter(pl.col("hashtags").list.len() > 0).head(300).iter_rows(named=True):
        for tag in row["hashtags"]:
            assert (f"#{tag}#" if row["lang"] == "zh" else f"#{tag}") in row["text"] or f"#{tag}" in row["text"]
    for row in posts.filter(pl.col("mentions").list.len() > 0).head(300).iter_rows(named=True):
        assert all(f"@{m}" in row["text"] for m in row["mentions"])


def test_campaign_is_about_seven_percent_of_accounts_in_squads(corpus):
    truth = corpus["truth_accounts"]
    share = truth["is_campaign"].mean()
    assert 0.05 <= share <= 0.09
    squads = truth.filter(pl.col("is_campaign")).group_by("squad_id").len()
    assert squads["len"].min() >= 5 and squads["len"].max() <= 35
    assert set(truth.filter(pl.col("is_campaign"))["role"].unique()) == {"campaign"}
    assert {"seeder", "amplifier"} <= set(truth.filter(pl.col("is_campaign"))["account_type"].unique())
    assert set(truth["role"].unique()) <= {"organic", "campaign", "fan", "official", "news_bot"}
    assert truth["role"].null_count() == 0
    assert truth.filter(pl.col("is_fan_club"))["role"].unique().to_list() == ["fan"]
    assert truth.filter(~pl.col("is_campaign"))["campaign_id"].null_count() == truth.filter(~pl.col("is_campaign")).height
    # Campaign posts come from campaign accounts, and camouflage posts carry no narrative.
    posts = _campaign_posts(corpus).join(truth, on="account_id", suffix="_account")
    campaign_posts = posts.filter(pl.col("campaign_id").is_not_null())
    assert campaign_posts["is_campaign"].all()
    assert campaign_posts.filter(pl.col("is_camouflage"))["narrative"].null_count() == \
        campaign_posts.filter(pl.col("is_camouflage")).height
    narratives = set(campaign_posts["narrative"].drop_nulls().unique())
    assert narratives == {"false_claim", "competitor_comparison", "division"}
    assert 0.08 <= campaign_posts.height / POSTS <= 0.25


def test_fake_accounts_were_registered_in_batches(corpus):
    accounts = corpus["accounts"].join(corpus["truth_accounts"], on="account_id")
    day = pl.col("created_at").dt.date()
    fresh = accounts.filter(pl.col("is_campaign") & ~pl.col("is_bought"))
    per_day = fresh.group_by(day).len().sort("len", descending=True)
    assert per_day["len"].head(8).sum() == fresh.height  # every fresh fake on at most 8 days
    organic = accounts.filter(~pl.col("is_campaign"))
    assert organic.group_by(day).len()["len"].max() <= 5  # organic sign-ups are spread out
    bought = accounts.filter(pl.col("is_bought"))
    assert bought.height > 0 and bought["created_at"].min() < fresh["created_at"].min()


def test_chinese_is_the_majority_language_with_english_and_german(corpus):
    share = corpus["posts"]["lang"].value_counts(normalize=True)
    shares = dict(zip(share["lang"], share["proportion"]))
    assert shares["zh"] > 0.6 and shares["en"] > 0.05 and shares["de"] > 0.02
    # The text really is in that language.
    zh = corpus["posts"].filter((pl.col("lang") == "zh") & (pl.col("kind") == "post"))
    assert zh["text"].str.contains(r"[\u4e00-\u9fff]").mean() > 0.95


def test_activity_is_heavy_tailed(corpus):
    per_account = corpus["posts"].group_by("account_id").len()["len"].to_numpy()
    per_account = np.sort(per_account)[::-1]
    top_decile = per_account[: len(per_account) // 10].sum() / per_account.sum()
    assert top_decile > 0.35
    assert np.median(per_account) < per_account.mean() * 0.8
    assert per_account.min() >= 1 and per_account.max() > 10 * np.median(per_account)


def test_fan_clubs_coordinate_honestly_around_launches(corpus):
    posts = corpus["posts"]
    truth = corpus["truth_accounts"]
    fans = set(truth.filter(pl.col("is_fan_club"))["account_id"])
    assert fans
    official = set(truth.filter(pl.col("role") == "official")["account_id"])
    times = posts.select(pl.col("post_id").alias("shared_post_id"), pl.col("created_at").alias("target_at"),
                         pl.col("account_id").alias("target_account"))
    fan_reposts = posts.filter(pl.col("account_id").is_in(list(fans)) & (pl.col("kind") == "repost")) \
        .join(times, on="shared_post_id")
    quick = fan_reposts.filter(pl.col("target_account").is_in(list(official))
                               & ((pl.col("created_at") - pl.col("target_at")).dt.total_seconds() <= 60))
    assert quick.height >= 5
    # Fan clubs are honest: none of them is a campaign account.
    assert not truth.filter(pl.col("is_fan_club"))["is_campaign"].any()


def test_campaign_posts_of_one_template_are_never_identical(corpus):
    posts = _campaign_posts(corpus).filter(pl.col("template_id").is_not_null())
    assert posts.height > 100
    dupes = posts.group_by("template_id", "text").len().filter(pl.col("len") > 1)
    assert dupes.height == 0
    # ...but they are near-duplicates: posts of one template share far more vocabulary than posts of
    # different templates (the signature of a "black manuscript" generator).
    def bigrams(text):
        return {text[i:i + 2] for i in range(len(text) - 1)}

    def median_jaccard(pairs):
        return float(np.median([len(a & b) / len(a | b) for a, b in pairs]))

    zh = posts.filter(pl.col("lang") == "zh")
    top = zh["template_id"].value_counts(sort=True)["template_id"].head(2).to_list()
    same = [bigrams(t) for t in zh.filter(pl.col("template_id") == top[0])["text"].head(20)]
    other = [bigrams(t) for t in zh.filter(pl.col("template_id") == top[1])["text"].head(20)]
    within = median_jaccard([(a, b) for i, a in enumerate(same) for b in same[i + 1:]])
    across = median_jaccard([(a, b) for a in same for b in other])
    assert within > 2.5 * across


def test_squads_act_within_minutes_of_their_seed(corpus):
    delays = _seed_delays(corpus)
    assert np.median(delays) < 600


def _seed_delays(corpus) -> np.ndarray:
    posts = _campaign_posts(corpus)
    seeds = posts.filter(pl.col("template_id").is_not_null() | (pl.col("narrative").is_not_null()
                                                                 & (pl.col("kind") == "post")))
    seed_times = seeds.select(pl.col("post_id").alias("shared_post_id"), pl.col("created_at").alias("seed_at"))
    reposts = posts.filter(pl.col("campaign_id").is_not_null() & ~pl.col("is_camouflage")
                           & (pl.col("kind") == "repost")).join(seed_times, on="shared_post_id")
    return (reposts["created_at"] - reposts["seed_at"]).dt.total_seconds().to_numpy()


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, posts=3_000, seed=11)
    generate(b, posts=3_000, seed=11)
    generate(c, posts=3_000, seed=12)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "posts.parquet").read_bytes() != (c / "posts.parquet").read_bytes()
    assert (a / "accounts.parquet").read_bytes() != (c / "accounts.parquet").read_bytes()


def test_manifest_records_knobs_counts_and_target_terms(corpus):
    manifest = corpus["manifest"]
    assert manifest["seed"] == 7 and manifest["scenario"] == "default"
    assert manifest["knobs"]["campaign_share"] == 0.07
    assert manifest["counts"]["posts"] == POSTS
    assert "启珑" in manifest["target_terms"]["zh"] and "Qilora" in manifest["target_terms"]["en"]
    assert manifest["generator_version"]
    assert set(manifest["files"]) == set(FILES) - {"manifest.json"}


def test_unknown_knobs_and_scenarios_are_refused(tmp_path):
    with pytest.raises(WorkbenchError, match="unknown synth knob"):
        generate(tmp_path, posts=2_000, campain_share=0.1)
    with pytest.raises(WorkbenchError, match="unknown scenario"):
        generate(tmp_path, posts=2_000, scenario="fast")


def test_no_single_artefact_separates_campaign_posts(corpus):
    """Apps, smear hashtags, content-farm links and handle shapes all occur on the organic side too."""
    posts = _campaign_posts(corpus)
    campaign = posts.filter(pl.col("campaign_id").is_not_null())
    organic = posts.filter(pl.col("campaign_id").is_null())
    assert set(campaign["source_app"].unique()) <= set(organic["source_app"].unique())
    smear_tags = set(campaign.filter(~pl.col("is_camouflage")).explode("hashtags")["hashtags"].drop_nulls())
    organic_tags = set(organic.explode("hashtags")["hashtags"].drop_nulls())
    assert len(smear_tags & organic_tags) >= 0.5 * len(smear_tags)
    domain = pl.col("urls").str.extract(r"https://([^/]+)/")
    campaign_domains = set(campaign.explode("urls").select(domain)["urls"].drop_nulls())
    organic_domains = set(organic.explode("urls").select(domain)["urls"].drop_nulls())
    assert len(campaign_domains & organic_domains) >= 0.5 * len(campaign_domains)
    # Organic users post near-identical copy-pasta too.
    organic_originals = organic.filter(pl.col("kind") == "post")
    assert organic_originals.group_by("text").len()["len"].max() >= 10
