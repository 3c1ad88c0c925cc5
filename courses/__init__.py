"""Courses: Wagtail pages (home, course index, course, lesson), lesson blocks, quizzes and the
attempts pupils make. May import `school`; never `classroom_votes`
(only through a block or chooser)."""
