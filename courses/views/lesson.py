"""A lesson for the person reading it, routed by the lesson page (courses/urls_lesson.py): each
view takes the lesson, then the request.

Reading records the visit (the progress of a pupil) and shows the reader's scores and saved H5P
states. Answering a quiz: a plain form POST renders a feedback page; a fetch() asking for JSON
gets the same feedback to show in place."""

from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..grading import QuizSubmissionError
from ..scores import score_number
from ..selectors import h5p_states_for_lesson, quiz_attempt_summaries
from ..services import lesson_progress_touch, quiz_attempt_check_and_record


def lesson_read(lesson, request):
    """The lesson page itself (Wagtail's preview of it too)."""
    request.is_preview = getattr(request, "is_preview", False)
    if request.method == "GET" and request.user.is_authenticated:
        lesson_progress_touch(user=request.user, lesson=lesson)
    reader = {"quiz_summaries": quiz_attempt_summaries(user=request.user, lesson=lesson)}
    if lesson.has_h5p:
        reader["h5p_states"] = h5p_states_for_lesson(user=request.user, lesson=lesson)
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

    summary = quiz_attempt_summaries(user=request.user, lesson=lesson).get(quiz_id)
    if _wants_json(request):
        stored = request.user.is_authenticated
        score_text = (
            _("Ton score : %(score)s sur %(max)s (enregistré).")
            if stored
            else _("Ton score : %(score)s sur %(max)s.")
        ) % {"score": result.score, "max": result.max_score}
        return JsonResponse(
            {
                "score_text": score_text,
                "correct_label": _("bonne réponse"),
                "score": result.score,
                "max_score": result.max_score,
                "stored": stored,
                "best_score": score_number(summary.best_score) if summary else None,
                "best_label": summary.best_label if summary else "",
                "attempts": summary.attempts if summary else 0,
                "questions": [
                    {
                        "id": question.id,
                        "correct": question.correct,
                        "verdict": _("Bonne réponse !")
                        if question.correct
                        else _("Ce n'est pas la bonne réponse."),
                        "explanation": question.explanation,
                        "correct_choices": [c.id for c in question.choices if c.is_correct],
                    }
                    for question in result.questions
                ],
            }
        )
    return TemplateResponse(
        request,
        "courses/quiz_result.html",
        {"page": lesson, "quiz_id": quiz_id, "result": result, "summary": summary},
    )
