"""Segmentation: Chinese words via jieba, stopwords and placeholders removed, deterministic."""
from workbench.text.normalize import normalize_text
from workbench.text.segment import tokenize


def test_chinese_words_without_stopwords_or_placeholders():
    tokens = tokenize(normalize_text("小米SU7刹车失灵了，大家别买！https://t.cn/x @某人"), "zh")
    assert "刹车" in tokens and "失灵" in tokens and "su7" in tokens
    assert "<url>" not in tokens and "了" not in tokens and "大家" not in tokens
    assert tokens == tokenize(normalize_text("小米SU7刹车失灵了，大家别买！https://t.cn/x @某人"), "zh")


def test_latin_words_keep_hashtags_drop_stopwords():
    assert tokenize(normalize_text("The brakes FAIL, don't buy it! #Boycott"), "en") == ["brakes", "fail", "buy", "#boycott"]
    assert tokenize(normalize_text("Die Bremsen versagen und das ist Betrug"), "de") == ["bremsen", "versagen", "betrug"]
