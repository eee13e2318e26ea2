"""The harder scenarios differ from the default as specified, knobs combine, and the CLI works."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from workbench.cli import main as cli_main
from workbench.synth import generate

POSTS = 10_000


def _corpus(folder, **kwargs) -> pl.DataFrame:
    generate(folder, posts=POSTS, seed=5, **kwargs)
    posts = pl.read_parquet(folder / "posts.parquet").join(pl.read_parquet(folder / "truth_posts.parquet"),
                                                           on="post_id")
    return posts


def _seed_repost_delays(posts: pl.DataFrame) -> np.ndarray:
    """Seconds from each campaign seed to the campaign reposts of it."""
    seeds = posts.filter(pl.col("narrative").is_not_null() & (pl.col("kind") == "post"))
    seeds = seeds.select(pl.col("post_id").alias("shared_post_id"), pl.col("created_at").alias("seed_at"))
    reposts = posts.filter(pl.col("campaign_id").is_not_null() & ~pl.col("is_camouflage")
                           & (pl.col("kind") == "repost")).join(seeds, on="shared_post_id")
    return (reposts["created_at"] - reposts["seed_at"]).dt.total_seconds().to_numpy()


def _body(text: str) -> str:
    """Text without hashtags, mentions and links (which vary per post even for copied bodies)."""
    text = re.sub(r"#[^#\s]+#|#\S+|@\S+|https?://\S+", "", text)
    return text.strip()


def test_slow_campaign_squads_follow_hours_not_seconds_apart(tmp_path):
    fast = _seed_repost_delays(_corpus(tmp_path / "default"))
    slow = _seed_repost_delays(_corpus(tmp_path / "slow", scenario="slow"))
    assert np.median(fast) < 600
    assert np.median(slow) > 3600
    assert np.mean(slow <= 60) < 0.02  # almost nothing inside a one-minute window


def test_llm_campaign_has_no_templates_but_still_coordinates(tmp_path):
    posts = _corpus(tmp_path, scenario="llm", llm_tell_rate=0.2)
    campaign = posts.filter(pl.col("campaign_id").is_not_null() & ~pl.col("is_camouflage"))
    assert campaign.height > 500
    assert campaign["template_id"].null_count() == campaign.height
    originals = campaign.filter(pl.col("kind") == "post")
    assert originals["text"].n_unique() == originals.height
    # Pasted AI-text tells are present at the requested rate (roughly).
    tells = originals["text"].str.contains("AI语言模型|无法完成|以下是|As an AI|I'm sorry|Here is a tweet|"
                                           "Certainly|KI-Sprachmodell|Hier ist ein Tweet|当然可以")
    assert 0.08 < tells.mean() < 0.35
    # Coordination is still there: squads repost their seeds within minutes.
    assert np.median(_seed_repost_delays(posts)) < 600


def test_small_campaign_is_under_one_percent_of_accounts(tmp_path):
    generate(tmp_path, posts=20_000, seed=2, scenario="small")
    truth = pl.read_parquet(tmp_path / "truth_accounts.parquet")
    share = truth["is_campaign"].mean()
    assert 0 < share < 0.01
    assert truth.filter(pl.col("is_campaign"))["squad_id"].n_unique() >= 1


def test_scenarios_combine_and_knobs_override(tmp_path):
    manifest = generate(tmp_path, posts=3_000, seed=1, scenario="slow+small", campaign_share=0.009)
    knobs = json.loads((tmp_path / "manifest.json").read_text())["knobs"]
    assert manifest.scenario == "slow+small"
    assert knobs["member_delay_s"] == 3 * 3600.0 and knobs["campaign_share"] == 0.009
    assert knobs["squad_size_max"] == 12


def test_duplicate_knob_makes_exact_copies_within_a_template(tmp_path):
    posts = _corpus(tmp_path, campaign_duplicate_rate=0.3)
    templated = posts.filter(pl.col("template_id").is_not_null())
    bodies = templated.with_columns(pl.col("text").map_elements(_body, return_dtype=pl.String).alias("body"))
    copies = bodies.group_by("template_id", "body").len().filter(pl.col("len") > 1)
    assert copies["len"].sum() > 0.1 * templated.height


def test_default_campaign_bodies_are_unique_within_a_template(tmp_path):
    posts = _corpus(tmp_path)
    templated = posts.filter(pl.col("template_id").is_not_null())
    bodies = templated.with_columns(pl.col("text").map_elements(_body, return_dtype=pl.String).alias("body"))
    assert bodies.group_by("template_id", "body").len()["len"].max() == 1


def test_cli_writes_the_corpus(tmp_path, capsys):
    code = cli_main(["synth", "--out", str(tmp_path), "--posts", "2000", "--seed", "4", "--scenario", "llm",
                     "--set", "campaign_share=0.05"])
    assert code == 0
    assert "2,000 posts" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["knobs"]["campaign_share"] == 0.05 and manifest["knobs"]["templated"] is False
    assert pl.read_parquet(tmp_path / "posts.parquet").height == 2000


def test_cli_reports_bad_knobs_without_a_traceback(tmp_path, capsys):
    assert cli_main(["synth", "--out", str(tmp_path), "--posts", "2000", "--set", "no_such_knob=1"]) == 1
    assert "unknown synth knob" in capsys.readouterr().err


@pytest.mark.parametrize("posts", [1_000, 25_000])
def test_sizes_are_exact_and_accounts_scale(tmp_path, posts):
    manifest = generate(tmp_path, posts=posts, seed=0)
    assert manifest.counts["posts"] == posts
    assert manifest.counts["accounts"] == max(200, posts // 10)


def test_the_cast_can_be_swapped(tmp_path):
    from workbench.synth.brands import Brand, BrandSet

    cast = BrandSet(
        target=Brand("zorbit", "Zorbit", "卓比", "Zorbit Z1", "卓比Z1", "Zorbit Fone", "卓比手机",
                     chip_en="Zorbit Core", chip_zh="卓比芯", official_handle="ZorbitHQ", site="zorbit.example"),
        competitors=(Brand("quenta", "Quenta", "昆塔", "Quenta Q", "昆塔Q", "Quenta P", "昆塔P"),
                     Brand("lumex", "Lumex", "卢梅", "Lumex L", "卢梅L", "Lumex M", "卢梅M")),
    )
    manifest = generate(tmp_path, posts=5_000, seed=3, brands=cast)
    assert manifest.target_terms["zh"][0] == "卓比"
    text = " ".join(pl.read_parquet(tmp_path / "posts.parquet")["text"].to_list())
    assert "卓比" in text and "Zorbit" in text and "启珑" not in text and "Qilora" not in text
    events = pl.read_csv(tmp_path / "events.csv")
    assert set(events["target"]) <= {"Zorbit", "Quenta", "Lumex"} and "Zorbit" in set(events["target"])


def test_two_campaigns_have_their_own_accounts_squads_and_posts(tmp_path):
    generate(tmp_path, posts=10_000, seed=2, n_campaigns=2)
    truth = pl.read_parquet(tmp_path / "truth_accounts.parquet").filter(pl.col("is_campaign"))
    sizes = truth.group_by("campaign_id").len().sort("campaign_id")
    assert sizes["campaign_id"].to_list() == ["c1", "c2"]
    assert abs(sizes["len"][0] - sizes["len"][1]) <= 1
    squads = truth.group_by("squad_id").agg(pl.col("campaign_id").n_unique())
    assert (squads["campaign_id"] == 1).all()  # a squad belongs to one campaign
    posts = pl.read_parquet(tmp_path / "truth_posts.parquet")
    assert set(posts["campaign_id"].drop_nulls().unique()) == {"c1", "c2"}


def test_bad_windows_are_refused(tmp_path):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="campaign_start"):
        generate(tmp_path, posts=2_000, campaign_start="2024-11-01")
    with pytest.raises(WorkbenchError, match="ISO dates"):
        generate(tmp_path, posts=2_000, end="next tuesday")


# --- adversarial scenarios (issue 16): each scenario's defining property, measured -------------------------

def _accounts_with_truth(folder) -> pl.DataFrame:
    return pl.read_parquet(folder / "accounts.parquet").join(pl.read_parquet(folder / "truth_accounts.parquet"),
                                                             on="account_id")


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic (largest gap between the empirical distributions)."""
    from scipy.stats import ks_2samp

    return float(ks_2samp(a, b).statistic)


