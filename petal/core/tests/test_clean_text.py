"""The one check every service makes of text a person typed."""

import pytest

from petal.core.errors import ValidationFailed, clean_text


def test_text_is_trimmed_and_nul_characters_dropped():
    assert clean_text("  a\x00b  ", field="note", label="your note") == "ab"


def test_required_text_left_empty_is_refused_on_its_field():
    with pytest.raises(ValidationFailed) as refused:
        clean_text(" \x00 ", field="note", label="your note", required=True)
    assert refused.value.field_errors == {"note": ["Enter your note"]}


def test_text_over_the_limit_is_refused_with_the_limit():
    assert clean_text("x" * 1000, field="note", label="your note", limit=1000) == "x" * 1000
    with pytest.raises(ValidationFailed) as refused:
        clean_text("x" * 1001, field="note", label="your note", limit=1000)
    assert refused.value.field_errors == {"note": ["Your note must be 1,000 characters or fewer"]}
