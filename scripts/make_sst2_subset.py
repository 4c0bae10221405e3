"""Write the course's offline sentiment benchmark: a subset of SST-2 (GLUE) in tlutils/course_data/sst2/.

SST-2's GLUE files come from a public repository that holds them (see data/README.md):
``train.tsv`` (67,349 labelled phrases and sentences of the Stanford Sentiment Treebank) and
``dev.tsv`` (the 872 labelled sentences that published SST-2 figures are measured on). This
writes, as ``text,label`` CSV files:

* ``test.csv``: the whole dev set, 872 sentences, as the test set (so the course's figures sit
  beside published ones);
* ``train.csv`` and ``validation.csv``: sentences drawn from GLUE's training file, balanced, with
  at least ``MIN_WORDS`` words (the training file is mostly sub-sentence phrases of the treebank's
  parse trees; whole sentences look like the dev set), none of them in the dev set.

Deterministic: re-running it on the same commit writes identical files.
Run: python scripts/make_sst2_subset.py <clone of awake020/pytorch_Bert_sst2>
"""
from __future__ import annotations

import csv
import random
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tlutils" / "course_data" / "sst2"  # ships in the package
REPOSITORY = "awake020/pytorch_Bert_sst2"
COMMIT = "ce2ab1719d32182e6233b24b2de246bd32814fde"
SIZES = {"train": 2000, "validation": 400}  # balanced: half of each is positive
MIN_WORDS = 8
SEED = 0


def read_tsv(text: str) -> list[tuple[str, int]]:
    """(sentence, label) rows of a GLUE SST-2 file, whichever order its two columns come in."""
    lines = text.splitlines()
    header = lines[0].split("\t")
    at = {name: header.index(name) for name in ("sentence", "label")} if "sentence" in header else \
        {"sentence": header.index("content"), "label": header.index("label")}
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        rows.append((cells[at["sentence"]].strip(), int(cells[at["label"]])))
    return rows


def git_file(repo: Path, path: str) -> str:
    """A file of ``repo`` at the pinned commit (checks the commit is there)."""
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"{COMMIT}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def draw(rows: list[tuple[str, int]], held_out: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Balanced train and validation splits of whole-looking sentences, none of them held out."""
    seen, by_label = set(held_out), {0: [], 1: []}
    for sentence, label in rows:
        if len(sentence.split()) >= MIN_WORDS and sentence not in seen:
            seen.add(sentence)
            by_label[label].append((sentence, label))
    rng = random.Random(SEED)
    picked = {label: rng.sample(items, sum(SIZES.values()) // 2) for label, items in by_label.items()}
    splits, start = {}, 0
    for name, size in SIZES.items():
        chosen = picked[0][start:start + size // 2] + picked[1][start:start + size // 2]
        rng.shuffle(chosen)
        splits[name] = chosen
        start += size // 2
    return splits


def write(path: Path, rows: list[tuple[str, int]]) -> None:
    """A ``text,label`` CSV file, UTF-8, Unix line ends."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def main(clone: str) -> None:
    """Rebuild the three files from a clone (or bare git folder) of :data:`REPOSITORY`."""
    repo = Path(clone)
    repo = repo / ".git" if (repo / ".git").exists() else repo
    test = read_tsv(git_file(repo, "SST-2/dev.tsv"))
    splits = draw(read_tsv(git_file(repo, "SST-2/train.tsv")), {s for s, _ in test})
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in {**splits, "test": test}.items():
        write(OUT / f"{name}.csv", rows)
        print(f"{name}: {len(rows)} sentences, {sum(label for _, label in rows)} positive")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__))
