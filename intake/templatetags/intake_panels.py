"""The intake panels of the episode page (questionnaire, invitations)."""

from django import template

from clinic.models import Episode

register = template.Library()


@register.inclusion_tag("intake/_episode_panel.html", takes_context=True)
def intake_panel(context: template.Context, episode: Episode) -> dict:
    return {"episode": episode, "perms": context.get("perms")}
