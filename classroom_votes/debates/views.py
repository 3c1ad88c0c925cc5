"""Debate pages: the list, creation and settings, the argument tree (the debate's page), the two
columns, the teacher's summary and the moderation queue, and one small view per action (post,
mark as convincing, report, withdraw, approve, reject, hide, restore, dismiss reports, block,
unblock, close, reopen, archive). Every action is a plain form POST that works without
JavaScript; a GET on an action's address shows its confirmation page (or goes back to the
debate when there is nothing to confirm).

Access, as on the consultation pages: anonymous visitors go to the login page; a debate, a post
or a pupil the user may not see is a 404; an action the user may not take on a visible debate is
a 403. The services check every rule again: their DebateError is shown in French with its HTTP
status (DebateError.status) and nothing is stored.

The tree page makes a fixed number of queries whatever the number of posts: the tree comes from
debate_tree in one query, and what each post offers (reply, mark, report, withdraw, moderate) is
worked out from the tree's nodes and from what was read once about the viewer."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from school.models import PupilProfile, User
from school.permissions import can_manage_classrooms, classrooms_managed_by, is_pupil_account
from school.views.access import signed_in, teacher_required

from ..components import component_pupil
from ..consultations.selectors import consultations_visible_to
from ..models import (
    Argument,
    ArgumentKind,
    ArgumentReport,
    ArgumentStatus,
    Debate,
    HoldReason,
    PostingBlock,
    ReportReason,
    Side,
)
from ..pages import confirm_then_act
from . import services
from .forms import (
    ArgumentForm,
    DebateCreateForm,
    DebateSettingsForm,
    ReasonForm,
    ReportForm,
)
from .permissions import (
    can_report_argument,
    can_view_debate,
    can_view_debate_summary,
    can_withdraw_argument,
)
from .reports import reporters_flagged
from .selectors import (
    DebateViewer,
    author_label,
    debate_blocks,
    debate_columns,
    debate_moderation_log,
    debate_moderation_queue,
    debate_summary,
    debate_tree,
    debate_viewer,
    debates_visible_to,
)

TREE = "classroom_votes/debates/debate_detail.html"
STATE_CONFIRM = "classroom_votes/debates/debate_state_confirm.html"
COMMENT = "comment"


# --- Lookups ----------------------------------------------------------------------------------


@dataclass
class Access:
    """The debate of the page and who is looking at it, read once."""

    debate: Debate
    viewer: DebateViewer

    @property
    def moderator(self) -> bool:
        return self.viewer.moderator

    @property
    def pupil(self) -> PupilProfile | None:
        return self.viewer.pupil


def _access(request, pk: int) -> Access:
    debate = Debate.objects.select_related("consultation", "owner").filter(pk=pk).first()
    if debate is None:
        raise Http404
    viewer = debate_viewer(debate=debate, user=request.user)
    if not viewer.moderator and viewer.pupil is None and not can_view_debate(request.user, debate):
        raise Http404
    return Access(debate=debate, viewer=viewer)


def _moderated(request, pk: int) -> Access:
    access = _access(request, pk)
    if not access.moderator:
        raise PermissionDenied
    return access


def _managed(request, pk: int) -> Debate:
    access = _access(request, pk)
    if not access.viewer.manager:
        raise PermissionDenied
    return access.debate


def _argument(access: Access, argument_pk: int, viewer) -> Argument:
    """A post of this debate that the viewer may see (moderators: any but withdrawn)."""
    argument = (
        Argument.objects.select_related("author__pupil", "parent")
        .filter(debate=access.debate, pk=argument_pk)
        .first()
    )
    if argument is None or argument.status == ArgumentStatus.WITHDRAWN:
        raise Http404
    hidden_from_viewer = argument.status != ArgumentStatus.PUBLISHED and not access.moderator
    if hidden_from_viewer and argument.author_id != viewer.pk:
        raise Http404
    argument.debate = access.debate
    return argument


def _back(request, debate: Debate, argument_id: int | None = None) -> str:
    """Where an action returns: the page it was sent from (a fixed set), else the tree."""
    where = request.POST.get("retour") or request.GET.get("retour")
    if where == "moderation":
        return reverse("classroom_votes:debate_moderation", kwargs={"pk": debate.pk})
    if where == "colonnes":
        return reverse("classroom_votes:debate_columns", kwargs={"pk": debate.pk})
    url = reverse("classroom_votes:debate_detail", kwargs={"pk": debate.pk})
    return f"{url}#argument-{argument_id}" if argument_id else url


# --- The list, creation, settings -------------------------------------------------------------


def _argument_count(condition: Q) -> Coalesce:
    counted = (
        Argument.objects.filter(condition, debate=OuterRef("pk"))
        .order_by()
        .values("debate")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


_TO_MODERATE = (
    Q(status=ArgumentStatus.PENDING)
    | Q(status=ArgumentStatus.HIDDEN, auto_hidden=True)
    | Q(
        Exists(ArgumentReport.objects.filter(argument=OuterRef("pk"), resolved_at__isnull=True)),
        status=ArgumentStatus.PUBLISHED,
    )
)


@signed_in
def debate_list(request):
    if is_pupil_account(request.user):
        debates = debates_visible_to(user=request.user).annotate(
            published=_argument_count(Q(status=ArgumentStatus.PUBLISHED))
        )
        return TemplateResponse(
            request, "classroom_votes/debates/debate_list_pupil.html", {"debates": debates}
        )
    if not can_manage_classrooms(request.user):
        raise PermissionDenied
    debates = (
        debates_visible_to(user=request.user, include_archived=True)
        .annotate(
            published=_argument_count(Q(status=ArgumentStatus.PUBLISHED)),
            to_moderate=_argument_count(_TO_MODERATE),
        )
        .prefetch_related("classrooms")
    )
    return TemplateResponse(
        request,
        "classroom_votes/debates/debate_list.html",
        {
            "debates": debates,
            "has_classrooms": classrooms_managed_by(request.user)
            .filter(archived_at__isnull=True)
            .exists(),
        },
    )


@teacher_required
def debate_create(request):
    classrooms = classrooms_managed_by(request.user).filter(archived_at__isnull=True)
    consultations = consultations_visible_to(user=request.user).order_by("-pk")
    data = request.POST if request.method == "POST" else None
    form = DebateCreateForm(data, classrooms=classrooms, consultations=consultations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                debate = services.debate_create(owner=request.user, **form.service_kwargs())
            except services.DebateError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Le débat est ouvert : les élèves de la classe peuvent argumenter."),
                )
                return redirect("classroom_votes:debate_detail", pk=debate.pk)
    return TemplateResponse(
        request,
        "classroom_votes/debates/debate_create.html",
        {"form": form, "has_classrooms": classrooms.exists()},
        status=status,
    )


@signed_in
def debate_settings_update(request, pk):
    debate = _managed(request, pk)
    initial = {name: getattr(debate, name) for name in DebateSettingsForm.SETTINGS}
    form = DebateSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.debate_settings_update(
                    debate=debate, by=request.user, **form.service_kwargs()
                )
            except services.DebateError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Les réglages du débat sont enregistrés."))
                return redirect("classroom_votes:debate_detail", pk=pk)
    return TemplateResponse(
        request,
        "classroom_votes/debates/debate_settings.html",
        {"debate": debate, "form": form},
        status=status,
    )


def _state_change(request, pk, *, service, done, title, explanation, button):
    debate = _managed(request, pk)
    act = partial(service, debate=debate, by=request.user)
    context = {"debate": debate, "title": title, "explanation": explanation, "button": button}
    return confirm_then_act(request, STATE_CONFIRM, context, act, done=done, back=debate)


@signed_in
def debate_close(request, pk):
    return _state_change(
        request,
        pk,
        service=services.debate_close,
        done=_("Le débat est clos : il reste lisible, on ne peut plus y publier."),
        title=_("Clore le débat"),
        explanation=_(
            "Les élèves pourront toujours lire le débat et signaler un message, mais plus "
            "publier ni marquer d'argument convaincant. Vous pourrez le rouvrir."
        ),
        button=_("Clore le débat"),
    )


@signed_in
def debate_reopen(request, pk):
    return _state_change(
        request,
        pk,
        service=services.debate_reopen,
        done=_("Le débat est rouvert : les élèves peuvent de nouveau publier."),
        title=_("Rouvrir le débat"),
        explanation=_("Les élèves pourront de nouveau publier et marquer des arguments."),
        button=_("Rouvrir le débat"),
    )


@signed_in
def debate_archive(request, pk):
    return _state_change(
        request,
        pk,
        service=services.debate_archive,
        done=_("Le débat est archivé : il ne change plus."),
        title=_("Archiver le débat"),
        explanation=_(
            "Le débat est clos s'il ne l'est pas et ne changera plus : on ne pourra plus le "
            "rouvrir. Vous pourrez toujours masquer un message. Les élèves ne le voient plus "
            "dans leur liste."
        ),
        button=_("Archiver définitivement"),
    )


# --- The tree ---------------------------------------------------------------------------------


def _tree_context(request, access: Access, *, form=None, error=None, draft=None) -> dict:
    """The tree with what the viewer may do on each post (debates.selectors.post_actions, as
    the API's tree says it), and `draft`: what was typed in a reply form that was refused."""
    debate = access.debate
    tree = debate_tree(debate=debate, viewer=request.user, seen_as=access.viewer)
    return {
        "debate": debate,
        # The vote it prepares or follows, when the viewer may open it (a draft, or a vote of
        # other classes, would be a 404 for them). One query, only for a linked debate.
        "consultation_shown": (
            debate.consultation
            if debate.consultation_id is not None
            and consultations_visible_to(user=request.user)
            .filter(pk=debate.consultation_id)
            .exists()
            else None
        ),
        "tree": tree,
        "moderator": access.moderator,
        "manager": access.viewer.manager,
        "pupil": access.pupil,
        "can_post": tree.can_post,
        "blocked": access.viewer.blocked,
        "blocked_message": services.DebateError(services.PUPIL_BLOCKED).message,
        "form": form or ArgumentForm(),
        "error": error,
        "draft": draft,
        "to_moderate": tree.to_moderate,
        "report_reasons": ReportReason.choices,
        "max_depth": debate.max_depth,
    }


@never_cache
@signed_in
def debate_detail(request, pk):
    access = _access(request, pk)
    return TemplateResponse(request, TREE, _tree_context(request, access))


@signed_in
def debate_columns_page(request, pk):
    access = _access(request, pk)
    context = _tree_context(request, access)
    context["columns"] = debate_columns(tree=context["tree"])
    return TemplateResponse(request, "classroom_votes/debates/debate_columns.html", context)


def _posted_message(argument: Argument, *, by_pupil: bool) -> str:
    comment = argument.kind == ArgumentKind.COMMENT
    if argument.status == ArgumentStatus.PENDING:
        if argument.hold_reason == HoldReason.PREMODERATION:
            if comment:
                return _("Ton commentaire sera visible après validation par ton professeur.")
            return _("Ton argument sera visible après validation par ton professeur.")
        return _(
            "Ton message attend la validation de ton professeur : il contient un mot ou une "
            "information qu'il doit relire avant la classe."
        )
    if not by_pupil:
        return _("Votre message est publié.")
    return _("Ton commentaire est publié.") if comment else _("Ton argument est publié.")


@never_cache
@signed_in
def debate_argument_post(request, pk):
    access = _access(request, pk)
    if request.method != "POST":
        return redirect("classroom_votes:debate_detail", pk=pk)
    form = ArgumentForm(request.POST)
    draft = None
    parent = request.POST.get("parent") or None
    if parent and parent.isdigit():
        draft = {
            "parent": int(parent),
            "position": request.POST.get("position", ""),
            "text": request.POST.get("text", ""),
        }
    if not form.is_valid():
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
        context = _tree_context(
            request, access, form=form if draft is None else None, error=error, draft=draft
        )
        return TemplateResponse(request, TREE, context, status=400)
    try:
        argument = services.argument_check_and_post(
            author=request.user, debate=access.debate, **form.service_kwargs()
        )
    except services.DebateError as error:
        context = _tree_context(
            request,
            access,
            form=form if draft is None else None,
            error=error.message,
            draft=draft,
        )
        return TemplateResponse(request, TREE, context, status=error.status)
    messages.success(request, _posted_message(argument, by_pupil=access.pupil is not None))
    return redirect(_back(request, access.debate, argument.pk))


@never_cache
@signed_in
def debate_argument_convincing(request, pk, argument_pk):
    access = _access(request, pk)
    argument = _argument(access, argument_pk, request.user)
    if request.method != "POST":
        return redirect(_back(request, access.debate, argument.pk))
    unmark = request.POST.get("action") == "unmark"
    try:
        if unmark:
            services.convincing_unmark(argument=argument, user=request.user)
        else:
            services.convincing_mark(argument=argument, user=request.user)
    except services.DebateError as error:
        context = _tree_context(request, access, error=error.message)
        return TemplateResponse(request, TREE, context, status=error.status)
    messages.success(
        request,
        _("C'est noté : tu ne trouves plus cet argument convaincant.")
        if unmark
        else _("C'est noté : tu trouves cet argument convaincant."),
    )
    return redirect(_back(request, access.debate, argument.pk))


@never_cache
@signed_in
def debate_argument_report(request, pk, argument_pk):
    access = _access(request, pk)
    argument = _argument(access, argument_pk, request.user)
    if request.method == "GET" and not can_report_argument(request.user, argument):
        return redirect(_back(request, access.debate, argument.pk))
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {
        "debate": access.debate,
        "argument": argument,
        "author": author_label(argument.author),
        "form": form,
    }
    template = "classroom_votes/debates/argument_report.html"
    if request.method != "POST":
        return TemplateResponse(request, template, context)
    if not form.is_valid():
        return TemplateResponse(request, template, context, status=400)
    try:
        services.argument_report(
            argument=argument,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except services.DebateError as error:
        context["error"] = error.message
        return TemplateResponse(request, template, context, status=error.status)
    if access.moderator and argument.status == ArgumentStatus.HIDDEN:
        messages.success(request, _("Le message est masqué ; votre signalement est au journal."))
    elif argument.status == ArgumentStatus.HIDDEN:
        messages.success(
            request,
            _(
                "Merci. Ce message a reçu plusieurs signalements : il est masqué en attendant "
                "la décision de ton professeur."
            ),
        )
    else:
        messages.success(request, _("Merci : ton signalement est transmis à ton professeur."))
    return redirect(_back(request, access.debate, argument.pk))


@never_cache
@signed_in
def debate_argument_withdraw(request, pk, argument_pk):
    access = _access(request, pk)
    argument = _argument(access, argument_pk, request.user)
    if request.method == "GET" and not can_withdraw_argument(request.user, argument):
        return redirect(_back(request, access.debate, argument.pk))
    context = {"debate": access.debate, "argument": argument}
    template = "classroom_votes/debates/argument_withdraw.html"
    if request.method != "POST":
        return TemplateResponse(request, template, context)
    try:
        services.argument_withdraw(argument=argument, by=request.user)
    except services.DebateError as error:
        context["error"] = error.message
        return TemplateResponse(request, template, context, status=error.status)
    messages.success(request, _("Ton message est retiré du débat."))
    return redirect(_back(request, access.debate))


# --- Moderation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModerationStep:
    service: object
    reason_required: bool
    title: str
    button: str
    done: str


def _moderation_steps() -> dict[str, ModerationStep]:
    return {
        "approve": ModerationStep(
            services.argument_approve,
            False,
            _("Valider le message"),
            _("Valider"),
            _("Message validé : la classe le voit."),
        ),
        "reject": ModerationStep(
            services.argument_reject,
            False,
            _("Refuser le message"),
            _("Refuser"),
            _("Message refusé : la classe ne le verra pas."),
        ),
        "hide": ModerationStep(
            services.argument_hide,
            True,
            _("Masquer le message"),
            _("Masquer"),
            _("Message masqué. La raison est gardée dans le journal de modération."),
        ),
        "restore": ModerationStep(
            services.argument_restore,
            True,
            _("Rétablir le message"),
            _("Rétablir"),
            _("Message rétabli : la classe le voit de nouveau."),
        ),
        "dismiss": ModerationStep(
            services.argument_reports_dismiss,
            False,
            _("Écarter les signalements"),
            _("Écarter les signalements"),
            _("Signalements écartés : le message reste visible."),
        ),
    }


def _moderate(request, pk, argument_pk, *, step: str):
    access = _moderated(request, pk)
    argument = _argument(access, argument_pk, request.user)
    action = _moderation_steps()[step]
    form = ReasonForm(
        request.POST if request.method == "POST" else None, required=action.reason_required
    )
    context = {
        "debate": access.debate,
        "argument": argument,
        "author": author_label(argument.author),
        "action": action,
        "step": step,
        "form": form,
        "retour": request.POST.get("retour") or request.GET.get("retour", ""),
    }
    template = "classroom_votes/debates/moderation_confirm.html"
    if request.method != "POST":
        return TemplateResponse(request, template, context)
    if not form.is_valid():
        return TemplateResponse(request, template, context, status=400)
    kwargs = {"argument": argument, "by": request.user}
    if step != "approve":
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        action.service(**kwargs)
    except services.DebateError as error:
        context["error"] = error.message
        return TemplateResponse(request, template, context, status=error.status)
    messages.success(request, action.done)
    return redirect(_back(request, access.debate, argument.pk))


@never_cache
@signed_in
def debate_argument_approve(request, pk, argument_pk):
    return _moderate(request, pk, argument_pk, step="approve")


@never_cache
@signed_in
def debate_argument_reject(request, pk, argument_pk):
    return _moderate(request, pk, argument_pk, step="reject")


@never_cache
@signed_in
def debate_argument_hide(request, pk, argument_pk):
    return _moderate(request, pk, argument_pk, step="hide")


@never_cache
@signed_in
def debate_argument_restore(request, pk, argument_pk):
    return _moderate(request, pk, argument_pk, step="restore")


@never_cache
@signed_in
def debate_argument_reports_dismiss(request, pk, argument_pk):
    return _moderate(request, pk, argument_pk, step="dismiss")


def _queue_rows(items) -> list[dict]:
    labels = dict(ReportReason.choices)
    hold_labels = dict(HoldReason.choices)
    return [
        {
            "item": item,
            "argument": item.argument,
            "author": item.author,
            "hold_reason": hold_labels.get(item.argument.hold_reason, ""),
            "reasons": [
                (labels.get(reason, reason), count)
                for reason, count in item.report_reasons.most_common()
            ],
            "notes": [report.note for report in item.open_reports if report.note],
            # A pupil's post (teachers are not blocked); the author may have been erased.
            "author_pupil_id": item.argument.author_id
            if item.argument.author_classroom_id is not None
            else None,
        }
        for item in items
    ]


@never_cache
@signed_in
def debate_moderation(request, pk):
    access = _moderated(request, pk)
    debate = access.debate
    queue = debate_moderation_queue(debate=debate)
    blocks = debate_blocks(debate=debate)
    blocked_ids = {block.pupil_id for block in blocks}
    pupils = list(
        PupilProfile.objects.filter(classroom__debates=debate)
        .select_related("classroom")
        .order_by("pseudonym", "pk")
    )
    flagged_ids = reporters_flagged(
        user_ids=[pupil.user_id for pupil in pupils], now=timezone.now()
    )
    return TemplateResponse(
        request,
        "classroom_votes/debates/debate_moderation.html",
        {
            "debate": debate,
            "manager": access.viewer.manager,
            "queue_size": len(queue),
            "pending": _queue_rows(queue.pending),
            "held": _queue_rows(queue.held),
            "auto_hidden": _queue_rows(queue.auto_hidden),
            "reported": _queue_rows(queue.reported),
            "log": [
                {
                    "event": event,
                    "actor": author_label(event.actor)
                    if event.actor_id
                    else _("Automatique (signalements)")
                    if event.action == "auto_hide"
                    else "",
                    "pupil": event.pupil.pupil.pseudonym
                    if event.pupil_id and hasattr(event.pupil, "pupil")
                    else "",
                }
                for event in debate_moderation_log(debate=debate)
            ],
            "blocks": blocks,
            "pupils": [pupil for pupil in pupils if pupil.user_id not in blocked_ids],
            "flagged_reporters": [pupil for pupil in pupils if pupil.user_id in flagged_ids],
        },
    )


def _debate_pupil_or_404(debate: Debate, user_pk: int) -> tuple[User, PupilProfile]:
    user = User.objects.filter(pk=user_pk).first()
    profile = component_pupil(user, debate) if user is not None else None
    if profile is None:
        raise Http404
    return user, profile


def _block_change(request, pk, user_pk, *, block: bool):
    access = _moderated(request, pk)
    debate = access.debate
    pupil, profile = _debate_pupil_or_404(debate, user_pk)
    form = ReasonForm(request.POST if request.method == "POST" else None, required=block)
    context = {
        "debate": debate,
        "profile": profile,
        "block": block,
        "blocked": PostingBlock.objects.filter(debate=debate, pupil=pupil).first(),
        "form": form,
    }
    template = "classroom_votes/debates/pupil_block_confirm.html"
    if request.method != "POST":
        return TemplateResponse(request, template, context)
    if not form.is_valid():
        return TemplateResponse(request, template, context, status=400)
    service = services.pupil_block if block else services.pupil_unblock
    try:
        service(debate=debate, pupil=pupil, by=request.user, reason=form.cleaned_data["reason"])
    except services.DebateError as error:
        context["error"] = error.message
        return TemplateResponse(request, template, context, status=error.status)
    if block:
        done = _("%(name)s ne peut plus publier dans ce débat (lecture toujours possible).")
    else:
        done = _("%(name)s peut de nouveau publier dans ce débat.")
    messages.success(request, done % {"name": profile.pseudonym})
    return redirect("classroom_votes:debate_moderation", pk=pk)


@never_cache
@signed_in
def debate_pupil_block(request, pk, user_pk):
    return _block_change(request, pk, user_pk, block=True)


@never_cache
@signed_in
def debate_pupil_unblock(request, pk, user_pk):
    return _block_change(request, pk, user_pk, block=False)


# --- The teacher's summary --------------------------------------------------------------------


@never_cache
@signed_in
def debate_summary_page(request, pk):
    access = _access(request, pk)
    if not can_view_debate_summary(request.user, access.debate):
        raise PermissionDenied
    summary = debate_summary(debate=access.debate)
    statuses = [
        ArgumentStatus.PUBLISHED,
        ArgumentStatus.PENDING,
        ArgumentStatus.HIDDEN,
        ArgumentStatus.REJECTED,
        ArgumentStatus.WITHDRAWN,
    ]
    labels = {Side.POUR: _("Arguments pour"), Side.CONTRE: _("Arguments contre")}
    labels[COMMENT] = _("Commentaires")
    return TemplateResponse(
        request,
        "classroom_votes/debates/debate_summary.html",
        {
            "debate": access.debate,
            "summary": summary,
            "statuses": [ArgumentStatus(status).label for status in statuses],
            "count_rows": [
                (labels[key], [summary.counts[key][status] for status in statuses])
                for key in (Side.POUR, Side.CONTRE, COMMENT)
            ],
            "totals": [summary.total(status) for status in statuses],
            "top_pour": summary.top[Side.POUR],
            "top_contre": summary.top[Side.CONTRE],
        },
    )
