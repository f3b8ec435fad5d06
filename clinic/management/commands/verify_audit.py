"""Check the audit trail's chain of seals: exit 1 at the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from clinic.audit import broken_link
from clinic.models import AuditEvent


class Command(BaseCommand):
    help = "Verify that no audit event was changed, removed or inserted since it was written."

    def handle(self, *args: Any, **options: Any) -> None:
        events = AuditEvent.objects.order_by("pk")
        broken = broken_link(events.iterator())
        if broken is not None:
            raise CommandError(
                f"The audit trail is broken at event {broken.pk} ({broken.at:%Y-%m-%d %H:%M:%S}"
                f" {broken.username or 'patient'} {broken.action} {broken.object_type}): that"
                " event, or the one before it, was changed, removed or inserted afterwards."
            )
        last = events.last()
        self.stdout.write(
            f"{events.count()} audit events, every seal intact."
            + (
                f" Last seal: {last.seal} (keep a copy elsewhere to detect removals at the end)."
                if last
                else ""
            )
        )
