"""StreamField blocks of a lesson body. Each block renders with its own template under
templates/courses/blocks/."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]

# Click-to-load players only: nothing is requested from these hosts until the pupil asks.
VIDEO_HOSTS = {
    "www.youtube-nocookie.com": "YouTube",
    "www.youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "www.dailymotion.com": "Dailymotion",
    "vimeo.com": "Vimeo",
    "player.vimeo.com": "Vimeo",
    "www.lumni.fr": "Lumni",
    "tube-education-physique.beta.education.fr": "PeerTube",
    "apps.education.fr": "Apps Education",
}

CONSTITUTION_ARTICLE_URL = "https://www.legifrance.gouv.fr/loda/id/LEGITEXT000006071194"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Titre"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("h2", _("Titre de section (h2)")), ("h3", _("Sous-titre (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Intertitre")
        template = "courses/blocks/heading.html"


class LessonImageBlock(ImageBlock):
    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(
        label=_("Adresse de la vidéo"),
        help_text=_("YouTube, Dailymotion, Vimeo, Lumni ou Apps Éducation."),
    )
    title = blocks.CharBlock(label=_("Titre de la vidéo"), max_length=200)
    transcript = blocks.TextBlock(
        label=_("Transcription"),
        required=False,
        help_text=_("Obligatoire pour l'accessibilité si la vidéo contient de la parole."),
    )
    credit = blocks.CharBlock(label=_("Crédit"), max_length=200, required=False)

    class Meta:
        icon = "media"
        label = _("Vidéo")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        host = urlsplit(value["url"]).hostname or ""
        if host not in VIDEO_HOSTS:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ErrorList(
                        [ValidationError(_("Cet hébergeur de vidéos n'est pas accepté."))]
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["provider"] = VIDEO_HOSTS.get(urlsplit(value["url"]).hostname or "", "")
        return context


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), default=_("À retenir"), max_length=120)
    points = blocks.ListBlock(blocks.CharBlock(max_length=500), label=_("Points clés"))

    class Meta:
        icon = "list-ul"
        label = _("Points clés")
        template = "courses/blocks/key_points.html"


# The official page of each text of the « bloc de constitutionnalité » (Conseil constitutionnel).
ARTICLE_SOURCES = {
    "constitution": (
        _("Constitution du 4 octobre 1958"),
        "https://www.conseil-constitutionnel.fr/le-bloc-de-constitutionnalite/"
        "texte-integral-de-la-constitution-du-4-octobre-1958-en-vigueur",
    ),
    "ddhc": (
        _("Déclaration des droits de l'homme et du citoyen de 1789"),
        "https://www.conseil-constitutionnel.fr/le-bloc-de-constitutionnalite/"
        "declaration-des-droits-de-l-homme-et-du-citoyen-de-1789",
    ),
    "preambule-1946": (
        _("Préambule de la Constitution du 27 octobre 1946"),
        "https://www.conseil-constitutionnel.fr/le-bloc-de-constitutionnalite/"
        "preambule-de-la-constitution-du-27-octobre-1946",
    ),
    "charte-environnement": (
        _("Charte de l'environnement de 2004"),
        "https://www.conseil-constitutionnel.fr/le-bloc-de-constitutionnalite/"
        "charte-de-l-environnement-de-2004",
    ),
}


def alinea_numbers(value: str) -> list[int]:
    return [int(part) for part in value.replace(" ", "").split(",") if part]


def article_label(*, number: str, alinea: str = "") -> str:
    """« Article 49, alinéa 3 », « Article 1er », « Article 26, alinéas 1 à 3 », « alinéa 5 »
    (the Préambule of 1946, whose alinéas are not in articles)."""
    numbers = alinea_numbers(alinea)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        alineas = _("alinéas %(first)s à %(last)s") % {"first": numbers[0], "last": numbers[-1]}
    elif len(numbers) > 1:
        alineas = _("alinéas %(list)s et %(last)s") % {
            "list": ", ".join(str(n) for n in numbers[:-1]),
            "last": numbers[-1],
        }
    elif numbers:
        alineas = _("alinéa %(number)s") % {"number": numbers[0]}
    else:
        alineas = ""
    if number.lower() in ("preambule", "préambule"):
        return alineas[:1].upper() + alineas[1:] if alineas else _("Préambule")
    article = _("Article 1er") if number in ("1", "1er") else _("Article %(n)s") % {"n": number}
    return f"{article}, {alineas}" if alineas else article


class ConstitutionArticleBlock(blocks.StructBlock):
    """A quoted article (or alinéas) of one text of the « bloc de constitutionnalité ». Pages
    stored before `source` and `alinea` existed read as the Constitution, whole article."""

    source = blocks.ChoiceBlock(
        label=_("Texte"),
        choices=[(key, label) for key, (label, _url) in ARTICLE_SOURCES.items()],
        default="constitution",
    )
    number = blocks.RegexBlock(
        label=_("Numéro de l'article"),
        regex=r"^(1er|[1-9][0-9]?(-[0-9]{1,2})?|preambule)$",
        error_messages={"invalid": _("Exemples : 1, 49, 61-1, 88-3 ; « preambule » pour 1946.")},
    )
    alinea = blocks.RegexBlock(
        label=_("Alinéa(s) cité(s)"),
        regex=r"^\s*[1-9][0-9]?(\s*,\s*[1-9][0-9]?)*\s*$",
        required=False,
        error_messages={"invalid": _("Un numéro (3) ou une liste (1, 2, 3).")},
        help_text=_("Vide : l'article entier."),
    )
    text = blocks.TextBlock(label=_("Texte de l'article (ou de l'alinéa cité)"))
    source_url = blocks.URLBlock(
        label=_("Source officielle"),
        required=False,
        help_text=_("Vide : la page officielle du texte."),
    )

    class Meta:
        icon = "openquote"
        label = _("Article de la Constitution")
        template = "courses/blocks/constitution_article.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        title, official = ARTICLE_SOURCES.get(value.get("source") or "constitution")
        number = value["number"]
        context["text_title"] = title
        context["label"] = article_label(number=number, alinea=value.get("alinea") or "")
        # The generic Légifrance address older pages stored says less than the official page.
        url = value.get("source_url") or ""
        context["official_url"] = official if url in ("", CONSTITUTION_ARTICLE_URL) else url
        return context


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Terme"), max_length=120)
    definition = blocks.TextBlock(label=_("Définition"))

    class Meta:
        icon = "help"
        label = _("Terme du glossaire")
        template = "courses/blocks/glossary_term.html"


class TimelineEventBlock(blocks.StructBlock):
    date = blocks.CharBlock(label=_("Date"), max_length=40, help_text=_("AAAA ou AAAA-MM-JJ"))
    label = blocks.TextBlock(label=_("Événement"))


class TimelineBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=120)
    events = blocks.ListBlock(TimelineEventBlock(), label=_("Événements"), min_num=1)

    class Meta:
        icon = "date"
        label = _("Frise chronologique")
        template = "courses/blocks/timeline.html"


class FurtherReadingLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), max_length=200)
    url = blocks.URLBlock(label=_("Adresse"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=300)


class FurtherReadingBlock(blocks.StructBlock):
    links = blocks.ListBlock(FurtherReadingLinkBlock(), label=_("Liens"), min_num=1)

    class Meta:
        icon = "link"
        label = _("Pour aller plus loin")
        template = "courses/blocks/further_reading.html"


class QuizChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Réponse proposée"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Bonne réponse"), required=False)
    feedback = blocks.TextBlock(
        label=_("Pourquoi cette réponse est fausse"),
        required=False,
        help_text=_("Pour une mauvaise réponse : montré à l'élève qui l'a choisie."),
    )


class QuizQuestionBlock(blocks.StructBlock):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"

    kind = blocks.ChoiceBlock(
        label=_("Type de question"),
        choices=[
            (SINGLE, _("Choix unique")),
            (MULTIPLE, _("Choix multiple")),
            (TRUE_FALSE, _("Vrai ou faux")),
        ],
        default=SINGLE,
    )
    case = blocks.BooleanBlock(
        label=_("Cas pratique"),
        required=False,
        help_text=_("La question met l'élève devant une situation où appliquer une règle."),
    )
    prompt = blocks.TextBlock(label=_("Question"))
    choices = blocks.ListBlock(
        QuizChoiceBlock(),
        label=_("Réponses proposées"),
        help_text=_("Laisser vide pour une question vrai ou faux."),
    )
    true_false_answer = blocks.BooleanBlock(
        label=_("L'affirmation est vraie"),
        required=False,
        help_text=_("Seulement pour une question vrai ou faux."),
    )
    true_false_feedback = blocks.TextBlock(
        label=_("Pourquoi l'autre réponse est fausse"),
        required=False,
        help_text=_("Seulement pour une question vrai ou faux : montré à qui se trompe."),
    )
    explanation = blocks.TextBlock(
        label=_("Explication"), help_text=_("Affichée après la réponse.")
    )

    def clean(self, value):
        value = super().clean(value)
        kind, choices = value["kind"], value["choices"]
        correct = sum(1 for choice in choices if choice["correct"])
        message = None
        if kind == self.TRUE_FALSE and choices:
            message = _("Une question vrai ou faux n'a pas de réponses proposées.")
        elif kind != self.TRUE_FALSE and len(choices) < 2:
            message = _("Proposez au moins deux réponses.")
        elif kind == self.SINGLE and correct != 1:
            message = _("Une question à choix unique a exactement une bonne réponse.")
        elif kind == self.MULTIPLE and correct < 1:
            message = _("Une question à choix multiple a au moins une bonne réponse.")
        if message:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ErrorList([ValidationError(message)])}
            )
        return value

    def get_api_representation(self, value, context=None):
        # The API never reveals the answers: clients grade through the quiz endpoint.
        return {
            "kind": value["kind"],
            "case": bool(value.get("case")),
            "prompt": value["prompt"],
            "choices": [
                {"id": choice.id, "text": choice.value["text"]}
                for choice in value["choices"].bound_blocks
            ],
        }


class QuizBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), default=_("Vérifie tes connaissances"))
    questions = blocks.ListBlock(QuizQuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"

    def get_context(self, value, parent_context=None):
        from .grading import quiz_public_questions
        from .ordering import ORDER_FIELD, quiz_order_token

        context = super().get_context(value, parent_context)
        # The reader's order for this attempt (courses.ordering), signed into the form.
        seed = (context.get("quiz_seeds") or {}).get(context.get("id"), "")
        context["questions"] = quiz_public_questions(value, seed=seed)
        page = context.get("page")
        if page is not None and context.get("id"):
            context["order_field"] = ORDER_FIELD
            context["order_token"] = quiz_order_token(
                page_id=page.pk, quiz_id=context["id"], seed=seed
            )
        summaries = context.get("quiz_summaries") or {}
        context["summary"] = summaries.get(context.get("id"))
        return context

    def get_api_representation(self, value, context=None):
        question_block = self.child_blocks["questions"].child_block
        return {
            "title": value["title"],
            "questions": [
                {"id": item.id, **question_block.get_api_representation(item.value, context)}
                for item in value["questions"].bound_blocks
            ],
        }


class H5PBlock(blocks.StructBlock):
    """An H5P activity played by h5p-standalone in a sandboxed frame. Its block id names the
    activity: the xAPI object IRI, the pupil's saved state and the attempts all hang on it."""

    package = SnippetChooserBlock("courses.H5PPackage", label=_("Activité H5P"))
    title = blocks.CharBlock(
        label=_("Titre"),
        max_length=200,
        required=False,
        help_text=_("Par défaut, le titre de l'activité H5P."),
    )
    instructions = blocks.TextBlock(label=_("Consigne"), required=False)

    class Meta:
        icon = "pick"
        label = _("Activité H5P")
        template = "courses/blocks/h5p.html"

    def clean(self, value):
        """Only a package that plays may be put in a lesson: not one refused, nor one whose
        first check is not over (a READY package being replaced is fine: its live version
        plays). The chooser offers only those; this also covers a crafted form."""
        value = super().clean(value)
        package = value["package"]
        if package is not None and not package.is_ready:
            if package.status == package.Status.FAILED:
                message = _(
                    "L'activité H5P « %(title)s » a été refusée : %(reason)s Choisissez une "
                    "activité prête ou déposez un fichier corrigé."
                ) % {"title": package.title, "reason": package.error}
            else:
                message = _(
                    "L'activité H5P « %(title)s » est en cours de vérification : attendez "
                    "qu'elle soit prête pour l'ajouter à une leçon."
                ) % {"title": package.title}
            raise blocks.StructBlockValidationError(
                block_errors={"package": ErrorList([ValidationError(message)])}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page, request, block_id = context.get("page"), context.get("request"), context.get("id")
        package = value["package"]
        context["title"] = value["title"] or (package.title if package else "")
        summaries = context.get("quiz_summaries") or {}
        context["summary"] = summaries.get(block_id)
        if package is not None and package.is_ready and page is not None and block_id:
            activity = reverse("courses:h5p_activity", args=[page.pk, block_id])
            h5p_json = reverse("courses:h5p_file", args=[package.content_key, "h5p.json"])
            context["player"] = {
                # The activity plays in a sandboxed frame (courses.views.h5p.h5p_player).
                "frame_url": reverse("courses:h5p_player", args=[page.pk, block_id]),
                "content_key": package.content_key,
                "h5p_json_path": h5p_json.removesuffix("/h5p.json"),
                "xapi_iri": request.build_absolute_uri(activity) if request else activity,
                # Placeholders that H5P core fills in (content-user-data protocol).
                "state_url": reverse(
                    "courses:h5p_state", args=[page.pk, block_id, ":dataType", ":subContentId"]
                ),
                "previous_state": (context.get("h5p_states") or {}).get(block_id, ""),
            }
        return context

    def get_api_representation(self, value, context=None):
        package = value["package"]
        return {
            "title": value["title"] or (package.title if package else ""),
            "instructions": value["instructions"],
            "package": package.pk if package else None,
            "main_library": package.main_library if package else "",
        }


class LessonSourceBlock(blocks.StructBlock):
    """An official source a lesson relies on, listed at its end."""

    title = blocks.CharBlock(label=_("Titre"), max_length=300)
    url = blocks.URLBlock(label=_("Adresse"))

    class Meta:
        icon = "link"
        label = _("Source")


class EssentialsBlock(blocks.StructBlock):
    """« L'essentiel »: the lesson in 400 to 500 words for a 3e pupil, at the top of the page;
    everything after it is « Pour aller plus loin » (courses/lesson_page.html)."""

    text = blocks.RichTextBlock(label=_("Texte"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "pick"
        label = _("L'essentiel")
        template = "courses/blocks/essentials.html"


class DiagramBlock(blocks.StructBlock):
    """A diagram or picture shown as an <img>, with its text alternative, its credit and, for
    a complex diagram, a long description under a <details>."""

    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(label=_("Texte alternatif"), max_length=300)
    description = blocks.RichTextBlock(
        label=_("Description détaillée"),
        features=RICH_TEXT_FEATURES,
        required=False,
        help_text=_("Pour un schéma complexe : ce qu'il montre, en texte."),
    )
    credit = blocks.CharBlock(label=_("Crédit"), max_length=200)
    caption = blocks.CharBlock(label=_("Légende"), max_length=300, required=False)

    class Meta:
        icon = "image"
        label = _("Schéma ou illustration")
        template = "courses/blocks/diagram.html"


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("Texte"), features=RICH_TEXT_FEATURES, template="courses/blocks/rich_text.html"
    )
    essentials = EssentialsBlock()
    heading = HeadingBlock()
    image = LessonImageBlock()
    diagram = DiagramBlock()
    video = VideoBlock()
    key_points = KeyPointsBlock()
    constitution_article = ConstitutionArticleBlock()
    glossary_term = GlossaryTermBlock()
    timeline = TimelineBlock()
    further_reading = FurtherReadingBlock()
    quiz = QuizBlock()
    h5p = H5PBlock()
