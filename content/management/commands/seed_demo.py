from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from content.demo import DemoCourseMissing, demo_build
from courses.services import AssignmentError
from school.models import User
from school.pseudonyms import join_code_format
from school.services import SchoolError

# Well-known passwords for a laptop demo only: the command refuses to run outside DEBUG.
DEMO_ACCOUNTS = [
    ("admin", "demo-admin-hemicycle", User.Role.ADMIN, None),
    ("redaction", "demo-redaction-hemicycle", User.Role.EDITOR, "Editors"),
    ("relecture", "demo-relecture-hemicycle", User.Role.EDITOR, "Moderators"),
]
TEACHER_LOGIN_PATH = "/connexion/"
PUPIL_LOGIN_PATH = "/connexion-eleve/"


class Command(BaseCommand):
    help = (
        "Crée (ou réinitialise) les comptes de démonstration et une classe de démonstration, "
        "puis affiche leurs identifiants."
    )

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

        try:
            demo = demo_build()
        except (DemoCourseMissing, SchoolError, AssignmentError) as error:
            raise CommandError(str(error)) from error
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        classroom = demo.classroom
        self.stdout.write("")
        self.stdout.write(
            f"Classe de démonstration : « {classroom.name} » ({classroom.school_year_label}), "
            f"{classroom.pupils.count()} élèves"
            + (f" — créés : {', '.join(demo.created)}" if demo.created else " — inchangée")
        )
        self.stdout.write(f"  Enseignant·e : {base}{TEACHER_LOGIN_PATH}")
        self.stdout.write(f"    identifiant   {demo.teacher_email}")
        self.stdout.write(f"    mot de passe  {demo.teacher_password}")
        self.stdout.write(f"  Élève : {base}{PUPIL_LOGIN_PATH}")
        self.stdout.write(f"    code de la classe  {join_code_format(demo.join_code)}")
        self.stdout.write(f"    pseudonyme         {demo.pupil_pseudonym}")
        self.stdout.write(f"    code secret        {demo.pupil_secret}")
        self.stdout.write(
            f"  Vote et débat de la classe : {base}{reverse('classroom_votes:consultation_list')}"
            f" et {base}{reverse('classroom_votes:debate_list')}"
        )