def _handle_shape(handles: pl.Series) -> np.ndarray:
    """Handle features a profile detector reads: digit count, length, and 'word+digits' shape."""
    return np.column_stack([handles.str.count_matches(r"\d").to_numpy(), handles.str.len_chars().to_numpy(),
                            handles.str.contains(r"\d{4,}$").to_numpy().astype(int)])


def test_aged_fake_accounts_have_no_identity_tell(tmp_path):
    generate(tmp_path, posts=30_000, seed=4, scenario="aged")
    accounts = _accounts_with_truth(tmp_path)
    fake = accounts.filter(pl.col("role") == "campaign")
    organic = accounts.filter(pl.col("account_type") == "organic")
    assert fake.height > 150 and fake["is_bought"].all()
    days = pl.col("created_at").dt.epoch("d")
    # Registration spread over years like organic accounts, no batch days.
    assert _ks(fake.select(days).to_series().to_numpy(), organic.select(days).to_series().to_numpy()) < 0.12
    assert fake.group_by(pl.col("created_at").dt.date()).len()["len"].max() <= 3
    assert fake["created_at"].dt.year().n_unique() >= 10
    for column in ("followers", "following", "posts_count"):
        assert _ks(np.log1p(fake[column].to_numpy()), np.log1p(organic[column].to_numpy())) < 0.15, column
    fake_shape, organic_shape = _handle_shape(fake["handle"]), _handle_shape(organic["handle"])
    for k in range(fake_shape.shape[1]):
        assert abs(fake_shape[:, k].mean() - organic_shape[:, k].mean()) <= 0.2 * max(1.0, organic_shape[:, k].mean())
    assert abs((fake["description"] == "").mean() - (organic["description"] == "").mean()) < 0.1
    # Their posts come from the same clients in the same proportions as organic posts.
    posts = pl.read_parquet(tmp_path / "posts.parquet").join(accounts.select("account_id", "role"), on="account_id")
    share = posts.group_by("role", "source_app").len().with_columns(
        (pl.col("len") / pl.col("len").sum().over("role")).alias("share"))
    by_app = share.pivot(on="role", index="source_app", values="share").fill_null(0.0)
    # Total variation distance (the default scenario's fake clients are about 0.3 away; heavy-tailed organic
    # activity makes per-post shares noisy at this size).
    assert 0.5 * (by_app["campaign"] - by_app["organic"]).abs().sum() < 0.1


