"""Offline language identification, vectorised (about 1 s per 100k short posts; no model, no download).

Method (documented so an analyst can judge its limits):

1. Count letters per script with Unicode script classes: Han, Hiragana/Katakana, Hangul, Cyrillic, Arabic,
   Latin. URLs, @mentions and digits do not count.
2. Non-Latin scripts decide first: any kana with CJK ≥ 30 % of letters → `ja`; Hangul ≥ 30 % → `ko`;
   Han ≥ 30 % → `zh`; Cyrillic ≥ 50 % → `ru` (Ukrainian, Bulgarian... are reported as `ru`); Arabic ≥ 50 % → `ar`.
   A Chinese post with an English product name ("小米SU7太差了") is `zh`.
3. Latin-script text is scored against short stopword profiles (en, de, fr, es, it, pt, nl): the language
   whose function words occur most wins; ties go to the earlier language in `LATIN_PROFILES` order.
   German-only letters (ä ö ü ß) add one point to `de`.
4. Otherwise `und` (undetermined): empty posts, emoji-only posts, or a few Latin words with no function
   word ("Xiaomi SU7 scam"). Short Latin posts are the weak spot of any stopword method.
"""
from __future__ import annotations

import polars as pl

from workbench.text.normalize import _MENTION, _URL

UNDETERMINED = "und"

# Frequent function words that are rare in the other profiled languages (lower case, after casefolding).
LATIN_PROFILES: dict[str, tuple[str, ...]] = {
    "en": ("the", "and", "is", "are", "was", "this", "that", "with", "for", "you", "not", "have", "it", "of",
           "to", "they", "be", "my", "just", "what", "all", "will", "from", "your", "can", "don't", "it's"),
    "de": ("der", "die", "das", "und", "ist", "nicht", "ich", "mit", "sich", "auf", "ein", "eine", "den", "dem",
           "auch", "wir", "sie", "es", "zu", "von", "für", "wie", "aber", "noch", "nur", "sind", "kein", "keine"),
    "fr": ("le", "la", "les", "et", "est", "une", "des", "pas", "que", "qui", "pour", "dans", "sur", "avec",
           "je", "nous", "vous", "c'est", "mais", "du", "au", "ce"),
    "es": ("el", "los", "las", "es", "que", "por", "con", "para", "una", "pero", "muy", "del", "está", "como",
           "y", "lo", "se", "más"),
    "it": ("il", "che", "non", "è", "per", "una", "sono", "della", "con", "gli", "anche", "questo", "ma", "di",
           "nel", "perché"),
    "pt": ("não", "que", "com", "uma", "para", "os", "você", "muito", "mas", "do", "da", "em", "é", "isso", "são"),
    "nl": ("het", "een", "niet", "van", "ik", "dat", "en", "zijn", "op", "voor", "maar", "wat", "ook", "wel"),
}
_GERMAN_LETTERS = r"[äöüß]"

_SCRIPTS = {
    "han": r"\p{Han}",
    "kana": r"[\p{Hiragana}\p{Katakana}]",
    "hangul": r"\p{Hangul}",
    "cyrillic": r"\p{Cyrillic}",
    "arabic": r"\p{Arabic}",
    "latin": r"\p{Latin}",
}


def _word_pattern(words: tuple[str, ...]) -> str:
    escaped = sorted({w.replace("'", "\\'").replace(".", "\\.") for w in words}, key=lambda w: (-len(w), w))
    # Words are delimited by anything that is not a letter or apostrophe (\b misreads "c'est").
    return r"(?:^|[^\p{L}'])(?:" + "|".join(escaped) + r")(?:$|[^\p{L}'])"


DETECT_CHUNK = 250_000  # texts per detection pass


