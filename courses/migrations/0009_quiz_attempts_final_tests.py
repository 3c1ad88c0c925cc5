"""Quiz feedback and case questions (lesson body), final tests and course completions, teacher's
guides (which Wagtail's Editors and Moderators manage, as they do H5P packages)."""

import django.core.validators
import django.db.models.deletion
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


GROUPS = ("Editors", "Moderators")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    # Permissions are normally created after migrations: make these ones now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="courses", model="lessonteacherguide"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_lessonteacherguide",
            defaults={"name": f"Can {action} fiche enseignant"},
        )[0]
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="courses",
        codename__in=[f"{action}_lessonteacherguide" for action in ACTIONS],
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_lesson_verified_sources"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FinalTestPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                ("intro", wagtail.fields.RichTextField(blank=True, verbose_name="présentation")),
                (
                    "pass_mark",
                    models.PositiveSmallIntegerField(
                        default=60,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="seuil de réussite (%)",
                    ),
                ),
                (
                    "quiz",
                    wagtail.fields.StreamField(
                        [("quiz", 14)],
                        block_lookup={
                            0: (
                                "wagtail.blocks.CharBlock",
                                (),
                                {"default": "Vérifie tes connaissances", "label": "Titre"},
                            ),
                            1: (
                                "wagtail.blocks.ChoiceBlock",
                                [],
                                {
                                    "choices": [
                                        ("single", "Choix unique"),
                                        ("multiple", "Choix multiple"),
                                        ("true_false", "Vrai ou faux"),
                                    ],
                                    "label": "Type de question",
                                },
                            ),
                            2: (
                                "wagtail.blocks.BooleanBlock",
                                (),
                                {
                                    "help_text": "La question met l'élève devant une situation où appliquer une règle.",
                                    "label": "Cas pratique",
                                    "required": False,
                                },
                            ),
                            3: ("wagtail.blocks.TextBlock", (), {"label": "Question"}),
                            4: (
                                "wagtail.blocks.CharBlock",
                                (),
                                {"label": "Réponse proposée", "max_length": 300},
                            ),
                            5: (
                                "wagtail.blocks.BooleanBlock",
                                (),
                                {"label": "Bonne réponse", "required": False},
                            ),
                            6: (
                                "wagtail.blocks.TextBlock",
                                (),
                                {
                                    "help_text": "Pour une mauvaise réponse : montré à l'élève qui l'a choisie.",
                                    "label": "Pourquoi cette réponse est fausse",
                                    "required": False,
                                },
                            ),
                            7: (
                                "wagtail.blocks.StructBlock",
                                [[("text", 4), ("correct", 5), ("feedback", 6)]],
                                {},
                            ),
                            8: (
                                "wagtail.blocks.ListBlock",
                                (7,),
                                {
                                    "help_text": "Laisser vide pour une question vrai ou faux.",
                                    "label": "Réponses proposées",
                                },
                            ),
                            9: (
                                "wagtail.blocks.BooleanBlock",
                                (),
                                {
                                    "help_text": "Seulement pour une question vrai ou faux.",
                                    "label": "L'affirmation est vraie",
                                    "required": False,
                                },
                            ),
                            10: (
                                "wagtail.blocks.TextBlock",
                                (),
                                {
                                    "help_text": "Seulement pour une question vrai ou faux : montré à qui se trompe.",
                                    "label": "Pourquoi l'autre réponse est fausse",
                                    "required": False,
                                },
                            ),
                            11: (
                                "wagtail.blocks.TextBlock",
                                (),
                                {"help_text": "Affichée après la réponse.", "label": "Explication"},
                            ),
                            12: (
                                "wagtail.blocks.StructBlock",
                                [
                                    [
                                        ("kind", 1),
                                        ("case", 2),
                                        ("prompt", 3),
                                        ("choices", 8),
                                        ("true_false_answer", 9),
                                        ("true_false_feedback", 10),
                                        ("explanation", 11),
                                    ]
                                ],
                                {},
                            ),
                            13: (
                                "wagtail.blocks.ListBlock",
                                (12,),
                                {"label": "Questions", "min_num": 1},
                            ),
                            14: (
                                "wagtail.blocks.StructBlock",
                                [[("title", 0), ("questions", 13)]],
                                {},
                            ),
                        },
                        verbose_name="questions",
                    ),
                ),
            ],
            options={
                "verbose_name": "test final",
                "verbose_name_plural": "tests finaux",
            },
            bases=(wagtail.contrib.routable_page.models.RoutablePageMixin, "wagtailcore.page"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("rich_text", 0),
                    ("heading", 3),
                    ("image", 4),
                    ("video", 8),
                    ("key_points", 12),
                    ("constitution_article", 16),
                    ("glossary_term", 19),
                    ("timeline", 25),
                    ("further_reading", 30),
                    ("quiz", 45),
                    ("h5p", 49),
                ],
                block_lookup={
                    0: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "ol",
                                "ul",
                                "superscript",
                                "subscript",
                            ],
                            "label": "Texte",
                            "template": "courses/blocks/rich_text.html",
                        },
                    ),
                    1: ("wagtail.blocks.CharBlock", (), {"label": "Titre", "max_length": 200}),
                    2: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("h2", "Titre de section (h2)"), ("h3", "Sous-titre (h3)")],
                            "label": "Niveau",
                        },
                    ),
                    3: ("wagtail.blocks.StructBlock", [[("text", 1), ("level", 2)]], {}),
                    4: ("wagtail.images.blocks.ImageBlock", [], {}),
                    5: (
                        "wagtail.blocks.URLBlock",
                        (),
                        {
                            "help_text": "YouTube, Dailymotion, Vimeo, Lumni ou Apps Éducation.",
                            "label": "Adresse de la vidéo",
                        },
                    ),
                    6: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Titre de la vidéo", "max_length": 200},
                    ),
                    7: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {
                            "help_text": "Obligatoire pour l'accessibilité si la vidéo contient de la parole.",
                            "label": "Transcription",
                            "required": False,
                        },
                    ),
                    8: (
                        "wagtail.blocks.StructBlock",
                        [[("url", 5), ("title", 6), ("transcript", 7)]],
                        {},
                    ),
                    9: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "À retenir", "label": "Titre", "max_length": 120},
                    ),
                    10: ("wagtail.blocks.CharBlock", (), {"max_length": 500}),
                    11: ("wagtail.blocks.ListBlock", (10,), {"label": "Points clés"}),
                    12: ("wagtail.blocks.StructBlock", [[("title", 9), ("points", 11)]], {}),
                    13: (
                        "wagtail.blocks.RegexBlock",
                        (),
                        {
                            "error_messages": {"invalid": "Exemples : 1, 49, 61-1, 88-3."},
                            "label": "Numéro de l'article",
                            "regex": "^(1er|[1-9][0-9]?(-[0-9]{1,2})?)$",
                        },
                    ),
                    14: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {"label": "Texte de l'article (ou de l'alinéa cité)"},
                    ),
                    15: (
                        "wagtail.blocks.URLBlock",
                        (),
                        {
                            "default": "https://www.legifrance.gouv.fr/loda/id/LEGITEXT000006071194",
                            "label": "Source officielle",
                            "required": False,
                        },
                    ),
                    16: (
                        "wagtail.blocks.StructBlock",
                        [[("number", 13), ("text", 14), ("source_url", 15)]],
                        {},
                    ),
                    17: ("wagtail.blocks.CharBlock", (), {"label": "Terme", "max_length": 120}),
                    18: ("wagtail.blocks.TextBlock", (), {"label": "Définition"}),
                    19: ("wagtail.blocks.StructBlock", [[("term", 17), ("definition", 18)]], {}),
                    20: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Titre", "max_length": 120, "required": False},
                    ),
                    21: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "AAAA ou AAAA-MM-JJ", "label": "Date", "max_length": 40},
                    ),
                    22: ("wagtail.blocks.TextBlock", (), {"label": "Événement"}),
                    23: ("wagtail.blocks.StructBlock", [[("date", 21), ("label", 22)]], {}),
                    24: ("wagtail.blocks.ListBlock", (23,), {"label": "Événements", "min_num": 1}),
                    25: ("wagtail.blocks.StructBlock", [[("title", 20), ("events", 24)]], {}),
                    26: ("wagtail.blocks.URLBlock", (), {"label": "Adresse"}),
                    27: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Description", "max_length": 300, "required": False},
                    ),
                    28: (
                        "wagtail.blocks.StructBlock",
                        [[("title", 1), ("url", 26), ("description", 27)]],
                        {},
                    ),
                    29: ("wagtail.blocks.ListBlock", (28,), {"label": "Liens", "min_num": 1}),
                    30: ("wagtail.blocks.StructBlock", [[("links", 29)]], {}),
                    31: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "Vérifie tes connaissances", "label": "Titre"},
                    ),
                    32: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("single", "Choix unique"),
                                ("multiple", "Choix multiple"),
                                ("true_false", "Vrai ou faux"),
                            ],
                            "label": "Type de question",
                        },
                    ),
                    33: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "help_text": "La question met l'élève devant une situation où appliquer une règle.",
                            "label": "Cas pratique",
                            "required": False,
                        },
                    ),
                    34: ("wagtail.blocks.TextBlock", (), {"label": "Question"}),
                    35: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Réponse proposée", "max_length": 300},
                    ),
                    36: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {"label": "Bonne réponse", "required": False},
                    ),
                    37: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {
                            "help_text": "Pour une mauvaise réponse : montré à l'élève qui l'a choisie.",
                            "label": "Pourquoi cette réponse est fausse",
                            "required": False,
                        },
                    ),
                    38: (
                        "wagtail.blocks.StructBlock",
                        [[("text", 35), ("correct", 36), ("feedback", 37)]],
                        {},
                    ),
                    39: (
                        "wagtail.blocks.ListBlock",
                        (38,),
                        {
                            "help_text": "Laisser vide pour une question vrai ou faux.",
                            "label": "Réponses proposées",
                        },
                    ),
                    40: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "help_text": "Seulement pour une question vrai ou faux.",
                            "label": "L'affirmation est vraie",
                            "required": False,
                        },
                    ),
                    41: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {
                            "help_text": "Seulement pour une question vrai ou faux : montré à qui se trompe.",
                            "label": "Pourquoi l'autre réponse est fausse",
                            "required": False,
                        },
                    ),
                    42: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {"help_text": "Affichée après la réponse.", "label": "Explication"},
                    ),
                    43: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("kind", 32),
                                ("case", 33),
                                ("prompt", 34),
                                ("choices", 39),
                                ("true_false_answer", 40),
                                ("true_false_feedback", 41),
                                ("explanation", 42),
                            ]
                        ],
                        {},
                    ),
                    44: ("wagtail.blocks.ListBlock", (43,), {"label": "Questions", "min_num": 1}),
                    45: ("wagtail.blocks.StructBlock", [[("title", 31), ("questions", 44)]], {}),
                    46: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("courses.H5PPackage",),
                        {"label": "Activité H5P"},
                    ),
                    47: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Par défaut, le titre de l'activité H5P.",
                            "label": "Titre",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    48: ("wagtail.blocks.TextBlock", (), {"label": "Consigne", "required": False}),
                    49: (
                        "wagtail.blocks.StructBlock",
                        [[("package", 46), ("title", 47), ("instructions", 48)]],
                        {},
                    ),
                },
                verbose_name="contenu",
            ),
        ),
        migrations.CreateModel(
            name="LessonTeacherGuide",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("levels", models.JSONField(blank=True, default=list, verbose_name="niveaux")),
                (
                    "programme",
                    models.CharField(blank=True, max_length=400, verbose_name="programme"),
                ),
                (
                    "duration_minutes",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(5),
                            django.core.validators.MaxValueValidator(600),
                        ],
                        verbose_name="durée de la séance (minutes)",
                    ),
                ),
                (
                    "objectives",
                    models.JSONField(blank=True, default=list, verbose_name="objectifs"),
                ),
                ("timing", models.JSONField(blank=True, default=list, verbose_name="déroulé")),
                (
                    "body",
                    wagtail.fields.RichTextField(verbose_name="conseils et exercices corrigés"),
                ),
                (
                    "ready_made",
                    models.JSONField(
                        blank=True, default=dict, verbose_name="question prête à lancer"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="mise à jour")),
                (
                    "lesson",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="teacher_guide",
                        to="courses.lessonpage",
                        verbose_name="leçon",
                    ),
                ),
            ],
            options={
                "verbose_name": "fiche enseignant",
                "verbose_name_plural": "fiches enseignant",
            },
        ),
        migrations.CreateModel(
            name="CourseCompletion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "score",
                    models.DecimalField(
                        decimal_places=3, max_digits=8, verbose_name="meilleur score"
                    ),
                ),
                (
                    "max_score",
                    models.DecimalField(
                        decimal_places=3, max_digits=8, verbose_name="score maximal"
                    ),
                ),
                ("completed_at", models.DateTimeField(verbose_name="réussi le")),
                ("best_at", models.DateTimeField(verbose_name="meilleur score le")),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="completions",
                        to="courses.coursepage",
                        verbose_name="cours",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="course_completions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="élève",
                    ),
                ),
            ],
            options={
                "verbose_name": "cours terminé",
                "verbose_name_plural": "cours terminés",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "course"), name="completion_unique_user_course"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("max_score__gt", 0),
                            ("score__gte", 0),
                            ("score__lte", models.F("max_score")),
                        ),
                        name="completion_score_within_max",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