def _wave_posts(folder) -> pl.DataFrame:
    posts = pl.read_parquet(folder / "posts.parquet").join(pl.read_parquet(folder / "truth_posts.parquet"),
                                                           on="post_id")
    return posts.filter(pl.col("wave_id").is_not_null()).sort("wave_id", "created_at", "post_id")


def test_shifts_squads_post_one_after_another_in_office_hours_around_launches(tmp_path):
    generate(tmp_path, posts=20_000, seed=6, scenario="shifts")
    waves = _wave_posts(tmp_path)
    assert waves["wave_id"].n_unique() > 50
    gaps = waves.select(pl.col("created_at").diff().over("wave_id").dt.total_seconds()).to_series()
    gaps = gaps.drop_nulls().to_numpy()
    assert 15 * 60 <= np.median(gaps) <= 2 * 3600
    assert np.mean(gaps < 60) < 0.01
    # Inside the operators' office hours (Beijing 09:00-18:00).
    local_hour = (waves["created_at"].dt.hour().to_numpy() + 8) % 24
    assert np.mean((local_hour >= 9) & (local_hour < 18)) > 0.99
    # Concentrated around the target's launches: far more than the share of days near them.
    events = pl.read_csv(tmp_path / "events.csv").filter(pl.col("target") == "Qilora")
    launches = np.array([np.datetime64(t.rstrip("Z"), "s").astype(np.int64) for t in events["occurred_at"]])
    at = waves["created_at"].dt.epoch("s").to_numpy()
    near = (np.abs(at[:, None] - launches[None, :]) < 5 * 86_400).any(axis=1)
    campaign_days = (np.datetime64("2025-07-15") - np.datetime64("2024-12-10")).astype(int)
    assert near.mean() > 2.5 * (len(launches) * 10 / campaign_days)


