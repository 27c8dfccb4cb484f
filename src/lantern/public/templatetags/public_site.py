from django import template

from lantern.core import locale

register = template.Library()


@register.inclusion_tag("public/_language_switch.html", takes_context=True)
def language_switch(context):
    """Every public page's language switch: each language named in itself."""
    request = context.get("request")
    return {"languages": locale.switch(request) if request is not None else []}
