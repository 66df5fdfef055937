"""The speeches' metadata and texts in, each speech's most similar speeches out (TF-IDF over jieba's words).

Similarity is the cosine of the speeches' TF-IDF vectors; the products are taken a block of rows at a
time on sparse matrices, so the work and the memory grow with the archive, never with its square.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .lexicon import tfidf, tokenizer

TOP = 5  # related speeches per speech, at most
TERMS = 5  # shared distinctive terms shown for each
MIN_SCORE = 0.05  # below this, two speeches have little more in common than the genre's words
CELLS = 2_000_000  # similarities computed at once (rows of a block × speeches)
COMMON = 5.0  # words whose IDF in jieba's general table is below this (工作、问题、发展) tell no speech apart
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def tokens(text: str) -> list[str]:
    """jieba's words of a text that can tell speeches apart: two or more Chinese characters, not stop words, not common.

    >>> tokens("我们要打赢脱贫攻坚战，的工作 2020年")
    ['打赢', '脱贫', '攻坚战']
    """
    idf, median, stop = tfidf()
    return [
        word
        for word in tokenizer().cut(text)
        if _WORD.fullmatch(word) and word not in stop and idf.get(word, median) >= COMMON
    ]


def _top(row_ids: np.ndarray, scores: np.ndarray, ids: list[str], k: int) -> list[int]:
    """The k best columns of one row: highest score first, ties by id, so the order never depends on the data layout.

    numpy picks the candidates (the k best scores and any tied with the k-th), so only those are sorted here.
    """
    rounded = np.round(scores, 6)
    if len(rounded) > k:
        keep = rounded >= np.partition(rounded, len(rounded) - k)[len(rounded) - k]
        row_ids, rounded = row_ids[keep], rounded[keep]
    order = sorted(range(len(row_ids)), key=lambda n: (-float(rounded[n]), ids[row_ids[n]]))
    return [int(row_ids[n]) for n in order[:k]]


def related(metas_and_texts: list[tuple[dict, str]], top: int = TOP) -> dict[str, list[dict]]:
    """For each speech id, up to `top` other speeches, most similar first, each with its score and shared terms."""
    ids = [meta["id"] for meta, _ in metas_and_texts]
    titles = {meta["id"]: meta["title"] for meta, _ in metas_and_texts}
    result: dict[str, list[dict]] = {speech_id: [] for speech_id in ids}
    if len(ids) < 2:
        return result
    vectorizer = TfidfVectorizer(
        tokenizer=tokens, lowercase=False, token_pattern=None, sublinear_tf=True, norm="l2", dtype=np.float64
    )
    try:
        matrix = vectorizer.fit_transform([text for _, text in metas_and_texts]).tocsr()
    except ValueError:  # no words at all
        return result
    vocabulary = vectorizer.get_feature_names_out()
    transposed = matrix.T.tocsc()
    block = max(1, CELLS // len(ids))
    for start in range(0, len(ids), block):
        products = (matrix[start : start + block] @ transposed).tocsr()
        products.setdiag(0, k=start)  # a speech is not related to itself
        products.eliminate_zeros()
        for offset in range(products.shape[0]):
            row = start + offset
            lo, hi = products.indptr[offset], products.indptr[offset + 1]
            columns, scores = products.indices[lo:hi], products.data[lo:hi]
            keep = scores >= MIN_SCORE
            for column in _top(columns[keep], scores[keep], ids, top):
                result[ids[row]].append(
                    {
                        "id": ids[column],
                        "title": titles[ids[column]],
                        "score": round(float(products[offset, column]), 3),
                        "terms": shared_terms(matrix, row, column, vocabulary),
                    }
                )
    return result


def shared_terms(matrix, a: int, b: int, vocabulary, count: int = TERMS) -> list[str]:
    """The words that weigh most in both speeches: the largest products of their TF-IDF weights, times the word's rarity in general Chinese (jieba's IDF)."""
    idf, median, _ = tfidf()
    both = matrix[a].multiply(matrix[b]).tocoo()
    weight = [float(both.data[n]) * idf.get(str(vocabulary[both.col[n]]), median) for n in range(both.nnz)]
    order = sorted(range(both.nnz), key=lambda n: (-round(weight[n], 9), vocabulary[both.col[n]]))
    return [str(vocabulary[both.col[n]]) for n in order[:count]]