def test_two_concurrent_campaigns_differ_in_squads_narratives_and_spans_but_share_suppliers(tmp_path):
    generate(tmp_path, posts=20_000, seed=2, scenario="two")
    accounts = _accounts_with_truth(tmp_path).filter(pl.col("is_campaign"))
    assert sorted(accounts["campaign_id"].unique()) == ["c1", "c2"]
    assert (accounts.group_by("squad_id").agg(pl.col("campaign_id").n_unique())["campaign_id"] == 1).all()
    # Shared suppliers: the fresh accounts of both campaigns were registered on the same days.
    days = {c: set(frame["created_at"].dt.date()) for (c,), frame in
            accounts.filter(~pl.col("is_bought")).group_by("campaign_id")}
    assert days["c1"] == days["c2"] and 3 <= len(days["c1"]) <= 8
    waves = _wave_posts(tmp_path)
    spans = waves.group_by("campaign_id").agg(pl.col("created_at").min().alias("first"),
                                              pl.col("created_at").max().alias("last"),
                                              pl.col("narrative").unique().alias("narratives"),
                                              pl.col("claim_id").unique().alias("claims")).sort("campaign_id")
    first, last = spans["first"].to_list(), spans["last"].to_list()
    # c2 goes after the chip launch (75 days before it to 25 days after); c1 runs before and after that.
    chip = pl.read_csv(tmp_path / "events.csv").filter(pl.col("event_id").str.contains("qilora-chip"))
    chip_at = datetime.fromisoformat(chip["occurred_at"][0].rstrip("Z"))
    assert chip_at - timedelta(days=76) <= first[1] and last[1] <= chip_at + timedelta(days=26)
    assert first[0] < first[1] - timedelta(days=30) and last[0] > last[1]
    assert not set(spans["narratives"][0]) & set(spans["narratives"][1])
    assert not set(spans["claims"][0]) & set(spans["claims"][1])
    # No squad posts in the other campaign's waves.
    squads = waves.join(accounts.select("account_id", pl.col("campaign_id").alias("account_campaign")),
                        on="account_id")
    assert (squads["campaign_id"] == squads["account_campaign"]).all()


def test_newsbots_post_every_headline_about_every_brand_within_seconds(tmp_path):
    manifest = generate(tmp_path, posts=20_000, seed=3, scenario="newsbots")
    accounts = _accounts_with_truth(tmp_path)
    bots = accounts.filter(pl.col("role") == "news_bot")
    assert 20 <= bots.height <= 60 and bots["account_type"].unique().to_list() == ["news_bot"]
    assert not bots["is_campaign"].any() and bots["campaign_id"].null_count() == bots.height
    assert bots["created_at"].dt.date().n_unique() == 1  # one sign-up batch
    posts = pl.read_parquet(tmp_path / "posts.parquet").join(pl.read_parquet(tmp_path / "truth_posts.parquet"),
                                                             on="post_id")
    bot_posts = posts.filter(pl.col("account_id").is_in(bots["account_id"].implode()))
    assert bot_posts["tactic"].unique().to_list() == ["none"] and bot_posts["campaign_id"].null_count() == bot_posts.height
    assert (bot_posts["urls"].list.len() == 1).all()
    by_link = bot_posts.group_by(pl.col("urls").list.first()).agg(
        pl.col("account_id").n_unique().alias("bots"),
        ((pl.col("created_at").max() - pl.col("created_at").min()).dt.total_seconds()).alias("spread_s"))
    assert (by_link["bots"] == bots.height).all()  # every bot posts every headline
    assert by_link["spread_s"].median() <= 60
    # Every brand, the target and each competitor, gets its headlines, with no stance.
    brands = [manifest.brands["target"]["name_zh"], *(b["name_zh"] for b in manifest.brands["competitors"])]
    for name in brands:
        assert bot_posts["text"].str.contains(name).sum() >= bots.height, name
    smear_tags = "自燃|偷数据|召回|造假|割韭菜|安全隐患|维权"
    assert not bot_posts["text"].str.contains(smear_tags).any()


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_WORD = re.compile(r"[^\W_\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")


