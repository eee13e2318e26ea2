"""Offline language id: scripts decide CJK/Cyrillic, stopword profiles decide Latin-script languages."""
import polars as pl

from workbench.text.lang import detect_languages, with_languages


def test_detects_scripts_and_latin_languages():
    cases = {
        "小米SU7太差了，别买！": "zh",
        "これは日本語の文章です": "ja",
        "한국어 텍스트입니다": "ko",
        "Это русский текст": "ru",
        "The car is a scam and you know it": "en",
        "Das Auto ist nicht gut und viel zu teuer": "de",
        "C'est une voiture pour les riches": "fr",
        "Große Klappe": "de",  # German letters alone
        "": "und",
        "https://t.co/abc @bob": "und",  # placeholders do not vote
    }
    assert detect_languages(pl.Series(list(cases) + [None])).to_list() == list(cases.values()) + ["und"]


def test_with_languages_keeps_export_codes_and_fills_gaps():
    posts = pl.DataFrame({"text": ["Das ist gut und schön", "小米汽车", "whatever"], "lang": [None, "zh-CN", "EN"]})
    out = with_languages(posts)
    assert out["lang"].to_list() == ["de", "zh", "en"]
    assert out["lang_detected"].to_list() == [True, False, False]
