"""A tiny text grammar: frames with pool slots and inline alternatives, rendered with a fast dice.

Frame syntax: literal text, `{POOL}` (pick one entry of a named pool), `[a|b|c]` (pick one alternative;
alternatives may contain pool slots). Frames are compiled once; rendering is a few list look-ups, which
keeps per-post Python work to a few microseconds.
"""
from __future__ import annotations

import re

import numpy as np

_TOKEN = re.compile(r"\{([A-Z_]+)\}|\[([^\[\]]*)\]")


class Dice:
    """Deterministic stream of random integers drawn in blocks from a numpy Generator.

    `dice(n)` returns an int in [0, n). Blocks of 2**16 draws keep the per-call cost to a list index.
    """

    def __init__(self, rng: np.random.Generator, block: int = 1 << 16):
        self._rng = rng
        self._block = block
        self._values: list[int] = []
        self._pos = 0

    def __call__(self, n: int) -> int:
        if self._pos >= len(self._values):
            self._values = self._rng.integers(0, 1 << 31, self._block).tolist()
            self._pos = 0
        value = self._values[self._pos]
        self._pos += 1
        return value % n

    def chance(self, p: float) -> bool:
        """True with probability p (resolution 1e-6)."""
        return self(1_000_000) < p * 1_000_000


def compile_frame(text: str, pools: dict[str, list[str]]) -> list:
    """Compile frame text into parts: str (literal), list (a pool), tuple (alternatives, each a frame)."""
    parts: list = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            parts.append(text[pos:match.start()])
        pool_name, alternatives = match.group(1), match.group(2)
        if pool_name is not None:
            pool = pools.get(pool_name)
            if not pool:
                raise KeyError(f"frame {text!r} uses unknown or empty pool {pool_name}")
            parts.append(pool if len(pool) > 1 else pool[0])
        else:
            parts.append(tuple(compile_frame(option, pools) for option in alternatives.split("|")))
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def render(parts: list, dice: Dice) -> str:
    """Render a compiled frame to text."""
    out = []
    for part in parts:
        kind = type(part)
        if kind is str:
            out.append(part)
        elif kind is list:
            out.append(part[dice(len(part))])
        else:
            out.append(render(part[dice(len(part))], dice))
    return "".join(out)


def expand_single(text: str, values: dict[str, str]) -> str:
    """Substitute single-valued slots (brand names) in a plain string, leaving other slots alone."""
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)) if m.group(1) else m.group(0), text)
