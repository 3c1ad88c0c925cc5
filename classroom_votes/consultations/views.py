"""Consultation pages: the pupil's (panels, ballot with a confirmation step, « a voté »,
results) and the teacher's (list, creation, launching a national question, live participation,
opening and closing, results, procès-verbal, CSV). Every form works without JavaScript; htmx
only refreshes the participation count.

Access: anonymous visitors go to the login page; a consultation the user may not see is a 404
(its existence is not revealed); an action the user may not take on a visible one is a 403.
The ballot's content never reaches a log, a message or a URL: it travels in POST bodies only,
and the confirmation step re-sends it as hidden fields."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from school.models import Classroom
from school.permissions import (
    can_manage_classrooms,
    can_view_classroom,
    classrooms_managed_by,
    is_pupil_account,
)
from school.spreadsheets import csv_response, csv_text
from school.views.access import signed_in, teacher_required

from .. import tallies
from ..elections.selectors import election_comparison
from ..models import ConsultationClassroom, ConsultationStatus, Election, Participation
from ..models.consultations import sources_by_panel
from ..national.display import comparison_view
from ..national.selectors import national_comparison
from ..pages import confirm_then_act
from . import services
from .forms import ConsultationCreateForm, MethodChoiceForm, NationalLaunchForm, VoteForm
from .permissions import (
    can_create_second_round,
    can_manage_consultation,
    can_view_consultation,
    can_view_participation,
    can_view_results,
    can_vote,
)
from .related import related_links
from .selectors import (
    RESULTS_MESSAGES,
    consultation_for_page,
    consultation_participation,
    consultation_pv,
    consultation_results,
    consultation_rounds,
    consultations_for_manager,
    consultations_for_pupil,
    national_questions_runnable,
    voters_hidden_while_open,
)

PARTICIPATION_REFRESH_SECONDS = 5


def _visible_or_404(request, pk: int):
    consultation = consultation_for_page(pk=pk)
    if consultation is None or not can_view_consultation(request.user, consultation):
        raise Http404
    return consultation


def _managed(request, pk: int):
    consultation = _visible_or_404(request, pk)
    if not can_manage_consultation(request.user, consultation):
        raise PermissionDenied
    return consultation


# --- Lists and creation -----------------------------------------------------------------------


@signed_in
def consultation_list(request):
    now = timezone.now()
    if is_pupil_account(request.user):
        rows = consultations_for_pupil(user=request.user, now=now)
        return TemplateResponse(
            request, "classroom_votes/consultations/consultation_list_pupil.html", {"rows": rows}
        )
    if not can_manage_classrooms(request.user):
        raise PermissionDenied
    classrooms = list(classrooms_managed_by(request.user).filter(archived_at__isnull=True))
    return TemplateResponse(
        request,
        "classroom_votes/consultations/consultation_list.html",
        {
            "consultations": consultations_for_manager(user=request.user),
            "national_questions": [
                (question, NationalLaunchForm(classrooms=classrooms, prefix=f"nq{question.pk}"))
                for question in national_questions_runnable(now=now)
            ],
            "elections": [
                (election, NationalLaunchForm(classrooms=classrooms, prefix=f"el{election.pk}"))
                for election in Election.objects.all()
            ],
            "has_classrooms": bool(classrooms),
        },
    )


@teacher_required
def consultation_create(request):
    """Two steps, each working without JavaScript. First the method (a GET form, so that
    `?method=` leads straight to the second step); then only that method's fields, posted with
    the method in a hidden field, checked again. « Ajouter une source » posts the form back with
    one more empty source block and no error shown yet; with JavaScript it adds the block in
    place (static/js/consultation-sources.js)."""
    classrooms = classrooms_managed_by(request.user).filter(archived_at__isnull=True)
    has_classrooms = classrooms.exists()
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("method")
    bound = chosen is not None or request.method == "POST"
    step = MethodChoiceForm({"method": chosen or ""} if bound else None)
    if not has_classrooms or not step.is_valid():
        if not step.is_bound:
            step = MethodChoiceForm(initial={"method": request.GET.get("changer")})
        return TemplateResponse(
            request,
            "classroom_votes/consultations/consultation_create.html",
            {"step": 1, "form": step, "has_classrooms": has_classrooms},
            status=400 if step.is_bound and step.errors else 200,
        )
    method = step.cleaned_data["method"]
    if request.method != "POST":
        form = ConsultationCreateForm(classrooms=classrooms, method=method)
    else:
        form = ConsultationCreateForm(request.POST, classrooms=classrooms, method=method)
        if "ajouter_source" in request.POST:
            form = form.with_one_more_source()
        elif form.is_valid():
            try:
                consultation = services.consultation_create(
                    owner=request.user, **form.service_kwargs()
                )
            except services.ConsultationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "La consultation est créée. Relisez-la, puis ouvrez le vote quand la "
                        "classe est prête."
                    ),
                )
                return redirect("classroom_votes:consultation_detail", pk=consultation.pk)
    return TemplateResponse(
        request,
        "classroom_votes/consultations/consultation_create.html",
        {
            "step": 2,
            "form": form,
            "method_label": tallies.VotingMethod(method).label,
            "has_classrooms": has_classrooms,
            "sources_max": services.SOURCES_MAX,
        },
    )


@teacher_required
def national_question_launch(request, pk):
    """Run a national question in class: on the list, pick the class (preselected when there is
    only one) and press the button."""
    now = timezone.now()
    question = get_object_or_404(national_questions_runnable(now=now), pk=pk)
    classrooms = list(classrooms_managed_by(request.user).filter(archived_at__isnull=True))
    data = request.POST if request.method == "POST" else None
    form = NationalLaunchForm(data, classrooms=classrooms, prefix=f"nq{pk}")
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create_from_national(
                owner=request.user,
                national_question=question,
                classrooms=form.cleaned_data["classrooms"],
            )
        except services.ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Le vote est ouvert : vos élèves peuvent voter."))
            return redirect("classroom_votes:consultation_detail", pk=consultation.pk)
    return TemplateResponse(
        request,
        "classroom_votes/consultations/national_question_launch.html",
        {"question": question, "form": form, "panels": sources_by_panel(question)},
        status=400 if form.is_bound else 200,
    )


# --- One consultation -------------------------------------------------------------------------


def _detail_response(request, consultation, *, form=None, error=None, status=200):
    manager = can_manage_consultation(request.user, consultation)
    context = {
        "consultation": consultation,
        "panels": sources_by_panel(consultation),
        "manager": manager,
        "error": error,
        "status_choices": ConsultationStatus,
        "related": related_links(user=request.user, consultation=consultation),
        **_rounds_context(request, consultation),
    }
    if manager:
        context.update(_participation_context(consultation))
    else:
        votable = can_vote(request.user, consultation)
        context.update(
            {
                "form": form or (VoteForm(consultation=consultation) if votable else None),
                "voted": Participation.objects.filter(
                    consultation=consultation, user_id=request.user.pk
                ).exists(),
                "phase": consultation.phase(now=timezone.now()),
            }
        )
    return TemplateResponse(
        request, "classroom_votes/consultations/consultation_detail.html", context, status=status
    )


@signed_in
def consultation_detail(request, pk):
    return _detail_response(request, _visible_or_404(request, pk))


@never_cache
@signed_in
def consultation_vote(request, pk):
    """Two steps, both POST: the filled ballot comes back as a summary to confirm (its answers
    in hidden fields), then the confirmed ballot is cast."""
    consultation = _visible_or_404(request, pk)
    if request.method != "POST":
        return redirect("classroom_votes:consultation_detail", pk=pk)
    if not is_pupil_account(request.user):
        raise PermissionDenied
    form = VoteForm(request.POST, consultation=consultation)
    if not form.is_valid() or "edit" in request.POST:
        return _detail_response(
            request, consultation, form=form, status=200 if "edit" in request.POST else 400
        )
    if "confirm" not in request.POST:
        if not can_vote(request.user, consultation):
            return redirect("classroom_votes:consultation_detail", pk=pk)
        return TemplateResponse(
            request,
            "classroom_votes/consultations/consultation_vote_confirm.html",
            {
                "consultation": consultation,
                "summary": form.summary(),
                "hidden_values": [
                    (form.add_prefix(name), request.POST.getlist(form.add_prefix(name)))
                    for name in form.fields
                ],
            },
        )
    try:
        services.ballot_check_and_cast(
            user=request.user, consultation_id=consultation.pk, content=form.content()
        )
    except services.BallotError as error:
        return _detail_response(request, consultation, error=error.message, status=error.status)
    return redirect("classroom_votes:consultation_voted", pk=pk)


@signed_in
def consultation_voted(request, pk):
    consultation = _visible_or_404(request, pk)
    participation = Participation.objects.filter(
        consultation=consultation, user_id=request.user.pk
    ).first()
    if participation is None:
        return redirect("classroom_votes:consultation_detail", pk=pk)
    return TemplateResponse(
        request,
        "classroom_votes/consultations/consultation_voted.html",
        {
            "consultation": consultation,
            "voted_on": participation.voted_on,
            "results": consultation_results(consultation=consultation),
            "related": related_links(user=request.user, consultation=consultation),
        },
    )


def _participation_context(consultation):
    classes = consultation_participation(consultation=consultation)
    return {
        "participation": classes,
        "votants": sum(row.votants for row in classes),
        "inscrits": sum(row.inscrits for row in classes),
        "live": consultation.status == ConsultationStatus.OPEN,
        "voters_hidden": voters_hidden_while_open(consultation),
        "refresh_seconds": PARTICIPATION_REFRESH_SECONDS,
    }


@never_cache
@signed_in
def consultation_participation_live(request, pk):
    """The live count: a fragment for htmx (which swaps it in place every few seconds), a plain
    page otherwise."""
    consultation = _visible_or_404(request, pk)
    if not can_view_participation(request.user, consultation):
        raise PermissionDenied
    context = {"consultation": consultation, **_participation_context(consultation)}
    if request.headers.get("HX-Request") == "true":
        return TemplateResponse(
            request, "classroom_votes/consultations/includes/participation.html", context
        )
    return TemplateResponse(
        request, "classroom_votes/consultations/consultation_participation.html", context
    )


def _state_change(request, pk, *, service, done, template):
    consultation = _managed(request, pk)
    act = partial(service, consultation=consultation, by=request.user)
    context = {"consultation": consultation}
    return confirm_then_act(request, template, context, act, done=done, back=consultation)


@signed_in
def consultation_open(request, pk):
    return _state_change(
        request,
        pk,
        service=services.consultation_open,
        done=_("Le vote est ouvert : vos élèves peuvent voter."),
        template="classroom_votes/consultations/consultation_open_confirm.html",
    )


@signed_in
def consultation_close(request, pk):
    return _state_change(
        request,
        pk,
        service=services.consultation_close,
        done=_("Le vote est clos. Tous les bulletins reçus sont comptés."),
        template="classroom_votes/consultations/consultation_close_confirm.html",
    )


# --- Results ----------------------------------------------------------------------------------


def _classrooms_shown(request, consultation) -> list[Classroom]:
    """The classes whose own result the user may see, as through the API's ?classroom=: all
    of the consultation's for those who run the vote, otherwise the user's own among them."""
    classrooms = list(consultation.classrooms.all())
    if can_manage_consultation(request.user, consultation):
        return classrooms
    return [c for c in classrooms if can_view_classroom(request.user, c)]


def _classroom_param(request, classrooms: list[Classroom]) -> Classroom | None:
    value = request.GET.get("classe")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    classroom = next((c for c in classrooms if c.pk == int(value)), None)
    if classroom is None:
        raise Http404
    return classroom


def _result_rows(consultation, result):
    """Rows for the page, the chart and the CSV: labels resolved, bars in percent."""
    labels = consultation.option_labels()
    if isinstance(result, tallies.MajorityJudgmentResult):
        grade_labels = dict(tallies.Grade.choices)
        return [
            {
                "key": row.key,
                "label": labels.get(row.key, row.key),
                "rank": row.rank,
                "mention": grade_labels.get(row.majority_grade, ""),
                "grades": [
                    {
                        "key": share.grade,
                        "label": grade_labels[share.grade],
                        "count": share.count,
                        "percentage": share.percentage,
                    }
                    for share in row.grades
                ],
            }
            for row in result.rows
        ]
    return [
        {
            "key": row.key,
            "label": labels.get(row.key, row.key),
            "rank": row.rank,
            "count": row.count,
            "percentage": row.percentage,
            "approval_rate": getattr(row, "approval_rate", None),
        }
        for row in result.rows
    ]


def _names(labels) -> str:
    """Labels as a sentence lists them: « A », « A et B », « A, B et C »."""
    labels = list(labels)
    if len(labels) < 2:
        return "".join(labels)
    return _("%(names)s et %(last)s") % {"names": ", ".join(labels[:-1]), "last": labels[-1]}


def _results_context(request, consultation):
    classrooms = _classrooms_shown(request, consultation)
    classroom = _classroom_param(request, classrooms)
    results = consultation_results(consultation=consultation, classroom=classroom)
    labels = consultation.option_labels()
    result = results.result
    rounds = _rounds_context(request, consultation)
    context = {
        "consultation": consultation,
        "classroom": classroom,
        "results": results,
        "manager": can_manage_consultation(request.user, consultation),
        "classrooms": classrooms,
        "grades": tallies.Grade.choices,
        # Over all the classes, as the service decides (it checks all this again).
        "second_round_organisable": (
            classroom is None
            and result is not None
            and consultation.status == ConsultationStatus.CLOSED
            and getattr(result, "second_round_between", None) is not None
            and not rounds["second_round_exists"]
            and can_create_second_round(request.user, consultation)
        ),
        **rounds,
        "election_comparison": election_comparison(consultation=consultation, classroom=classroom),
        "national_comparison": _national_comparisons(
            request, consultation, [classroom] if classroom else classrooms
        ),
    }
    if result is not None:
        context.update(
            {
                "rows": _result_rows(consultation, result),
                "winner_label": labels.get(result.winner) if result.winner else None,
                "tied_labels": [labels.get(key, key) for key in result.tied],
                "tied_names": _names(labels.get(key, key) for key in result.tied),
                "qualified_names": _names(
                    labels.get(key, key) for key in getattr(result, "qualified", ())
                ),
                "tie_for_last_settled": any(
                    r.tied_for_last and r.eliminated for r in getattr(result, "rounds", ())
                ),
                "second_round_labels": [
                    labels.get(key, key)
                    for key in (getattr(result, "second_round_between", None) or ())
                ],
                "rounds": [
                    {
                        "number": r.number,
                        "rows": [
                            {"label": labels.get(row.key, row.key), **row.__dict__}
                            for row in r.rows
                        ],
                        "eliminated": [labels.get(key, key) for key in r.eliminated],
                        "tied_for_last": _names(labels.get(key, key) for key in r.tied_for_last),
                        "active": r.active,
                        "exhausted": r.exhausted,
                    }
                    for r in getattr(result, "rounds", ())
                ],
            }
        )
    return context


def _national_comparisons(request, consultation, classrooms) -> list[dict]:
    """Each class beside its school and territories on the national question, once the vote
    is closed (while it is open, the class's own result is not out); `classrooms` are those
    the user may view. A pupil's class is « Ma classe », a teacher's classes go by name."""
    if (
        consultation.national_question_id is None
        or consultation.status != ConsultationStatus.CLOSED
    ):
        return []
    mine = is_pupil_account(request.user)
    views = []
    for classroom in classrooms:
        comparison = national_comparison(consultation=consultation, classroom=classroom)
        if comparison is not None:
            label = _("Ma classe") if mine else classroom.name
            views.append(comparison_view(comparison, class_label=label))
    return views


def _rounds_context(request, consultation) -> dict:
    """The other round of a two-round vote, each when the user may see it."""
    rounds = consultation_rounds(consultation=consultation)

    def shown(other):
        return other if other is not None and can_view_consultation(request.user, other) else None

    return {
        "first_round": shown(rounds.first),
        "second_round": shown(rounds.second),
        "second_round_exists": rounds.second is not None,
    }


@signed_in
def consultation_second_round(request, pk):
    """Organise the second round (POST, from the results page), then go to it; a GET goes back
    to the results. When it is already organised, go to it all the same."""
    consultation = _managed(request, pk)
    if request.method != "POST":
        return redirect("classroom_votes:consultation_results", pk=pk)
    try:
        second = services.consultation_second_round_create(
            actor=request.user, consultation=consultation
        )
    except services.ConsultationError as error:
        existing = getattr(error, "existing", None)
        if existing is not None:
            messages.info(request, error.message)
            return redirect(existing)
        messages.error(request, error.message)
        return redirect("classroom_votes:consultation_results", pk=pk)
    messages.success(
        request,
        _(
            "Le second tour est créé, avec les deux options qualifiées. Relisez-le, puis "
            "ouvrez le vote quand la classe est prête."
        ),
    )
    return redirect(second)


@signed_in
def consultation_results_page(request, pk):
    consultation = _visible_or_404(request, pk)
    if not can_view_results(request.user, consultation):
        raise Http404
    context = _results_context(request, consultation)
    context["related"] = related_links(user=request.user, consultation=consultation)
    # New to the pupil until this first look at them, published (so never before the close).
    context["results_new"] = context["results"].published and services.results_seen_mark(
        user=request.user, consultation=consultation
    )
    return TemplateResponse(
        request, "classroom_votes/consultations/consultation_results.html", context
    )


@signed_in
def consultation_pv_page(request, pk, classroom_pk):
    consultation = _visible_or_404(request, pk)
    if not can_view_participation(request.user, consultation):
        raise PermissionDenied
    link = ConsultationClassroom.objects.filter(
        consultation=consultation, classroom_id=classroom_pk
    ).first()
    if link is None:
        raise Http404
    pv = consultation_pv(consultation=consultation, classroom=link.classroom)
    rounds = consultation_rounds(consultation=consultation)
    context = {
        "consultation": consultation,
        **_pv_context(pv),
        "second_round": rounds.second,
        "election_comparison": election_comparison(
            consultation=consultation, classroom=link.classroom
        ),
        "national_comparison": _national_comparisons(request, consultation, [link.classroom]),
    }
    if rounds.first is not None:
        # A second round's procès-verbal records the first round's count before its own; its
        # classes are the first round's.
        first_pv = consultation_pv(consultation=rounds.first, classroom=link.classroom)
        context.update(
            {
                "first_round": rounds.first,
                "first": _pv_context(first_pv),
                "qualified_names": _names(option.label for option in consultation.options.all()),
            }
        )
    return TemplateResponse(request, "classroom_votes/consultations/consultation_pv.html", context)


def _pv_context(pv) -> dict:
    grade_labels = dict(tallies.Grade.choices)
    return {
        "pv": pv,
        "reason_message": RESULTS_MESSAGES.get(pv.reason, ""),
        "rows": [
            {**row.__dict__, "mention_label": grade_labels.get(row.mention, "")} for row in pv.rows
        ],
    }


def _csv_rows(consultation, scopes):
    yield [_("Portée"), _("Ligne"), _("Nombre"), _("Pourcentage des exprimés"), _("Mention")]
    grade_labels = dict(tallies.Grade.choices)
    labels = consultation.option_labels()
    for scope, results, inscrits in scopes:
        result = results.result
        yield [csv_text(scope), _("Inscrits"), inscrits, "", ""]
        yield [csv_text(scope), _("Votants"), results.ballots, "", ""]
        if result is None:
            yield [csv_text(scope), csv_text(results.message), "", "", ""]
            continue
        yield [csv_text(scope), _("Blancs"), result.blancs, "", ""]
        yield [csv_text(scope), _("Exprimés"), result.exprimes, "", ""]
        for row in result.rows:
            label = csv_text(labels.get(row.key, row.key))
            if isinstance(result, tallies.MajorityJudgmentResult):
                yield [csv_text(scope), label, "", "", grade_labels.get(row.majority_grade, "")]
            else:
                yield [csv_text(scope), label, row.count, row.percentage, ""]


@signed_in
def consultation_results_csv(request, pk):
    """The aggregated result (all classes, then each class when it may be published), never
    a ballot."""
    consultation = _visible_or_404(request, pk)
    if not can_view_participation(request.user, consultation):
        raise PermissionDenied
    participation = consultation_participation(consultation=consultation)
    scopes = [
        (
            _("Ensemble des classes"),
            consultation_results(consultation=consultation),
            sum(row.inscrits for row in participation),
        )
    ]
    if len(participation) > 1:
        scopes += [
            (
                row.classroom.name,
                consultation_results(consultation=consultation, classroom=row.classroom),
                row.inscrits,
            )
            for row in participation
        ]
    filename = f"resultats-{slugify(consultation.title)[:60] or 'consultation'}.csv"
    return csv_response(filename=filename, rows=_csv_rows(consultation, scopes))
