"""Claims checked with a margin: a claim that holds is printed, one that fails raises."""
import pytest

from tlutils.practice import expect_at_least


def test_claim_that_holds_is_reported(capsys):
    assert expect_at_least(0.8, 0.6, "well above chance")
    assert capsys.readouterr().out == "Checked: well above chance (0.800 >= 0.600)\n"


def test_claim_at_its_margin_holds(capsys):
    assert expect_at_least(0.6, 0.6, "at the margin")
    assert "Checked: at the margin" in capsys.readouterr().out


def test_claim_that_fails_raises_and_prints_nothing(capsys):
    with pytest.raises(AssertionError, match=r"^Claim failed: well above chance \(0\.300 < 0\.600\)$"):
        expect_at_least(0.3, 0.6, "well above chance")
    assert capsys.readouterr().out == ""

