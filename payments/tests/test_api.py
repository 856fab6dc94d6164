"""Payments over HTTP: who sees which payment, the admin list and the admin status machine."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.utils import timezone

from payments.models import PaymentRecord, PaymentStatus
from payments.tests.factories import PaymentRecordFactory

pytestmark = pytest.mark.django_db

CLIENT_URL = "/api/payments/client/"
FREELANCER_URL = "/api/payments/freelancer/"
ADMIN_URL = "/api/payments/admin/"


def detail_url(payment) -> str:
    return f"/api/payments/{payment.pk}/"


def status_url(payment) -> str:
    return f"/api/payments/{payment.pk}/status/"


def assert_error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    assert body["message"]
    assert isinstance(body["errors"], dict)
    return body


@pytest.fixture
def payment(client_owner, freelancer):
    return PaymentRecordFactory(
        competition__client=client_owner, competition__title="Landing page", freelancer=freelancer, amount="999.99"
    )


@pytest.fixture
def someone_elses_payment(other_client, other_freelancer):
    return PaymentRecordFactory(competition__client=other_client, freelancer=other_freelancer)


# --- detail -----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["client_owner", "freelancer", "admin_user"])
def test_payment_is_visible_to_its_client_its_freelancer_and_admins(as_user, request, viewer, payment):
    response = as_user(request.getfixturevalue(viewer)).get(detail_url(payment))

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["message"]
    data = body["data"]
    assert set(data) == {
        "id",
        "competition",
        "competition_title",
        "client",
        "freelancer",
        "amount",
        "currency",
        "status",
        "platform_fee",
        "net_amount",
        "transaction_reference",
        "transfer_ref",
        "released_at",
        "notes",
        "created_at",
        "updated_at",
        "completed_at",
    }
    assert data["id"] == str(payment.pk)
    assert data["competition_title"] == "Landing page"
    assert (data["amount"], data["platform_fee"], data["net_amount"]) == ("999.99", "100.00", "899.99")
    assert data["status"] == PaymentStatus.PENDING
    assert data["client"] == str(payment.client_id)
    assert data["freelancer"] == str(payment.freelancer_id)


@pytest.mark.parametrize("viewer", ["other_client", "other_freelancer"])
def test_someone_elses_payment_is_404(as_user, request, viewer, payment):
    body = assert_error(as_user(request.getfixturevalue(viewer)).get(detail_url(payment)), 404)
    assert body["errors"] == {"detail": body["message"]}


def test_payment_detail_needs_authentication(api_client, payment):
    assert_error(api_client.get(detail_url(payment)), 401)


def test_unknown_payment_is_404(as_user, admin_user):
    assert_error(as_user(admin_user).get(f"/api/payments/{uuid4()}/"), 404)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_payments_cannot_be_changed_or_deleted_through_the_detail(as_user, admin_user, payment, method):
    response = getattr(as_user(admin_user), method)(detail_url(payment), {"amount": "1.00"}, format="json")

    assert_error(response, 405)
    assert PaymentRecord.objects.get(pk=payment.pk).amount == Decimal("999.99")


# --- each side's list -------------------------------------------------------------------------


def test_client_lists_only_own_payments(as_user, client_owner, payment, someone_elses_payment):
    response = as_user(client_owner).get(CLIENT_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["count"] == 1
    assert data["results"] == [
        {
            "id": str(payment.pk),
            "competition": str(payment.competition_id),
            "competition_title": "Landing page",
            "amount": "999.99",
            "currency": "USD",
            "status": "PENDING",
            "created_at": data["results"][0]["created_at"],
        }
    ]


def test_freelancer_lists_only_own_payments_net_of_the_fee(as_user, freelancer, payment, someone_elses_payment):
    response = as_user(freelancer).get(FREELANCER_URL)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["count"] == 1
    assert data["results"] == [
        {
            "id": str(payment.pk),
            "competition": str(payment.competition_id),
            "competition_title": "Landing page",
            "net_amount": "899.99",
            "currency": "USD",
            "status": "PENDING",
            "completed_at": None,
        }
    ]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [(CLIENT_URL, "client_owner"), (FREELANCER_URL, "freelancer"), (ADMIN_URL, "admin_user")],
)
@pytest.mark.parametrize("viewer", ["client_owner", "freelancer", "admin_user"])
def test_each_list_is_for_its_role_only(as_user, request, url, allowed, viewer, payment):
    response = as_user(request.getfixturevalue(viewer)).get(url)

    if viewer == allowed:
        assert response.status_code == 200
        assert response.json()["data"]["count"] == 1
    else:
        assert_error(response, 403)


@pytest.mark.parametrize("url", [CLIENT_URL, FREELANCER_URL, ADMIN_URL])
def test_lists_need_authentication(api_client, url):
    assert_error(api_client.get(url), 401)


# --- admin list -------------------------------------------------------------------------------


@pytest.fixture
def dated_payments():
    """Three payments created on 1, 2 and 3 March 2026 (at 00:00:00, 12:00 and 23:59:59.999999)."""
    days = [
        datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    payments = PaymentRecordFactory.create_batch(3)
    for payment, day in zip(payments, days, strict=True):
        PaymentRecord.objects.filter(pk=payment.pk).update(created_at=day)
    return payments


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("created_after=2026-03-02", [1, 2]),
        ("created_before=2026-03-02", [0, 1]),  # the whole of the 2nd is included
        ("created_after=2026-03-02&created_before=2026-03-02", [1]),
        ("created_after=2026-03-01&created_before=2026-03-03", [0, 1, 2]),
        ("created_before=2026-02-28", []),
        ("created_after=2026-03-04", []),
        ("created_after=2026-03-03&created_before=2026-03-01", []),
        ("created_before=9999-12-31", [0, 1, 2]),
    ],
)
def test_admin_list_filters_by_inclusive_dates(as_user, admin_user, dated_payments, query, expected):
    response = as_user(admin_user).get(f"{ADMIN_URL}?{query}")

    assert response.status_code == 200, response.content
    ids = {r["id"] for r in response.json()["data"]["results"]}
    assert ids == {str(dated_payments[i].pk) for i in expected}


@pytest.mark.parametrize("query", ["created_after=yesterday", "created_before=2026-13-01", "created_after=2026-02-30"])
def test_admin_list_refuses_malformed_dates(as_user, admin_user, query):
    body = assert_error(as_user(admin_user).get(f"{ADMIN_URL}?{query}"), 400)
    assert set(body["errors"]) <= {"created_after", "created_before"}


def test_admin_list_filters_by_status(as_user, admin_user):
    processing = PaymentRecordFactory(status=PaymentStatus.PROCESSING)
    PaymentRecordFactory(status=PaymentStatus.PENDING)

    data = as_user(admin_user).get(f"{ADMIN_URL}?status=PROCESSING").json()["data"]

    assert [r["id"] for r in data["results"]] == [str(processing.pk)]
    assert_error(as_user(admin_user).get(f"{ADMIN_URL}?status=LOST"), 400)


def test_admin_list_is_newest_first_and_ignores_unknown_ordering(as_user, admin_user, dated_payments):
    api = as_user(admin_user)

    newest_first = [r["id"] for r in api.get(ADMIN_URL).json()["data"]["results"]]
    oldest_first = [r["id"] for r in api.get(ADMIN_URL + "?ordering=created_at").json()["data"]["results"]]
    ignored = api.get(ADMIN_URL + "?ordering=secret_field")

    assert newest_first == [str(p.pk) for p in reversed(dated_payments)]
    assert oldest_first == list(reversed(newest_first))
    assert ignored.status_code == 200


# --- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (PaymentStatus.PENDING, PaymentStatus.PROCESSING),
        (PaymentStatus.PROCESSING, PaymentStatus.COMPLETED),
        (PaymentStatus.PROCESSING, PaymentStatus.FAILED),
    ],
)
def test_admin_moves_a_payment_along_the_state_machine(as_user, admin_user, start, target):
    payment = PaymentRecordFactory(status=start)

    response = as_user(admin_user).post(status_url(payment), {"status": target}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["data"]["status"] == target
    assert (body["data"]["completed_at"] is not None) is (target == PaymentStatus.COMPLETED)
    payment.refresh_from_db()
    assert payment.status == target
    assert (payment.completed_at is not None) is (target == PaymentStatus.COMPLETED)


ALLOWED = {
    (PaymentStatus.PENDING, PaymentStatus.PROCESSING),
    (PaymentStatus.PROCESSING, PaymentStatus.COMPLETED),
    (PaymentStatus.PROCESSING, PaymentStatus.FAILED),
    (PaymentStatus.FAILED, PaymentStatus.PROCESSING),  # Part 2: an admin retries a failed payout
}


@pytest.mark.parametrize(
    ("start", "target"),
    [(s, t) for s in PaymentStatus for t in PaymentStatus if (s, t) not in ALLOWED],
)
def test_every_other_move_is_a_400(as_user, admin_user, start, target):
    payment = PaymentRecordFactory(status=start)

    response = as_user(admin_user).post(status_url(payment), {"status": target}, format="json")

    body = assert_error(response, 400)
    assert "status" in body["errors"]
    payment.refresh_from_db()
    assert (payment.status, payment.completed_at) == (start, None)


def test_completing_stamps_completed_at_and_shows_in_the_freelancers_list(as_user, admin_user, freelancer, payment):
    api = as_user(admin_user)
    api.post(status_url(payment), {"status": "PROCESSING"}, format="json")
    before = timezone.now()

    response = api.post(
        status_url(payment), {"status": "COMPLETED", "transaction_reference": "TX-42", "notes": "Paid"}, format="json"
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["transaction_reference"], data["notes"]) == ("TX-42", "Paid")
    payment.refresh_from_db()
    assert payment.completed_at >= before - timedelta(seconds=1)
    listed = as_user(freelancer).get(FREELANCER_URL).json()["data"]["results"][0]
    assert listed["status"] == "COMPLETED"
    assert listed["completed_at"] is not None


def test_duplicate_transaction_reference_is_a_400_not_a_500(as_user, admin_user, payment):
    PaymentRecordFactory(transaction_reference="TX-1")

    response = as_user(admin_user).post(
        status_url(payment), {"status": "PROCESSING", "transaction_reference": "TX-1"}, format="json"
    )

    body = assert_error(response, 400)
    assert "transaction_reference" in body["errors"]
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_reference) == (PaymentStatus.PENDING, None)


@pytest.mark.parametrize("payload", [{}, {"status": "PAID"}, {"status": None}, {"status": ["PROCESSING"]}])
def test_malformed_status_body_is_a_400(as_user, admin_user, payment, payload):
    response = as_user(admin_user).post(status_url(payment), payload, format="json")

    assert "status" in assert_error(response, 400)["errors"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize("viewer", ["client_owner", "freelancer", "other_client"])
def test_only_admins_change_a_payment_status(as_user, request, viewer, payment):
    response = as_user(request.getfixturevalue(viewer)).post(status_url(payment), {"status": "PROCESSING"})

    assert_error(response, 403)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_status_change_needs_authentication(api_client, payment):
    assert_error(api_client.post(status_url(payment), {"status": "PROCESSING"}, format="json"), 401)


def test_status_of_an_unknown_payment_is_404(as_user, admin_user):
    response = as_user(admin_user).post(f"/api/payments/{uuid4()}/status/", {"status": "PROCESSING"}, format="json")
    assert_error(response, 404)


# --- query bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "viewer", "side"),
    [
        (CLIENT_URL, "client_owner", "client"),
        (FREELANCER_URL, "freelancer", "freelancer"),
        (ADMIN_URL, "admin_user", None),
    ],
)
def test_list_query_count_does_not_grow_with_page_size(
    as_user, request, url, viewer, side, django_assert_max_num_queries
):
    user = request.getfixturevalue(viewer)
    if side == "client":
        PaymentRecordFactory.create_batch(25, competition__client=user)
    elif side == "freelancer":
        PaymentRecordFactory.create_batch(25, freelancer=user)
    else:
        PaymentRecordFactory.create_batch(25)
    api = as_user(user)
    api.get(url)  # warms last_seen up
    counts = []
    for size, expected in ((10, 10), (100, 25)):
        with django_assert_max_num_queries(3) as captured:
            response = api.get(f"{url}?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["data"]["results"]) == expected
        counts.append(len(captured))
    assert counts[0] == counts[1]
