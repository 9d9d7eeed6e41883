"""`manage.py create_portal "<portal name>" --admin <e-mail>`: the first run of an install.

Prints a one-time link where the admin chooses a password (see accounts.first_run).
"""

from django.core.management.base import BaseCommand, CommandError

from syncapp.accounts.first_run import FirstRunError, start_portal


class Command(BaseCommand):
    help = "Create a portal and its first super admin, and print a set-password link."

    def add_arguments(self, parser):
        parser.add_argument("portal", help="the portal's name")
        parser.add_argument("--admin", required=True, help="the super admin's e-mail address")

    def handle(self, *args, portal: str, admin: str, **options):
        try:
            run = start_portal(portal, admin)
        except FirstRunError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Created portal “{run.membership.portal.name}” with super admin "
            f"{run.membership.user.email}."))
        self.stdout.write("Open this link once to set the password (it expires):")
        self.stdout.write(run.link)
