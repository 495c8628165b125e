"""``attempt`` and ``or_404``: the one place a service's refusal becomes a page's answer."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404

from petal.core.errors import Forbidden, NotFound, fail
from petal.core.views import attempt, or_404


class NameForm(forms.Form):
    name = forms.CharField()


def _raise(exc):
    def call(**kwargs):
        raise exc

    return call


def test_not_found_is_404_and_forbidden_is_403_from_both():
    for helper in (lambda c: or_404(c), lambda c: attempt(NameForm({"name": "x"}), c)):
        with pytest.raises(Http404):
            helper(_raise(NotFound("missing")))
        with pytest.raises(PermissionDenied, match="Only the programme team"):
            helper(_raise(Forbidden("Only the programme team")))


def test_a_refusal_shows_on_the_form_and_keeps_what_was_typed():
    form = NameForm({"name": "Typed words"})
    assert form.is_valid()

    def refuse(**kwargs):
        fail("name", "Enter a shorter name")

    assert attempt(form, refuse) is None
    assert form.errors["name"] == ["Enter a shorter name"]
    assert form["name"].value() == "Typed words"


def test_the_result_is_passed_back():
    assert or_404(lambda value: value * 2, 21) == 42
    assert attempt(NameForm({"name": "x"}), lambda **kw: kw["n"], n=7) == 7
