"""Page types: home → course index → course → lesson.

A page reads its own part of the tree (the courses below it, a course's lessons, a lesson's
neighbours). What a lesson does for the person reading it (recording the visit, their scores,
answering a quiz) is in courses.views.lesson, reached through the lesson's sub-URLs: a model
imports no selector, service or view."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.urls import include, path
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES, LessonSourceBlock, LessonStreamBlock, QuizBlock
from ..h5p.player import h5p_player_config


class Level(models.TextChoices):
    TROISIEME = "3e", _("3e")
    SECONDE = "2nde", _("2nde")
    PREMIERE = "1re", _("1re")
    TERMINALE = "terminale", _("Terminale")


LEVEL_ORDER = [choice.value for choice in Level]


class CoursesPageQuerySet(PageQuerySet):
    """Wagtail's page queries, with `public()` (and `not_public()`) in the query itself: Wagtail
    first loads every view restriction of the site, one more query on each lesson page, xAPI
    post and player request. The same rule: a page is private when it, or one of its
    ancestors, carries a restriction (its path starts with the restricted page's path)."""

    def private_q(self):
        restricted = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        return Q(Exists(restricted))


CoursesPageManager = PageManager.from_queryset(CoursesPageQuerySet)


def _own_route(page_class) -> bool:
    """Whether a page class routes its URLs itself, beyond Wagtail's slug by slug descent
    (a RoutablePage's sub-URLs are answered by _resolves_subpage)."""
    return page_class.route not in (Page.route, RoutablePageMixin.route)


def _resolves_subpage(page, page_class, components) -> bool:
    if not (issubclass(page_class, RoutablePageMixin) and page.live):
        return False
    try:
        page_class.get_resolver().resolve("/" + "".join(f"{c}/" for c in components))
    except Http404:
        return False
    return True


class PathRoutingMixin:
    """Routes a URL below the site root in one query: Wagtail's `Page.route` takes two queries a
    level (the child by its slug, then its specific page), 6 of a lesson page's 13.

    The same answer as Wagtail's descent: every page on the URL's path is fetched at once by its
    `url_path` (the slugs from the site root); the walk then stops, as Wagtail's does, at the
    first live RoutablePage whose sub-URLs match the rest, or at the last component, and hands
    that page (specific) to its own `route`, which checks it is live. A missing slug is a 404;
    a page type with a `route` of its own gets the rest of the path as Wagtail would give it."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        url_paths = [
            self.url_path + "".join(f"{c}/" for c in path_components[: i + 1])
            for i in range(len(path_components))
        ]
        found = {
            page.url_path: page
            for page in Page.objects.filter(
                url_path__in=url_paths, path__startswith=self.path, depth__gt=self.depth
            )
        }
        parent = self
        for depth, url_path in enumerate(url_paths):
            page = found.get(url_path)
            if page is None or page.depth != self.depth + depth + 1:
                raise Http404
            page._cached_parent_obj = parent
            page_class = page.specific_class or Page
            rest = path_components[depth + 1 :]
            if not rest or _own_route(page_class) or _resolves_subpage(page, page_class, rest):
                specific = page.specific
                specific._cached_parent_obj = parent
                return specific.route(request, rest)
            parent = page
        raise Http404  # unreachable: the last component always returns


class OneQueryViewRestrictionsMixin:
    """`get_view_restrictions` in one query: Wagtail's takes two (the ancestors, then their
    restrictions) on every page served. The same rule: the restrictions of the page and of its
    ancestors, an alias answering to its source page's restrictions instead of its own."""

    def get_view_restrictions(self):
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()


