from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from school.models import User

# Well-known passwords for a laptop demo only: the command refuses to run outside DEBUG.
DEMO_ACCOUNTS = [
    ("admin", "demo-admin-hemicycle", User.Role.ADMIN, None),
    ("redaction", "demo-redaction-hemicycle", User.Role.EDITOR, "Editors"),
    ("relecture", "demo-relecture-hemicycle", User.Role.EDITOR, "Moderators"),
]


class Command(BaseCommand):
    help = "Crée (ou réinitialise) les comptes de démonstration et affiche leurs identifiants."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Autoriser hors DEBUG (jamais en production : les mots de passe sont publics).",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not (settings.DEBUG or allow_without_debug):
            raise CommandError("Comptes de démonstration refusés hors DEBUG.")
        lines = []
        for username, password, role, group_name in DEMO_ACCOUNTS:
            user, _created = User.objects.get_or_create(username=username)
            user.role = role
            user.is_superuser = user.is_staff = role == User.Role.ADMIN
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            lines.append(f"  {username:<12} {password:<28} {role.label}")
        self.stdout.write("Comptes de démonstration (administration : /admin/) :")
        self.stdout.write("\n".join(lines))
