"""Scoring an assessment against its tool's definition: pure functions, no database.

A tool's definition is data (``AssessmentTool`` and its ``AssessmentItem`` rows): each item lists
the scores it allows, each with what it means in plain words. These functions check a full set
of answers against that definition, add up the total (when the tool has one), give each
answer's level text, and say how far a person has travelled between two assessments.

They take any objects shaped like the models (``code``, ``label``, ``scores``,
``lower_is_better`` on an item; ``has_total``, ``lower_is_better``, ``short_name`` on a tool),
so the tests can check every level of every item without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from petal.core.errors import ValidationFailed

BETTER = "better"
WORSE = "worse"
NO_CHANGE = "no change"


def allowed_scores(item) -> list[int]:
    """The scores an item allows, lowest first."""
    return sorted(int(value) for value, _ in item.scores)


def highest_score(item) -> int:
    return max(allowed_scores(item))


def level_text(item, score: int) -> str:
    """What a score means for this item, in the tool's plain words (KeyError if not allowed)."""
    for value, text in item.scores:
        if int(value) == score and not isinstance(score, bool):
            return text
    raise KeyError(f"{score!r} is not a score {item.code!r} allows")


def choice_label(item, value: int, text: str) -> str:
    """How a score reads beside its radio: "2 – Engages now and then" (a text that already
    starts with its number, such as "0 – not at all satisfied", is shown as it is)."""
    number = str(value)
    if text == number or text.startswith(f"{number} ") or text.startswith(f"{number}–"):
        return text
    return f"{number} – {text}"


def _lower_first(label: str) -> str:
    # "Risk to others" reads as "risk to others" in the middle of a sentence.
    return label[:1].lower() + label[1:]


def _allowed_words(values: Sequence[int]) -> str:
    values = [str(v) for v in values]
    if len(values) > 2 and [int(v) for v in values] == list(
        range(int(values[0]), int(values[-1]) + 1)
    ):
        return f"a whole number from {values[0]} to {values[-1]}"
    return "one of " + ", ".join(values[:-1]) + f" or {values[-1]}"


def missing_message(item) -> str:
    return f"Choose a score for {_lower_first(item.label)}"


def out_of_range_message(item) -> str:
    return (
        f"The score for {_lower_first(item.label)} must be {_allowed_words(allowed_scores(item))}"
    )


def validate(tool, items: Iterable, scores: Mapping[str, object]) -> dict[str, int]:
    """The answers as whole numbers, keyed by item code — or ValidationFailed naming every item
    that is missing, not one of its allowed scores, or not a question of this tool."""
    items = list(items)
    errors: dict[str, list[str]] = {}
    known = {item.code for item in items}
    for code in scores:
        if code not in known:
            errors[str(code)] = [f"“{code}” is not a question in the {tool.short_name} assessment"]
    clean: dict[str, int] = {}
    for item in items:
        value = scores.get(item.code)
        if value is None or value == "":
            errors[item.code] = [missing_message(item)]
            continue
        # Whole numbers only: True is not 1, and 2.5 or "two" are not scores.
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value.strip())
        else:
            number = None
        if number is None or number not in allowed_scores(item):
            errors[item.code] = [out_of_range_message(item)]
            continue
        clean[item.code] = number
    if errors:
        count = len(errors)
        raise ValidationFailed(
            f"{count} answer{'s' if count != 1 else ''} need{'s' if count == 1 else ''} checking",
            field_errors=errors,
        )
    return clean


@dataclass(frozen=True)
class ScoredAnswer:
    code: str
    label: str
    score: int
    highest: int
    level: str
    lower_is_better: bool

    @property
    def concern(self) -> float:
        """How far towards the worst end of the scale this answer is (0 to 1)."""
        if self.highest == 0:
            return 0.0
        share = self.score / self.highest
        return share if self.lower_is_better else 1 - share


@dataclass(frozen=True)
class Scored:
    answers: list[ScoredAnswer]
    total: int | None
    highest_total: int | None


