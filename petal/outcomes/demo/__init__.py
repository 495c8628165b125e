"""The outcomes app's demo data, one module per part. ``load_demo`` runs every part and returns
the sentences each part says about what it loaded."""

from petal.outcomes.demo import assessments

PARTS = [assessments]


def load_demo() -> list[str]:
    return [sentence for part in PARTS if (sentence := part.load())]