def _shingles(text: str) -> set[str]:
    """Word unigrams (Latin scripts) plus character bigrams of CJK runs, on the body without entities:
    the shingles of the workbench's near-duplicate detection at its defaults."""
    body = _body(text).lower()
    out = set(_WORD.findall(body))
    for run in _CJK_RUN.findall(body):
        out.update(run[k:k + 2] for k in range(max(1, len(run) - 1)))
    return out


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def test_fans_repost_and_link_the_official_launch_posts_that_official_accounts_echo(tmp_path):
    generate(tmp_path, posts=20_000, seed=8, scenario="fans")
    accounts = _accounts_with_truth(tmp_path)
    official = accounts.filter(pl.col("role") == "official")
    fans = accounts.filter(pl.col("role") == "fan")
    assert official.height == 15 and (official["account_type"] == "official").all()
    assert fans.height >= 40 and fans["is_fan_club"].all() and not fans["is_campaign"].any()
    posts = pl.read_parquet(tmp_path / "posts.parquet")
    launch = posts.join(official.select("account_id"), on="account_id").filter(
        pl.col("urls").list.first().str.ends_with("/launch")
        & pl.col("created_at").dt.minute().is_between(0, 30))  # the event-minute posts and their echoes
    events = pl.read_csv(tmp_path / "events.csv")
    echoes = []
    for at in events["occurred_at"]:
        t = np.datetime64(at.rstrip("Z"), "us")
        echo = launch.filter((pl.col("created_at") >= t) & (pl.col("created_at") < t + np.timedelta64(15, "m")))
        assert echo["account_id"].n_unique() == 3, at  # the main account and its two official echoes
        texts = [_shingles(x) for x in echo["text"]]
        assert min(_jaccard(a, b) for k, a in enumerate(texts) for b in texts[k + 1:]) > 0.6
        echoes.append(echo.join(official.select("account_id", "brand"), on="account_id"))
    echoes = pl.concat(echoes)
    # Fans repost the official posts (the launch posts above all) and link the official site.
    fan_posts = posts.join(fans.select("account_id"), on="account_id")
    reposts = fan_posts.filter(pl.col("kind") == "repost").join(
        posts.select(pl.col("post_id").alias("shared_post_id"), pl.col("account_id").alias("author")),
        on="shared_post_id")
    assert reposts["author"].is_in(official["account_id"].implode()).mean() > 0.5
    reposted = set(reposts["shared_post_id"])
    club_brands = set(fans["brand"])
    assert fans["brand"].null_count() == 0 and official["brand"].null_count() == 0
    assert all(post_id in reposted for post_id in echoes.filter(pl.col("brand").is_in(club_brands))["post_id"])
    links = fan_posts.filter(pl.col("kind") == "post")["urls"].explode().drop_nulls()
    official_links = links.str.contains(r"^https://www\.[a-z]+\.example/(car|chip|phone)/launch$")
    assert official_links.sum() >= 20 and official_links.mean() > 0.3


def _pairwise(texts: list[str]) -> np.ndarray:
    sets = [_shingles(x) for x in texts]
    return np.array([_jaccard(a, b) for k, a in enumerate(sets) for b in sets[k + 1:]])


def test_rewrite_spins_one_manuscript_per_claim_into_variants_half_alike(tmp_path):
    generate(tmp_path, posts=20_000, seed=9, scenario="rewrite")
    posts = pl.read_parquet(tmp_path / "posts.parquet").join(pl.read_parquet(tmp_path / "truth_posts.parquet"),
                                                             on="post_id")
    variants = posts.filter(pl.col("template_id").is_not_null()).sort("post_id")
    assert variants["tactic"].is_in(["false_claim", "comparison", "division"]).all()
    assert variants["claim_id"].null_count() == 0 and variants["narrative"].null_count() == 0
    within, medians = [], []
    for (_,), group in variants.group_by("template_id"):
        if group.height >= 8:
            scores = _pairwise(group["text"].head(40).to_list())
            within.append(scores)
            medians.append(np.median(scores))
    within = np.concatenate(within)
    assert len(medians) >= 8
    assert all(0.3 <= m <= 0.7 for m in medians)
    assert np.mean((within >= 0.3) & (within <= 0.7)) > 0.8
    # Different claims stay apart.
    heads = variants.group_by("template_id").agg(pl.col("text").first())["text"].to_list()
    assert np.median(_pairwise(heads)) < 0.2
    # No two variants are the same, and the target's name is spelled evasively in many of them.
    assert variants["text"].n_unique() == variants.height
    zh = variants.filter(pl.col("lang") == "zh")["text"].map_elements(_body, return_dtype=pl.String)
    assert (~zh.str.contains("启珑")).mean() > 0.3
    assert zh.str.contains("某珑|启某|Q家|启\\*珑|某品牌").mean() > 0.3


