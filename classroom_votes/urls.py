"""The pages of both components, under one namespace: `classroom_votes:<name>`."""

from .consultations.urls import urlpatterns as consultation_urls
from .debates.urls import urlpatterns as debate_urls
from .national.urls import urlpatterns as national_urls

app_name = "classroom_votes"
urlpatterns = [*consultation_urls, *debate_urls, *national_urls]
