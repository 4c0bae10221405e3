"""Command line: python -m tlutils.challenge --help

A problem the learner can fix (a dead network, a results folder that cannot be written, a
damaged state file, a wrong ``TLUTILS_PROFILE``) ends the command with its one sentence on stderr
and exit status 1, with no traceback; Ctrl-C ends it with one line and status 130 (the same
command resumes the run). TensorFlow is imported only after the arguments are read
and after ``tlutils.setup()`` (so ``--help`` is quick, TensorFlow's log lines stay quiet and Keras
finds its weights in the course cache); the run prints its own sizes, not the lessons'.
"""
from __future__ import annotations

import argparse
import sys

from ..config import PROFILES
from ..errors import CourseError
from .sizes import APPROACHES

STOPPED = 130  # the exit status of a command stopped by Ctrl-C (128 + SIGINT)


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    parser = argparse.ArgumentParser(prog="python -m tlutils.challenge", description=(
        "Oxford Flowers-102 with ResNet50: feature extraction, fine-tuning the top 20 layers, and "
        "training from scratch. Run it again with the same --out to resume an interrupted run."))
    parser.add_argument("--approaches", nargs="+", choices=APPROACHES, default=list(APPROACHES))
    parser.add_argument("--out", help="results folder (default: <cache>/results/flowers102-<profile>)")
    parser.add_argument("--profile", choices=list(PROFILES), help="default: $TLUTILS_PROFILE or full")
    parser.add_argument("--xla", action="store_true", help="compile the training steps with XLA")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the challenge; returns the exit status (1 after a one-sentence error)."""
    args = parser().parse_args(argv)
    import tlutils

    try:
        cfg = tlutils.setup(args.profile, verbose=False)  # before anything imports TensorFlow
        from .report import markdown_table
        from .runner import run

        results = run(args.approaches, args.out, cfg, jit_compile=args.xla)
    except CourseError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: what finished is saved (tlutils.files), the rest resumes
        print("\nstopped; rerun the same command to resume", file=sys.stderr)
        return STOPPED
    print(markdown_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
