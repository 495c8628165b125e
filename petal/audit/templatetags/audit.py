from django import template

from petal.audit.labels import action_label, object_label

register = template.Library()


@register.filter
def audit_action(event) -> str:
    return action_label(event.action)


@register.filter
def audit_object(event) -> str:
    return object_label(event.object_type, event.object_id)


@register.filter
def audit_actor(event) -> str:
    if event.actor_label:
        return event.actor_label
    if event.action.startswith("account.sign_in"):
        return "Not signed in"
    return "Petal (automatic)"
