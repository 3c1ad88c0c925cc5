"""Both components' APIs and the national open data under one namespace:
`classroom_votes_api:<basename>-<action>`."""

from classroom_votes.consultations.api.urls import urlpatterns as consultation_urls
from classroom_votes.debates.api.urls import urlpatterns as debate_urls
from classroom_votes.elections.api.urls import urlpatterns as election_urls
from classroom_votes.national.api.urls import urlpatterns as national_urls

app_name = "classroom_votes_api"
urlpatterns = [*consultation_urls, *debate_urls, *national_urls, *election_urls]
