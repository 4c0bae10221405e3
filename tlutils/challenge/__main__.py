"""Command line: python -m tlutils.challenge --help"""
from __future__ import annotations

import argparse

import tlutils

from . import APPROACHES, markdown_table, run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tlutils.challenge", description=(
        "Oxford Flowers-102 with ResNet50: feature extraction, fine-tuning the top 20 layers, and "
        "training from scratch. Run it again with the same --out to resume an interrupted run."))
    parser.add_argument("--approaches", nargs="+", choices=APPROACHES, default=list(APPROACHES))
    parser.add_argument("--out", help="results folder (default: <cache>/results/flowers102-<profile>)")
    parser.add_argument("--profile", choices=list(tlutils.PROFILES), help="default: $TLUTILS_PROFILE or full")
    parser.add_argument("--xla", action="store_true", help="compile the training steps with XLA")
    args = parser.parse_args(argv)
    cfg = tlutils.setup(args.profile)
    results = run(args.approaches, args.out, cfg, jit_compile=args.xla)
    print(markdown_table(results))


if __name__ == "__main__":
    main()
