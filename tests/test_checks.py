"""Claims checked with a margin, and skipped honestly in a dry run (random vision weights)."""
import dataclasses

import pytest

from tlutils import PROFILES
from tlutils.practice import expect_at_least


def test_claim_that_holds_is_reported(capsys):
    assert expect_at_least(0.8, 0.6, "well above chance", PROFILES["quick"])
    assert "Checked: well above chance (0.800 >= 0.600)" in capsys.readouterr().out


def test_claim_that_fails_raises():
    with pytest.raises(AssertionError, match="Claim failed: well above chance"):
        expect_at_least(0.3, 0.6, "well above chance", PROFILES["full"])


DRY_RUN = dataclasses.replace(PROFILES["offline"], weights=None)


def test_offline_profile_checks_every_claim():
    """Offline has pretrained weights (Lite0, MiniLM): nothing is skipped there any more."""
    with pytest.raises(AssertionError, match="Claim failed: beats chance"):
        expect_at_least(0.1, 0.6, "beats chance", PROFILES["offline"])


def test_dry_run_skips_claims_that_need_pretrained_weights(capsys):
    assert not expect_at_least(0.1, 0.6, "beats chance", DRY_RUN)
    assert "Not checked in the offline dry run" in capsys.readouterr().out


def test_dry_run_still_checks_mechanical_claims():
    with pytest.raises(AssertionError):
        expect_at_least(0.1, 0.6, "mechanics", DRY_RUN, skip_in_dry_run=False)
