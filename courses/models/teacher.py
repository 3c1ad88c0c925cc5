"""What teachers get with a lesson and pupils never see: its teacher's guide (« Fiche
enseignant ») and the ready-made consultation or debate it offers to launch in class."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField

TEACHER_GUIDE_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


class LessonTeacherGuide(models.Model):
    """One per lesson. Shown to teachers, editors and administrators only (courses.permissions.
    can_read_teacher_guide). `ready_made` is the seed's ready-made question as plain data, for
    the classroom_votes services to validate again when a teacher launches it (content.launch);
    its shape is described in content/FORMAT.md."""

    lesson = models.OneToOneField(
        "courses.LessonPage",
        verbose_name=_("leçon"),
        on_delete=models.CASCADE,
        related_name="teacher_guide",
    )
    levels = models.JSONField(_("niveaux"), default=list, blank=True)
    programme = models.CharField(_("programme"), max_length=400, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée de la séance (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    objectives = models.JSONField(_("objectifs"), default=list, blank=True)
    # [{"minutes": 10, "activity": "…"}]
    timing = models.JSONField(_("déroulé"), default=list, blank=True)
    body = RichTextField(_("conseils et exercices corrigés"), features=TEACHER_GUIDE_FEATURES)
    ready_made = models.JSONField(_("question prête à lancer"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    panels = [
        FieldPanel("lesson"),
        MultiFieldPanel(
            [
                FieldPanel("levels"),
                FieldPanel("programme"),
                FieldPanel("duration_minutes"),
                FieldPanel("objectives"),
                FieldPanel("timing"),
            ],
            heading=_("Séance"),
        ),
        FieldPanel("body"),
        FieldPanel("ready_made"),
    ]

    class Meta:
        verbose_name = _("fiche enseignant")
        verbose_name_plural = _("fiches enseignant")

    def __str__(self):
        return str(_("Fiche enseignant — %(lesson)s") % {"lesson": self.lesson.title})

    @property
    def ready_made_kind(self) -> str:
        return self.ready_made.get("kind", "") if isinstance(self.ready_made, dict) else ""
