from django.core.management.base import BaseCommand, CommandError

from petal.audit.anchors import anchor_path, check_anchors
from petal.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain and report the first broken event, if any; then "
        "check the events anchored outside the database (manage.py audit_anchor) are unchanged."
    )

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"Checked {report.checked} audit events: the chain breaks at event "
                f"#{report.broken_at}: {report.problem}."
            )
        self.stdout.write(f"Checked {report.checked} audit events: the chain is intact.")
        anchors = check_anchors()
        if not anchors.found:
            self.stdout.write(
                f"No anchor has been written for this database yet ({anchor_path()}): the "
                "chain was checked on its own. Run manage.py audit_anchor on a schedule."
            )
            return
        if not anchors.ok:
            raise CommandError(f"The audit trail does not match its anchor: {anchors.problem}.")
        self.stdout.write(
            f"Checked {anchors.checked} anchor{'s' if anchors.checked != 1 else ''} kept "
            f"outside the database ({anchor_path()}): they match."
        )
