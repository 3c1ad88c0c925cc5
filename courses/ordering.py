"""The order a quiz's choices are shown in, for one attempt (courses.grading.quiz_choice_order).

A logged-in reader gets a random seed per page and quiz, kept in their session until they submit
the quiz: reloading the page, or coming back from an error, shows the same order; a new attempt
gets a new one (quiz_seed_renew, once a submission is graded). An anonymous reader is not given a
session for this: they see one fixed shuffled order per quiz, and nothing of theirs is stored.

The seed travels in the form signed with the page and the quiz (quiz_order_token): the server
reads back the order it showed, and a seed that was altered, or taken from another quiz, is
refused (quiz_order_seed)."""

import secrets

from django.core import signing

from .grading import QUIZ_ORDER_INVALID, QuizSubmissionError

ORDER_FIELD = "ordre"
_SALT = "courses.quiz-order"
_SESSION_KEY = "quiz-order:{page}:{quiz}"


def _fixed_seed(*, page_id: int, quiz_id: str) -> str:
    return signing.Signer(salt=f"{_SALT}.anonymous").signature(f"{page_id}:{quiz_id}")[:16]


def quiz_seeds(request, *, page_id: int, quiz_ids) -> dict[str, str]:
    """Quiz id → the reader's current seed for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {quiz_id: _fixed_seed(page_id=page_id, quiz_id=quiz_id) for quiz_id in quiz_ids}
    seeds = {}
    for quiz_id in quiz_ids:
        key = _SESSION_KEY.format(page=page_id, quiz=quiz_id)
        if key not in request.session:
            request.session[key] = secrets.token_hex(8)
        seeds[quiz_id] = request.session[key]
    return seeds


def quiz_seed_renew(request, *, page_id: int, quiz_id: str) -> None:
    """The attempt is over: the next one is shown in a new order."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(request, "session"):
        request.session[_SESSION_KEY.format(page=page_id, quiz=quiz_id)] = secrets.token_hex(8)


def quiz_order_token(*, page_id: int, quiz_id: str, seed: str) -> str:
    return signing.Signer(salt=_SALT).sign(f"{page_id}:{quiz_id}:{seed}")


def quiz_order_seed(token, *, page_id: int, quiz_id: str) -> str:
    """The seed a form was rendered with, or QuizSubmissionError when the token is missing,
    altered or another quiz's."""
    if not isinstance(token, str) or len(token) > 200:
        raise QuizSubmissionError(QUIZ_ORDER_INVALID)
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        raise QuizSubmissionError(QUIZ_ORDER_INVALID) from None
    page, _sep, rest = value.partition(":")
    quiz, _sep, seed = rest.partition(":")
    if page != str(page_id) or quiz != quiz_id:
        raise QuizSubmissionError(QUIZ_ORDER_INVALID)
    return seed
