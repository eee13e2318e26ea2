"""Normalisation for matching: variants of one text meet; hostile input is handled."""
import random

import polars as pl
import pytest

from workbench.text.normalize import normalize_text, normalize_texts, text_hash


@pytest.mark.parametrize(
    ("variant_a", "variant_b"),
    [
        ("Xiaomi SU7 is a SCAM!!!", "xiaomi su7 is a scam!"),
        ("ＸＩＡＯＭＩ　ＳＵ７！", "xiaomi su7!"),  # full-width letters, ideographic space
        ("Die Straße", "DIE STRASSE"),  # casefold, not just lower
        ("小米“假”数据——别买…", '小米"假"数据-别买.'),
        ("小米\u200b汽车\x00不行", "小米汽车不行"),  # zero-width and NUL injected to evade matching
        ("see https://t.co/abc123 now", "see http://example.com/x?y=1 now"),
        ("@alice told @bob_2", "@carol told @dave"),
        ("a \t\n  b", "a b"),
    ],
)
def test_variants_fold_to_one_form(variant_a, variant_b):
    assert normalize_text(variant_a) == normalize_text(variant_b)


def test_placeholders_and_hashtags():
    assert normalize_text("Look https://x.com/a @Bob #XiaomiYU7 #话题#") == "look <url> <mention> #xiaomiyu7 #话题#"
    # A link glued to Chinese text ends where the ASCII URL characters end (Weibo style).
    assert normalize_text("太差了http://t.cn/Rabc转发") == "太差了<url>转发"
    # An @ inside a word (an e-mail address) is not a mention.
    assert normalize_text("write to a@b.com") == "write to a@b.com"


def test_none_nul_and_huge_strings():
    assert normalize_text(None) == ""
    assert normalize_text("\x00\x00") == ""
    huge = "水军" * 5_000_000 + " https://evil.example/" + "<script>" * 10
    out = normalize_text(huge)
    assert out.startswith("水军水军") and "<url>" in out
    assert len(out) > 10_000_000  # nothing truncated


def test_series_and_scalar_agree_on_random_strings():
    rng = random.Random(7)
    alphabet = "aA ßΣς！!。，,“”\u200b\x00@#小米https://t.co/x\t\n—…ＡＢ"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)] + [None]
    vectorised = normalize_texts(pl.Series("text", texts)).to_list()
    assert vectorised == [normalize_text(text) for text in texts]
    assert normalize_texts(pl.Series("text", texts)).null_count() == 0


def test_text_hash_is_stable_and_distinguishes():
    hashes = text_hash(pl.Series(["", "abc", "abd", None])).to_list()
    # Fixed values (BLAKE2b-64): the hash must not change across runs, machines or library versions.
    assert hashes == ["e4a6a0577479b2b4", "d8bb14d833d59559", "d7ad0c41ccfe1315", None]