def score(tool, items: Iterable, scores: Mapping[str, object]) -> Scored:
    """Validate the answers, then the total (None when the tool has none) and each level."""
    items = list(items)
    clean = validate(tool, items, scores)
    answers = [
        ScoredAnswer(
            code=item.code,
            label=item.label,
            score=clean[item.code],
            highest=highest_score(item),
            level=level_text(item, clean[item.code]),
            lower_is_better=item.lower_is_better,
        )
        for item in items
    ]
    return Scored(
        answers=answers,
        total=total_of(tool, clean) if tool.has_total else None,
        highest_total=sum(highest_score(i) for i in items) if tool.has_total else None,
    )


def total_of(tool, clean: Mapping[str, int]) -> int | None:
    """The sum of validated answers, when the tool's scores add up to a total."""
    return sum(clean.values()) if tool.has_total else None


def answers_of(items: Iterable, clean: Mapping[str, int]) -> list[ScoredAnswer]:
    """Stored answers (already valid) with their level texts, in the tool's order; an item
    not answered (added to the tool later) is left out."""
    return [
        ScoredAnswer(
            code=item.code,
            label=item.label,
            score=clean[item.code],
            highest=highest_score(item),
            level=_level_or_unknown(item, clean[item.code]),
            lower_is_better=item.lower_is_better,
        )
        for item in items
        if item.code in clean
    ]


def _level_or_unknown(item, value: int) -> str:
    try:
        return level_text(item, value)
    except KeyError:
        # A definition changed after the answer was given: show the number, never fail.
        return "No description for this score"


def summary(answers: Sequence[ScoredAnswer]) -> str:
    """A few words on the answers of most concern: "Most concern: housing, alcohol and drug
    misuse (4 of 4)", or that no answer is at a level of concern."""
    if not answers:
        return ""
    worst = max(a.concern for a in answers)
    if worst <= 0:
        return "No concerns at any question"
    named = [a for a in answers if a.concern == worst]
    labels = ", ".join(_lower_first(a.label) for a in named[:3])
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    return f"Most concern: {labels[:1].upper()}{labels[1:]}{more}"


def direction(change: int, *, lower_is_better: bool) -> str:
    """Whether a change in score is for the better, the worse, or no change."""
    if change == 0:
        return NO_CHANGE
    return BETTER if (change < 0) == lower_is_better else WORSE


@dataclass(frozen=True)
class Change:
    label: str
    first: int
    latest: int
    change: int
    direction: str
    code: str = ""

    @property
    def words(self) -> str:
        """How big a change, and which way: "4 points better", "1 point worse", "no change"."""
        if self.direction == NO_CHANGE:
            return NO_CHANGE
        size = abs(self.change)
        return f"{size} point{'s' if size != 1 else ''} {self.direction}"


@dataclass(frozen=True)
class Distance:
    """How far someone travelled between two assessments with the same tool."""

    total: Change | None
    items: list[Change]

    @property
    def direction(self) -> str:
        if self.total is not None:
            return self.total.direction
        better = sum(1 for c in self.items if c.direction == BETTER)
        worse = sum(1 for c in self.items if c.direction == WORSE)
        return BETTER if better > worse else WORSE if worse > better else NO_CHANGE


def distance(
    tool, items: Iterable, first: Mapping[str, int], latest: Mapping[str, int]
) -> Distance:
    """Distance travelled from the ``first`` answers to the ``latest``: the change in total
    (tools with a total, which way is better from the tool), and each item's change (which way
    is better from the item). Items not answered both times are left out."""
    items = list(items)
    changes = []
    for item in items:
        if item.code in first and item.code in latest:
            delta = latest[item.code] - first[item.code]
            changes.append(
                Change(
                    label=item.label,
                    code=item.code,
                    first=first[item.code],
                    latest=latest[item.code],
                    change=delta,
                    direction=direction(delta, lower_is_better=item.lower_is_better),
                )
            )
    total = None
    if tool.has_total:
        before, after = sum(first.values()), sum(latest.values())
        total = Change(
            label="Total",
            first=before,
            latest=after,
            change=after - before,
            direction=direction(after - before, lower_is_better=tool.lower_is_better),
        )
    return Distance(total=total, items=changes)
