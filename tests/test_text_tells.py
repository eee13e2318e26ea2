"""AI-text tells are found in zh/en/de, counted per account and family, and the lists are extendable."""
import polars as pl

from workbench.text.tells import find_tells, load_tells, tells_per_account, tells_per_family


def _posts():
    return pl.DataFrame({
        "post_id": ["p1", "p2", "p3", "p4", "p5"],
        "account_id": ["bot", "bot", "human", "bot2", "human"],
        "text": [
            "As an AI language model, I cannot fulfill this request. Xiaomi SU7 is bad",
            "作为一个人工智能语言模型，我无法提供……小米汽车质量差",
            "I love my new phone",
            "Es tut mir leid, aber ich kann das nicht schreiben. Xiaomi ist Betrug",
            None,
        ],
    })


def test_finds_self_reveal_and_refusal_in_three_languages():
    found = find_tells(_posts())
    assert set(found["post_id"]) == {"p1", "p2", "p4"}
    p1 = found.filter(pl.col("post_id") == "p1")
    assert set(p1["category"]) == {"self_reveal", "refusal"}
    assert set(found["tell_lang"]) == {"en", "zh", "de"}
    per_account = tells_per_account(found, _posts())
    assert per_account.row(0, named=True)["account_id"] == "bot"
    assert per_account.row(0, named=True)["tell_posts"] == 2 and per_account.row(0, named=True)["tell_share"] == 1.0
    per_family = tells_per_family(found, pl.DataFrame({"post_id": ["p1", "p2"], "family_id": [7, 7]}))
    assert per_family.row(0) == (7, 2, per_family.row(0)[2], ["refusal", "self_reveal"])


def test_analyst_can_extend_the_lists(tmp_path):
    extra = tmp_path / "tells_en.txt"
    extra.write_text("## prompt_leak\nwrite a negative post about\n", encoding="utf-8")
    posts = pl.DataFrame({"post_id": ["x"], "account_id": ["a"], "text": ["Write a NEGATIVE post about Xiaomi: it is bad"]})
    assert find_tells(posts).height == 0
    tells = load_tells(extra_files=[extra], extra_phrases={"custom": ["totally organic"]})
    found = find_tells(posts, tells)
    assert found.row(0, named=True)["category"] == "prompt_leak"
