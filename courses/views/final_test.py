"""A course's final test for the person taking it, routed by the FinalTestPage (courses/
urls_final_test.py). The quiz works as a lesson's does (same form, order and grading); what
differs is what is kept: no attempt, but, for a pupil whose score reaches the pass mark, the
course's completion (CourseCompletion)."""

from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse

from ..grading import PARTIAL_CREDIT_RULE, QuizSubmissionError
from ..ordering import quiz_seed_renew, quiz_seeds
from ..progress import FINAL_TEST_RULE, final_test_passed
from ..selectors import course_completion_get
from ..services import course_completion_record, quiz_submission_grade
from .lesson import quiz_result_json


def final_test_read(page, request):
    course = page.get_parent().specific_deferred
    return page.render(
        request,
        context_overrides={
            "course": course,
            "completion": course_completion_get(user=request.user, course=course),
            "quiz_seeds": quiz_seeds(request, page_id=page.pk, quiz_ids=page.quiz_blocks()),
            "final_test_rule": FINAL_TEST_RULE,
        },
    )


def final_test_submit(page, request, quiz_id):
    if request.method == "GET":
        return HttpResponseRedirect(page.url + f"#quiz-{quiz_id}")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    quizzes = page.quiz_blocks()
    if quiz_id not in quizzes:
        raise Http404
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        result = quiz_submission_grade(
            page_id=page.pk, quiz_id=quiz_id, quiz=quizzes[quiz_id], data=request.POST
        )
    except QuizSubmissionError as error:
        if wants_json:
            return JsonResponse(
                {"error": error.code, "message": error.message, "question": error.question_id},
                status=400,
            )
        return TemplateResponse(
            request,
            "courses/quiz_error.html",
            {"page": page, "quiz_id": quiz_id, "error": error},
            status=400,
        )
    course = page.get_parent().specific
    completion = course_completion_record(
        user=request.user, course=course, result=result, pass_mark=page.pass_mark
    )
    quiz_seed_renew(request, page_id=page.pk, quiz_id=quiz_id)
    passed = final_test_passed(
        score=result.score, max_score=result.max_score, pass_mark=page.pass_mark
    )
    if wants_json:
        return JsonResponse(
            {**quiz_result_json(result, stored=completion is not None), "passed": passed}
        )
    return TemplateResponse(
        request,
        "courses/quiz_result.html",
        {
            "page": page,
            "quiz_id": quiz_id,
            "result": result,
            "final_test": {
                "passed": passed,
                "pass_mark": page.pass_mark,
                "completion": completion,
                "course": course,
            },
            "partial_credit_rule": PARTIAL_CREDIT_RULE,
        },
    )
