"""Views and API handlers ask selectors and services; they never query models themselves."""

import re
from pathlib import Path

from django.conf import settings

QUERY = re.compile(r"\b[A-Z]\w*\.objects\b")


def test_no_view_or_api_handler_queries_a_model_directly():
    offenders = []
    for path in sorted((Path(settings.BASE_DIR) / "petal").rglob("*.py")):
        # views.py and api.py, or any module of a views/ or api/ package.
        if path.name not in {"views.py", "api.py"} and path.parent.name not in {"views", "api"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if QUERY.search(line):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert offenders == []
