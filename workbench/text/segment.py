"""Words from post text: jieba for Chinese, a regular expression for everything else; stopwords removed.

jieba is initialised once, quietly (its INFO log lines are silenced), from the dictionary shipped in its
wheel: nothing is downloaded. Its segmentation is deterministic (dictionary + Viterbi HMM), so the same text
always gives the same words. It is slow (about 0.3-0.5 M characters per second), so callers segment samples
(keywords do), never a million posts.

Stopword lists live in `workbench/text/data/stopwords_<lang>.txt` (one word per line, `#` comments) and an
analyst can extend them or pass their own set.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
from importlib import resources

from workbench.text.normalize import normalize_text

_JIEBA_LOCK = threading.Lock()
# Latin/Cyrillic/... words (with inner apostrophes or hyphens), hashtags kept whole ("#xiaomi", "#话题#").
_WORD = re.compile(r"#[^\s#]+#?|[^\W\d_](?:[\w'’-]*\w)?", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PLACEHOLDER = re.compile(r"<url>|<mention>")
CJK_LANGS = ("zh",)


@functools.lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The shipped stopword list for a language code (empty for languages without one)."""
    try:
        text = resources.files("workbench.text").joinpath(f"data/stopwords_{lang}.txt").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return frozenset()
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(normalize_text(word) for word in words if word)


@functools.lru_cache(maxsize=1)
def all_stopwords() -> frozenset[str]:
    """Every shipped stopword list together (for text whose language is unknown)."""
    names = [entry.name for entry in resources.files("workbench.text").joinpath("data").iterdir()]
    langs = sorted(name[len("stopwords_"):-len(".txt")] for name in names
                   if name.startswith("stopwords_") and name.endswith(".txt"))
    return frozenset().union(*(stopwords(lang) for lang in langs))


def stopwords_for(langs) -> frozenset[str]:
    """The stopwords of every language in `langs` together ("und" or None: every shipped list)."""
    present = {lang for lang in langs if lang}
    if not present or present & {"und"}:
        return all_stopwords()
    return frozenset().union(*(stopwords(lang) for lang in sorted(present)))


@functools.lru_cache(maxsize=1)
def _jieba():
    with _JIEBA_LOCK:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict..." chatter
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return tokenizer


def add_words(words: list[str]) -> None:
    """Teach the Chinese segmenter brand or product names ("小米汽车", "雷军") so they stay one word."""
    tokenizer = _jieba()
    for word in words:
        tokenizer.add_word(word)


def segment_chinese(text: str) -> list[str]:
    """jieba words of a text, in order, including punctuation and spaces (no filtering)."""
    return list(_jieba().cut(text, HMM=True))


def tokenize(text: str, lang: str | None = None, stop: frozenset[str] | None = None) -> list[str]:
    """Content words of one normalised text, in order.

    Chinese (`lang == "zh"`, or any text containing Han characters when `lang` is None): jieba words; other
    languages: regex words. Placeholders (`<url>`, `<mention>`), numbers, punctuation, one-character words
    and stopwords (of `lang`, or of zh+en+de when `lang` is None) are dropped. Hashtags stay whole.
    """
    text = _PLACEHOLDER.sub(" ", text or "")
    if stop is None:
        stop = stopwords(lang) if lang and lang != "und" else all_stopwords()
    chinese = lang in CJK_LANGS or (lang in (None, "und") and _HAN.search(text) is not None)
    if chinese:
        tokens = []
        for piece in segment_chinese(text):
            piece = piece.strip()
            if not piece:
                continue
            if _HAN.search(piece):
                tokens.append(piece)
            else:
                # Latin runs inside Chinese text ("su7", "#小米#") go through the word pattern.
                tokens.extend(_WORD.findall(piece))
    else:
        tokens = _WORD.findall(text)
    # One-character words (Chinese particles, "车", "a") carry little meaning for keywords.
    return [t for t in tokens if len(t) > 1 and t not in stop and not t.isdigit()]
