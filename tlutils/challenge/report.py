"""The challenge's report: JSON, CSV, a Markdown table and plots, all from one results dict."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from ..files import atomic_path, write_atomically
from ..plots import plot_comparison

COLUMNS = ["approach", "top1", "mean_per_class", "seconds", "epochs", "trainable", "frozen", "notes"]
HISTORY_FILES = {"feature_extraction": "history_head.csv", "fine_tuning": "history_fine_tune.csv",
                 "scratch": "history_scratch.csv"}


def markdown_table(results: dict[str, dict[str, Any]]) -> str:
    """The results as a Markdown table, one row per approach.

    Example:
        >>> print(markdown_table({"scratch": {"top1": 0.5, "mean_per_class": 0.4, "seconds": 90,
        ...     "epochs": 3, "trainable": 10, "frozen": 0, "notes": "x"}}).splitlines()[2])
        | scratch | 50.0% | 40.0% | 1.5 | 3 | 10 | 0 | x |
    """
    lines = ["| approach | top-1 | mean per-class | minutes | epochs | trainable | frozen | notes |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['top1']:.1%} | {r['mean_per_class']:.1%} | {r['seconds'] / 60:.1f} "
                     f"| {r['epochs']} | {r['trainable']:,} | {r['frozen']:,} | {r['notes']} |")
    return "\n".join(lines)


def learning_curves(out_dir: Path, approaches: list[str]) -> plt.Figure:
    """Validation accuracy per epoch of every approach, from the per-epoch CSV logs."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for name in approaches:
        path = out_dir / name / HISTORY_FILES[name]
        if path.exists():
            with open(path, newline="") as f:
                rows = list(csv.DictReader(f))
            ax.plot([int(r["epoch"]) + 1 for r in rows], [float(r["val_accuracy"]) for r in rows],
                    marker="o", label=name.replace("_", " "))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch (of each approach's training stage)")
    ax.set_ylabel("validation accuracy")
    ax.grid(alpha=0.3)
    if ax.lines:  # an approach resumed from its result alone has no per-epoch log
        ax.legend()
    fig.tight_layout()
    return fig


# A run on the real Flowers-102 (scripts/flowers102_challenge.py), stored with the package: its
# report, per-epoch histories (one folder per approach) and every test photo's prediction.
STORED_RUN = Path(__file__).resolve().parents[1] / "course_data" / "flowers102_run"


def stored_run(folder: Path = STORED_RUN) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored Flowers-102 run: its report (``results.json``) and the test labels with each
    approach's predictions (arrays, from ``test_predictions.csv``)."""
    import numpy as np

    report = json.loads((folder / "results.json").read_text())
    table = np.loadtxt(folder / "test_predictions.csv", delimiter=",", skiprows=1, dtype=int)
    with open(folder / "test_predictions.csv") as f:
        names = f.readline().strip().split(",")
    return report, {name: table[:, i] for i, name in enumerate(names)}


def write_report(out_dir: Path, header: dict[str, Any], results: dict[str, dict[str, Any]]) -> dict[str, Path]:
    """Write results.json, results.csv, results.md, accuracy_time.png and learning_curves.png,
    each whole or not at all."""
    paths = {name: out_dir / name for name in
             ("results.json", "results.csv", "results.md", "accuracy_time.png", "learning_curves.png")}
    write_atomically(paths["results.json"], json.dumps({**header, "approaches": results}, indent=2))
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({"approach": name, **r} for name, r in results.items())
    write_atomically(paths["results.csv"], table.getvalue())
    write_atomically(paths["results.md"], markdown_table(results) + "\n")
    bars = {name.replace("_", " "): {"top-1 accuracy": r["top1"], "mean per-class accuracy": r["mean_per_class"],
                                     "minutes": r["seconds"] / 60} for name, r in results.items()}
    for name, fig in (("accuracy_time.png", plot_comparison(bars, ["top-1 accuracy", "mean per-class accuracy",
                                                                   "minutes"], f"Challenge on {header['dataset']}")),
                      ("learning_curves.png", learning_curves(out_dir, list(results)))):
        with atomic_path(paths[name]) as partial:
            fig.savefig(partial, dpi=100, format="png")
        plt.close(fig)
    return paths
