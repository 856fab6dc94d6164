"""The Django admin as an admin uses it: every page answers with data present, in a bounded
number of queries; filters are told apart; the state machine's read-only fields stay so."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.services import issue_tokens
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionBookmarkFactory, CompetitionFactory, CompetitionQuestionFactory
from feedback.models import Review, ReviewType
from notifications.models import NotificationPreference
from notifications.tests.factories import NotificationFactory
from payments.models import PaymentRecord, PaymentStatus, ProviderEvent
from payments.tests.factories import PaymentRecordFactory
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


@pytest.fixture
def data(client_owner, freelancer, other_freelancer):
    """A few rows of every model, several per changelist (so N+1 would show)."""
    now = timezone.now()
    open_ones = [CompetitionFactory(client=client_owner, title=f"Open {i} " + "x" * 150) for i in range(3)]
    CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    closed = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED, title="Closed one")
    for competition in open_ones:
        ProposalFactory(competition=competition, freelancer=freelancer)
        ProposalFactory(competition=competition, freelancer=other_freelancer)
        CompetitionQuestionFactory(competition=competition, asked_by=freelancer)
        CompetitionBookmarkFactory(competition=competition, user=freelancer)
    for i in range(3):
        PaymentRecordFactory(
            competition=CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED),
            freelancer=freelancer,
            amount=Decimal("100.00") * (i + 1),
            status=PaymentStatus.COMPLETED,
            completed_at=now,
        )
    PaymentRecordFactory(competition=closed, freelancer=freelancer, amount=Decimal("50.00"))
    ProviderEvent.objects.create(
        provider="stripe", event_id="evt_admin_1", type="payment_intent.succeeded", payload={"id": "evt_admin_1"}
    )
    Review.objects.create(
        reviewer=client_owner,
        reviewee=freelancer,
        competition=closed,
        rating=5,
        comment="Great",
        review_type=ReviewType.CLIENT_TO_FREELANCER,
    )
    for _ in range(3):
        NotificationFactory(recipient=freelancer)
    Group.objects.create(name="Moderators")
    NotificationPreference.objects.create(user=freelancer, email={"NEW_REVIEW": True})
    for user in (freelancer, other_freelancer):
        issue_tokens(user)
    BlacklistedToken.objects.create(token=OutstandingToken.objects.first())
    _copied_entry(open_ones[0], client_owner)
    return {"open": open_ones, "closed": closed}


def _copied_entry(competition, owner) -> None:
    """Two entries sharing one picture, fingerprinted, the later one reported: a row of every
    originality model (files, image and text keys, sketches, matches, reports)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from originality.services import fingerprint_proposal, report_proposal
    from proposals.models import ProposalAttachment

    picture = Image.new("RGB", (64, 64), "white")
    ImageDraw.Draw(picture).ellipse((8, 8, 56, 56), fill="navy")
    png = io.BytesIO()
    picture.save(png, format="PNG")
    words = " ".join(f"word{i}" for i in range(80))  # long enough for the text's band keys
    competition.proposals.update(description=f"A responsive logo and brand kit: {words}")
    entries = list(competition.proposals.order_by("created_at"))
    for entry in entries:
        ProposalAttachment.objects.create(
            proposal=entry,
            file=ContentFile(png.getvalue(), name="logo.png"),
            original_filename="logo.png",
            file_size=len(png.getvalue()),
            file_type="png",
        )
        fingerprint_proposal(entry.pk)
    report_proposal(proposal=entries[-1], by=owner, reason="The same logo as an earlier entry.")


