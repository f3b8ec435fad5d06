"""The clinical panels of the episode page (exam, assessment, plan)."""

from django import template

from clinic.models import Episode

register = template.Library()


@register.inclusion_tag("plans/_episode_panel.html", takes_context=True)
def clinical_panel(context: template.Context, episode: Episode) -> dict:
    return {"episode": episode, "perms": context.get("perms")}
