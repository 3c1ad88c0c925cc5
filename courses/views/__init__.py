"""Views of the courses app. Lesson pages are served by Wagtail, which routes their sub-URLs to
courses.views.lesson."""
