"""A lesson's claims, checked in code with a margin rather than by eye."""
from __future__ import annotations



def expect_at_least(value: float, minimum: float, claim: str) -> bool:
    """Assert ``value >= minimum`` for a stated claim, and print that it was checked.

    Every profile has pretrained weights (offline, EfficientNet-Lite0 and MiniLM stand in), so
    every claim is asserted in every profile.

    Example:
        >>> expect_at_least(0.9, 0.5, "better than chance")
        Checked: better than chance (0.900 >= 0.500)
        True
    """
    if value < minimum:
        raise AssertionError(f"Claim failed: {claim} ({value:.3f} < {minimum:.3f})")
    print(f"Checked: {claim} ({value:.3f} >= {minimum:.3f})")
    return True
