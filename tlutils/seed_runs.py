"""A lesson's procedure over several seeds, stored as package data and read back by the lesson.

A lesson trains one seed itself; whether its conclusion survives another seed is measured by a
benchmark script that runs the same procedure over several seeds and stores only numbers and their
provenance in ``course_data/seeds/<name>.json``. The lesson prints that file beside its own run, so
every number it quotes is an output, and the suite does not pay for the extra seeds.
"""
from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SEEDS_DIR", "interval", "summarize", "provenance", "store", "load", "seed_table"]

SEEDS_DIR = Path(__file__).resolve().parent / "course_data" / "seeds"


def interval(values: Any, level: float = 0.95) -> dict[str, float]:
    """Mean of per-seed values with Student's t interval across the seeds (n - 1 degrees of freedom).

    The seeds are the sample here: the interval says where the mean over many seeds may lie, which
    is wide with three seeds (t = 4.30 for n = 3).

    Example:
        >>> {k: round(v, 3) for k, v in interval([0.1, 0.2, 0.3]).items()}
        {'mean': 0.2, 'low': -0.048, 'high': 0.448, 'n': 3}
    """
    from scipy.special import stdtrit  # Student's t quantile (scipy.stats takes seconds to import)

    values = np.asarray(values, dtype=float)
    mean, n = float(values.mean()), len(values)
    half = float(stdtrit(n - 1, (1 + level) / 2) * values.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": n}


def summarize(per_seed: list[dict[str, Any]], metrics: list[str]) -> dict[str, dict[str, float]]:
    """For each metric, its mean and interval across the per-seed records, with min and max."""
    summary = {}
    for metric in metrics:
        values = [record[metric] for record in per_seed]
        summary[metric] = {**interval(values), "min": min(values), "max": max(values)}
    return summary


def provenance(cfg: Any, models: list[str], data: str, seconds: float, load_at_start: float) -> dict[str, Any]:
    """Where the numbers come from: profile, models, data, date, run time and the machine's load."""
    return {"profile": cfg.profile, "models": models, "data": data, "date": time.strftime("%Y-%m-%d"),
            "seconds": round(seconds, 1), "cpus": os.cpu_count(),
            "load_average": [round(load_at_start, 2), round(os.getloadavg()[0], 2)]}


def store(name: str, procedure: str, per_seed: list[dict[str, Any]], metrics: list[str],
          origin: dict[str, Any]) -> Path:
    """Write the per-seed records, their summaries and the provenance to ``course_data/seeds/<name>.json``."""
    path = SEEDS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"procedure": procedure, "provenance": origin, "seeds": [r["seed"] for r in per_seed],
              "per_seed": per_seed, "summary": summarize(per_seed, metrics)}
    path.write_text(json.dumps(record, indent=1) + "\n")
    return path


def load(name: str) -> dict[str, Any]:
    """The stored record ``name`` (``course_data/seeds/<name>.json``)."""
    path = SEEDS_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"No stored seed run {name!r} in {SEEDS_DIR}: run the benchmark that writes it.")
    return json.loads(path.read_text())


def seed_table(record: dict[str, Any], columns: dict[str, str], digits: int = 3) -> str:
    """The stored per-seed values of ``columns`` (metric: heading), then their mean with its interval
    across the seeds, as lines of text."""
    width = max(len(heading) for heading in columns.values()) + 2
    lines = ["seed  " + "".join(f"{heading:>{width}}" for heading in columns.values())]
    for r in record["per_seed"]:
        lines.append(f"{r['seed']:<6}" + "".join(f"{r[m]:>{width}}" if isinstance(r[m], int) else
                                                 f"{r[m]:>{width}.{digits}f}" for m in columns))
    summary = record["summary"]
    n = summary[next(iter(columns))]["n"]
    lines.append(f"{'mean':<6}" + "".join(f"{summary[m]['mean']:>{width}.{digits}f}" for m in columns))
    lines.append(f"95 % interval across the {n} seeds (t): " + "; ".join(
        f"{heading} {summary[m]['low']:.{digits}f}..{summary[m]['high']:.{digits}f}" for m, heading in columns.items()))
    return "\n".join(lines)
