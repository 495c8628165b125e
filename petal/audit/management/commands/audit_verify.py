from django.core.management.base import BaseCommand, CommandError

from petal.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain and report the first broken event, if any."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.ok:
            self.stdout.write(f"Checked {report.checked} audit events: the chain is intact.")
            return
        raise CommandError(
            f"Checked {report.checked} audit events: the chain breaks at event "
            f"#{report.broken_at}: {report.problem}."
        )
