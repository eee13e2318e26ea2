"""Compile and cache numba code once, at environment build time (`make env`)."""
from __future__ import annotations

import time


def main() -> None:
    import numpy as np

    started = time.perf_counter()
    import umap  # noqa: F401  (compiles and caches pynndescent/umap kernels)

    rng = np.random.default_rng(0)
    points = rng.normal(size=(300, 8)).astype("float32")
    umap.UMAP(n_neighbors=10, n_components=2, random_state=0, metric="cosine").fit_transform(points)
    from workbench.text.minhash import minhash_signatures  # our own MinHash kernel

    minhash_signatures(["warm the minhash kernel", "近似重复文本"], num_perm=8)
    print(f"numba cache warmed in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
