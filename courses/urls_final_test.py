"""The sub-URLs of a final test page (see FinalTestPage.get_subpage_urls), routed as the lesson's
are: each view receives the page first, then the request."""

from django.urls import path

from .views import final_test

urlpatterns = [
    path("quiz/<str:quiz_id>/", final_test.final_test_submit, name="quiz"),
    path("", final_test.final_test_read, name="final_test"),
]
