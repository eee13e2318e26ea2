"""Tactic labels come from editable seed lists, with manual overrides recorded as such."""
import polars as pl

from workbench.text.tactics import label_tactics, load_tactic_seeds, tactic_params


def _posts():
    return pl.DataFrame({
        "cluster": [0, 0, 0, 1, 1, 2, 2, -1],
        "text": ["曝光！SU7刹车失灵，官方隐瞒", "内部爆料：电池起火", "今天吃饭", "买特斯拉不香吗，小米没法比",
                 "Tesla is better than Xiaomi", "米粉们醒醒吧，都是韭菜", "Xiaomi fans are a cult", "noise"],
    })


def test_seed_lists_label_the_three_tactics():
    seeds = load_tactic_seeds()
    assert {"false_claim", "comparison", "division"} <= set(seeds)
    assert all(set(seeds[t]) == {"zh", "en", "de"} for t in ("false_claim", "comparison", "division"))
    clusters = label_tactics(pl.DataFrame({"cluster": [0, 1, 2, 3]}), posts=_posts())
    labels = dict(zip(clusters["cluster"].to_list(), clusters["tactic"].to_list()))
    assert labels == {0: "false_claim", 1: "comparison", 2: "division", 3: None}
    row = clusters.filter(pl.col("cluster") == 0).row(0, named=True)
    assert row["tactic_source"] == "seeds" and abs(row["tactic_share"] - 2 / 3) < 1e-9 and row["tactic_words"]


def test_analyst_tactics_and_overrides():
    seeds = {"price_attack": {"zh": ["太贵"], "en": ["overpriced"]}}
    posts = pl.DataFrame({"cluster": [0, 0, 1], "text": ["SU7 is overpriced", "太贵了", "nice weather"]})
    clusters = label_tactics(pl.DataFrame({"cluster": [0, 1]}), posts=posts, seeds=seeds, overrides={1: "division"})
    assert clusters["tactic"].to_list() == ["price_attack", "division"]
    assert clusters["tactic_source"].to_list() == ["seeds", "manual"]
    params = tactic_params(seeds, {1: "division"})
    assert params["tactic_overrides"] == {"1": "division"} and params["tactic_seeds"] == seeds
