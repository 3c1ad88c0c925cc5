"""Page types: home → course index → course → lesson."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES, LessonStreamBlock


class Level(models.TextChoices):
    TROISIEME = "3e", _("3e")
    SECONDE = "2nde", _("2nde")
    PREMIERE = "1re", _("1re")
    TERMINALE = "terminale", _("Terminale")


LEVEL_ORDER = [choice.value for choice in Level]


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_list_published

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = course_list_published(within=self)
        return context


class CourseIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("liste des cours")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_list_published

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = course_list_published(within=self)
        return context


class CoursePage(Page):
    intro = RichTextField(_("présentation"), features=RICH_TEXT_FEATURES)
    level_min = models.CharField(
        _("niveau à partir de"), max_length=16, choices=Level.choices, default=Level.TROISIEME
    )
    level_max = models.CharField(
        _("niveau jusqu'à"), max_length=16, choices=Level.choices, default=Level.TERMINALE
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("durée estimée (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(6000)]
    )
    learning_objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("Objectif"), max_length=300))],
        verbose_name=_("objectifs d'apprentissage"),
        blank=True,
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image de couverture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("level_min"), FieldPanel("level_max"), FieldPanel("estimated_minutes")],
            heading=_("Public et durée"),
        ),
        FieldPanel("learning_objectives"),
        FieldPanel("cover_image"),
        HelpPanel(_("Les leçons se créent comme pages enfants du cours, dans l'ordre voulu.")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("level_min"),
        APIField("level_max"),
        APIField("estimated_minutes"),
        APIField("learning_objectives"),
        APIField("cover_image", serializer=ImageRenditionField("fill-800x450")),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("cours")
        verbose_name_plural = _("cours")

    def clean(self):
        super().clean()
        if LEVEL_ORDER.index(self.level_min) > LEVEL_ORDER.index(self.level_max):
            raise ValidationError(
                {"level_max": _("Le niveau de fin doit suivre le niveau de début.")}
            )

    @property
    def level_label(self):
        if self.level_min == self.level_max:
            return self.get_level_min_display()
        return _("%(start)s à %(end)s") % {
            "start": self.get_level_min_display(),
            "end": self.get_level_max_display(),
        }

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_list_for_course

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = lesson_list_for_course(course=self)
        return context


class LessonPage(RoutablePageMixin, Page):
    summary = models.CharField(_("résumé"), max_length=300)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("durée estimée (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("contenu"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("summary"), APIField("estimated_minutes"), APIField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("leçon")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_navigation, quiz_attempt_summaries

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_navigation(lesson=self))
        context["quiz_summaries"] = quiz_attempt_summaries(user=request.user, lesson=self)
        if self.has_h5p:
            from ..h5p.player import h5p_player_config
            from ..selectors import h5p_states_for_lesson

            context["h5p_config"] = h5p_player_config(request=request)
            context["h5p_states"] = h5p_states_for_lesson(user=request.user, lesson=self)
        return context

    def serve(self, request, *args, **kwargs):
        if request.method == "GET" and request.user.is_authenticated:
            from ..services import lesson_progress_touch

            lesson_progress_touch(user=request.user, lesson=self)
        return super().serve(request, *args, **kwargs)

    def quiz_blocks(self):
        return {block.id: block.value for block in self.body if block.block_type == "quiz"}

    def h5p_activity_ids(self) -> list[str]:
        """Read from the stored JSON: no need to fetch the packages to know the activities."""
        return [block["id"] for block in self.body.raw_data if block["type"] == "h5p"]

    def exercise_ids(self) -> set[str]:
        """Every exercise the completion rule asks for: quizzes and H5P activities."""
        return {block["id"] for block in self.body.raw_data if block["type"] in ("quiz", "h5p")}

    @property
    def has_h5p(self) -> bool:
        return any(block["type"] == "h5p" for block in self.body.raw_data)

    @path("quiz/<str:quiz_id>/", name="quiz")
    def quiz_submit(self, request, quiz_id):
        from ..views import quiz_submit

        if request.method == "GET":
            return HttpResponseRedirect(self.url + f"#quiz-{quiz_id}")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if quiz_id not in self.quiz_blocks():
            raise Http404
        return quiz_submit(request, lesson=self, quiz_id=quiz_id)
