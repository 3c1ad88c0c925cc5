"""The home page says what Hémicycle is for and where each audience starts (issue 22, part 4)."""

import pytest
from django.urls import reverse

from school.models import User

pytestmark = pytest.mark.django_db

VERBS = ("Apprendre", "Voter", "Débattre", "Comparer avec le pays")


def test_a_visitor_sees_the_four_verbs_and_both_starts(client, site_tree):
    html = client.get("/").content.decode()
    for verb in VERBS:
        assert f">{verb}<" in html or f">{verb}</a>" in html, verb
    assert f'href="{reverse("school:teacher_signup")}"' in html
    assert f'href="{reverse("school:pupil_join")}"' in html
    assert f'href="{reverse("school:pupil_login")}"' in html
    assert f'href="{reverse("classroom_votes:national_results_index")}"' in html
    assert "Aller à mon espace" not in html


@pytest.mark.parametrize("role", [User.Role.PUPIL, User.Role.TEACHER])
def test_a_signed_in_user_is_sent_to_their_space_not_to_sign_up(client, site_tree, role):
    user = User.objects.create_user(username=f"u-{role}", password="x-secret-123", role=role)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f'href="{reverse("school:account_home")}"' in html
    assert "Aller à mon espace" in html
    assert f'href="{reverse("school:teacher_signup")}"' not in html
    assert "J&#x27;ai un code de classe" not in html and "J'ai un code de classe" not in html
