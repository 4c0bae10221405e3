"""A lesson's claims, checked in code with a margin rather than by eye."""
from __future__ import annotations

from ..config import Config
from ..environment import current


def expect_at_least(value: float, minimum: float, claim: str, cfg: Config | None = None,
                    skip_in_dry_run: bool = True) -> bool:
    """Assert ``value >= minimum`` for a stated claim; return True when it was checked.

    Every built-in profile has pretrained weights (offline, EfficientNet-Lite0 and MiniLM stand
    in), so every claim is asserted there. A :class:`~tlutils.config.Config` with random vision
    weights (``weights=None``) is a dry run: claims about what pretrained weights achieve are then
    reported as skipped, unless ``skip_in_dry_run=False`` (mechanics that hold with any weights).

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