def language_scores(texts: pl.Series) -> pl.DataFrame:
    """Per text: letter counts per script and stopword hits per Latin profile (for inspection and tests)."""
    # Placeholders and digits must not vote: "<url>" has Latin letters.
    # Lower-casing is enough here (full normalisation would fold ß to ss and cost a third of the time).
    clean = (
        pl.lit(texts.cast(pl.String)).fill_null("").str.to_lowercase()
        .str.replace_all(_URL, " ").str.replace_all(_MENTION, " ")
    )
    # Spaces around words are doubled so that adjacent stopwords each find their own delimiter.
    spaced = clean.str.replace_all(r"\s+", "  ")
    return pl.select(
        *[clean.str.count_matches(pattern).alias(name) for name, pattern in _SCRIPTS.items()],
        *[(" " + spaced + " ").str.count_matches(_word_pattern(words)).alias(f"sw_{code}")
          for code, words in LATIN_PROFILES.items()],
        clean.str.count_matches(_GERMAN_LETTERS).alias("german_letters"),
    )


def detect_languages(texts: pl.Series) -> pl.Series:
    """ISO 639-1 code per text (`zh`, `ja`, `ko`, `ru`, `ar`, `en`, `de`, `fr`, `es`, `it`, `pt`, `nl`) or `und`.

    Input: raw or normalised post texts (nulls allowed). Output: a String series of the same length, named `lang`.
    """
    if texts.len() > DETECT_CHUNK:  # each Latin profile holds a padded copy of the texts: bounded per chunk
        return pl.concat([detect_languages(texts.slice(start, DETECT_CHUNK))
                          for start in range(0, texts.len(), DETECT_CHUNK)])
    scores = language_scores(texts)
    letters = pl.sum_horizontal(*[pl.col(name) for name in _SCRIPTS])
    cjk = pl.col("han") + pl.col("kana") + pl.col("hangul")
    codes = list(LATIN_PROFILES)
    german = pl.col("sw_de") + pl.when(pl.col("german_letters") > 0).then(1).otherwise(0)
    latin_points = [german if code == "de" else pl.col(f"sw_{code}") for code in codes]
    best_points = pl.max_horizontal(*latin_points)
    # First profile reaching the best score wins (stable tie-break by LATIN_PROFILES order).
    latin_choice = pl.lit(UNDETERMINED)
    for code, points in reversed(list(zip(codes, latin_points))):
        latin_choice = pl.when(points == best_points).then(pl.lit(code)).otherwise(latin_choice)
    decided = (
        pl.when(letters == 0).then(pl.lit(UNDETERMINED))
        .when((pl.col("kana") > 0) & (cjk >= 0.3 * letters)).then(pl.lit("ja"))
        .when(pl.col("hangul") >= 0.3 * letters).then(pl.lit("ko"))
        .when(pl.col("han") >= 0.3 * letters).then(pl.lit("zh"))
        .when(pl.col("cyrillic") >= 0.5 * letters).then(pl.lit("ru"))
        .when(pl.col("arabic") >= 0.5 * letters).then(pl.lit("ar"))
        .when(best_points > 0).then(latin_choice)
        .otherwise(pl.lit(UNDETERMINED))
    )
    return scores.select(decided.alias("lang")).to_series()


def with_languages(posts: pl.DataFrame, text_column: str = "text") -> pl.DataFrame:
    """The posts with `lang` filled in: an export's own two-letter code is kept (`zh-CN` → `zh`), missing or
    unusable values are detected from the text. Adds `lang_detected` (bool) saying which ones were guessed."""
    given = (
        posts["lang"].cast(pl.String).str.to_lowercase().str.extract(r"^([a-z]{2})(?:$|[-_])", 1)
        if "lang" in posts.columns
        else pl.Series("lang", [None] * posts.height, dtype=pl.String)
    )
    guessed = given.is_null()
    lang = given.alias("lang")
    if guessed.any():  # only the texts without a usable code are read (at 2.5M posts: 6.9 GB -> 2 GB)
        lang = lang.scatter(guessed.arg_true(), detect_languages(posts[text_column].filter(guessed)))
    return posts.with_columns(lang, guessed.alias("lang_detected"))
