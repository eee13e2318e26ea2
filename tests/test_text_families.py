"""Near-duplicate families recover the planted templates; exact copies and ids are deterministic."""
import random

import polars as pl
from sklearn.metrics import adjusted_rand_score

from text_corpus_helpers import build_corpus
from workbench.text.families import NearDuplicateFamilies


def _family_truth(posts, truth, model):
    joined = truth.join(model.assignments_, on="post_id", how="left")
    return joined.filter(pl.col("template_id").is_not_null()), joined.filter(pl.col("template_id").is_null())


def test_planted_templates_become_families_and_organic_posts_do_not():
    posts, truth = build_corpus(seed=1)
    model = NearDuplicateFamilies(random_state=0).fit(posts)
    planted, organic = _family_truth(posts, truth, model)
    assert planted["family_id"].null_count() == 0
    assert adjusted_rand_score(planted["template_id"].to_list(), planted["family_id"].to_list()) == 1.0
    assert organic["family_id"].null_count() >= 0.98 * organic.height
    families = model.families_
    assert set(families.columns) >= {"family_id", "kind", "size", "accounts", "first_post_at", "last_post_at", "languages"}
    planted_family = families.filter(pl.col("family_id") == planted["family_id"][0]).row(0, named=True)
    assert planted_family["size"] == 40 and planted_family["kind"] == "near"
    assert planted_family["languages"][0] in {"zh", "en"}


def test_exact_family_and_hostile_text():
    # The last two have no content beyond placeholders and emoticon codes: they must not form a family.
    posts = pl.DataFrame({
        "post_id": [f"p{i}" for i in range(8)],
        "account_id": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "created_at": pl.datetime_range(pl.datetime(2025, 1, 1), pl.datetime(2025, 1, 8), "1d", eager=True),
        "text": ["BUY THIS NOW, it is cheap!!! https://x.co/1", "buy this now, it is cheap! https://y.co/2",
                 "<script>alert(1)</script>\x00", None, "", "totally different words here",
                 "@bob [good][good] https://t.cn/1", "@carol [good] https://t.cn/2"],
    })
    model = NearDuplicateFamilies().fit(posts)
    assert model.families_.height == 1
    family = model.families_.row(0, named=True)
    assert family["kind"] == "exact" and family["size"] == 2 and family["accounts"] == 2
    assert sorted(model.assignments_["post_id"].to_list()) == ["p0", "p1"]


def test_deterministic_whatever_the_row_order():
    posts, _ = build_corpus(seed=2)
    first = NearDuplicateFamilies().fit(posts)
    second = NearDuplicateFamilies().fit(posts.reverse())
    assert first.families_.equals(second.families_)
    assert first.assignments_.equals(second.assignments_)


def test_blocked_estimate_path_finds_the_same_planted_families():
    posts, _ = build_corpus(seed=1)
    exact = NearDuplicateFamilies().fit(posts)
    blocked = NearDuplicateFamilies(exact_check_max_texts=0, block_texts=100).fit(posts)
    assert exact.assignments_.equals(blocked.assignments_)


def test_links_and_mentions_do_not_chain_unrelated_short_posts():
    # Each text shares one word with the next; with the <mention> and <url> placeholders counted as words,
    # neighbours scored Jaccard 0.6 and the chain made one family of all of them (as on the IRA slice).
    words = ["sunrise", "harbour", "violin", "granite", "meadow", "lantern", "orchid", "comet", "saddle", "quartz", "falcon"]
    texts = [f"@user{i} {words[i]} {words[i + 1]} https://t.co/x{i}" for i in range(len(words) - 1)]
    posts = pl.DataFrame({
        "post_id": [f"p{i}" for i in range(len(texts))], "account_id": [f"a{i}" for i in range(len(texts))],
        "created_at": pl.datetime_range(pl.datetime(2025, 1, 1), pl.datetime(2025, 1, 10), "1d", eager=True),
        "text": texts,
    })
    model = NearDuplicateFamilies(random_state=0).fit(posts)
    assert model.families_.height == 0
    # The same words with a real shared claim still make a family: the link is not needed for that.
    copies = posts.with_columns(text=pl.format("@user{} the qilora battery caught fire again https://t.co/{}",
                                               pl.col("account_id"), pl.col("post_id")))
    assert NearDuplicateFamilies(random_state=0).fit(copies).families_["size"].to_list() == [len(texts)]


def test_chains_of_loosely_similar_texts_do_not_make_one_family():
    # A sliding window over a long sentence: each text shares 9 of its 10 words with the next, so single
    # linkage joins all 300 although texts 20 apart share nothing (as stock phrases chained 686,732 organic
    # texts into one family at 2.5M posts). A planted template filled 60 times must stay one family.
    rng = random.Random(0)
    vocabulary = [f"w{i}" for i in range(400)]
    chain = [" ".join(vocabulary[i:i + 10]) for i in range(300)]
    slots = ["fire", "brakes", "recall", "battery", "spying", "software"]
    planted = [f"the qilora q7 {rng.choice(slots)} problem is real, owners in {city} warn everyone {rng.choice(slots)}"
               for city in [f"city{k}" for k in range(60)]]
    texts = chain + planted
    posts = pl.DataFrame({
        "post_id": [f"p{i:04d}" for i in range(len(texts))], "account_id": [f"a{i}" for i in range(len(texts))],
        "created_at": pl.datetime_range(pl.datetime(2025, 1, 1), pl.datetime(2025, 1, 1) + pl.duration(minutes=len(texts) - 1),
                                        "1m", eager=True),
        "text": texts,
    })
    for exact_check_max_texts in (200_000, 0):  # exact Jaccard and MinHash estimate
        model = NearDuplicateFamilies(random_state=0, exact_check_max_texts=exact_check_max_texts).fit(posts)
        assert model.n_split_components_ >= 1
        members = model.assignments_.with_columns(pl.col("post_id").str.slice(1).cast(pl.Int64).alias("row"))
        span = members.filter(pl.col("row") < 300).group_by("family_id").agg((pl.col("row").max() - pl.col("row").min()).alias("span"))
        assert span.height == 0 or span["span"].max() < 75  # no family spans a quarter of the chain
        planted_families = members.filter(pl.col("row") >= 300)["family_id"]
        assert planted_families.len() == 60 and planted_families.n_unique() == 1
    # Without the coherence check the chain is one family of 300 texts.
    loose = NearDuplicateFamilies(random_state=0, min_coherence=0).fit(posts)
    assert loose.families_["size"].max() == 300
