from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

AVATAR_PIXELS = {"sm": 30, "md": 42, "lg": 64}


@register.simple_tag
def avatar(person, size: str = "md") -> SafeString:
    """Render *person*'s avatar image, or their initial in a circle (one tag per row: no template include)."""
    pixels = AVATAR_PIXELS.get(size, 42)
    if person.avatar:
        return format_html(
            '<img class="avatar avatar--{}" src="{}" alt="" width="{}" height="{}">',
            size,
            person.avatar.url,
            pixels,
            pixels,
        )
    return format_html(
        '<span class="avatar avatar--{} avatar--initial" aria-hidden="true">{}</span>', size, person.initial
    )
