"""One rounding rule for every number the film writes, checked against strings written out
by hand."""

from __future__ import annotations

from mechanics import formatting as fmt

MINUS = "\N{MINUS SIGN}"


def test_a_value_that_rounds_to_zero_is_written_without_a_sign_everywhere():
    assert fmt.fixed(-0.004) == "0.00"
    assert fmt.plain(-0.004) == "0.00"
    assert fmt.signed(-0.004) == "0.00" and fmt.signed(0.004) == "0.00"
    assert fmt.tex_number(-0.004) == "0.00" and fmt.tex_value(-0.0004, 3) == "0.000"
    assert fmt.loss_value(-0.0001) == "0.000"


def test_signs_and_minus_signs():
    assert fmt.signed(0.42) == "+0.42"
    assert fmt.signed(-0.126) == f"{MINUS}0.13"
    assert fmt.plain(-1.234) == f"{MINUS}1.23" and fmt.plain(1.234) == "1.23"
    assert fmt.signed(-0.0125, 3) == f"{MINUS}0.013"  # the float, correctly rounded


def test_typeset_numbers_keep_negatives_apart_in_products():
    assert fmt.tex_number(-0.5) == "(-0.50)" and fmt.tex_number(0.5) == "0.50"
    assert fmt.tex_value(-0.5) == "-0.50"
    assert fmt.tex_percent(0.1086) == r"10.9\%"


def test_percentages_losses_and_counts():
    assert fmt.percent(0.1086) == "10.9%" and fmt.percent(1.0) == "100.0%"
    assert fmt.loss_value(1.36449) == "1.364"
    assert fmt.whole(7.0) == "7"


def test_numbers_are_found_in_texts_as_written():
    assert fmt.numbers_in(f"Step 3 of 20: 10.9%, w = {MINUS}0.42") == [
        "3",
        "20",
        "10.9%",
        f"{MINUS}0.42",
    ]
    assert fmt.has_digits("h_1") and not fmt.has_digits("Paris")


def test_the_scorecard_wiggle_and_products_as_film_and_page_write_them():
    assert fmt.confidence(0.10861) == "0.109" and fmt.confidence(1.0) == "1.000"
    assert fmt.scorecard_loss(2.2199) == "2.22" and fmt.scorecard_loss(-0.0001) == "0.00"
    assert fmt.slope(-0.1274) == "\u22120.127" and fmt.slope(0.0004) == "0.000"
    assert fmt.factor(-0.13) == "(\u22120.13)" and fmt.factor(0.42) == "0.42"
