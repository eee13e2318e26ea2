"""The matching form of a post's text, and a stable hash of it.

`normalize_texts` (vectorised, polars/Rust) and `normalize_text` (one string) give the same result because
they are the same expression. The steps, in order:

1. control characters (including NUL), zero-width characters, soft hyphens and variation selectors are
   removed: spammers insert them to defeat duplicate detection;
2. Unicode NFKC (full-width ＡＢＣ！ becomes ABC!, ligatures split, compatibility forms folded);
3. case folding: lower-casing plus Python's `str.casefold` specials (ß → ss, ς → σ, ...);
4. URLs (`http(s)://`, `ftp://`, `www.`) become `<url>`; @mentions become `<mention>` (an @ inside a word,
   as in an e-mail address, is left alone); hashtags are kept as written (`#话题#`, `#tag`);
5. punctuation variants are folded to one ASCII form (curly and CJK quotes → `"`, `'`; dashes → `-`;
   `。` → `.`; `、` → `,`; CJK brackets → `[` `]`), and a run of the same mark becomes one (`!!!` → `!`);
6. every run of whitespace (any Unicode space, tabs, newlines) becomes one space; ends are stripped.

Huge strings are processed in linear time (Rust's regex engine has no backtracking); nothing is truncated,
so two different 10 MB posts never share a normalised form by accident. `None` becomes the empty string:
callers that match texts should drop empty normalised texts first, or every empty post matches every other.

`text_hash` is BLAKE2b-64 of the UTF-8 bytes, as 16 lowercase hex characters: the same on every run,
machine and Python/polars version (unlike `pl.Series.hash`, which is seeded and version-dependent).
"""
from __future__ import annotations

import functools
import hashlib

import polars as pl

URL_PLACEHOLDER = "<url>"
MENTION_PLACEHOLDER = "<mention>"
# Either placeholder, as a regex; and one character of a script written without spaces (Han, kana,
# hangul), which carries about as much as a short word.
PLACEHOLDERS_RE = URL_PLACEHOLDER + "|" + MENTION_PLACEHOLDER
DENSE_CHARACTER_RE = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"

# Control characters except the whitespace ones (those are folded to a space in step 6), C1 controls,
# zero-width space/joiners, word joiner, BOM, soft hyphen, variation selectors.
_INVISIBLE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u2060-\u2064\ufeff\ufe00-\ufe0f]"
# ASCII-only character class after the scheme: a Chinese character right after a link ends the link
# (Weibo writes "http://t.cn/Rabc转发" without a space).
_URL = r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
# The character before the @ is captured and put back, because the regex engine has no look-behind.
_MENTION = r"(^|[^\w@])@[\w\-]+"
_SPACE_CLASS = r"\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A run of whitespace becomes one space. Written as "a run of two or more, or one that is not a plain
# space" so that the lone spaces between words (most matches) are not rewritten: 6x faster, same result.
_WHITESPACE = f"[{_SPACE_CLASS}]{{2,}}|[{_SPACE_CLASS.replace(' ', '')}]"

# Punctuation that survives NFKC in several forms, folded to one ASCII form.
_PUNCTUATION_FOLDS: dict[str, str] = {
    **dict.fromkeys("“”„‟«»「」『』〝〞〟″‶《》〈〉‹›", '"'),
    **dict.fromkeys("‘’‚‛′‵`", "'"),
    **dict.fromkeys("‐‑‒–—―−﹘﹣⁃", "-"),
    **dict.fromkeys("【〔〖〘〚", "["),
    **dict.fromkeys("】〕〗〙〛", "]"),
    "。": ".",
    "、": ",",
    "⋯": "...",
    "…": "...",
    "・": "·",
    "•": "·",
}
# A run of one of these marks becomes a single mark ("!!!" and "！！！" both become "!").
_COLLAPSIBLE_RUNS = "!?.,~-\"'*·"


@functools.lru_cache(maxsize=1)
def _casefold_specials() -> dict[str, str]:
    """Characters whose `casefold()` differs from their lower-case form (about 180; built once, ~0.2 s)."""
    specials = {}
    for code_point in range(0x110000):
        char = chr(code_point)
        if char == char.lower():
            folded = char.casefold()
            if folded != char:
                specials[char] = folded
    return specials


def normalize_expr(expr: pl.Expr) -> pl.Expr:
    """The normalisation as a polars expression over a String column (usable inside `with_columns`)."""
    specials = _casefold_specials()
    out = (
        expr.fill_null("")
        .str.replace_all(_INVISIBLE, "")
        .str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_many(list(specials.keys()), list(specials.values()))
        .str.replace_all(_URL, URL_PLACEHOLDER)
        .str.replace_all(_MENTION, "${1}" + MENTION_PLACEHOLDER)
        .str.replace_many(list(_PUNCTUATION_FOLDS.keys()), list(_PUNCTUATION_FOLDS.values()))
    )
    for mark in _COLLAPSIBLE_RUNS:
        escaped = "\\" + mark if mark in ".*?-" else mark
        out = out.str.replace_all(f"{escaped}{{2,}}", mark, literal=False)
    return out.str.replace_all(_WHITESPACE, " ").str.strip_chars(" ")


def normalize_texts(texts: pl.Series) -> pl.Series:
    """Normalise a String series for matching (see the module docstring). Nulls become "". Same length, order."""
    if texts.dtype != pl.String:
        texts = texts.cast(pl.String)
    name = texts.name or "text"
    return pl.select(normalize_expr(pl.lit(texts.rename(name)))).to_series().rename(name)


def normalize_text(text: str | None) -> str:
    """Normalise one text for matching; identical to `normalize_texts` on a one-element series."""
    return normalize_texts(pl.Series("text", [text], dtype=pl.String))[0]


def _hash_one(normalized: str) -> str:
    return hashlib.blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def text_hash(normalized: pl.Series) -> pl.Series:
    """Stable 64-bit hash of each (already normalised) text as 16 hex characters; null stays null.

    BLAKE2b with an 8-byte digest over UTF-8; about 1 s per million short texts.
    """
    normalized = normalized.cast(pl.String)
    # In chunks of 100k texts: the Python strings of a whole corpus are never held at once.
    chunks = [
        pl.Series([None if value is None else _hash_one(value) for value in normalized.slice(start, 100_000).to_list()],
                  dtype=pl.String)
        for start in range(0, normalized.len(), 100_000)
    ]
    out = pl.concat(chunks, rechunk=True) if chunks else pl.Series([], dtype=pl.String)
    return out.rename(normalized.name or "text_hash")
