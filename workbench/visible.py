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


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"


def visible(text: object, keep_newlines: bool = False) -> str:
    """`text` with control, bidirectional and invisible formatting characters shown as escapes.

    keep_newlines : leave "\\n" as a line break (for multi-line messages); tabs and every other control
        character are still escaped.
    """
    value = str(text)
    if keep_newlines:
        return "\n".join(_HIDDEN.sub(_escape, line) for line in value.split("\n"))
    return _HIDDEN.sub(_escape, value)


def has_hidden(text: object) -> bool:
    """True when `visible(text)` would change it."""
    return _HIDDEN.search(str(text)) is not None
