"""Array helpers shared by the analyses."""
from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a 1-D array: ``np.unique(values)``, computed by a sort and a mask.

    numpy 2.4's ``np.unique`` without options takes a hash-based path that is about 100x slower than
    sorting on wide integer keys (650k int64: 0.36 s against 3 ms).
    """
    values = np.sort(np.asarray(values).reshape(-1))
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values
