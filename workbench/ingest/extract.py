"""Pull links, hashtags, mentions and retweet targets out of post text, for exports that lack them.

Hashtags: `#tag` and full-width `＃tag`, and Weibo's `#话题 with spaces#` form: text between two markers
that contains a Chinese character (so "#World and #news" stays two Latin hashtags), up to 120
characters, no line breaks. Stored without the marker, case preserved. Mentions:
`@handle` (letters of any script, digits, `_` and `-`). Retweets: a leading "RT @handle:".
"""
from __future__ import annotations

import polars as pl

URL_PATTERN = r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+"
WEIBO_TOPIC_PATTERN = r"[#＃][^#＃\r\n]{0,60}\p{Han}[^#＃\r\n]{0,60}[#＃]"
HASHTAG_PATTERN = r"(?:^|[^\w&/])[#＃](\w[\w\-]*)"
MENTION_PATTERN = r"(?:^|[^\w/.])@(\w[\w\-]{0,49})"
RETWEET_PATTERN = r"^RT @(\w{1,50}):"
_TRAILING_PUNCT = r"[.,;:!?)\]}>»”’'\"]+$"
# What every match of each pattern above contains: text without it cannot match, so needs no regex.
MARKERS = {"urls": "http", "hashtags": "[#＃]", "mentions": "@"}


def extract_urls(text: pl.Expr) -> pl.Expr:
    return text.str.extract_all(URL_PATTERN).list.eval(pl.element().str.replace(_TRAILING_PUNCT, ""))


def extract_hashtags(text: pl.Expr) -> pl.Expr:
    """Weibo #topic# pairs first; text outside them is searched for single-marker #tags."""
    topics = text.str.extract_all(WEIBO_TOPIC_PATTERN).list.eval(pl.element().str.slice(1).str.slice(0, pl.element().str.len_chars() - 2))
    remainder = text.str.replace_all(WEIBO_TOPIC_PATTERN, " ")
    singles = remainder.str.extract_all(HASHTAG_PATTERN).list.eval(
        pl.element().str.replace(r"^[^#＃]*[#＃]", "")
    )
    both = topics.list.concat(singles)
    return both.list.eval(pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0)).list.unique(maintain_order=True)


def extract_mentions(text: pl.Expr) -> pl.Expr:
    return text.str.extract_all(MENTION_PATTERN).list.eval(pl.element().str.replace(r"^[^@]*@", "")).list.unique(maintain_order=True)


def extract_retweet_handle(text: pl.Expr) -> pl.Expr:
    """The handle in a leading "RT @handle:", else null."""
    return text.str.extract(RETWEET_PATTERN, 1)


def retweeted_text(text: pl.Expr) -> pl.Expr:
    """The text after "RT @handle: " (the retweeted post's own text)."""
    return text.str.replace(r"^RT @\w{1,50}:\s*", "")
