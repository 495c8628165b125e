"""Every action the code records has plain words for the people who read the trail."""

import re
from pathlib import Path

from django.conf import settings

from petal.audit.labels import ACTIONS


def test_every_recorded_action_has_a_label():
    recorded = set()
    for path in (Path(settings.BASE_DIR) / "petal").rglob("*.py"):
        if "tests" in path.parts:
            continue
        recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
        recorded |= set(re.findall(r'"(account\.sign_in_[a-z]+)"', path.read_text()))
    assert recorded, "found no audit actions: has audit_record's signature changed?"
    assert recorded - set(ACTIONS) == set()
