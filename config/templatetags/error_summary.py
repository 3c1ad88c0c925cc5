"""The error summary at the top of a form page: every error of a form (and of its formsets),
each linked to its field, so that a page with errors can land on one list of them."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _field_items(form, *, prefix: str = "") -> list[dict]:
    items = [{"href": "", "label": "", "message": error} for error in form.non_field_errors()]
    for field in form.hidden_fields():
        items += [{"href": "", "label": "", "message": error} for error in field.errors]
    for field in form.visible_fields():
        label = f"{prefix}{field.label}" if prefix else str(field.label)
        items += [
            {"href": f"#{field.auto_id}", "label": label, "message": error}
            for error in field.errors
        ]
    return items


@register.simple_tag
def error_summary_items(form, formsets=()) -> list[dict]:
    """[{"href", "label", "message"}] for the form's errors, then each formset's; a formset's
    form is named by its number (« Source 2 — Titre »). `formsets` may be one or a list."""
    if form is None or not form.is_bound:
        return []
    items = _field_items(form)
    if formsets and not isinstance(formsets, list | tuple):
        formsets = [formsets]
    for formset in formsets or ():
        if not formset.is_bound:
            continue
        items += [
            {"href": "", "label": "", "message": error} for error in formset.non_form_errors()
        ]
        name = getattr(formset, "item_name", None) or _("Ligne")
        for number, subform in enumerate(formset.forms, start=1):
            items += _field_items(subform, prefix=f"{name} {number} — ")
    return items


@register.filter
def described_by(field) -> str:
    """What a field in error is described by: its hint, if any, then its error messages (the
    ids includes/field.html gives them)."""
    messages = f"{field.auto_id}-messages"
    return f"{field.auto_id}_helptext {messages}" if field.help_text else messages
