"""Array helpers shared by the analyses."""
from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
    """The sorted distinct values of a 1-D array: ``np.unique(values)``, computed by a sort and a mask.

    numpy 2.4's ``np.unique`` without options takes a hash-based path that is about 100x slower than
    sorting on wide integer keys (650k int64: 0.36 s against 3 ms). overwrite: sort ``values`` in place
    instead of a copy (the caller no longer needs them in their order).
    """
    values = np.asarray(values).reshape(-1)
    if overwrite:
        values.sort()
    else:
        values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def run_numbers(sorted_values: np.ndarray) -> np.ndarray:
    """For a sorted 1-D array, the number (0, 1, ...) of the run of equal values each element belongs to:
    dense codes of the distinct values, in order."""
    if sorted_values.size == 0:
        return np.zeros(0, dtype=np.int64)
    codes = np.zeros(sorted_values.size, dtype=np.int64)
    np.cumsum(sorted_values[1:] != sorted_values[:-1], out=codes[1:])
    return codes


def concatenated_ranges(lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges: lengths [2, 3] -> [0, 1, 0, 1, 2] (int64)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    run_starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) - np.repeat(run_starts, lengths)
