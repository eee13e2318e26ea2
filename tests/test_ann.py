"""The inverted-file index finds the exact neighbours when it probes every cell, nearly all of them when it
probes a few, and the narrative vote through it matches the brute-force vote."""
import numpy as np

from workbench.text.ann import InvertedFileIndex
from workbench.text.narratives import knn_assign


def _clustered(rows: int, seed: int, centers: np.ndarray, with_centers: bool = False):
    rng = np.random.default_rng(seed)
    center = rng.integers(0, len(centers), rows)
    points = centers[center] + 0.5 * rng.normal(size=(rows, centers.shape[1]))
    points = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    return (points, center) if with_centers else points


def _exact(reference, queries, k):
    sims = queries @ reference.T
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def test_probing_every_cell_is_exact_and_a_few_cells_find_most_neighbours():
    centers = np.random.default_rng(0).normal(size=(12, 16))
    reference, queries = _clustered(3_000, 1, centers), _clustered(500, 2, centers)
    exact = _exact(reference, queries, 10)
    index = InvertedFileIndex(n_probe=10**6).fit(reference)
    sims, rows = index.kneighbors(queries, 10)
    assert (rows == exact).all()
    assert np.allclose(sims, np.take_along_axis(queries @ reference.T, exact, axis=1), atol=1e-6)
    assert (np.diff(sims, axis=1) <= 0).all()  # best first
    index.n_probe = 8
    _, rows = index.kneighbors(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(rows, exact)])
    assert recall >= 0.9
    assert index.centroids_.shape[0] == round(2 * np.sqrt(3_000))


def test_index_is_deterministic_and_handles_tiny_references():
    centers = np.random.default_rng(3).normal(size=(5, 8))
    reference, queries = _clustered(400, 4, centers), _clustered(50, 5, centers)
    first = InvertedFileIndex(n_probe=3, random_state=7).fit(reference).kneighbors(queries, 5)
    second = InvertedFileIndex(n_probe=3, random_state=7).fit(reference).kneighbors(queries, 5)
    assert all((a == b).all() for a, b in zip(first, second))
    # Three reference rows, k = 5: the rows that exist come first, the rest are -1 at -inf.
    sims, rows = InvertedFileIndex().fit(reference[:3]).kneighbors(queries[:4], 5)
    assert (np.sort(rows[:, :3], axis=1) == [0, 1, 2]).all() and (rows[:, 3:] == -1).all()
    assert np.isneginf(sims[:, 3:]).all()


def test_vote_through_the_index_matches_the_brute_force_vote():
    centers = np.random.default_rng(6).normal(size=(8, 16))
    (reference, labels), queries = _clustered(2_000, 7, centers, with_centers=True), _clustered(1_000, 8, centers)
    labels[::7] = -1  # some noise among the neighbours
    scores = np.random.default_rng(10).random(reference.shape[0])
    brute = knn_assign(reference, labels, scores, queries, k=10)
    every_cell = knn_assign(reference, labels, scores, queries, k=10, index=InvertedFileIndex(n_probe=10**6).fit(reference))
    assert (brute[0] == every_cell[0]).all() and np.allclose(brute[1], every_cell[1])
    few_cells = knn_assign(reference, labels, scores, queries, k=10, index=InvertedFileIndex(n_probe=8).fit(reference))
    assert (few_cells[0] == brute[0]).mean() >= 0.95
