"""Information categories: the unit of consent and of access (DESIGN.md)."""

from django.db import models


class Category(models.TextChoices):
    IDENTITY = "identity", "Who they are"
    CONTACT = "contact", "How to reach them safely"
    STORY = "story", "Their story, in their words"
    NEEDS = "needs", "Needs"
    RISK = "risk", "Safety and risk"
    HEALTH = "health", "Health"
    JUSTICE = "justice", "Justice"
    INVOLVEMENT = "involvement", "Who is involved"


ALL_CATEGORIES = frozenset(Category)
