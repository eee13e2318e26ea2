"""Approximate nearest neighbours by cosine: an inverted file over k-means cells (FAISS's IVF-Flat design).

`fit(reference)` clusters the reference rows (L2-normalised float32) into `n_cells` k-means cells (default:
about 2 * sqrt(rows), so a cell holds about sqrt(rows) / 2 rows). `kneighbors(queries, k)` scores each
query against the cell centroids, searches only its `n_probe` most similar cells exactly, and keeps the k
best rows found. Work per query falls from every reference row to n_probe cells' rows plus the centroids;
a true neighbour is missed only when it lies outside the probed cells. Queries are grouped by cell, so each
probed cell is one dense product for all the queries that probe it.

Deterministic: k-means runs with `random_state` and one initialisation; ties in the final selection break
to the smaller reference row.
"""
from __future__ import annotations

import numpy as np


class InvertedFileIndex:
    """Parameters: n_cells (k-means cells; None = about 2 * sqrt(reference rows)), n_probe (cells searched
    per query), random_state (k-means seed).

    After `fit(reference)`: `centroids_` (n_cells, dim) float32, `cell_of_` (one cell per reference row),
    `members_` (reference rows ordered by cell) and `cell_starts_` (offsets into members_, n_cells + 1)."""

    FITTED_ATTRIBUTES = ("centroids_", "cell_of_", "members_", "cell_starts_")

    def __init__(self, n_cells: int | None = None, n_probe: int = 8, random_state: int = 0):
        self.n_cells = n_cells
        self.n_probe = n_probe
        self.random_state = random_state

    def fit(self, reference: np.ndarray) -> "InvertedFileIndex":
        from sklearn.cluster import KMeans

        self.reference_ = np.ascontiguousarray(reference, dtype=np.float32)
        rows = self.reference_.shape[0]
        cells = self.n_cells or max(1, int(round(2 * np.sqrt(rows))))
        cells = max(1, min(cells, rows))
        if cells == 1:
            self.cell_of_ = np.zeros(rows, dtype=np.int64)
            self.centroids_ = self.reference_.mean(axis=0, keepdims=True) if rows else np.zeros((1, 0), np.float32)
        else:
            kmeans = KMeans(n_clusters=cells, n_init=1, max_iter=50, random_state=self.random_state).fit(self.reference_)
            self.cell_of_ = kmeans.labels_.astype(np.int64)
            self.centroids_ = kmeans.cluster_centers_.astype(np.float32)
        # Cosine to the centroid direction: normalise the centroids like the rows.
        self.centroids_ /= np.maximum(np.linalg.norm(self.centroids_, axis=1, keepdims=True), 1e-12)
        self.members_ = np.argsort(self.cell_of_, kind="stable")
        self.cell_starts_ = np.concatenate(([0], np.cumsum(np.bincount(self.cell_of_, minlength=cells))))
        return self

    def kneighbors(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities float32 (n, k), reference rows int64 (n, k)) of the k most cosine-similar rows found,
        best first. Where the probed cells hold fewer than k rows, the missing entries are row -1 at -inf."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        n = queries.shape[0]
        cells = self.centroids_.shape[0]
        probe = min(self.n_probe, cells)
        if n == 0:
            return np.empty((0, k), np.float32), np.empty((0, k), np.int64)
        centroid_sims = queries @ self.centroids_.T
        probes = (np.argpartition(-centroid_sims, probe - 1, axis=1)[:, :probe] if probe < cells
                  else np.broadcast_to(np.arange(cells), (n, cells)))
        # One slot of k candidates per (query, probed cell); the slots of each cell are filled together.
        slot_cell = probes.ravel()
        slots = np.argsort(slot_cell, kind="stable")
        slot_starts = np.searchsorted(slot_cell[slots], np.arange(cells + 1))
        found_sims = np.full((n * probe, k), -np.inf, dtype=np.float32)
        found_rows = np.full((n * probe, k), -1, dtype=np.int64)
        for cell in range(cells):
            cell_slots = slots[slot_starts[cell]:slot_starts[cell + 1]]
            members = self.members_[self.cell_starts_[cell]:self.cell_starts_[cell + 1]]
            if cell_slots.size == 0 or members.size == 0:
                continue
            sims = queries[cell_slots // probe] @ self.reference_[members].T
            keep = min(k, members.size)
            best = np.argpartition(-sims, keep - 1, axis=1)[:, :keep] if keep < members.size else \
                np.broadcast_to(np.arange(members.size), sims.shape)
            found_sims[cell_slots, :keep] = np.take_along_axis(sims, best, axis=1)
            found_rows[cell_slots, :keep] = members[best]
        found_sims = found_sims.reshape(n, probe * k)
        found_rows = found_rows.reshape(n, probe * k)
        # Best first; equal similarities go to the smaller row, whatever cell order found them.
        order = np.lexsort((found_rows, -found_sims), axis=1)[:, :k]
        return np.take_along_axis(found_sims, order, axis=1), np.take_along_axis(found_rows, order, axis=1)
