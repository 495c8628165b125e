"""Withholding a linked person's name from barrier text shown beyond the operational level.

Writers are refused text that names someone they may see (``services.barriers.refuse_names``);
a writer who may not see the person a barrier links to is not refused (a refusal would let
them guess the name word by word). So text shown where the person must never appear — the
barrier page above the operational level or to a reader without identity, the API, the board
pack, the public page — goes through ``withhold_names`` first: every whole word of the linked
person's names is replaced, without saying whose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WITHHELD = "[name withheld]"
_WORD = re.compile(r"[^\W\d_]+")


def withhold_names(text: str, words: set[str]) -> str:
    """The text with every whole word in ``words`` (lower case) replaced by WITHHELD."""
    if not text or not words:
        return text or ""
    return _WORD.sub(lambda m: WITHHELD if m.group(0).lower() in words else m.group(0), text)


def linked_name_words(person) -> set[str]:
    """The words of the linked person's names ({} when there is no person)."""
    if person is None:
        return set()
    from petal.meetings.services import name_words

    return name_words(person)


def linked_person(barrier):
    """The person a barrier (or learning entry's barrier) links to, read past row-level
    security: only to check or withhold their names in text, never to show them."""
    if not barrier.person_id:
        return None
    from petal.access.rls import unrestricted
    from petal.people.models import Person

    with unrestricted():
        return Person.objects.filter(pk=barrier.person_id).first()


def linked_names(person_ids: Iterable[int | None]) -> dict[int, set[str]]:
    """The words of the names (full, preferred, aliases) of the people some barriers link to,
    by person id: only to withhold them from text shown where the person must not appear.
    Nothing here is shown, so it is not audited. Two queries however many people, reading
    names and nothing else."""
    from django.db.models import Prefetch

    from petal.people.models import Alias, Person

    ids = sorted({pk for pk in person_ids if pk})
    if not ids:
        return {}
    from petal.access.rls import unrestricted

    # Read past row-level security: the names are withheld, never shown.
    with unrestricted():
        people = list(
            Person.objects.filter(pk__in=ids)
            .only("pk", "full_name", "preferred_name")
            .prefetch_related(
                Prefetch("aliases", queryset=Alias.objects.only("pk", "person_id", "name"))
            )
        )
    return {person.pk: linked_name_words(person) for person in people}
