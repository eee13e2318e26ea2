"""Hostile identifiers made visible: control and bidirectional-formatting characters shown as escapes.

Handles, texts, file names and CSV headers come from the corpus, which an attacker writes. Printed as
they are, an ESC sequence recolours or rewrites the terminal, and U+202E (right-to-left override) makes
`safe\u202Etxt.exe` display as `safeexe.txt`. `visible()` turns every such character into its escape
(`\\x1B`, `\\u202E`), so what is shown is what is there; ordinary text of every script is unchanged.
"""
from __future__ import annotations

import re

# Control characters (C0, DEL, C1), the bidirectional embeddings, overrides and isolates, the invisible
# marks that reorder or hide text (zero-width, directional marks, BOM, interlinear annotation) and the line
# and paragraph separators; and lone surrogates, which cannot even be printed.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f\ud800-\udfff]"
)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"


def visible(text: object, keep: str = "") -> str:
    """`text` with control, bidirectional and invisible formatting characters shown as escapes.

    keep : characters to leave as they are, e.g. "\n" for multi-line messages or "\n\t" for post text.
    """
    return _HIDDEN.sub(lambda match: match.group() if match.group() in keep else _escape(match.group()), str(text))


def visible_id(text: object) -> str:
    """An identifier made visible so that two ids never look alike: backslashes doubled, then `visible` with
    nothing kept (a tab or line break in an id is shown too). `x` + U+200B + `y` shows as `x\\u200By`, the
    typed text `x\\u200By` as `x\\\\u200By`."""
    return visible(str(text).replace("\\", "\\\\"))


def has_hidden(text: object) -> bool:
    """True when `visible(text)` would change it."""
    return _HIDDEN.search(str(text)) is not None


def _hidden_characters() -> list[str]:
    """Every character `visible` escapes, except surrogates and the tag block (which polars text cannot
    hold, or which are too many to list), for `visible_expr`."""
    ranges = [(0x00, 0x1F), (0x7F, 0x9F), (0x061C, 0x061C), (0x115F, 0x1160), (0x180E, 0x180E), (0x200B, 0x200F),
              (0x2028, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB)]
    return [chr(code) for start, end in ranges for code in range(start, end + 1)]


def visible_id_expr(expr):
    """A polars expression: `visible_id` applied to a column of identifiers (charts)."""
    return visible_expr(expr.str.replace_all("\\", "\\\\", literal=True), keep="")


def visible_expr(expr, keep: str = "\n"):
    """A polars expression: `visible` applied to a text column (vectorised, for charts and tables)."""
    characters = [c for c in _hidden_characters() if c not in keep]
    return expr.str.replace_many(characters, [_escape(c) for c in characters])