@pytest.fixture
def admin_browser(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def registered():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [model for model, _ in registered()], ids=lambda m: m._meta.label)
def test_every_changelist_answers_in_bounded_queries(admin_browser, data, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_browser.get(url(model, "changelist"))
    assert response.status_code == 200
    if model.objects.exists():
        assert response.context["cl"].result_count > 0


@pytest.mark.parametrize("model", [model for model, _ in registered()], ids=lambda m: m._meta.label)
def test_every_change_page_answers_in_bounded_queries(admin_browser, data, model, django_assert_max_num_queries):
    obj = model.objects.order_by("pk").first()
    if obj is None:
        pytest.skip(f"no {model._meta.label} row in the data")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_browser.get(url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [model for model, _ in registered()], ids=lambda m: m._meta.label)
def test_filter_titles_are_distinct(admin_browser, data, model):
    response = admin_browser.get(url(model, "changelist"))
    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert len(titles) == len(set(titles)), titles


def test_the_two_proposal_status_filters_say_which_status(admin_browser, data):
    response = admin_browser.get(reverse("admin:proposals_proposal_changelist"))
    titles = {str(spec.title) for spec in response.context["cl"].filter_specs}
    assert {"proposal status", "competition status"} <= titles


def test_changelists_show_what_an_admin_decides_by(admin_browser, data):
    competitions = admin_browser.get(reverse("admin:competitions_competition_changelist")).content.decode()
    for header in ("Deadline", "Proposals", "Created", "Prize"):
        assert f">{header}<" in competitions or f">{header}</a>" in competitions, header
    assert "x" * 60 + "</a>" not in competitions and "…</a>" in competitions  # long titles are cut to fit
    payments = admin_browser.get(reverse("admin:payments_paymentrecord_changelist")).content.decode()
    assert "300.00 USD" in payments and "Completed" in payments
    users = admin_browser.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Joined" in users and "Last seen" in users


def test_the_proposal_count_column_is_annotated_not_one_query_per_row(
    admin_browser, data, client_owner, django_assert_max_num_queries
):
    for _ in range(10):
        ProposalFactory(competition=CompetitionFactory(client=client_owner))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_browser.get(reverse("admin:competitions_competition_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 15


class _FormInputs(HTMLParser):
    """The values a browser would post back from the change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        name = values.get("name")
        if tag == "input" and name and values.get("type") not in ("submit", "button", "file"):
            if values.get("type") == "checkbox":
                if "checked" in values:
                    self.data[name] = values.get("value") or "on"
            else:
                self.data[name] = values.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in values:
            self.data[self._select] = values.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(html: str) -> dict[str, str]:
    parser = _FormInputs()
    parser.feed(html)
    return parser.data


def test_a_closed_competitions_title_budget_and_deadlines_are_read_only(admin_browser, data):
    closed = data["closed"]
    change = reverse("admin:competitions_competition_change", args=[closed.pk])
    page = admin_browser.get(change).content.decode()
    for field in ("title", "budget", "deadline_0", "submission_deadline_0", "client"):
        assert f'name="{field}"' not in page, field

    posted = form_data(page) | {
        "title": "Renamed",
        "budget": "1.00",
        "deadline_0": "2030-01-01",
        "deadline_1": "00:00:00",
    }
    response = admin_browser.post(change, posted)

    assert response.status_code == 302, response.content[:3000]
    before = closed.title, closed.budget, closed.deadline
    closed.refresh_from_db()
    assert (closed.title, closed.budget, closed.deadline) == before


def test_an_open_competition_stays_editable(admin_browser, data):
    competition = data["open"][0]
    change = reverse("admin:competitions_competition_change", args=[competition.pk])
    page = admin_browser.get(change).content.decode()
    assert 'name="title"' in page and 'name="budget"' in page
    assert 'name="client"' not in page  # the client is fixed once the competition exists

    response = admin_browser.post(change, form_data(page) | {"title": "Renamed by an admin"})

    assert response.status_code == 302, response.content[:3000]
    competition.refresh_from_db()
    assert competition.title == "Renamed by an admin"


def test_a_completed_payments_amount_is_read_only(admin_browser, data):
    payment = PaymentRecord.objects.filter(status=PaymentStatus.COMPLETED).order_by("amount").first()
    change = reverse("admin:payments_paymentrecord_change", args=[payment.pk])
    page = admin_browser.get(change).content.decode()
    assert 'name="amount"' not in page

    response = admin_browser.post(change, form_data(page) | {"amount": "1.00", "notes": "checked"})

    assert response.status_code == 302, response.content[:3000]
    payment.refresh_from_db()
    assert payment.amount == Decimal("100.00")
    assert payment.notes == "checked"


def test_user_foreign_keys_use_autocomplete_widgets(admin_browser, data):
    add_question = admin_browser.get(reverse("admin:competitions_competitionquestion_add")).content.decode()
    assert "admin-autocomplete" in add_question
    add_competition = admin_browser.get(reverse("admin:competitions_competition_add")).content.decode()
    assert "admin-autocomplete" in add_competition and 'name="client"' in add_competition
    autocomplete = admin_browser.get(
        reverse("admin:autocomplete"),
        {"app_label": "competitions", "model_name": "competition", "field_name": "client", "term": "ali"},
    )
    assert autocomplete.status_code == 200
    assert [item["text"] for item in autocomplete.json()["results"]] == ["alice <alice@example.com>"]


def test_the_questions_inline_is_a_compact_read_only_summary(admin_browser, data):
    competition = data["open"][0]
    page = admin_browser.get(reverse("admin:competitions_competition_change", args=[competition.pk])).content.decode()
    assert "questions-group" in page or "Competition questions" in page
    assert 'name="questions-0-question"' not in page  # no textarea per question
    assert "collapse" in page


def test_view_site_points_to_the_frontend(admin_browser, settings):
    assert admin.site.site_url == settings.FRONTEND_URL
    page = admin_browser.get(reverse("admin:index")).content.decode()
    assert f'href="{settings.FRONTEND_URL}"' in page
