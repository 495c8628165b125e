"""The assessment tools Petal starts with, as data: the New Directions Team (NDT) assessment and
the ONS personal wellbeing questions (the programme's chosen wellbeing measure). Another tool is
added the same way, without code. The level texts are Petal's own plain words."""

from django.db import migrations

NDT = {
    "slug": "ndt",
    "name": "New Directions Team (NDT) assessment",
    "short_name": "NDT",
    "description": (
        "Ten questions about how things have been for the person over the past month. Higher "
        "scores mean more need or more risk: the total runs from 0 to 48, and a falling total "
        "shows distance travelled."
    ),
    "period": "Over the past month",
    "categories": ["needs", "risk"],
    "has_total": True,
    "lower_is_better": True,
    "order": 1,
}

FOUR = [0, 1, 2, 3, 4]
RISK = [0, 2, 4, 6, 8]

NDT_ITEMS = [
    (
        "engagement",
        "Engagement with frontline services",
        "How well do they keep in touch with the services working with them?",
        FOUR,
        [
            "Engages well: keeps appointments and works with services",
            "Mostly engages: misses the odd appointment",
            "Engages now and then: contact is patchy",
            "Rarely engages: turns up only in a crisis",
            "Does not engage: no contact with services, or refuses it",
        ],
    ),
    (
        "intentional-self-harm",
        "Intentional self-harm",
        "Have they hurt themselves on purpose, or thought about it?",
        FOUR,
        [
            "No sign of self-harm or thoughts of suicide",
            "Has had thoughts of self-harm or suicide, without acting on them",
            "Minor or rare self-harm",
            "Repeated or serious self-harm",
            "Self-harm or suicide attempts that put their life at risk",
        ],
    ),
    (
        "unintentional-self-harm",
        "Unintentional self-harm",
        "Are they at risk from neglecting themselves, accidents or risky behaviour?",
        FOUR,
        [
            "Looks after themselves: no risk from neglect or accidents",
            "Some neglect of health or safety, with little risk",
            "Neglect or risky behaviour that has caused some harm",
            "Serious neglect or risky behaviour: harm is likely",
            "Life at risk from neglect, overdose or accidents",
        ],
    ),
    (
        "risk-to-others",
        "Risk to others",
        "Are other people at risk from them?",
        RISK,
        [
            "No risk to others",
            "Some risk: angry words or threats, no harm done",
            "Moderate risk: threats or minor violence",
            "High risk: violence that has hurt someone",
            "Very high risk: serious violence; other people are in danger",
        ],
    ),
    (
        "risk-from-others",
        "Risk from others",
        "Are they at risk from other people?",
        RISK,
        [
            "Not at risk from others",
            "Some risk: sometimes taken advantage of",
            "Moderate risk: exploited, bullied or threatened",
            "High risk: harmed by others, and abuse is likely",
            "Very high risk: serious harm from others, including domestic abuse",
        ],
    ),
    (
        "stress-anxiety",
        "Stress and anxiety",
        "How well do they cope with stress and worry?",
        FOUR,
        [
            "Copes well with everyday stress",
            "Some stress and worry, but copes",
            "Stress and anxiety get in the way of daily life at times",
            "Stress and anxiety get in the way of daily life most of the time",
            "Overwhelmed: cannot cope with daily life",
        ],
    ),
    (
        "social-effectiveness",
        "Social effectiveness",
        "How well do they get on with people and manage social situations?",
        FOUR,
        [
            "Gets on with people and handles social situations",
            "Some difficulty with people, but mostly manages",
            "Often finds social situations hard; some conflict",
            "Struggles with people: frequent conflict or withdrawal",
            "Cannot manage social situations: isolated or in constant conflict",
        ],
    ),
    (
        "alcohol-drugs",
        "Alcohol and drug misuse",
        "Does their use of alcohol or drugs cause harm?",
        FOUR,
        [
            "No alcohol or drug misuse",
            "Some use, with little harm",
            "Use that causes harm now and then",
            "Regular use that causes harm",
            "Dependent use that takes over their life and causes serious harm",
        ],
    ),
    (
        "impulse-control",
        "Impulse control",
        "Do they act on impulse in ways that cause problems?",
        FOUR,
        [
            "Thinks before acting",
            "Sometimes acts on impulse, with little harm",
            "Acts on impulse now and then, causing some problems",
            "Often acts on impulse, causing problems",
            "Acts on impulse all the time, with serious consequences",
        ],
    ),
    (
        "housing",
        "Housing",
        "How settled and suitable is where they live?",
        FOUR,
        [
            "Settled, suitable housing",
            "Housed, with some worries about keeping it",
            "Housing at risk, or not suitable",
            "Temporary or insecure: sofa-surfing, a hostel or a night shelter",
            "No home: sleeping rough or nowhere safe to stay",
        ],
    ),
]

WELLBEING = {
    "slug": "ons4-wellbeing",
    "name": "Personal wellbeing (ONS4)",
    "short_name": "Wellbeing",
    "description": (
        "The four personal wellbeing questions the Office for National Statistics asks, each "
        "answered from 0 (not at all) to 10 (completely). Each question is looked at on its "
        "own: higher is better for the first three, lower is better for anxiety."
    ),
    "period": "Nowadays, and yesterday",
    "categories": ["health"],
    "has_total": False,
    "lower_is_better": False,
    "order": 2,
}

ELEVEN = list(range(11))


def _ons(low: str, high: str) -> list[str]:
    return [f"0 – {low}"] + [str(n) for n in range(1, 10)] + [f"10 – {high}"]


WELLBEING_ITEMS = [
    (
        "life-satisfaction",
        "Life satisfaction",
        "Overall, how satisfied are you with your life nowadays?",
        ELEVEN,
        _ons("not at all satisfied", "completely satisfied"),
        False,
    ),
    (
        "worthwhile",
        "Things in life are worthwhile",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        ELEVEN,
        _ons("not at all worthwhile", "completely worthwhile"),
        False,
    ),
    (
        "happiness",
        "Happiness yesterday",
        "Overall, how happy did you feel yesterday?",
        ELEVEN,
        _ons("not at all happy", "completely happy"),
        False,
    ),
    (
        "anxiety",
        "Anxiety yesterday",
        "On a scale where 0 is not at all anxious and 10 is completely anxious, overall, how "
        "anxious did you feel yesterday?",
        ELEVEN,
        _ons("not at all anxious", "completely anxious"),
        True,
    ),
]


def load(apps, schema_editor):
    Tool = apps.get_model("outcomes", "AssessmentTool")
    Item = apps.get_model("outcomes", "AssessmentItem")
    ndt, _ = Tool.objects.update_or_create(slug=NDT["slug"], defaults=NDT)
    for order, (code, label, question, values, texts) in enumerate(NDT_ITEMS, start=1):
        Item.objects.update_or_create(
            tool=ndt,
            code=code,
            defaults={
                "order": order,
                "label": label,
                "question": question,
                "scores": [[v, t] for v, t in zip(values, texts, strict=True)],
                "lower_is_better": True,
            },
        )
    wellbeing, _ = Tool.objects.update_or_create(slug=WELLBEING["slug"], defaults=WELLBEING)
    for order, (code, label, question, values, texts, lower) in enumerate(WELLBEING_ITEMS, start=1):
        Item.objects.update_or_create(
            tool=wellbeing,
            code=code,
            defaults={
                "order": order,
                "label": label,
                "question": question,
                "scores": [[v, t] for v, t in zip(values, texts, strict=True)],
                "lower_is_better": lower,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
