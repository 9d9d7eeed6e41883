"""`manage.py set_portal_plan "<portal name>" free|self_hosted`: what a portal pays for.

Self-hosted installs have every feature; the free plan lacks custom field mappings
(the wizard then offers "Try custom mappings", a preview that cannot be saved).
"""

from django.core.management.base import BaseCommand, CommandError

from syncapp.accounts.models import Plan, Portal


class Command(BaseCommand):
    help = "Set a portal's plan (free or self_hosted)."

    def add_arguments(self, parser):
        parser.add_argument("portal", help="the portal's name")
        parser.add_argument("plan", choices=Plan.values)

    def handle(self, *args, portal: str, plan: str, **options):
        updated = Portal.objects.filter(name=portal).update(plan=plan)
        if not updated:
            raise CommandError(f"No portal is named “{portal}”.")
        self.stdout.write(self.style.SUCCESS(f"“{portal}” is on the {Plan(plan).label} plan."))
