"""A lesson's claims, checked in code with a margin rather than by eye."""
from __future__ import annotations

from .config import Config
from .environment import current


def expect_at_least(value: float, minimum: float, claim: str, cfg: Config | None = None,
                    skip_in_dry_run: bool = True) -> bool:
    """Assert ``value >= minimum`` for a stated claim; return True when it was checked.

    In the offline dry run the vision models have random weights, so a claim about what
    pretrained vision weights achieve is reported as skipped. Claims that hold in every
    profile (mechanics, and the text lessons, which keep real pretrained weights offline) pass
    ``skip_in_dry_run=False`` and are always asserted.

    Example:
        >>> expect_at_least(0.9, 0.5, "better than chance", skip_in_dry_run=False)
        Checked: better than chance (0.900 >= 0.500)
        True
    """
    cfg = cfg or current()
    if skip_in_dry_run and cfg.dry_run:
        print(f"Not checked in the {cfg.profile} dry run: {claim}")
        return False
    if value < minimum:
        raise AssertionError(f"Claim failed: {claim} ({value:.3f} < {minimum:.3f})")
    print(f"Checked: {claim} ({value:.3f} >= {minimum:.3f})")
    return True
