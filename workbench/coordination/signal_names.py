"""The names of the coordination signals, in a module with no imports.

The CLI lists them in `workbench network --help`; importing `workbench.coordination.signals` for that
would load polars and the numba kernels (over a second of start-up).
"""

PLAIN_SIGNALS = ("co_link", "co_domain", "co_share", "co_text", "co_reply", "co_hashtag", "co_mention", "co_media", "co_post")
ALL_SIGNALS = PLAIN_SIGNALS + ("co_similar_text", "co_paraphrase")
TEXT_NORMALIZERS = ("workbench", "toolkit")

# The posts column each signal reads (co_post reads none beyond the ones every signal needs).
SIGNAL_COLUMNS = {
    "co_link": "urls", "co_domain": "urls", "co_share": "shared_post_id", "co_text": "text", "co_similar_text": "text",
    "co_reply": "parent_post_id", "co_hashtag": "hashtags", "co_mention": "mentions", "co_media": "media_hashes",
}
# Every network reads these: ids, times, the kind (reposts are excluded from most signals) and the text
# (communities are summarised by their most repeated texts).
NETWORK_COLUMNS = ("post_id", "account_id", "created_at", "kind", "text")


def posts_columns_for(signals) -> list[str]:
    """The posts columns a coordination network over `signals` reads, in schema-independent order.

    Reading only these from the store (not lang, source_app, counts, platform, source ids) keeps about
    100 bytes per post out of memory: ~1 GB at 10M posts.
    """
    columns = list(NETWORK_COLUMNS)
    for signal in signals:
        column = SIGNAL_COLUMNS.get(signal)
        if column and column not in columns:
            columns.append(column)
    return columns