class HomePage(PathRoutingMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.published_within(self)
        index = CourseIndexPage.objects.child_of(self).live().first()
        context["course_index_url"] = index.url if index else ""
        # Whom « Aller à mon espace » speaks to: a pupil (tu) or an adult (vous).
        context["reader_is_pupil"] = bool(getattr(request.user, "is_pupil", False))
        return context


class CourseIndexPage(OneQueryViewRestrictionsMixin, Page):
    objects = CoursesPageManager()

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("liste des cours")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.published_within(self)
        return context


class CoursePage(OneQueryViewRestrictionsMixin, Page):
    objects = CoursesPageManager()

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
    subpage_types = ["courses.LessonPage", "courses.FinalTestPage"]

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

    @classmethod
    def published_within(cls, page: Page):
        """The published courses below a page, in tree order, with their cover image."""
        return (
            cls.objects.live()
            .public()
            .descendant_of(page)
            .select_related("cover_image")
            .order_by("path")
        )

    def lessons(self):
        """The course's published lessons, in tree order."""
        return LessonPage.objects.live().public().child_of(self).order_by("path")

    def final_test(self):
        """The course's published final test, if it has one."""
        return FinalTestPage.objects.live().public().child_of(self).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons()
        context["final_test"] = self.final_test()
        user = getattr(request, "user", None)
        context["completion"] = (
            self.completions.filter(user=user).first()
            if context["final_test"] and user is not None and user.is_authenticated
            else None
        )
        return context


class LessonPage(OneQueryViewRestrictionsMixin, RoutablePageMixin, Page):
    objects = CoursesPageManager()

    summary = models.CharField(_("résumé"), max_length=300)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("durée estimée (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("contenu"))
    verified = models.DateField(
        _("vérifiée le"),
        null=True,
        blank=True,
        help_text=_("Date de la dernière vérification de la leçon d'après ses sources."),
    )
    sources = StreamField(
        [("source", LessonSourceBlock())],
        verbose_name=_("sources officielles"),
        blank=True,
        default=list,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("verified"), FieldPanel("sources")], heading=_("Vérification et sources")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("estimated_minutes"),
        APIField("body"),
        APIField("verified"),
        APIField("sources"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("leçon")

    @classmethod
    def get_subpage_urls(cls):
        # The learner's side of a lesson (reading it, answering one of its quizzes) is a
        # URLconf of views, named by its dotted path as Django names every URLconf.
        return (path("", include("courses.urls_lesson")),)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.navigation())
        if self.has_h5p:
            context["h5p_config"] = h5p_player_config(request=request)
        return context

    def navigation(self) -> dict:
        """The lesson's course, its position, its neighbours and, after the last lesson, the
        course's final test, in two queries: the lessons and the final test come in one."""
        course = self.get_parent().specific_deferred
        lesson_type = ContentType.objects.get_for_model(LessonPage)
        pages = list(
            CoursesPageQuerySet(Page)
            .live()
            .public()
            .sibling_of(self)
            .type(LessonPage, FinalTestPage)
            .order_by("path")
            .only("id", "title", "slug", "url_path", "path", "depth", "content_type")
        )
        siblings = [page for page in pages if page.content_type_id == lesson_type.pk]
        final_test = next((page for page in pages if page.content_type_id != lesson_type.pk), None)
        position = next((i for i, page in enumerate(siblings) if page.pk == self.pk), 0)
        is_last = position + 1 >= len(siblings)
        return {
            "course": course,
            "lesson_position": position + 1,
            "lesson_count": len(siblings),
            "previous_lesson": siblings[position - 1] if position > 0 else None,
            "next_lesson": siblings[position + 1] if not is_last else None,
            "final_test": final_test if is_last else None,
        }

    @property
    def verified_display(self) -> str:
        """« 7 décembre 2026 », « 1er décembre 2026 »."""
        if self.verified is None:
            return ""
        day = _("1er") if self.verified.day == 1 else str(self.verified.day)
        return f"{day} {date_format(self.verified, 'F Y')}"

    def body_sections(self) -> tuple:
        """(« L'essentiel » block or None, the blocks under « Pour aller plus loin »)."""
        blocks_ = list(self.body)
        if blocks_ and blocks_[0].block_type == "essentials":
            return blocks_[0], blocks_[1:]
        return None, blocks_

    def quiz_blocks(self):
        return {block.id: block.value for block in self.body if block.block_type == "quiz"}

    def h5p_package_ids(self) -> dict[str, int | None]:
        """Activity id → its package's id, read from the stored JSON (no query)."""
        return {
            block["id"]: block["value"].get("package")
            for block in self.body.raw_data
            if block["type"] == "h5p"
        }

    def h5p_activity_ids(self) -> list[str]:
        """Read from the stored JSON: no need to fetch the packages to know the activities."""
        return list(self.h5p_package_ids())

    def exercise_ids(self) -> set[str]:
        """Every exercise the completion rule asks for: quizzes and H5P activities."""
        return {block["id"] for block in self.body.raw_data if block["type"] in ("quiz", "h5p")}

    @property
    def has_h5p(self) -> bool:
        return any(block["type"] == "h5p" for block in self.body.raw_data)


class FinalTestPage(OneQueryViewRestrictionsMixin, RoutablePageMixin, Page):
    """A course's final test: one quiz, taken at the end of the course. A pupil whose score
    reaches the pass mark has completed the course (CourseCompletion, courses.services)."""

    intro = RichTextField(_("présentation"), blank=True, features=RICH_TEXT_FEATURES)
    pass_mark = models.PositiveSmallIntegerField(
        _("seuil de réussite (%)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    quiz = StreamField(
        [("quiz", QuizBlock())],
        verbose_name=_("questions"),
        min_num=1,
        max_num=1,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("pass_mark"),
        FieldPanel("quiz"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("test final")
        verbose_name_plural = _("tests finaux")

    @classmethod
    def get_subpage_urls(cls):
        return (path("", include("courses.urls_final_test")),)

    def quiz_blocks(self):
        return {block.id: block.value for block in self.quiz if block.block_type == "quiz"}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.get_parent().specific_deferred
        return context
