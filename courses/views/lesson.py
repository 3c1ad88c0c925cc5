"""A lesson for the person reading it, routed by the lesson page (courses/urls_lesson.py): each
view takes the lesson, then the request.

Reading records the visit (the progress of a pupil) and shows the reader's scores and saved H5P
states. Answering a quiz: a plain form POST renders a feedback page; a fetch() asking for JSON
gets the same feedback to show in place."""

from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..grading import PARTIAL_CREDIT_RULE, QuizResult, QuizSubmissionError
from ..models import LessonTeacherGuide
from ..ordering import quiz_seed_renew, quiz_seeds
from ..permissions import can_launch_ready_made, can_read_teacher_guide
from ..scores import score_number, score_text
from ..selectors import h5p_states_for_lesson, quiz_attempt_summaries
from ..services import lesson_progress_touch, quiz_attempt_check_and_record


def lesson_read(lesson, request):
    """The lesson page itself (Wagtail's preview of it too)."""
    request.is_preview = getattr(request, "is_preview", False)
    if request.method == "GET" and request.user.is_authenticated:
        lesson_progress_touch(user=request.user, lesson=lesson)
    reader = {
        "quiz_summaries": quiz_attempt_summaries(user=request.user, lesson=lesson),
        "quiz_seeds": quiz_seeds(request, page_id=lesson.pk, quiz_ids=lesson.quiz_blocks()),
    }
    if lesson.has_h5p:
        reader["h5p_states"] = h5p_states_for_lesson(user=request.user, lesson=lesson)
    if can_read_teacher_guide(request.user):
        # Teachers only: pupils never get the query, nor the link.
        reader["teacher_guide"] = LessonTeacherGuide.objects.filter(lesson=lesson).first()
        reader["can_launch"] = can_launch_ready_made(request.user)
    return lesson.render(request, context_overrides=reader)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def quiz_submit(lesson, request, quiz_id):
    if request.method == "GET":
        return HttpResponseRedirect(lesson.url + f"#quiz-{quiz_id}")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if quiz_id not in lesson.quiz_blocks():
        raise Http404
    try:
        result = quiz_attempt_check_and_record(
            user=request.user, lesson=lesson, quiz_id=quiz_id, data=request.POST
        )
    except QuizSubmissionError as error:
        if _wants_json(request):
            return JsonResponse(
                {"error": error.code, "message": error.message, "question": error.question_id},
                status=400,
            )
        return TemplateResponse(
            request,
            "courses/quiz_error.html",
            {"page": lesson, "quiz_id": quiz_id, "error": error},
            status=400,
        )

    quiz_seed_renew(request, page_id=lesson.pk, quiz_id=quiz_id)
    summary = quiz_attempt_summaries(user=request.user, lesson=lesson).get(quiz_id)
    if _wants_json(request):
        stored = request.user.is_authenticated
        return JsonResponse(
            {
                **quiz_result_json(result, stored=stored),
                "best_score": score_number(summary.best_score) if summary else None,
                "best_label": summary.best_label if summary else "",
                "attempts": summary.attempts if summary else 0,
            }
        )
    return TemplateResponse(
        request,
        "courses/quiz_result.html",
        {
            "page": lesson,
            "quiz_id": quiz_id,
            "result": result,
            "summary": summary,
            "partial_credit_rule": PARTIAL_CREDIT_RULE,
        },
    )


def quiz_result_json(result: QuizResult, *, stored: bool) -> dict:
    """The feedback shown in place by static/js/quiz.js: choices named by their position in the
    order the pupil saw, each wrong choice they picked with why it is wrong."""
    score_line = (
        _("Ton score : %(score)s sur %(max)s (enregistré).")
        if stored
        else _("Ton score : %(score)s sur %(max)s.")
    ) % {"score": score_text(result.score), "max": result.max_score}
    return {
        "score_text": score_line,
        "correct_label": _("bonne réponse"),
        "score": score_number(result.score),
        "max_score": result.max_score,
        "stored": stored,
        "questions": [
            {
                "id": question.id,
                "correct": question.correct,
                "credit": score_number(question.credit),
                "verdict": _question_verdict(question),
                "explanation": question.explanation,
                "correct_choices": [c.position for c in question.choices if c.is_correct],
                "feedback": [
                    {"choice": c.position, "text": c.text, "feedback": c.feedback}
                    for c in question.wrong_choices_chosen
                ],
            }
            for question in result.questions
        ],
    }


def _question_verdict(question) -> str:
    if question.correct:
        return _("Bonne réponse !")
    if question.partial:
        return _("Réponse en partie juste : %(credit)s point sur 1.") % {
            "credit": score_text(question.credit)
        }
    return _("Ce n'est pas la bonne réponse.")
