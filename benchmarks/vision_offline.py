"""Margins of the vision lessons' claims over seeds, offline (the packaged ImageNet
EfficientNet-Lite0 standing in for VGG16 and ResNet50, the course's 600 tf_flowers photos split
200 / 100 / 300).

    TLUTILS_PROFILE=offline python benchmarks/vision_offline.py 02   # lessons 01 and 02's recipe
    TLUTILS_PROFILE=offline python benchmarks/vision_offline.py 06   # lesson 06's challenge run

``02`` follows lesson 02 cell by cell: the head (Dense 256, dropout, softmax) trained on the
frozen base's pooled features (up to 100 epochs, early stopping on the validation loss with
patience 10, best weights restored), then the base's top block (Lite0: from block7a_expand_conv
up) unfrozen, BatchNormalization kept frozen, and trained on at 1e-5 for the profile's 3 epochs
(96 px, batches of 16). It prints, per seed, the test accuracy of feature extraction (stage 1),
after fine-tuning (stage 2), and their paired bootstrap interval; then mean and spread.
``06`` runs ``tlutils.challenge.run`` with the offline sizes for each seed and prints each
approach's top-1 test accuracy. Seeds 42, 1 and 2 (the split of the photos follows the seed
too). The lessons' checks take their margins from these runs.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

import tlutils

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import domain_shift_run  # noqa: E402

SEEDS = (42, 1, 2)


def lesson_02(seed: int) -> dict[str, float]:
    """Lesson 02's two stages on one seed: test accuracy after each, and seconds. The recipe is
    scripts/domain_shift_run.py's on the course flowers (its top-block fine-tuning is lesson 02's;
    it also runs a larger fine-tuning, counted in the seconds)."""
    row = domain_shift_run.one_run("flowers", seed)
    top = row["top_block"]
    return {"feature_extraction": row["feature_extraction"]["accuracy"], "fine_tuned": top["accuracy"],
            "gain": top["gain"]["value"], "gain_low": top["gain"]["low"], "gain_high": top["gain"]["high"],
            "stage1_epochs": row["stage1_epochs"], "seconds": row["seconds"]}


def lesson_06(seed: int) -> dict[str, float]:
    """Lesson 06's challenge run on one seed: each approach's top-1 test accuracy and seconds."""
    from tlutils import challenge

    cfg = tlutils.setup(seed=seed, verbose=False)
    with tempfile.TemporaryDirectory() as folder:
        results = challenge.run(out_dir=folder, cfg=cfg)
    row = {name: r["top1"] for name, r in results.items()}
    row.update({f"{name} s": r["seconds"] for name, r in results.items()})
    row["fe - scratch"] = row["feature_extraction"] - row["scratch"]
    row["ft - scratch"] = row["fine_tuning"] - row["scratch"]
    return row


def main(which: str) -> None:
    run = {"02": lesson_02, "06": lesson_06}[which]
    rows = []
    for seed in SEEDS:
        rows.append(run(seed))
        print(f"seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in rows[-1].items()), flush=True)
    for key in rows[0]:
        values = np.array([row[key] for row in rows])
        print(f"{key}: mean {values.mean():.3f} +- {values.std():.3f} (min {values.min():.3f}, max {values.max():.3f})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "02")
