"""What the barriers API reads beyond the pages' selectors: one barrier with its history up the
ladder and the examples of those who met it too, without anyone's name; and the words of the
names of the people barriers link to, so the text shown where that person must never appear
(the API, the public page) goes through ``withhold_names`` first.

Not ``barrier_get_for``: that one shows (and audits as read) the person a barrier links to,
where the reader may see them. The API never carries the person: it reads only the words of
their names, to take them out of the text, and says nothing about them (so nothing to audit).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from petal.barriers.models import Barrier, Decision, MeToo
from petal.barriers.redaction import linked_names, withhold_names
from petal.barriers.selectors.barriers import barrier_for_decision, decisions_of

# The examples the API returns with a barrier: the count on the barrier says how many in all.
MAX_EXAMPLES = 100


# --- the names to withhold -----------------------------------------------------------------------


def name_words_by(rows: QuerySet, person: str) -> dict[int, set[str]]:
    """The words of the names (full, preferred, aliases) of the person each row links to
    through the ``person`` path (e.g. "person" on barriers, "barrier__person" on learning), by
    the row's id; rows linking to no one are left out. Only the names are read, nothing else
    about anyone (``petal.barriers.redaction.linked_names``)."""
    person_of = dict(
        rows.filter(**{f"{person}__isnull": False}).order_by().values_list("pk", person)
    )
    names = linked_names(person_of.values())
    return {pk: names[pid] for pk, pid in person_of.items() if pid in names}


def barrier_name_words(barriers) -> dict[int, set[str]]:
    """The words of the names of the people the barriers (instances or ids) link to, by
    barrier id: one query, none when no barrier given links to anyone."""
    ids = [b if isinstance(b, int) else b.pk for b in barriers if isinstance(b, int) or b.person_id]
    if not ids:
        return {}
    return name_words_by(Barrier.objects.filter(pk__in=ids), "person")


# --- one barrier ---------------------------------------------------------------------------------


@dataclass
class BarrierDetail:
    barrier: Barrier
    decisions: list[Decision]
    # The examples of those who met it too (text only, oldest first; empty ones left out).
    me_too_examples: list[str]
    # The words of the linked person's names: withheld from every text the API shows.
    withheld: set[str]

    def text(self, value: str) -> str:
        return withhold_names(value, self.withheld)


def barrier_detail_for(actor, barrier_id) -> BarrierDetail:
    """One barrier the reader may see, with its decisions in order and the me-too examples,
    and the words of the linked person's names to withhold from its text. Missing or not
    visible: NotFound."""
    barrier = barrier_for_decision(actor, barrier_id)
    examples = list(
        MeToo.objects.filter(barrier=barrier)
        .exclude(example="")
        .order_by("created_at", "id")
        .values_list("example", flat=True)[:MAX_EXAMPLES]
    )
    withheld = barrier_name_words([barrier]).get(barrier.pk, set())
    return BarrierDetail(
        barrier=barrier,
        decisions=list(decisions_of(barrier.pk)),
        me_too_examples=[withhold_names(e, withheld) for e in examples],
        withheld=withheld,
    )
