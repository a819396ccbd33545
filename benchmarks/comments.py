"""The comments at scale (issue 32): 100,000 comments redacted and coded, themes over the
uncoded.

    python benchmarks/comments.py [--n 100000]

Builds ``--n`` comments from the labelled corpora (the packaged training corpus, the
held-out corpus and the dev set), each with a few words of its own appended (a number, a
team word) so that the texts differ as real ones do, deterministic (seed 0). Prints, as a
Markdown table for benchmarks/RESULTS.md: redaction (as the reader does it, the Dutch
markers), loading comments.yaml, coding (lexicon + the supervised layer, its training
included), the emerging themes over the uncoded comments, the whole in wall and CPU seconds,
and the process's peak memory (ru_maxrss). Then two measurements behind the design: the
language detection by function words against simplemma's ``langdetect`` (time and agreement
with the corpora's ``lang`` column), and lemmas with and without the cache.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "comments"
FACTORS = (
    "performance_expectancy",
    "effort_expectancy",
    "manager_influence",
    "colleague_influence",
    "reputation",
    "privacy_concern",
    "collaboration_norms",
)
TAILS = ["", " Team {n}.", " (locatie {n})", " Groet, [naam]", " #{n}", " Afdeling {n}."]


def corpus_texts():
    from ism_advisor.stats.comments import read_examples
    from ism_advisor.stats.comments.coder import packaged_examples

    items = list(packaged_examples().items)
    for name in ("corpus-heldout.csv", "comments-dev.csv"):
        items += read_examples(DATA / name).items
    return items


def comments(n: int) -> list[str]:
    rng = random.Random(0)
    texts = [e.text for e in corpus_texts()]
    return [rng.choice(texts) + rng.choice(TAILS).format(n=rng.randrange(500)) for _ in range(n)]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()

    start, cpu = time.perf_counter(), time.process_time()
    from ism_advisor.stats.comments import code_comments, emerging_themes, load_comment_codes
    from ism_advisor.survey.redact import Redactor

    raw = comments(args.n)
    built = time.perf_counter()
    redactor = Redactor("nl")
    texts = [redactor(text) for text in raw]  # as the reader does: redaction first
    redacted = time.perf_counter()
    codes = load_comment_codes(None, FACTORS)
    loaded = time.perf_counter()
    coded = code_comments(texts, codes)
    done = time.perf_counter()
    uncoded = [t for t, c in zip(texts, coded, strict=True) if not c.codes]
    themes = emerging_themes(uncoded, min_size=10)
    end = time.perf_counter()
    total_cpu = time.process_time() - cpu
    print(
        "| comments | redact s | load s | code s | uncoded | themes s | total s | CPU s | peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.n:,} | {redacted - built:.2f} | {loaded - redacted:.2f}"
        f" | {done - loaded:.2f} | {len(uncoded):,}"
        f" ({len(themes)} themes) | {end - done:.2f} | {end - start:.2f} | {total_cpu:.2f}"
        f" | {peak_mb():.0f} |"
    )
    language(texts[:5000])
    cache(texts[:5000])


def language(texts: list[str]) -> None:
    import simplemma

    from ism_advisor.stats.comments.text import detect_language, normalise, tokens

    labelled = [(e.text, e.lang) for e in corpus_texts() if e.lang in ("nl", "en")]
    t0 = time.perf_counter()
    for text in texts:
        detect_language(tokens(normalise(text)))
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text in texts:
        simplemma.langdetect(text, lang=("nl", "en"))
    theirs = time.perf_counter() - t0
    right_ours = sum(detect_language(tokens(normalise(t))) == lang for t, lang in labelled)
    right_theirs = 0
    for text, lang in labelled:
        best = max(simplemma.langdetect(text, lang=("nl", "en")), key=lambda p: p[1])
        right_theirs += best[0] == lang
    print(
        f"language of {len(texts):,} comments: function words {ours:.2f} s,"
        f" simplemma.langdetect {theirs:.2f} s; right on the {len(labelled)} labelled:"
        f" {right_ours} against {right_theirs}"
    )


def cache(texts: list[str]) -> None:
    import simplemma

    from ism_advisor.stats.comments.text import detect_language, lemma, normalise, tokens

    toks = [tokens(normalise(text)) for text in texts]
    langs = [detect_language(t) for t in toks]
    lemma.cache_clear()
    t0 = time.perf_counter()
    for words, lang in zip(toks, langs, strict=True):
        [lemma(w, lang) for w in words]
    cached = time.perf_counter() - t0
    t0 = time.perf_counter()
    for words, lang in zip(toks, langs, strict=True):
        [simplemma.lemmatize(w, lang=lang) for w in words if w[0].isalnum()]
    plain = time.perf_counter() - t0
    print(f"lemmas of {len(texts):,} comments: cached {cached:.2f} s, uncached {plain:.2f} s")


if __name__ == "__main__":
    main()
