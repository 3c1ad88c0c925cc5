"""Quiz submission: a plain form POST renders a feedback page; a fetch() asking for JSON gets the
same feedback to show in place."""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..grading import QuizSubmissionError
from ..selectors import quiz_attempt_summaries
from ..services import quiz_attempt_check_and_record


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def quiz_submit(request, *, lesson, quiz_id):
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
                "best_score": summary.best_score if summary else None,
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
