"""Recall, false alarms and speed of the text identifier checker (issue 12, part 1).

A synthetic labelled set (``privacy_corpus.py``): 30 snippets per identifier kind (15 kinds,
450 in all) with one planted identifier each, and 450 clean snippets full of clinical
look-alikes. A planted identifier counts as found when a finding overlaps it. Baseline,
measured in the same run on the same set: ``naive``, the regular expressions a quick
implementation starts from (any three-part numeric date, any run of 6+ digits, a capitalised
word after a title, an email or http address).

Speed: 1,000-word cases built from the snippets (planted and clean mixed), median of 200
checks each, one core, in CPU time
(``time.process_time``: the machine is shared, and wall time would measure the neighbours).

    .venv/bin/python benchmarks/text_privacy.py
"""

import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from privacy_corpus import clean, planted  # noqa: E402

from media_pipeline.core.privacy.text import find_identifiers  # noqa: E402

NAIVE = [
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(r"\d{6,}"),
    re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z]\w+"),
    re.compile(r"\S+@\S+|https?://\S+"),
]


def naive(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in NAIVE for m in pattern.finditer(text)]


def ours(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in find_identifiers(text)]


def evaluate(check, planted_set, clean_set):
    found, total = defaultdict(int), defaultdict(int)
    for snippet in planted_set:
        spans = check(snippet.text)
        for kind, start, end in snippet.spans:
            total[kind] += 1
            if any(s < end and start < e for s, e in spans):
                found[kind] += 1
    flagged = sum(1 for snippet in clean_set if check(snippet.text))
    return found, total, flagged


def per_thousand_words(planted_set, clean_set) -> float:
    words = [s.text for pair in zip(planted_set, clean_set, strict=False) for s in pair]
    cases, current, count = [], [], 0
    for text in words:
        current.append(text)
        count += len(text.split())
        if count >= 1000:
            cases.append(" ".join(current))
            current, count = [], 0
    timings = []
    for case in cases[:8]:
        scale = 1000 / len(case.split())
        runs = []
        for _ in range(200):
            began = time.process_time()
            find_identifiers(case)
            runs.append((time.process_time() - began) * scale)
        timings.append(statistics.median(runs))
    return statistics.median(timings) * 1000


def main() -> None:
    planted_set, clean_set = list(planted()), list(clean())
    results = {
        name: evaluate(check, planted_set, clean_set)
        for name, check in (("naive", naive), ("casebook", ours))
    }
    print(f"{len(planted_set)} planted snippets, {len(clean_set)} clean snippets\n")
    print("| kind | naive recall | casebook recall | goal | result |")
    print("|---|---:|---:|---|---|")
    kinds = sorted(results["casebook"][1])
    worst = 1.0
    for kind in kinds:
        rn = results["naive"][0][kind] / results["naive"][1][kind]
        rc = results["casebook"][0][kind] / results["casebook"][1][kind]
        worst = min(worst, rc)
        print(f"| {kind} | {rn:.2f} | {rc:.2f} | >= 0.95 | {'pass' if rc >= 0.95 else 'FAIL'} |")
    for name in ("naive", "casebook"):
        found, total, _ = results[name]
        results[name] = (*results[name], sum(found.values()) / sum(total.values()))
    overall = results["casebook"][3]
    print(
        f"| **overall** | {results['naive'][3]:.3f} | {overall:.3f} | >= 0.98 | "
        f"{'pass' if overall >= 0.98 else 'FAIL'} |"
    )
    fa_naive = results["naive"][2] / len(clean_set)
    fa_ours = results["casebook"][2] / len(clean_set)
    print(
        f"| clean snippets flagged | {fa_naive:.1%} | {fa_ours:.1%} | <= 2 % | "
        f"{'pass' if fa_ours <= 0.02 else 'FAIL'} |"
    )
    ms = per_thousand_words(planted_set, clean_set)
    print(
        f"| ms per 1,000-word case (median) | | {ms:.2f} | <= 5 | {'pass' if ms <= 5 else 'FAIL'} |"
    )
    if "-v" in sys.argv:
        for snippet in planted_set:
            spans = ours(snippet.text)
            kind, start, end = snippet.spans[0]
            if not any(s < end and start < e for s, e in spans):
                print("MISSED", kind, repr(snippet.text[start:end]), "|", snippet.text)
        for snippet in clean_set:
            for finding in find_identifiers(snippet.text):
                print("FALSE", finding.kind, repr(finding.text), "|", snippet.text)


if __name__ == "__main__":
    main()
