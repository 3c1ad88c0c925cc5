"""{% pupils_failing classroom pupils as failing %}, for school/includes/pupil_unlock.html: the
class page shows failed logins without its view having to know about them."""

from django import template
from django.conf import settings

from ..lockouts import pupils_failing as pupils_failing_read

register = template.Library()


@register.simple_tag
def pupils_failing(classroom, pupils):
    return pupils_failing_read(classroom=classroom, pupils=pupils)


@register.simple_tag
def lockout_failure_limit() -> int:
    return settings.AXES_FAILURE_LIMIT
