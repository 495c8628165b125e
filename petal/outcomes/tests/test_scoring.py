"""NDT scoring matches its definition at every level; anything outside it is refused.

The definitions come from the seeded tools (data, not code), so these tests read them from the
database and check the scoring functions against a plain reading of the issue: ten items, eight
scored 0–4 and the two risk items 0, 2, 4, 6 or 8, a total from 0 to 48."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from petal.core.errors import ValidationFailed
from petal.outcomes import scoring
from petal.outcomes.models import AssessmentTool
from petal.outcomes.tests.factories import NDT_CODES, RISK_CODES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ndt():
    tool = AssessmentTool.objects.get(slug="ndt")
    return tool, list(tool.items.order_by("order"))


@pytest.fixture
def wellbeing():
    tool = AssessmentTool.objects.get(slug="ons4-wellbeing")
    return tool, list(tool.items.order_by("order"))


def _zeros(items):
    return {item.code: 0 for item in items}


def test_the_ndt_definition_is_ten_items_eight_of_0_to_4_and_two_risk_items(ndt):
    tool, items = ndt
    assert [i.code for i in items] == NDT_CODES
    for item in items:
        expected = [0, 2, 4, 6, 8] if item.code in RISK_CODES else [0, 1, 2, 3, 4]
        assert scoring.allowed_scores(item) == expected, item.code
        # Every level has its own plain-words description.
        texts = [text for _, text in item.scores]
        assert len(set(texts)) == 5 and all(t.strip() for t in texts)
    assert tool.has_total and tool.lower_is_better
    assert set(tool.categories) == {"needs", "risk"}


@pytest.mark.parametrize("code", NDT_CODES)
def test_every_level_of_every_ndt_item_scores_and_reads_as_defined(ndt, code):
    tool, items = ndt
    item = next(i for i in items if i.code == code)
    for value, text in item.scores:
        scores = {**_zeros(items), code: value}
        scored = scoring.score(tool, items, scores)
        assert scored.total == value
        answer = next(a for a in scored.answers if a.code == code)
        assert answer.score == value
        assert answer.level == text
        assert answer.highest == (8 if code in RISK_CODES else 4)
        # The others stay at their lowest level, with its text.
        for other in scored.answers:
            if other.code != code:
                assert other.level == items[NDT_CODES.index(other.code)].scores[0][1]


def test_the_total_runs_from_0_to_48(ndt):
    tool, items = ndt
    lowest = scoring.score(tool, items, _zeros(items))
    assert lowest.total == 0
    assert lowest.highest_total == 48
    highest = scoring.score(tool, items, {i.code: scoring.highest_score(i) for i in items})
    assert highest.total == 48
    # A mixed set adds up.
    mixed = dict(zip(NDT_CODES, [1, 2, 3, 4, 6, 0, 1, 2, 3, 4], strict=True))
    assert scoring.score(tool, items, mixed).total == 26


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("housing", 5),
        ("housing", -1),
        ("engagement", 9),
        ("risk-to-others", 3),
        ("risk-from-others", 1),
        ("risk-from-others", 10),
        ("stress-anxiety", "2.5"),
        ("stress-anxiety", 2.5),
        ("impulse-control", "two"),
        ("alcohol-drugs", True),
    ],
)
def test_a_score_outside_the_definition_is_refused_naming_the_item(ndt, code, value):
    tool, items = ndt
    with pytest.raises(ValidationFailed) as refused:
        scoring.score(tool, items, {**_zeros(items), code: value})
    assert list(refused.value.field_errors) == [code]
    message = refused.value.field_errors[code][0]
    label = next(i.label for i in items if i.code == code)
    assert label.lower() in message.lower()
    if code in RISK_CODES:
        assert message.endswith("one of 0, 2, 4, 6 or 8")
    else:
        assert message.endswith("a whole number from 0 to 4")


def test_a_missing_item_is_refused_and_every_problem_is_named_at_once(ndt):
    tool, items = ndt
    scores = _zeros(items)
    del scores["housing"]
    scores["risk-to-others"] = 3
    scores["engagement"] = ""
    with pytest.raises(ValidationFailed) as refused:
        scoring.score(tool, items, scores)
    errors = refused.value.field_errors
    assert set(errors) == {"housing", "risk-to-others", "engagement"}
    assert errors["housing"] == ["Choose a score for housing"]
    assert errors["engagement"] == ["Choose a score for engagement with frontline services"]
    assert refused.value.message == "3 answers need checking"


def test_an_unknown_item_is_refused(ndt):
    tool, items = ndt
    with pytest.raises(ValidationFailed) as refused:
        scoring.score(tool, items, {**_zeros(items), "sleep": 2})
    assert refused.value.field_errors == {
        "sleep": ["“sleep” is not a question in the NDT assessment"]
    }


def test_level_text_refuses_a_score_the_item_does_not_allow(ndt):
    _, items = ndt
    risk = next(i for i in items if i.code == "risk-to-others")
    assert scoring.level_text(risk, 8).startswith("Very high risk")
    with pytest.raises(KeyError):
        scoring.level_text(risk, 3)


def test_a_tool_without_a_total_scores_each_item_on_its_own(wellbeing):
    tool, items = wellbeing
    scores = {"life-satisfaction": 0, "worthwhile": 10, "happiness": 5, "anxiety": 10}
    scored = scoring.score(tool, items, scores)
    assert scored.total is None and scored.highest_total is None
    levels = {a.code: a.level for a in scored.answers}
    assert levels["life-satisfaction"] == "0 – not at all satisfied"
    assert levels["worthwhile"] == "10 – completely worthwhile"
    assert levels["happiness"] == "5"
    with pytest.raises(ValidationFailed) as refused:
        scoring.score(tool, items, {**scores, "happiness": 11})
    assert refused.value.field_errors == {
        "happiness": ["The score for happiness yesterday must be a whole number from 0 to 10"]
    }


def test_direction_follows_which_way_is_better():
    assert scoring.direction(-4, lower_is_better=True) == scoring.BETTER
    assert scoring.direction(4, lower_is_better=True) == scoring.WORSE
    assert scoring.direction(4, lower_is_better=False) == scoring.BETTER
    assert scoring.direction(-1, lower_is_better=False) == scoring.WORSE
    assert scoring.direction(0, lower_is_better=True) == scoring.NO_CHANGE


def test_distance_travelled_on_the_ndt_is_the_change_in_total(ndt):
    tool, items = ndt
    first = dict(zip(NDT_CODES, [4, 2, 3, 6, 8, 3, 3, 4, 3, 4], strict=True))
    latest = dict(zip(NDT_CODES, [2, 1, 3, 4, 8, 2, 3, 3, 3, 1], strict=True))
    travelled = scoring.distance(tool, items, first, latest)
    assert (travelled.total.first, travelled.total.latest) == (40, 30)
    assert travelled.total.change == -10
    assert travelled.total.direction == scoring.BETTER
    assert travelled.total.words == "10 points better"
    by_code = {c.code: c for c in travelled.items}
    assert by_code["housing"].change == -3 and by_code["housing"].direction == scoring.BETTER
    assert by_code["risk-from-others"].direction == scoring.NO_CHANGE
    worse = scoring.distance(tool, items, latest, first)
    assert worse.total.direction == scoring.WORSE and worse.total.words == "10 points worse"
    same = scoring.distance(tool, items, first, first)
    assert same.total.words == "no change"


def test_distance_without_a_total_is_per_item_with_each_items_direction(wellbeing):
    tool, items = wellbeing
    first = {"life-satisfaction": 3, "worthwhile": 4, "happiness": 5, "anxiety": 8}
    latest = {"life-satisfaction": 6, "worthwhile": 4, "happiness": 4, "anxiety": 5}
    travelled = scoring.distance(tool, items, first, latest)
    assert travelled.total is None
    by_code = {c.code: c.direction for c in travelled.items}
    assert by_code == {
        "life-satisfaction": scoring.BETTER,  # higher is better
        "worthwhile": scoring.NO_CHANGE,
        "happiness": scoring.WORSE,
        "anxiety": scoring.BETTER,  # lower is better
    }
    assert travelled.direction == scoring.BETTER


def test_a_new_tool_is_scored_from_its_data_alone():
    """Another tool can be added without code: the functions read only its definition."""
    item = SimpleNamespace(
        code="sleep",
        label="Sleep",
        scores=[[1, "Poor"], [3, "Fair"], [5, "Good"]],
        lower_is_better=False,
    )
    tool = SimpleNamespace(has_total=True, lower_is_better=False, short_name="Sleep check")
    scored = scoring.score(tool, [item], {"sleep": 5})
    assert (scored.total, scored.answers[0].level) == (5, "Good")
    with pytest.raises(ValidationFailed) as refused:
        scoring.score(tool, [item], {"sleep": 2})
    assert refused.value.field_errors["sleep"] == ["The score for sleep must be one of 1, 3 or 5"]


def test_summary_names_the_answers_of_most_concern(ndt):
    tool, items = ndt
    scored = scoring.score(tool, items, {**_zeros(items), "housing": 4, "alcohol-drugs": 4})
    assert scoring.summary(scored.answers) == "Most concern: Alcohol and drug misuse, housing"
    assert scoring.summary(scoring.score(tool, items, _zeros(items)).answers) == (
        "No concerns at any question"
    )
