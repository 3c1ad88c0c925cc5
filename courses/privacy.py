"""What the courses app holds about a pupil, for the pupil's data export."""

from .models import CourseCompletion, H5PUserState, LessonProgress, QuizAttempt, XAPIStatement
from .scores import score_number


def courses_data_export(user) -> dict:
    return {
        "tentatives_de_quiz": [
            {
                "lecon": attempt.lesson.title,
                "exercice": attempt.quiz_id,
                "type": attempt.kind,
                "score": score_number(attempt.score),
                "score_maximal": score_number(attempt.max_score),
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
        "cours_termines": [
            {
                "cours": completion.course.title,
                "score": score_number(completion.score),
                "score_maximal": score_number(completion.max_score),
                "reussi_le": completion.completed_at.isoformat(),
                "meilleur_score_le": completion.best_at.isoformat(),
            }
            for completion in CourseCompletion.objects.filter(user=user).select_related("course")
        ],
        "declarations_xapi": [
            {
                "lecon": statement.lesson.title,
                "activite": statement.activity_id,
                "verbe": statement.verb,
                "score": statement.score_raw,
                "score_maximal": statement.score_max,
                "reussite": statement.success,
                "recu_le": statement.stored_at.isoformat(),
            }
            for statement in XAPIStatement.objects.filter(user=user).select_related("lesson")
        ],
        "etats_activites_h5p": [
            {
                "lecon": state.lesson.title,
                "activite": state.activity_id,
                "type": state.data_type,
                "donnees": state.data,
                "mis_a_jour_le": state.updated_at.isoformat(),
            }
            for state in H5PUserState.objects.filter(user=user).select_related("lesson")
        ],
    }
