"""Class-based TF-IDF ranks each cluster's distinctive words first, per language."""
import numpy as np

from workbench.text.keywords import class_tfidf_keywords, sample_per_class
from workbench.text.normalize import normalize_text


def test_distinctive_words_rank_first_in_chinese_and_english():
    texts = [normalize_text(t) for t in (
        ["小米汽车刹车失灵，官方隐瞒真相"] * 5 + ["今天天气不错，小米粥很好喝"] * 5 + ["The battery catches fire, recall it now"] * 5
    )]
    labels = np.array([0] * 5 + [1] * 5 + [2] * 5)
    langs = ["zh"] * 10 + ["en"] * 5
    keywords = class_tfidf_keywords(texts, labels, langs, top_n=3)
    top = {c: keywords.filter(keywords["cluster"] == c)["keyword"].to_list() for c in (0, 1, 2)}
    assert {"刹车", "失灵", "隐瞒", "真相"} & set(top[0])
    assert {"天气", "不错", "好喝"} & set(top[1])
    assert "小米" not in top[0][:1]  # shared by clusters 0 and 1, so not the most distinctive
    assert set(top[2]) <= {"battery", "catches", "fire", "recall"}
    assert keywords.equals(class_tfidf_keywords(texts, labels, langs, top_n=3))


def test_sampling_bounds_work_per_class():
    labels = np.array([0] * 5000 + [1] * 3)
    rows = sample_per_class(labels, 100, seed=0)
    assert (labels[rows] == 0).sum() == 100 and (labels[rows] == 1).sum() == 3
    assert np.array_equal(rows, sample_per_class(labels, 100, seed=0))
