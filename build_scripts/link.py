"""The speeches' metadata and texts in, each speech's most similar speeches out (TF-IDF over jieba's words).

Similarity is the cosine of the speeches' TF-IDF vectors; the products are taken a block of rows at a
time on sparse matrices, so the work and the memory grow with the archive, never with its square.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .lexicon import cut, tfidf

TOP = 5  # related speeches per speech, at most
TERMS = 5  # shared distinctive terms shown for each
MIN_SCORE = 0.05  # below this, two speeches have little more in common than the genre's words
# A speech is compared by its most distinctive words only: the common ones every speech of the
# genre shares would make each speech a neighbour of every other, and the products grow with
# the square of the archive.
KEPT_TERMS = 100
CELLS = 2_000_000  # similarities computed at once (rows of a block × speeches)
COMMON = 5.0  # words whose IDF in jieba's general table is below this (工作、问题、发展) tell no speech apart
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=1)
def _indistinct() -> frozenset[str]:
    """Stop words and the words too common in general Chinese to tell speeches apart."""
    idf, _, stop = tfidf()
    return stop | frozenset(word for word, value in idf.items() if value < COMMON)


def tokens(text: str) -> list[str]:
    """jieba's words of a text that can tell speeches apart: two or more Chinese characters, not stop words, not common.

    >>> tokens("我们要打赢脱贫攻坚战，的工作 2020年")
    ['打赢', '脱贫', '攻坚战']
    """
    return [word for word in cut(text) if _distinctive(word)]


def spaced_tokens(text: str) -> str:
    """The `tokens` of a text, a space apart: one string, which passes between processes far faster than a list of words."""
    return " ".join(tokens(text))


@lru_cache(maxsize=None)
def _distinctive(word: str) -> bool:
    return len(word) > 1 and word not in _indistinct() and _WORD.fullmatch(word) is not None


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


def strongest(matrix, k: int):
    """Each row of a CSR matrix cut to its k largest weights (ties by column) and scaled to unit length again.

    >>> from scipy.sparse import csr_matrix
    >>> strongest(csr_matrix([[0.6, 0.0, 0.8, 0.1]]), 2).toarray().round(2).tolist()
    [[0.6, 0.0, 0.8, 0.0]]
    """
    rows = []
    for row in range(matrix.shape[0]):
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        rows.append(lo + np.lexsort((matrix.indices[lo:hi], -matrix.data[lo:hi]))[:k])
    keep = np.concatenate(rows) if rows else np.array([], dtype=int)
    counts = np.array([len(r) for r in rows])
    cut = csr_matrix(
        (matrix.data[keep], matrix.indices[keep], np.concatenate([[0], np.cumsum(counts)])), shape=matrix.shape
    )
    cut.sort_indices()
    return normalize(cut)


def related(
    metas_and_texts: list[tuple[dict, str]], top: int = TOP, mapper: Callable[[Callable, Sequence], Iterable] = map
) -> dict[str, list[dict]]:
    """For each speech id, up to `top` other speeches, most similar first, each with its score and shared terms.

    `mapper` maps `spaced_tokens` over the texts, in order (the builtin map, or the same on all cores).
    """
    ids = [meta["id"] for meta, _ in metas_and_texts]
    titles = {meta["id"]: meta["title"] for meta, _ in metas_and_texts}
    result: dict[str, list[dict]] = {speech_id: [] for speech_id in ids}
    if len(ids) < 2:
        return result
    # The texts come in as their tokens already, so the analyzer has only to part them.
    vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, norm="l2", dtype=np.float64)
    try:
        matrix = vectorizer.fit_transform(list(mapper(spaced_tokens, [text for _, text in metas_and_texts]))).tocsr()
    except ValueError:  # no words at all
        return result
    matrix = strongest(matrix, KEPT_TERMS)
    vocabulary = vectorizer.get_feature_names_out()
    idf, median, _ = tfidf()
    rarity = np.array([idf.get(str(word), median) for word in vocabulary])
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
            score = dict(zip(columns[keep].tolist(), scores[keep].tolist()))
            for column in _top(columns[keep], scores[keep], ids, top):
                result[ids[row]].append(
                    {
                        "id": ids[column],
                        "title": titles[ids[column]],
                        "score": round(score[column], 3),
                        "terms": shared_terms(matrix, row, column, vocabulary, rarity),
                    }
                )
    return result


def shared_terms(matrix, a: int, b: int, vocabulary, rarity: np.ndarray, count: int = TERMS) -> list[str]:
    """The words that weigh most in both speeches: the largest products of their TF-IDF weights, times the word's rarity in general Chinese (jieba's IDF)."""
    (a_lo, a_hi), (b_lo, b_hi) = matrix.indptr[a : a + 2], matrix.indptr[b : b + 2]
    # The rows' columns are sorted and unique, so the words both use are where their columns meet.
    columns, in_a, in_b = np.intersect1d(
        matrix.indices[a_lo:a_hi], matrix.indices[b_lo:b_hi], assume_unique=True, return_indices=True
    )
    weight = np.round(matrix.data[a_lo:a_hi][in_a] * matrix.data[b_lo:b_hi][in_b] * rarity[columns], 9)
    # The vocabulary is in sorted order, so ties between equal weights fall to the word itself.
    order = np.lexsort((columns, -weight))[:count]
    return [str(vocabulary[columns[n]]) for n in order]
