"""E-mails of the platform: rendered from templates/emails/, sent by the task queue.

Each e-mail is a pair of templates, `emails/<name>.txt` (the body) and `emails/<name>.html` (its
HTML alternative), both extending the base layout of their kind. Links point at the SPA
(`FRONTEND_URL`).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import select_template

from .tasks import enqueue, send_email


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def frontend_link(path: str, **query: str) -> str:
    """`{FRONTEND_URL}{path}?{query}` (the query URL-encoded)."""
    link = f"{settings.FRONTEND_URL}{path}"
    return f"{link}?{urlencode(query)}" if query else link


def render_email(names: str | Sequence[str], *, subject: str, context: dict[str, Any]) -> RenderedEmail:
    """Renders the first of `names` that has templates (a fallback may follow)."""
    names = [names] if isinstance(names, str) else list(names)
    context = {"frontend_url": settings.FRONTEND_URL, "subject": subject, **context}
    text = select_template([f"emails/{name}.txt" for name in names]).render(context)
    html = select_template([f"emails/{name}.html" for name in names]).render(context)
    # One line: Django refuses a header with a newline in it (and so would any mail server).
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def queue_email(*, to: str, name: str, subject: str, context: dict[str, Any]) -> None:
    """Renders the e-mail now and sends it from the task queue once the transaction commits."""
    enqueue(send_email, to=to, **asdict(render_email(name, subject=subject, context=context)))
