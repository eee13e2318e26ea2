"""Text analysis: what a campaign says and which text software wrote.

Modules (one concern each; all take and return polars frames / numpy arrays, none opens DuckDB):

- `normalize`  — `normalize_text`, `normalize_texts`, `text_hash`: the matching form of a post and its hash.
- `lang`       — offline language identification (script ranges + stopword profiles).
- `segment`    — Chinese word segmentation (jieba, initialised quietly) and language-aware tokens.
- `minhash`    — MinHash signatures and LSH candidate pairs (owned by the coordination engineer).
- `families`   — `NearDuplicateFamilies`: exact and near-duplicate text families.
- `templates`  — the shared skeleton of a family with its variable slots.
- `tells`      — `find_tells`: self-revealing language-model phrases and pasted refusals.
- `embed`      — `embed_texts`: embedding backends with a cache keyed by backend and text hash.
- `narratives` — `NarrativeClusters`: UMAP + HDBSCAN narrative clusters, fit on a sample, assign the rest.
- `keywords`   — class-based TF-IDF keywords per cluster, language-aware.
- `tactics`    — `label_tactics`: tactic labels from editable seed keyword lists plus manual overrides.

Submodules are imported on use so that `import workbench.text.normalize` stays light (no umap, no jieba).
"""
