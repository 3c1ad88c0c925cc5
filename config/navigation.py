"""The site's navigation, defined once: the header's entries and the tabs of a class's pages.

config builds the site, so it reads the apps (their URL names, the predicates of
school.permissions, where the course catalogue is); no app imports this module. Templates receive
only the links a request may see, already marked current, and decide nothing themselves: the
header through config.context_processors.navigation, a class's tabs through {% class_tabs %}."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.selectors import course_index_url
from school.permissions import (
    can_follow_classwork,
    can_manage_classrooms,
    can_manage_own_account,
    can_use_admin,
    is_pupil_account,
)


def _anyone(user) -> bool:
    return True


def _anonymous(user) -> bool:
    return not user.is_authenticated


@dataclass(frozen=True)
class Entry:
    """One link of a menu. `url` is a URL name, or a callable(request) giving the URL ("" hides
    the entry); `sections` are the view names, or their beginnings, of the pages where it is the
    current section; `below` also marks it current on every page whose path starts with its URL."""

    label: str
    url: str | Callable
    visible: Callable = _anyone
    icon: str = ""
    sections: tuple[str, ...] = ()
    below: bool = False
    next: bool = False  # a login link: come back to the current page afterwards


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str = ""
    current: str = ""  # "page" on the page itself, "true" elsewhere in its section


@dataclass(frozen=True)
class Navigation:
    main: tuple[Link, ...]
    tools: tuple[Link, ...]
    logout_label: str  # "" for anonymous visitors
    # Pupils, often on a shared classroom computer, are offered to log out where they finish
    # something (« A voté », the end of a lesson: school/includes/logout_offer.html).
    offer_logout: bool = False


# The pages of one class: the class and its pupils (school), its assignments and progress
# (courses). All take the class's pk.
CLASS_PAGES = (
    "school:classroom_detail",
    "school:classroom_archive",
    "school:pupils_bulk_create",
    "school:pupil_secret_reset",
    "school:pupil_move",
    "school:pupil_delete",
)
CLASS_PROGRESS_PAGES = ("courses:pupil_detail", "courses:lesson_questions")
# Where the login links do not send back to: the login pages themselves.
LOGIN_PAGES = ("login", "school:pupil_login", "school:pupil_join", "school:teacher_signup")

MAIN = (
    Entry(_("Accueil"), lambda request: reverse("wagtail_serve", args=[""])),
    Entry(_("Cours"), lambda request: course_index_url(), below=True),
    Entry(
        _("Résultats nationaux"),
        "classroom_votes:national_results_index",
        sections=("classroom_votes:national_results",),
    ),
)

TOOLS = (
    Entry(
        _("Mon espace"),
        "landing:teacher",
        can_manage_classrooms,
        icon="fr-icon-home-4-line",
    ),
    Entry(_("Mon espace"), "landing:pupil", is_pupil_account, icon="fr-icon-home-4-line"),
    Entry(
        _("Mes classes"),
        "school:classroom_list",
        can_manage_classrooms,
        icon="fr-icon-team-line",
        sections=(
            *CLASS_PAGES,
            *CLASS_PROGRESS_PAGES,
            "school:classroom_create",
            "courses:classroom_list",
            "courses:class_dashboard",
            "courses:assignments",
        ),
    ),
    Entry(_("Mes devoirs"), "courses:dashboard", is_pupil_account, icon="fr-icon-todo-line"),
    Entry(
        _("Consultations"),
        "classroom_votes:consultation_list",
        can_follow_classwork,
        icon="fr-icon-chat-poll-line",
        sections=("classroom_votes:consultation_", "classroom_votes:national_question_"),
    ),
    Entry(
        _("Débats"),
        "classroom_votes:debate_list",
        can_follow_classwork,
        icon="fr-icon-discuss-line",
        sections=("classroom_votes:debate_",),
    ),
    Entry(_("Mes données"), "school:privacy", is_pupil_account, icon="fr-icon-user-line"),
    Entry(
        _("Mon compte"),
        "school:account",
        can_manage_own_account,
        icon="fr-icon-user-line",
        sections=("school:account_", "school:password_change", "school:membership_request"),
    ),
    Entry(_("Administration"), "wagtailadmin_home", can_use_admin, icon="fr-icon-edit-line"),
    Entry(_("Se connecter"), "login", _anonymous, icon="fr-icon-lock-line", next=True),
    Entry(
        _("Connexion élève"),
        "school:pupil_login",
        _anonymous,
        icon="fr-icon-account-circle-line",
        next=True,
    ),
    Entry(
        _("Rejoindre une classe"), "school:pupil_join", _anonymous, icon="fr-icon-add-circle-line"
    ),
)

# The tabs of a class's pages; each URL name takes the class's pk.
CLASS_TABS = (
    Entry(_("La classe"), "school:classroom_detail", sections=CLASS_PAGES),
    Entry(_("Devoirs"), "courses:assignments"),
    Entry(_("Suivi"), "courses:class_dashboard", sections=CLASS_PROGRESS_PAGES),
)


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _current(entry: Entry, url: str, request) -> str:
    if request.path == url:
        return "page"
    view_name = _view_name(request)
    if any(view_name.startswith(section) for section in entry.sections):
        return "true"
    if entry.below and url and request.path.startswith(url):
        return "true"
    return ""


def _links(entries, request, url_of) -> tuple[Link, ...]:
    links = []
    for entry in entries:
        if not entry.visible(request.user):
            continue
        url = url_of(entry)
        if not url:
            continue
        current = _current(entry, url, request)
        # From the home page a login leads to each role's own page, not back to the public one.
        if entry.next and _view_name(request) not in LOGIN_PAGES and request.path != "/":
            url = f"{url}?next={quote(request.path, safe='/')}"
        links.append(Link(entry.label, url, entry.icon, current))
    return tuple(links)


def site_navigation(request) -> Navigation:
    """What the header shows to this request's user."""

    def url_of(entry: Entry) -> str:
        return entry.url(request) if callable(entry.url) else reverse(entry.url)

    user = request.user
    if not user.is_authenticated:
        logout_label = ""
    elif is_pupil_account(user):
        logout_label = _("Se déconnecter")
    else:
        logout_label = _("Se déconnecter (%(name)s)") % {"name": user.username}
    return Navigation(
        main=_links(MAIN, request, url_of),
        tools=_links(TOOLS, request, url_of),
        logout_label=logout_label,
        offer_logout=user.is_authenticated and is_pupil_account(user),
    )


def class_tabs(request, classroom) -> tuple[Link, ...]:
    """The tabs of a class's pages, the current one marked."""
    return _links(CLASS_TABS, request, lambda entry: reverse(entry.url, args=[classroom.pk]))
