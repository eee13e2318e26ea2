"""The names of the coordination signals, in a module with no imports.

The CLI lists them in `workbench network --help`; importing `workbench.coordination.signals` for that
would load polars and the numba kernels (over a second of start-up).
"""

PLAIN_SIGNALS = ("co_link", "co_domain", "co_share", "co_text", "co_reply", "co_hashtag", "co_mention", "co_media", "co_post")
ALL_SIGNALS = PLAIN_SIGNALS + ("co_similar_text",)
TEXT_NORMALIZERS = ("workbench", "toolkit")
