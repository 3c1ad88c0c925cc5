"""Admin registrations of the classroom_votes app: national questions, written by editors and
published through the usual workflow."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .consultations.forms import NationalQuestionAdminForm
from .models import Consultation, NationalQuestion


class NationalQuestionViewSet(SnippetViewSet):
    model = NationalQuestion
    icon = "globe"
    menu_label = _("Questions nationales")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["title", "method", "opens_at", "closes_at"]
    list_filter = ["method", "live"]
    search_fields = ["title", "context"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("context"),
            MultiFieldPanel(
                [FieldPanel("method"), FieldPanel("second_round")],
                heading=_("Mode de scrutin"),
            ),
            InlinePanel(
                "options",
                heading=_("Options ou candidats"),
                label=_("Option"),
                help_text=_(
                    "Pas d'option pour « Pour, contre ou vote blanc » ni pour l'échelle à "
                    "cinq niveaux : leurs réponses sont fixées."
                ),
                panels=[FieldPanel("label"), FieldPanel("description")],
            ),
            InlinePanel(
                "sources",
                heading=_("Les trois panneaux lus avant le vote"),
                label=_("Source"),
                panels=[
                    FieldPanel("panel"),
                    FieldPanel("title"),
                    FieldPanel("url"),
                    FieldPanel("summary"),
                ],
            ),
            MultiFieldPanel(
                [FieldPanel("opens_at"), FieldPanel("closes_at"), FieldPanel("min_ballots")],
                heading=_("Période et publication des résultats"),
            ),
        ],
        base_form_class=NationalQuestionAdminForm,
    )


register_snippet(NationalQuestionViewSet)


@hooks.register("before_delete_snippet")
def national_question_delete_refuse_if_run(request, instances):
    """Classes' votes point at the question (PROTECT): say so instead of failing."""
    used = [
        instance
        for instance in instances
        if isinstance(instance, NationalQuestion)
        and Consultation.objects.filter(national_question=instance).exists()
    ]
    if not used:
        return None
    messages.error(
        request,
        ngettext(
            "« %(title)s » a été lancée dans des classes : elle ne peut pas être supprimée "
            "(ses résultats doivent rester). Vous pouvez la dépublier.",
            "%(count)s questions ont été lancées dans des classes : elles ne peuvent pas être "
            "supprimées (leurs résultats doivent rester). Vous pouvez les dépublier.",
            len(used),
        )
        % {"title": used[0].title, "count": len(used)},
    )
    return redirect("wagtailsnippets_classroom_votes_nationalquestion:list")
