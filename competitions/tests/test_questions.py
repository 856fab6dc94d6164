"""Questions and answers: who may ask, who may answer, who sees private questions."""

import pytest

from competitions.models import CompetitionQuestion, CompetitionStatus
from competitions.tests.conftest import detail_url, error, in_days, ok
from competitions.tests.factories import CompetitionFactory, CompetitionQuestionFactory
from notifications.models import Notification, NotificationType

pytestmark = pytest.mark.django_db


def questions_url(competition) -> str:
    return f"{detail_url(competition)}questions/"


def answer_url(question) -> str:
    return f"{questions_url(question.competition)}{question.pk}/answer/"


def test_freelancer_asks_a_question(as_user, freelancer, open_competition):
    response = as_user(freelancer).post(questions_url(open_competition), {"question": "  Which CMS?  "}, format="json")

    data = ok(response, 201)
    assert data["question"] == "Which CMS?"
    assert data["asked_by_username"] == "charlie"
    assert data["competition"] == str(open_competition.pk)
    assert data["is_public"] is True
    assert data["answer"] is None
    question = CompetitionQuestion.objects.get()
    assert question.asked_by == freelancer
    assert question.competition == open_competition


def test_freelancer_may_ask_privately(as_user, freelancer, open_competition):
    data = ok(
        as_user(freelancer).post(
            questions_url(open_competition), {"question": "Budget flexible?", "is_public": False}, format="json"
        ),
        201,
    )
    assert data["is_public"] is False
    assert CompetitionQuestion.objects.get().is_public is False


@pytest.mark.parametrize("role", ["client_owner", "other_client", "admin_user"])
def test_only_freelancers_ask_questions(request, as_user, open_competition, role):
    user = request.getfixturevalue(role)
    error(as_user(user).post(questions_url(open_competition), {"question": "Hi?"}, format="json"), 403)
    assert not CompetitionQuestion.objects.exists()


def test_anonymous_cannot_ask(api_client, open_competition):
    error(api_client.post(questions_url(open_competition), {"question": "Hi?"}, format="json"), 401)


@pytest.mark.parametrize("status", [CompetitionStatus.REVIEW, CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED])
def test_questions_only_while_open(as_user, freelancer, client_owner, status):
    competition = CompetitionFactory(client=client_owner, status=status)
    error(as_user(freelancer).post(questions_url(competition), {"question": "Late?"}, format="json"), 400)
    assert not CompetitionQuestion.objects.exists()


def test_no_questions_after_the_submission_deadline(as_user, freelancer, client_owner):
    competition = CompetitionFactory(client=client_owner, submission_deadline=in_days(-0.01), deadline=in_days(2))
    error(as_user(freelancer).post(questions_url(competition), {"question": "Late?"}, format="json"), 400)


def test_no_questions_when_the_client_disallows_them(as_user, freelancer, client_owner):
    competition = CompetitionFactory(client=client_owner, allow_questions=False)
    error(as_user(freelancer).post(questions_url(competition), {"question": "Hi?"}, format="json"), 400)
    assert not CompetitionQuestion.objects.exists()


@pytest.mark.parametrize("body", [{}, {"question": ""}, {"question": "   "}, {"question": "x" * 5001}])
def test_question_text_is_required(as_user, freelancer, open_competition, body):
    errors = error(as_user(freelancer).post(questions_url(open_competition), body, format="json"), 400)
    assert "question" in errors


def test_emoji_question_round_trips(as_user, freelancer, open_competition):
    ok(as_user(freelancer).post(questions_url(open_competition), {"question": "Dark mode 🌙?"}, format="json"), 201)
    assert CompetitionQuestion.objects.get().question == "Dark mode 🌙?"


@pytest.fixture
def mixed_questions(open_competition, freelancer, other_freelancer):
    CompetitionQuestionFactory(competition=open_competition, question="public", is_public=True)
    CompetitionQuestionFactory(
        competition=open_competition, question="charlie private", is_public=False, asked_by=freelancer
    )
    CompetitionQuestionFactory(
        competition=open_competition, question="dana private", is_public=False, asked_by=other_freelancer
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", ["public"]),
        ("other_client", ["public"]),
        ("freelancer", ["public", "charlie private"]),
        ("other_freelancer", ["public", "dana private"]),
        ("client_owner", ["public", "charlie private", "dana private"]),
        ("admin_user", ["public", "charlie private", "dana private"]),
    ],
)
def test_question_visibility(request, as_user, open_competition, mixed_questions, role, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    data = ok(as_user(user).get(questions_url(open_competition)))
    assert [q["question"] for q in data["results"]] == expected
    assert data["count"] == len(expected)


def test_question_list_query_count_is_bounded(api_client, open_competition, django_assert_max_num_queries):
    CompetitionQuestionFactory.create_batch(20, competition=open_competition)
    with django_assert_max_num_queries(4):
        data = ok(api_client.get(questions_url(open_competition), {"page_size": 20}))
    assert len(data["results"]) == 20


# --- Answers ------------------------------------------------------------------------------------


def test_owner_answers_and_the_asker_is_notified(as_user, client_owner, freelancer, open_competition):
    question = CompetitionQuestionFactory(competition=open_competition, asked_by=freelancer, is_public=False)

    data = ok(as_user(client_owner).post(answer_url(question), {"answer": "WordPress.", "is_public": True}))

    assert data["answer"] == "WordPress."
    assert data["is_public"] is True
    assert data["answered_at"] is not None
    question.refresh_from_db()
    assert question.answer == "WordPress."
    assert question.answered_by == client_owner
    assert question.answered_at is not None
    assert question.is_public is True
    notice = Notification.objects.get()
    assert notice.notification_type == NotificationType.QUESTION_ANSWERED
    assert notice.recipient == freelancer
    assert notice.related_competition_id == open_competition.pk


def test_answer_keeps_visibility_when_not_given(as_user, client_owner, open_competition):
    question = CompetitionQuestionFactory(competition=open_competition, is_public=False)
    ok(as_user(client_owner).post(answer_url(question), {"answer": "Yes."}))
    question.refresh_from_db()
    assert question.is_public is False


@pytest.mark.parametrize("role", ["other_client", "freelancer", "admin_user"])
def test_only_the_owner_answers(request, as_user, open_competition, role):
    user = request.getfixturevalue(role)
    question = CompetitionQuestionFactory(competition=open_competition)
    error(as_user(user).post(answer_url(question), {"answer": "Sure."}), 403)
    question.refresh_from_db()
    assert question.answer is None
    assert not Notification.objects.exists()


def test_anonymous_cannot_answer(api_client, open_competition):
    question = CompetitionQuestionFactory(competition=open_competition)
    error(api_client.post(answer_url(question), {"answer": "Sure."}), 401)


def test_answer_is_required(as_user, client_owner, open_competition):
    question = CompetitionQuestionFactory(competition=open_competition)
    errors = error(as_user(client_owner).post(answer_url(question), {"answer": " "}), 400)
    assert "answer" in errors


def test_a_question_of_another_competition_is_a_404(as_user, client_owner, open_competition):
    elsewhere = CompetitionQuestionFactory(competition=CompetitionFactory(client=client_owner))
    url = f"{questions_url(open_competition)}{elsewhere.pk}/answer/"
    error(as_user(client_owner).post(url, {"answer": "Sure."}), 404)
    elsewhere.refresh_from_db()
    assert elsewhere.answer is None
