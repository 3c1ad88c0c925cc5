"""The site's own template tags: a DSFR table around rows written in place, and a class's tabs."""

from django import template
from django.template.base import token_kwargs
from django.utils.safestring import mark_safe

from ..navigation import class_tabs as class_tab_links

register = template.Library()


class TableNode(template.Node):
    def __init__(self, nodelist, options):
        self.nodelist = nodelist
        self.options = options

    def render(self, context):
        options = {"classes": "", "caption_hidden": False}
        options.update((name, value.resolve(context)) for name, value in self.options.items())
        # What the template between the tags rendered, escaped as it went.
        rows = mark_safe(self.nodelist.render(context))  # noqa: S308
        table = context.template.engine.get_template("includes/table.html")
        with context.push(**options, rows=rows):
            return table.render(context)


@register.tag
def table(parser, token):
    """{% table id="…" caption=… classes="fr-table--sm" %}<thead>…</thead><tbody>…</tbody>
    {% endtable %}: the DSFR table's wrappers, its caption, and a scrolling region that the
    keyboard can reach and that the caption names. `caption_hidden` keeps the caption for screen
    readers only."""
    options = token_kwargs(token.split_contents()[1:], parser)
    if "id" not in options or "caption" not in options:
        raise template.TemplateSyntaxError("{% table %} needs an id and a caption")
    nodelist = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(nodelist, options)


@register.inclusion_tag("includes/class_tabs.html", takes_context=True)
def class_tabs(context, classroom):
    """The tabs of a class's pages (config.navigation.CLASS_TABS), the current one marked."""
    return {"classroom": classroom, "tabs": class_tab_links(context["request"], classroom)}
