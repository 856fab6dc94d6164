from django import template

from backoffice.dashboard import dashboard

register = template.Library()


@register.simple_tag
def admin_dashboard() -> list[dict]:
    """`{% admin_dashboard as panels %}`: the dashboard's panels (backoffice/dashboard.py)."""
    return dashboard()
