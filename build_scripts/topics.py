"""Speech text and title in, its policy areas (from the editorial taxonomy, with the terms that triggered each) and its keywords out."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from .lexicon import jieba_words, tfidf, word_tags, words

TAXONOMY = Path(__file__).parent / "data" / "topics.yaml"
MIN_HITS = 4  # term occurrences (in all) that make a speech about a topic; one in the title is enough
KEYWORDS = 8  # keywords jieba adds to the source page's own
_KEYWORD_TAGS = {"n", "nz", "vn", "nt", "ns", "l", "i", "j"}
MIN_IDF = 8.5  # words commoner than this in jieba's corpus (工作, 问题, 群众) say nothing of one speech


@lru_cache(maxsize=1)
def taxonomy() -> tuple[tuple[str, re.Pattern], ...]:
    """The topics of the taxonomy data file, each with one pattern of its terms, longest first."""
    entries = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    return tuple(
        (entry["name"], re.compile("|".join(re.escape(t) for t in sorted(entry["terms"], key=len, reverse=True))))
        for entry in entries
    )


def topic_names() -> list[str]:
    return [name for name, _ in taxonomy()]


def topics(text: str, title: str) -> list[dict]:
    """The taxonomy's topics the speech is about, most hits first, each with the terms found and their counts."""
    found = []
    for name, pattern in taxonomy():
        counts = Counter(match.group(0) for match in pattern.finditer(text))
        hits = sum(counts.values())
        if hits >= MIN_HITS or pattern.search(title):
            terms = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
            found.append({"name": name, "hits": hits, "terms": terms})
    return sorted(found, key=lambda t: (not taxonomy_pattern(t["name"]).search(title), -t["hits"], t["name"]))


def taxonomy_pattern(name: str) -> re.Pattern:
    return dict(taxonomy())[name]


def keywords(text: str, tokens: list[tuple[str, int]] | None = None, given: list[str] = ()) -> list[str]:
    """The source page's keywords, then the speech's own by jieba's TF-IDF.

    Only words jieba has a document frequency for count, so a garbled span that the
    segmenter guessed to be a word never becomes a keyword.
    """
    tokens = tokens if tokens is not None else words(text)
    idf, median, stop = tfidf()
    known, tags = jieba_words(), word_tags()
    counts = Counter(
        word
        for word, _ in tokens
        if len(word) > 1
        and idf.get(word, 0) >= MIN_IDF
        and (tags.get(word) in _KEYWORD_TAGS or word not in known)
        and word not in stop
    )
    total = sum(counts.values()) or 1
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, median) / total, w))
    out = list(dict.fromkeys(given))
    out += [w for w in ranked if w not in out][:KEYWORDS]
    return out
