"""A lesson's claims, checked in code with a margin rather than by eye."""
from __future__ import annotations

from .config import Config
from .environment import current


def expect_at_least(value: float, minimum: float, claim: str, cfg: Config | None = None,
                    needs_pretrained: bool = True) -> bool:
    """Assert ``value >= minimum`` for a stated claim; return True when it was checked.

    In the offline dry run, a claim that ``needs_pretrained`` weights is reported as skipped
    (random weights cannot show it); claims that hold in every profile pass
    ``needs_pretrained=False`` and are always asserted.

    Example:
        >>> expect_at_least(0.9, 0.5, "better than chance", needs_pretrained=False)
        Checked: better than chance (0.900 >= 0.500)
        True
    """
    cfg = cfg or current()
    if needs_pretrained and cfg.dry_run:
        print(f"Not checked in the {cfg.profile} dry run: {claim}")
        return False
    if value < minimum:
        raise AssertionError(f"Claim failed: {claim} ({value:.3f} < {minimum:.3f})")
    print(f"Checked: {claim} ({value:.3f} >= {minimum:.3f})")
    return True
