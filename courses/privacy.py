"""What the courses app holds about a pupil, for the pupil's data export."""

from .models import LessonProgress, QuizAttempt


def courses_data_export(user) -> dict:
    return {
        "tentatives_de_quiz": [
            {
                "lecon": attempt.lesson.title,
                "quiz": attempt.quiz_id,
                "score": attempt.score,
                "score_maximal": attempt.max_score,
                "reponses": attempt.answers,
                "date": attempt.created_at.isoformat(),
            }
            for attempt in QuizAttempt.objects.filter(user=user).select_related("lesson")
        ],
        "progression": [
            {
                "lecon": progress.lesson.title,
                "ouverte_le": progress.opened_at.isoformat(),
                "terminee_le": progress.completed_at.isoformat() if progress.completed_at else None,
                "temps_passe_secondes": progress.time_spent_seconds,
            }
            for progress in LessonProgress.objects.filter(user=user).select_related("lesson")
        ],
    }
