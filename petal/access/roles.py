"""The roles people hold in Petal, in the seeds' words."""

from django.db import models


class Role(models.TextChoices):
    TRUSTED_PERSON = "trusted_person", "Trusted person"
    SERVICE_STAFF = "service_staff", "Service staff"
    CHAMPION = "champion", "Trusted Person Champion"
    PARTNERSHIP_COORDINATOR = "partnership_coordinator", "Partnership coordinator"
    GOVERNANCE_MEMBER = "governance_member", "Governance group member"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    PROGRAMME_TEAM = "programme_team", "Programme team"
    DATA_PROTECTION_LEAD = "data_protection_lead", "Data protection lead"
    ADMINISTRATOR = "administrator", "Administrator"


ALL_ROLES = frozenset(Role)
