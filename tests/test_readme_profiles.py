"""README's per-lesson profile table states the sizes that tlutils really uses."""
from __future__ import annotations

import re

from conftest import ROOT
from tlutils.challenge.sizes import SIZES, SPLIT_SIZES
from tlutils.config import PROFILES


def _row(lesson: str) -> list[str]:
    """The README table row that starts with ``| lesson |``, as its cells."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("What each profile runs, per lesson"):]  # not the lesson map above it
    line = next(line for line in table.splitlines() if line.startswith(f"| {lesson} |"))
    return [cell.strip() for cell in line.strip("|").split("|")][1:]


def test_vision_lessons_row_matches_the_profiles():
    full, quick, offline = _row("01, 02")
    for text, cfg in ((full, PROFILES["full"]), (quick, PROFILES["quick"]), (offline, PROFILES["offline"])):
        assert f"{cfg.image_size} px" in text and f"{cfg.epochs} epoch" in text
        assert f"then {cfg.fine_tune_epochs}" in text
    assert f"batch {PROFILES['full'].batch_size}" in full and f"batch {PROFILES['offline'].batch_size}" in offline
    assert f"{PROFILES['quick'].max_train} training and {PROFILES['quick'].max_eval} validation" in quick


def test_text_lessons_row_matches_the_profiles():
    full, quick, offline = _row("03, 04, 05")
    assert f"{PROFILES['full'].text_max_train:,} training sentences, {PROFILES['full'].max_length} tokens, " \
           f"{PROFILES['full'].text_epochs} epochs" in full
    assert f"{PROFILES['quick'].text_max_train} training and {PROFILES['quick'].text_max_eval} evaluation " \
           f"sentences, {PROFILES['quick'].max_length} tokens, {PROFILES['quick'].text_epochs} epochs" in quick
    assert f"{PROFILES['offline'].max_length} tokens, {PROFILES['offline'].text_epochs} epochs" in offline


def test_challenge_row_matches_its_sizes():
    cells = dict(zip(("full", "quick", "offline"), _row("06")))
    assert "{:,} / {:,} / {:,}".format(*SPLIT_SIZES.values()) in cells["full"]
    for profile, text in cells.items():
        sizes = SIZES[profile]
        assert f"{sizes.image_size} px" in text
        assert re.search(rf"\b{sizes.views} (cached )?views", text)
        numbers = [sizes.head_epochs, sizes.fine_tune_epochs, sizes.scratch_epochs]
        assert (f"{numbers[0]} head, {numbers[1]} fine-tuning and {numbers[2]} from-scratch epochs" in text
                or "{} / {} / {} epochs".format(*numbers) in text), text


def test_the_quick_challenges_t4_minutes_are_the_estimate_lesson_06_prints():
    """README and lesson 06's introduction quote the T4 time of `quick` that estimate_t4_minutes
    computes (and the lesson prints), not a figure of their own."""
    import json

    from tlutils.challenge.sizes import estimate_t4_minutes

    minutes = round(estimate_t4_minutes(SIZES["quick"]))
    readme = " ".join((ROOT / "README.md").read_text().split())
    lesson = json.loads((ROOT / "notebooks" / "06_flowers102_challenge.ipynb").read_text())
    intro = " ".join(" ".join("".join(c["source"]) for c in lesson["cells"] if c["cell_type"] == "markdown").split())
    assert re.findall(r"`quick` is sized for about (\d+) minutes on a Colab T4", readme) == [str(minutes)]
    assert set(re.findall(r"about (\d+) minutes (?:of training )?on a T4", intro)) <= {str(minutes)}