def test_newlang_part_of_the_campaign_writes_japanese_with_full_truth(tmp_path):
    generate(tmp_path, posts=20_000, seed=10, scenario="newlang")
    posts = pl.read_parquet(tmp_path / "posts.parquet").join(pl.read_parquet(tmp_path / "truth_posts.parquet"),
                                                             on="post_id")
    assert set(posts["lang"].unique()) == {"zh", "en", "de", "ja"}
    japanese = posts.filter(pl.col("lang") == "ja")
    assert japanese["campaign_id"].null_count() == 0  # only campaign squads write it
    assert japanese.filter(pl.col("kind") == "post")["text"].str.contains(r"[\u3040-\u30ff]").mean() > 0.9
    waves = posts.filter(pl.col("wave_id").is_not_null())
    share = (waves["lang"] == "ja").mean()
    assert 0.1 < share < 0.5  # part of the campaign, not all of it
    ja_waves = waves.filter(pl.col("lang") == "ja")
    assert ja_waves["tactic"].is_in(["false_claim", "comparison", "division"]).all()
    assert ja_waves["claim_id"].null_count() == 0
    # The same claims in Japanese as in the seed languages.
    assert set(ja_waves["claim_id"]) <= set(waves.filter(pl.col("lang") != "ja")["claim_id"])


def test_every_post_has_tactic_truth_and_wave_posts_a_claim_in_every_language(tmp_path):
    generate(tmp_path, posts=20_000, seed=11, scenario="newlang")
    posts = pl.read_parquet(tmp_path / "posts.parquet").join(pl.read_parquet(tmp_path / "truth_posts.parquet"),
                                                             on="post_id")
    assert posts["tactic"].null_count() == 0
    expected = {"false_claim": "false_claim", "competitor_comparison": "comparison", "division": "division"}
    waves = posts.filter(pl.col("wave_id").is_not_null())
    assert (waves["tactic"] == waves["narrative"].replace_strict(expected)).all()
    assert {"zh", "ja"} <= set(waves["lang"])  # en and de squads are few: present at most sizes, not all
    for (lang,), in_lang in waves.group_by("lang"):
        assert in_lang["claim_id"].null_count() == 0, lang
    # A claim's waves push one narrative, and the claim ids are shared across languages.
    per_claim = waves.group_by("claim_id").agg(pl.col("narrative").n_unique(), pl.col("lang").n_unique().alias("langs"))
    assert (per_claim["narrative"] == 1).all() and per_claim["langs"].max() >= 2
    camouflage = posts.filter(pl.col("is_camouflage"))
    assert (camouflage["tactic"] == "camouflage").all() and camouflage["claim_id"].null_count() == camouflage.height
    organic = posts.filter(pl.col("campaign_id").is_null())
    assert (organic["tactic"] == "none").all() and organic["claim_id"].null_count() == organic.height
    assert organic["wave_id"].null_count() == organic.height


ALL_ADVERSARIAL = "aged+shifts+two+newsbots+fans+rewrite+newlang"


def test_adversarial_scenarios_combine_deterministically_with_every_role(tmp_path):
    first = generate(tmp_path / "a", posts=8_000, seed=12, scenario=ALL_ADVERSARIAL)
    second = generate(tmp_path / "b", posts=8_000, seed=12, scenario=ALL_ADVERSARIAL)
    assert first.files == second.files  # same seed, same bytes
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()
    other = generate(tmp_path / "c", posts=8_000, seed=13, scenario=ALL_ADVERSARIAL)
    assert other.files["posts.parquet"] != first.files["posts.parquet"]
    truth = pl.read_parquet(tmp_path / "a" / "truth_accounts.parquet")
    assert set(truth["role"]) == {"organic", "campaign", "fan", "official", "news_bot"}
    assert sorted(truth["campaign_id"].drop_nulls().unique()) == ["c1", "c2"]
    assert truth.filter(pl.col("role") == "campaign")["is_bought"].all()
    posts = pl.read_parquet(tmp_path / "a" / "posts.parquet")
    assert posts.height == 8_000 and "ja" in set(posts["lang"])
