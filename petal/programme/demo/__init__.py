"""The programme app's demo data, one module per part. ``load_demo`` runs every part and returns
the sentences each part says about what it loaded."""

from petal.programme.demo import assessment, contact, coproduction, library, newsletters, partners
from petal.programme.models import Milestone, Newsletter

PARTS = [partners, newsletters, library, coproduction, assessment, contact]

FIRST_NEWSLETTER = "Issue 1 — July 2022"


def load_demo() -> list[str]:
    sentences = [sentence for part in PARTS if (sentence := part.load())]
    # The seed's "first project newsletter" milestone links to the demo's first issue, so the
    # timeline shows a linked document beside the two still missing.
    first = Newsletter.objects.filter(title=FIRST_NEWSLETTER).first()
    if first is not None:
        Milestone.objects.filter(
            title="The first project newsletter",
            newsletter__isnull=True,
            document_url="",
            library_item__isnull=True,
        ).update(newsletter=first)
    return sentences
