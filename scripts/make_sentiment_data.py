"""Write the course's small offline sentiment dataset: tlutils/course_data/sentiment/{train,validation,test}.csv.

Short reviews built from shared sentence frames and subjects, where only the sentiment words
carry the label. The test split uses sentiment words and phrases that never occur in training
or validation ("superb" instead of "excellent"), so it measures what a model knows about words
it was never shown with a label: the knowledge that pretraining brings and random weights lack.

Deterministic: re-running it rewrites identical files. Run: python scripts/make_sentiment_data.py
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tlutils" / "course_data" / "sentiment"  # ships in the package
SIZES = {"train": 320, "validation": 80, "test": 160}  # balanced: half of each is positive

SUBJECTS = [
    "the movie", "the soundtrack", "this phone", "the hotel room", "the service", "the pasta",
    "this book", "the concert", "the new update", "the staff", "the camera", "the game",
    "the coffee", "the ending", "the delivery", "this laptop", "the museum tour", "the plot",
    "the hiking trail", "the app", "the lecture", "the sequel", "the headphones", "the menu",
]
FRAMES = [
    "{S} was {m}{w}.",
    "I thought {s} was {m}{w}.",
    "Honestly, {s} felt {m}{w}.",
    "{S} turned out to be {m}{w}.",
    "My friends said {s} was {m}{w}, and I agree.",
    "We all found {s} {m}{w}.",
    "After two weeks, {s} still seems {m}{w}.",
    "{S} is {m}{w}; {t}.",
    "Overall {s} was {m}{w} and {t}.",
    "I have to say {s} is {m}{w}.",
]
MODIFIERS = ["", "really ", "truly ", "quite ", "absolutely ", "pretty "]
# label 1 = positive, 0 = negative; "seen" words build train and validation, "unseen" words test.
WORDS = {
    ("seen", 1): ["good", "great", "excellent", "wonderful", "amazing", "fantastic", "lovely",
                  "enjoyable", "delightful", "brilliant", "perfect", "charming"],
    ("seen", 0): ["bad", "terrible", "awful", "horrible", "disappointing", "boring", "poor",
                  "dreadful", "unpleasant", "mediocre", "annoying", "frustrating"],
    ("unseen", 1): ["superb", "marvelous", "terrific", "outstanding", "splendid", "magnificent",
                    "pleasant", "exceptional", "fabulous", "impressive", "stunning", "memorable"],
    ("unseen", 0): ["abysmal", "dismal", "atrocious", "lousy", "dull", "tedious", "pathetic",
                    "subpar", "appalling", "miserable", "unbearable", "disgusting"],
}
TAILS = {
    ("seen", 1): ["I would happily go back", "I will recommend it to everyone", "it made my day"],
    ("seen", 0): ["I want my money back", "I will never go back", "it ruined my evening"],
    ("unseen", 1): ["I cannot wait to try it again", "it exceeded every expectation"],
    ("unseen", 0): ["it was a complete waste of time", "I regret every minute of it"],
}


def review(rng: random.Random, pool: str, label: int) -> str:
    """One review with a sentiment word (and maybe a tail) from ``pool``."""
    subject = rng.choice(SUBJECTS)
    return rng.choice(FRAMES).format(
        S=subject[0].upper() + subject[1:], s=subject, m=rng.choice(MODIFIERS),
        w=rng.choice(WORDS[pool, label]), t=rng.choice(TAILS[pool, label]),
    )


def make_split(rng: random.Random, pool: str, size: int, taken: set[str]) -> list[tuple[str, int]]:
    """``size`` distinct reviews, half positive, none already in ``taken``; shuffled."""
    rows = []
    for label in (0, 1):
        count = 0
        while count < size // 2:
            text = review(rng, pool, label)
            if text not in taken:
                taken.add(text)
                rows.append((text, label))
                count += 1
    rng.shuffle(rows)
    return rows


def main() -> None:
    rng = random.Random(2026)
    taken: set[str] = set()
    OUT.mkdir(parents=True, exist_ok=True)
    for split, size in SIZES.items():
        rows = make_split(rng, "unseen" if split == "test" else "seen", size, taken)
        with open(OUT / f"{split}.csv", "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["text", "label"])
            writer.writerows(rows)
        print(f"{split}: {len(rows)} reviews")


if __name__ == "__main__":
    main()
