"""Permission matrix (issue 6): every endpoint and method of the API contract, called by each
role against objects in each relevant state, with the exact status the contract promises.

MATRIX below is the one table. A row is R(expected status per role, method, URL template,
state of the object it names, optional body, check=optional data check). Bodies are valid
wherever a role is allowed, so a permitted call answers its success code, never a 400 from a
lazy body. Statuses come from the API contract; where it is silent, from the README's API
reference (which documents the rest). A 404 where a 403 might be expected is the contract's
"not visible to this user": existence must not leak. Anonymous writes are a 401 whatever the
object, which leaks nothing either.

Roles, the columns of every row, in this order (ROLES; abbreviated in the table's headers):

    anon  anonymous          no token
    own   owning_client      alice, a CLIENT who owns every competition of the world (and pays)
    o_cl  other_client       bob, another CLIENT
    part  participant        charlie, the participating FREELANCER: owns the proposals, won `closed`
    o_fr  other_freelancer   dana, another FREELANCER and charlie's competitor (a proposal on `open`)
    adm   admin              an ADMIN

Each row is its own test: the world is built once for it, and every role's call runs in a
savepoint that is rolled back, so each role meets the same state (alice withdrawing a draft
does not change what bob gets). test_every_url_and_method_has_rows fails when a URL or method
under /api/ has no row; test_options_head_and_other_methods_never_fail sweeps the rest.

Run: scripts/test.sh freelance_arena/tests/test_permission_matrix.py
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.lifecycle import make_verification_token
from accounts.tests.factories import TEST_PASSWORD, FreelancerFactory
from competitions.models import Competition, CompetitionStatus
from competitions.tests.factories import CompetitionFactory, CompetitionQuestionFactory
from feedback.models import ReviewType
from feedback.tests.factories import ReviewFactory
from freelance_arena.views import api_not_found
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from payments.models import Funding, PaymentStatus
from payments.tests.factories import PaymentRecordFactory
from proposals.models import Proposal, ProposalAttachment, ProposalStatus
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PDF

ROLES = ("anonymous", "owning_client", "other_client", "participant", "other_freelancer", "admin")

# Not part of the contract's endpoint tables, so they have no rows (the OPTIONS/HEAD sweep still
# covers them): the OpenAPI document, the Swagger UI and ReDoc pages, and the catch-all that
# answers a JSON 404 for every other URL under /api/ (test_envelope.py covers it).
UNTABLED_VIEWS = (SpectacularAPIView, SpectacularSwaggerView, SpectacularRedocView)


class Upload:
    """A body value that becomes a fresh, valid PDF upload on each call (a file is consumed)."""

    def __init__(self, name: str = "plan.pdf") -> None:
        self.name = name

    def make(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, PDF, content_type="application/pdf")


@dataclass(frozen=True)
class Row:
    method: str
    url: str
    state: str
    expect: tuple[int, ...]
    body: Any = None
    fmt: str = "json"
    # (key of `data`, expected value per role; None = not checked): what a 200 shows, where
    # the status alone cannot prove object-level visibility (private questions and reviews,
    # other people's proposals and payments).
    check: tuple[str, tuple] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.url} [{self.state}]"


def R(expect, method, url, state, body=None, *, fmt="json", check=None) -> Row:  # a table row
    assert len(expect) == len(ROLES), url
    return Row(method, url, state, tuple(expect), body, fmt, check)


# --- Bodies (valid: "{name}" placeholders are filled from the world) -----------------------------

REGISTER = {
    "email": "newcomer@example.com",
    "username": "newcomer",
    "password": "a-Strong-passphrase-42",
    "role": "FREELANCER",
    "first_name": "New",
    "last_name": "Comer",
}
LOGIN = {"email": "{part_email}", "password": TEST_PASSWORD}
PROFILE_PUT = {
    "username": "renamed",
    "first_name": "Re",
    "last_name": "Named",
    "bio": "Hello.",
    "skills": "Python, Django",
    "hourly_rate": "45.00",
}
NEW_PASSWORD = {
    "old_password": TEST_PASSWORD,
    "new_password": "another-Secret-77",
    "confirm_password": "another-Secret-77",
}
NEW_RESET_PASSWORD = {"new_password": "another-Secret-77", "confirm_password": "another-Secret-77"}
ADMIN_USER_PUT = {
    "email": "charlie.new@example.com",
    "username": "charlie_new",
    "first_name": "Charles",
    "last_name": "Ng",
    "role": "FREELANCER",
    "bio": "",
    "skills": "Python",
    "hourly_rate": "30.00",
    "is_active": True,
    "is_staff": False,
    "email_verified": True,
}
COMPETITION = {
    "title": "Landing page v2",
    "description": "A one-page site with a menu and opening hours.",
    "requirements": "Responsive and accessible.",
    "budget": "1500.00",  # the factory's: a funded prize's budget cannot change (Part 2)
    "deadline": "{deadline}",
    "submission_deadline": "{submission_deadline}",
    "category": "web",
    "tags": "html, css",
    "max_proposals": 10,
    "allow_questions": True,
}
NEW_COMPETITION = {**COMPETITION, "currency": "EUR"}
TITLE = {"title": "Landing page, second take"}
QUESTION = {"question": "Is a dark mode required?", "is_public": False}
ANSWER = {"answer": "Yes, please.", "is_public": True}


def proposal(competition: str) -> dict:
    return {
        "competition": f"{{{competition}}}",
        "title": "My approach",
        "description": "A working prototype with tests.",
        "proposed_budget": "1100.00",
        "estimated_duration": 12,
        "submission_note": "Demo inside.",
    }


PROPOSAL_EDIT = {
    "title": "My approach, revised",
    "description": "A working prototype with more tests.",
    "proposed_budget": "1000.00",
    "estimated_duration": 9,
    "submission_note": "",
    "revision_note": "Cheaper and faster.",
}
SCORE = {"client_score": 4, "client_note": "Solid work."}
REPORT = {"reason": "Same layout as another entry."}
REPORT_RESPONSE = {"response": "I drew it myself."}
DECISION = {"decision": "DISMISS", "note": "A common layout."}


def review(competition: str) -> dict:
    return {"competition": f"{{{competition}}}", "rating": 5, "comment": "Smooth collaboration."}


def own_refresh(world: "World", role: str) -> dict:
    """Logout with the caller's own refresh token (anonymous: the participant's)."""
    return {"refresh": str(RefreshToken.for_user(world.users[role] or world.users["participant"]))}


# --- The matrix ----------------------------------------------------------------------------------
# Competitions: draft, open, review, closed (all alice's). Proposals (charlie's unless said):
# submitted (on open), rival (dana's, on open), withdrawn, under_review, in_review (on review),
# accepted (on closed). See the `world` fixture for the rest.

# fmt: off
MATRIX: list[Row] = [
    # ---- accounts ---------------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((201, 201, 201, 201, 201, 201), "POST", "/api/auth/register/", "new account", REGISTER),
    R((200, 200, 200, 200, 200, 200), "POST", "/api/auth/login/", "right password", LOGIN),
    R((400, 400, 400, 400, 400, 400), "POST", "/api/auth/login/", "wrong password",
      {**LOGIN, "password": "wrong-password-1"}),
    R((400, 400, 400, 400, 400, 400), "POST", "/api/auth/login/", "deactivated account",
      {"email": "{inactive_email}", "password": TEST_PASSWORD}),
    R((200, 200, 200, 200, 200, 200), "POST", "/api/auth/token/refresh/", "valid refresh token",
      {"refresh": "{part_refresh}"}),
    R((401, 401, 401, 401, 401, 401), "POST", "/api/auth/token/refresh/", "blacklisted refresh token",
      {"refresh": "{blacklisted_refresh}"}),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/auth/logout/", "own refresh token", own_refresh),
    R((401, 400, 400, 200, 400, 400), "POST", "/api/auth/logout/", "the participant's refresh token",
      {"refresh": "{part_refresh}"}),
    R((401, 200, 200, 200, 200, 200), "GET", "/api/auth/profile/", "own"),
    R((401, 200, 200, 200, 200, 200), "PUT", "/api/auth/profile/", "own", PROFILE_PUT),
    R((401, 200, 200, 200, 200, 200), "PATCH", "/api/auth/profile/", "own", {"bio": "New bio."}),
    R((401, 200, 200, 200, 200, 200), "DELETE", "/api/auth/profile/", "own, with the password",
      {"password": TEST_PASSWORD}),
    R((401, 400, 400, 400, 400, 400), "DELETE", "/api/auth/profile/", "own, without the password"),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/auth/change-password/", "own", NEW_PASSWORD),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/auth/verify-email/request/", "own, unverified"),
    R((200, 200, 200, 200, 200, 200), "POST", "/api/auth/verify-email/confirm/", "the participant's token",
      {"token": "{part_verify_token}"}),
    R((400, 400, 400, 400, 400, 400), "POST", "/api/auth/verify-email/confirm/", "a forged token",
      {"token": "forged"}),
    R((200, 200, 200, 200, 200, 200), "POST", "/api/auth/password-reset/", "a known address",
      {"email": "{part_email}"}),
    R((200, 200, 200, 200, 200, 200), "POST", "/api/auth/password-reset/", "an unknown address",
      {"email": "nobody@example.com"}),
    R((200, 200, 200, 200, 200, 200), "POST", "/api/auth/password-reset/confirm/", "the participant's link",
      {"uid": "{part_uid}", "token": "{part_reset_token}", **NEW_RESET_PASSWORD}),
    R((400, 400, 400, 400, 400, 400), "POST", "/api/auth/password-reset/confirm/", "a forged link",
      {"uid": "{part_uid}", "token": "forged-token", **NEW_RESET_PASSWORD}),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/auth/change-email/", "own, with the password",
      {"new_email": "brand.new@example.com", "password": TEST_PASSWORD}),
    R((401, 400, 400, 400, 400, 400), "POST", "/api/auth/change-email/", "own, with a wrong password",
      {"new_email": "brand.new@example.com", "password": "wrong-password-1"}),
    R((401, 403, 403, 403, 403, 200), "GET", "/api/auth/users/", "all"),
    R((401, 403, 403, 403, 403, 200), "GET", "/api/auth/users/{part_user}/", "another user"),
    R((401, 403, 403, 403, 403, 200), "PUT", "/api/auth/users/{part_user}/", "another user", ADMIN_USER_PUT),
    R((401, 403, 403, 403, 403, 200), "PATCH", "/api/auth/users/{part_user}/", "another user",
      {"email_verified": True}),
    R((401, 403, 403, 403, 403, 200), "DELETE", "/api/auth/users/{part_user}/", "another user"),
    R((401, 403, 403, 403, 403, 400), "DELETE", "/api/auth/users/{admin_user}/", "the admin themself"),
    R((401, 403, 403, 403, 403, 404), "GET", "/api/auth/users/{unknown}/", "unknown id"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/auth/freelancers/", "public directory"),

    # ---- competitions: lists and create ------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/", "OPEN ones listed",
      check=("count", (4, 4, 4, 4, 4, 4))),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/?status=DRAFT", "status filter is admin-only",
      check=("count", (4, 4, 4, 4, 4, 3))),  # drafts: funded, unfunded, one with a pending funding
    R((401, 201, 201, 403, 403, 403), "POST", "/api/competitions/", "new competition", NEW_COMPETITION),
    R((401, 200, 200, 403, 403, 403), "GET", "/api/competitions/mine/", "own, every status",
      check=("count", (None, 13, 0, None, None, None))),
    R((401, 200, 200, 200, 200, 200), "GET", "/api/competitions/bookmarks/", "own bookmarks"),

    # ---- competitions: one competition -------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((404, 200, 404, 404, 404, 200), "GET", "/api/competitions/{draft}/", "DRAFT"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/{open}/", "OPEN"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/{review}/", "REVIEW"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/{closed}/", "CLOSED"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/{cancelled}/", "CANCELLED after publishing"),
    R((404, 200, 404, 404, 404, 200), "GET", "/api/competitions/{cancelled_draft}/", "CANCELLED draft"),
    R((404, 404, 404, 404, 404, 404), "GET", "/api/competitions/{unknown}/", "unknown id"),
    R((401, 200, 404, 404, 404, 403), "PUT", "/api/competitions/{draft}/", "DRAFT", COMPETITION),
    R((401, 200, 403, 403, 403, 403), "PUT", "/api/competitions/{open}/", "OPEN", COMPETITION),
    R((401, 400, 403, 403, 403, 403), "PUT", "/api/competitions/{review}/", "REVIEW", COMPETITION),
    R((401, 200, 404, 404, 404, 403), "PATCH", "/api/competitions/{draft}/", "DRAFT", TITLE),
    R((401, 200, 403, 403, 403, 403), "PATCH", "/api/competitions/{open}/", "OPEN", TITLE),
    R((401, 400, 403, 403, 403, 403), "PATCH", "/api/competitions/{review}/", "REVIEW", TITLE),
    R((401, 400, 403, 403, 403, 403), "PATCH", "/api/competitions/{closed}/", "CLOSED", TITLE),
    R((401, 400, 404, 404, 404, 403), "PATCH", "/api/competitions/{cancelled_draft}/", "CANCELLED draft", TITLE),
    R((401, 200, 404, 404, 404, 403), "DELETE", "/api/competitions/{draft}/", "DRAFT"),
    R((401, 400, 403, 403, 403, 403), "DELETE", "/api/competitions/{open}/", "OPEN"),
    R((401, 400, 403, 403, 403, 403), "DELETE", "/api/competitions/{review}/", "REVIEW"),
    R((401, 400, 403, 403, 403, 403), "DELETE", "/api/competitions/{closed}/", "CLOSED"),

    # ---- competitions: status ----------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 200, 404, 404, 404, 403), "POST", "/api/competitions/{draft}/status/", "DRAFT -> OPEN", {"status": "OPEN"}),
    R((401, 200, 404, 404, 404, 403), "POST", "/api/competitions/{draft}/status/", "DRAFT -> CANCELLED",
      {"status": "CANCELLED"}),
    R((401, 400, 404, 404, 404, 403), "POST", "/api/competitions/{draft}/status/", "DRAFT -> CLOSED",
      {"status": "CLOSED"}),
    R((401, 200, 403, 403, 403, 403), "POST", "/api/competitions/{open}/status/", "OPEN -> REVIEW",
      {"status": "REVIEW"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{open}/status/", "OPEN with entries -> CANCELLED",
      {"status": "CANCELLED"}),
    R((401, 200, 403, 403, 403, 403), "POST", "/api/competitions/{open_withdrawn}/status/",
      "OPEN, only a withdrawn entry -> CANCELLED", {"status": "CANCELLED"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{open}/status/", "OPEN -> CLOSED",
      {"status": "CLOSED"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{review}/status/", "REVIEW with entries -> CLOSED",
      {"status": "CLOSED"}),
    R((401, 200, 403, 403, 403, 403), "POST", "/api/competitions/{review_empty}/status/",
      "REVIEW, no entry -> CLOSED", {"status": "CLOSED"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{review}/status/", "REVIEW -> OPEN",
      {"status": "OPEN"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{closed}/status/", "CLOSED -> OPEN",
      {"status": "OPEN"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{cancelled}/status/", "CANCELLED -> OPEN",
      {"status": "OPEN"}),
    R((401, 400, 404, 404, 404, 403), "POST", "/api/competitions/{cancelled_draft}/status/", "CANCELLED draft -> OPEN",
      {"status": "OPEN"}),

    # ---- competitions: questions, answers, bookmarks, winner ---------------------------------------
    # anon  own o_cl part o_fr  adm
    R((404, 200, 404, 404, 404, 200), "GET", "/api/competitions/{draft}/questions/", "DRAFT"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/competitions/{open}/questions/", "OPEN, one private question",
      check=("count", (1, 2, 1, 2, 1, 2))),
    R((401, 403, 403, 201, 201, 403), "POST", "/api/competitions/{open}/questions/", "OPEN", QUESTION),
    R((401, 403, 403, 400, 400, 403), "POST", "/api/competitions/{no_questions}/questions/", "OPEN, questions off",
      QUESTION),
    R((401, 403, 404, 404, 404, 403), "POST", "/api/competitions/{draft}/questions/", "DRAFT", QUESTION),
    R((401, 403, 403, 400, 400, 403), "POST", "/api/competitions/{review}/questions/", "REVIEW", QUESTION),
    R((401, 403, 403, 400, 400, 403), "POST", "/api/competitions/{closed}/questions/", "CLOSED", QUESTION),
    R((401, 200, 403, 403, 403, 403), "POST", "/api/competitions/{open}/questions/{private_q}/answer/",
      "OPEN, private question", ANSWER),
    R((401, 200, 403, 403, 403, 403), "POST", "/api/competitions/{open}/questions/{public_q}/answer/",
      "OPEN, public question", ANSWER),
    R((401, 200, 404, 404, 404, 403), "POST", "/api/competitions/{draft}/questions/{draft_q}/answer/", "DRAFT", ANSWER),
    R((401, 404, 403, 403, 403, 403), "POST", "/api/competitions/{open_scored}/questions/{public_q}/answer/",
      "question of another competition", ANSWER),
    R((401, 200, 404, 404, 404, 200), "POST", "/api/competitions/{draft}/bookmark/", "DRAFT"),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/competitions/{open}/bookmark/", "OPEN"),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/competitions/{closed}/bookmark/", "CLOSED"),
    R((401, 200, 403, 403, 403, 403), "POST", "/api/competitions/{review}/select-winner/", "REVIEW, submitted proposal",
      {"proposal_id": "{in_review}"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{review}/select-winner/", "REVIEW, withdrawn proposal",
      {"proposal_id": "{rival_withdrawn}"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{review}/select-winner/",
      "REVIEW, proposal of another competition", {"proposal_id": "{submitted}"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{open}/select-winner/", "OPEN",
      {"proposal_id": "{submitted}"}),
    R((401, 400, 404, 404, 404, 403), "POST", "/api/competitions/{draft}/select-winner/", "DRAFT",
      {"proposal_id": "{submitted}"}),
    R((401, 400, 403, 403, 403, 403), "POST", "/api/competitions/{closed}/select-winner/", "CLOSED",
      {"proposal_id": "{accepted}"}),

    # ---- proposals: submit and lists ---------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 403, 403, 201, 201, 403), "POST", "/api/proposals/", "OPEN competition, none submitted yet",
      proposal("no_questions")),
    R((401, 403, 403, 201, 201, 403), "POST", "/api/proposals/", "OPEN competition, multipart with a file",
      {**proposal("no_questions"), "attachments": Upload()}, fmt="multipart"),
    R((401, 403, 403, 400, 400, 403), "POST", "/api/proposals/", "OPEN competition, already submitted",
      proposal("open")),
    R((401, 403, 403, 400, 400, 403), "POST", "/api/proposals/", "REVIEW competition", proposal("review")),
    R((401, 403, 403, 400, 400, 403), "POST", "/api/proposals/", "DRAFT competition", proposal("draft")),
    R((401, 403, 403, 200, 200, 403), "GET", "/api/proposals/mine/", "own, every status",
      check=("count", (None, None, None, 6, 2, None))),
    R((401, 200, 403, 403, 403, 403), "GET", "/api/proposals/competition/{open}/", "OPEN, two proposals",
      check=("count", (None, 2, None, None, None, None))),
    R((401, 200, 403, 403, 403, 403), "GET", "/api/proposals/competition/{review}/", "REVIEW, one withdrawn",
      check=("count", (None, 1, None, None, None, None))),
    R((401, 200, 403, 403, 403, 403), "GET", "/api/proposals/competition/{closed}/", "CLOSED"),
    R((401, 200, 404, 404, 404, 403), "GET", "/api/proposals/competition/{draft}/", "DRAFT"),

    # ---- proposals: one proposal -------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 200, 404, 200, 404, 200), "GET", "/api/proposals/{submitted}/", "SUBMITTED, OPEN"),
    R((401, 200, 404, 404, 200, 200), "GET", "/api/proposals/{rival}/", "the competitor's SUBMITTED, OPEN"),
    R((401, 404, 404, 200, 404, 200), "GET", "/api/proposals/{withdrawn}/", "WITHDRAWN, OPEN"),
    R((401, 200, 404, 200, 404, 200), "GET", "/api/proposals/{accepted}/", "ACCEPTED, CLOSED"),
    R((401, 404, 404, 404, 404, 404), "GET", "/api/proposals/{unknown}/", "unknown id"),
    R((401, 403, 404, 200, 404, 403), "PUT", "/api/proposals/{submitted}/", "SUBMITTED, OPEN", PROPOSAL_EDIT),
    R((401, 403, 404, 200, 404, 403), "PATCH", "/api/proposals/{submitted}/", "SUBMITTED, OPEN",
      {"title": "Sharper title"}),
    R((401, 403, 404, 400, 404, 403), "PATCH", "/api/proposals/{under_review}/", "UNDER_REVIEW, OPEN",
      {"title": "Sharper title"}),
    R((401, 403, 404, 400, 404, 403), "PATCH", "/api/proposals/{in_review}/", "SUBMITTED, REVIEW",
      {"title": "Sharper title"}),
    R((401, 404, 404, 400, 404, 403), "PATCH", "/api/proposals/{withdrawn}/", "WITHDRAWN, OPEN",
      {"title": "Sharper title"}),
    R((401, 403, 404, 400, 404, 403), "PATCH", "/api/proposals/{accepted}/", "ACCEPTED, CLOSED",
      {"title": "Sharper title"}),
    R((401, 403, 404, 200, 404, 403), "DELETE", "/api/proposals/{submitted}/", "SUBMITTED, OPEN"),
    R((401, 403, 404, 200, 404, 403), "DELETE", "/api/proposals/{in_review}/", "SUBMITTED, REVIEW"),
    R((401, 403, 404, 400, 404, 403), "DELETE", "/api/proposals/{under_review}/", "UNDER_REVIEW, OPEN"),
    R((401, 404, 404, 400, 404, 403), "DELETE", "/api/proposals/{withdrawn}/", "WITHDRAWN, OPEN"),
    R((401, 403, 404, 400, 404, 403), "DELETE", "/api/proposals/{accepted}/", "ACCEPTED, CLOSED"),
    R((401, 403, 404, 200, 404, 403), "POST", "/api/proposals/{submitted}/withdraw/", "SUBMITTED, OPEN"),
    R((401, 403, 404, 200, 404, 403), "POST", "/api/proposals/{in_review}/withdraw/", "SUBMITTED, REVIEW"),
    R((401, 403, 404, 400, 404, 403), "POST", "/api/proposals/{under_review}/withdraw/", "UNDER_REVIEW, OPEN"),
    R((401, 404, 404, 400, 404, 403), "POST", "/api/proposals/{withdrawn}/withdraw/", "WITHDRAWN, OPEN"),
    R((401, 403, 404, 400, 404, 403), "POST", "/api/proposals/{accepted}/withdraw/", "ACCEPTED, CLOSED"),

    # ---- proposals: attachments --------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 403, 404, 201, 404, 403), "POST", "/api/proposals/{submitted}/attachments/", "SUBMITTED, OPEN",
      {"file": Upload()}, fmt="multipart"),
    R((401, 403, 404, 400, 404, 403), "POST", "/api/proposals/{in_review}/attachments/", "SUBMITTED, REVIEW",
      {"file": Upload()}, fmt="multipart"),
    R((401, 403, 404, 400, 404, 403), "POST", "/api/proposals/{under_review}/attachments/", "UNDER_REVIEW, OPEN",
      {"file": Upload()}, fmt="multipart"),
    R((401, 404, 404, 400, 404, 403), "POST", "/api/proposals/{withdrawn}/attachments/", "WITHDRAWN, OPEN",
      {"file": Upload()}, fmt="multipart"),
    R((401, 403, 404, 400, 404, 403), "POST", "/api/proposals/{accepted}/attachments/", "ACCEPTED, CLOSED",
      {"file": Upload()}, fmt="multipart"),
    R((401, 403, 404, 200, 404, 403), "DELETE", "/api/proposals/{submitted}/attachments/{submitted_file}/",
      "SUBMITTED, OPEN"),
    R((401, 403, 404, 400, 404, 403), "DELETE", "/api/proposals/{in_review}/attachments/{in_review_file}/",
      "SUBMITTED, REVIEW"),
    R((401, 404, 404, 400, 404, 403), "DELETE", "/api/proposals/{withdrawn}/attachments/{withdrawn_file}/",
      "WITHDRAWN, OPEN"),
    R((401, 403, 404, 400, 404, 403), "DELETE", "/api/proposals/{accepted}/attachments/{accepted_file}/",
      "ACCEPTED, CLOSED"),
    R((401, 403, 404, 404, 404, 403), "DELETE", "/api/proposals/{submitted}/attachments/{rival_file}/",
      "file of another proposal"),
    R((404, 200, 404, 200, 404, 200), "GET", "/api/proposals/{submitted}/attachments/{submitted_file}/download/",
      "SUBMITTED, OPEN"),
    R((404, 200, 404, 404, 200, 200), "GET", "/api/proposals/{rival}/attachments/{rival_file}/download/",
      "the competitor's file"),
    R((404, 404, 404, 200, 404, 200), "GET", "/api/proposals/{withdrawn}/attachments/{withdrawn_file}/download/",
      "WITHDRAWN, OPEN"),
    R((404, 200, 404, 200, 404, 200), "GET", "/api/proposals/{accepted}/attachments/{accepted_file}/download/",
      "ACCEPTED, CLOSED"),
    R((404, 404, 404, 404, 404, 404), "GET", "/api/proposals/{submitted}/attachments/{rival_file}/download/",
      "file of another proposal"),

    # ---- proposals: score --------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 200, 404, 403, 404, 403), "POST", "/api/proposals/{submitted}/score/", "SUBMITTED, OPEN", SCORE),
    R((401, 200, 404, 403, 404, 403), "POST", "/api/proposals/{under_review}/score/", "UNDER_REVIEW, OPEN", SCORE),
    R((401, 200, 404, 403, 404, 403), "POST", "/api/proposals/{in_review}/score/", "SUBMITTED, REVIEW", SCORE),
    R((401, 404, 404, 403, 404, 403), "POST", "/api/proposals/{withdrawn}/score/", "WITHDRAWN, OPEN", SCORE),
    R((401, 400, 404, 403, 404, 403), "POST", "/api/proposals/{accepted}/score/", "ACCEPTED, CLOSED", SCORE),
    # ---- originality reports (issue 16): charlie's under_review proposal has an OPEN report -------
    R((401, 201, 404, 403, 404, 403), "POST", "/api/proposals/{submitted}/report/", "SUBMITTED, OPEN", REPORT),
    R((401, 400, 404, 403, 404, 403), "POST", "/api/proposals/{under_review}/report/", "already reported", REPORT),
    R((401, 400, 404, 403, 404, 403), "POST", "/api/proposals/{accepted}/report/", "ACCEPTED, CLOSED", REPORT),
    R((401, 404, 404, 404, 404, 404), "POST", "/api/proposals/{unknown}/report/", "unknown proposal", REPORT),
    R((401, 403, 404, 200, 404, 403), "POST", "/api/proposals/{under_review}/report-response/",
      "open report, within 24 h", REPORT_RESPONSE),
    R((401, 403, 404, 400, 404, 403), "POST", "/api/proposals/{submitted}/report-response/", "no report",
      REPORT_RESPONSE),
    R((401, 403, 403, 403, 403, 200), "GET", "/api/proposals/reports/", "one report",
      check=("count", (None, None, None, None, None, 1))),
    R((401, 403, 403, 403, 403, 200), "POST", "/api/proposals/reports/{report}/decide/", "OPEN", DECISION),
    R((401, 403, 403, 403, 403, 404), "POST", "/api/proposals/reports/{unknown}/decide/", "unknown report", DECISION),

    # ---- feedback ----------------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 201, 403, 201, 403, 403), "POST", "/api/feedback/reviews/", "CLOSED, not reviewed yet",
      review("closed_fresh")),
    R((401, 400, 403, 400, 403, 403), "POST", "/api/feedback/reviews/", "CLOSED, already reviewed", review("closed")),
    R((401, 400, 400, 400, 400, 400), "POST", "/api/feedback/reviews/", "OPEN", review("open")),
    R((401, 400, 400, 400, 400, 400), "POST", "/api/feedback/reviews/", "DRAFT", review("draft")),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/feedback/users/{part_user}/reviews/", "one public review",
      check=("count", (1, 1, 1, 1, 1, 1))),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/feedback/users/{owner_user}/reviews/", "one private review",
      check=("count", (0, 0, 0, 0, 0, 0))),
    R((404, 404, 404, 404, 404, 404), "GET", "/api/feedback/users/{unknown}/reviews/", "unknown user"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/feedback/users/{part_user}/rating/", "rated user",
      check=("total_reviews", (1, 1, 1, 1, 1, 1))),
    R((404, 404, 404, 404, 404, 404), "GET", "/api/feedback/users/{unknown}/rating/", "unknown user"),
    R((401, 200, 200, 200, 200, 200), "GET", "/api/feedback/competitions/{closed}/reviews/",
      "CLOSED, public and private review", check=("count", (None, 2, 1, 2, 1, 2))),
    R((401, 200, 404, 404, 404, 200), "GET", "/api/feedback/competitions/{draft}/reviews/", "DRAFT"),

    # ---- notifications -----------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((401, 200, 200, 200, 200, 200), "GET", "/api/notifications/", "own only", check=("count", (None, 0, 0, 1, 0, 0))),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/notifications/mark-read/", "the participant's notification",
      {"ids": ["{notification}"]}, check=("updated", (None, 0, 0, 1, 0, 0))),
    R((401, 200, 200, 200, 200, 200), "POST", "/api/notifications/mark-all-read/", "own only",
      check=("updated", (None, 0, 0, 1, 0, 0))),
    R((401, 200, 200, 200, 200, 200), "GET", "/api/notifications/preferences/", "own"),
    R((401, 200, 200, 200, 200, 200), "PATCH", "/api/notifications/preferences/", "own",
      {"email": {"COMPETITION_OPENED": True}}),
    R((401, 400, 400, 400, 400, 400), "PATCH", "/api/notifications/preferences/", "an unknown type",
      {"email": {"NO_SUCH_TYPE": True}}),
    R((401, 200, 200, 200, 200, 200), "GET", "/api/notifications/unread-count/", "own only",
      check=("unread_count", (None, 0, 0, 1, 0, 0))),

    # ---- payments ----------------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    # ---- money (Part 2) --------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    # the cast's addresses are unverified: funding and payout accounts are a 403 (the verified
    # paths: payments/tests/test_escrow_flow.py)
    R((401, 403, 404, 404, 404, 403), "POST", "/api/competitions/{unfunded_draft}/fund/", "DRAFT, owner unverified"),
    R((401, 403, 403, 403, 403, 403), "POST", "/api/competitions/{open}/fund/", "OPEN, owner unverified"),
    R((401, 200, 404, 404, 404, 200), "GET", "/api/competitions/{draft}/escrow/", "DRAFT"),
    R((401, 200, 403, 403, 403, 200), "GET", "/api/competitions/{open}/escrow/", "OPEN"),
    R((401, 200, 404, 404, 404, 404), "POST", "/api/payments/fundings/{pending_funding}/confirm/", "PENDING",
      {"outcome": "succeeded"}),
    R((400, 400, 400, 400, 400, 400), "POST", "/api/payments/webhooks/stripe/", "unsigned", {"id": "evt_1"}),
    R((401, 403, 403, 403, 403, 403), "GET", "/api/payments/payout-account/", "freelancers unverified"),
    R((401, 403, 403, 403, 403, 403), "POST", "/api/payments/payout-account/", "freelancers unverified"),
    R((401, 403, 403, 403, 403, 200), "GET", "/api/payments/ledger/", "all"),

    R((401, 200, 200, 403, 403, 403), "GET", "/api/payments/client/", "own only",
      check=("count", (None, 2, 0, None, None, None))),
    R((401, 403, 403, 200, 200, 403), "GET", "/api/payments/freelancer/", "own only",
      check=("count", (None, None, None, 2, 0, None))),
    R((401, 403, 403, 403, 403, 200), "GET", "/api/payments/admin/", "all",
      check=("count", (None, None, None, None, None, 2))),
    R((401, 200, 404, 200, 404, 200), "GET", "/api/payments/{payment}/", "PENDING"),
    R((401, 200, 404, 200, 404, 200), "GET", "/api/payments/{payment_done}/", "COMPLETED"),
    R((401, 404, 404, 404, 404, 404), "GET", "/api/payments/{unknown}/", "unknown id"),
    R((401, 403, 403, 403, 403, 200), "POST", "/api/payments/{payment}/status/", "PENDING -> PROCESSING",
      {"status": "PROCESSING", "notes": "Transfer started.", "transaction_reference": "TX-1"}),
    R((401, 403, 403, 403, 403, 400), "POST", "/api/payments/{payment}/status/", "PENDING -> COMPLETED",
      {"status": "COMPLETED"}),
    R((401, 403, 403, 403, 403, 400), "POST", "/api/payments/{payment_done}/status/", "COMPLETED -> FAILED",
      {"status": "FAILED"}),
    R((401, 403, 403, 403, 403, 404), "POST", "/api/payments/{unknown}/status/", "unknown id",
      {"status": "PROCESSING"}),

    # ---- outside the apps --------------------------------------------------------------------------
    # anon  own o_cl part o_fr  adm
    R((200, 200, 200, 200, 200, 200), "GET", "/api/health/", "database up"),
    R((200, 200, 200, 200, 200, 200), "GET", "/api/stats/", "public statistics"),
]
# fmt: on


# --- The world -----------------------------------------------------------------------------------


class World:
    def __init__(self, users: dict[str, Any], values: dict[str, str]) -> None:
        self.users = users  # role -> User (None for anonymous)
        self.values = values  # placeholder -> value

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.format_map(self.values)
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        if isinstance(value, Upload):
            return value.make()
        return value

    def body(self, row: Row, role: str) -> Any:
        if row.body is None:
            return None
        return row.body(self, role) if callable(row.body) else self.fill(row.body)


def attach(proposal) -> ProposalAttachment:
    return ProposalAttachment.objects.create(
        proposal=proposal,
        file=SimpleUploadedFile("brief.pdf", PDF),
        original_filename="brief.pdf",
        file_size=len(PDF),
        file_type="pdf",
    )


@pytest.fixture
def world(client_owner, other_client, freelancer, other_freelancer, admin_user) -> World:
    alice, charlie, dana = client_owner, freelancer, other_freelancer
    now = timezone.now()
    past = now - timedelta(days=1)

    def competition(**kwargs):
        return CompetitionFactory(client=alice, **kwargs)

    draft = competition(status=CompetitionStatus.DRAFT, funded=True)
    unfunded_draft = competition(status=CompetitionStatus.DRAFT)
    pending_draft = competition(status=CompetitionStatus.DRAFT)
    pending_funding = Funding.objects.create(
        competition=pending_draft,
        client=alice,
        provider="dummy",
        provider_ref="dummy_pi_matrix",
        amount=pending_draft.budget,
        currency=pending_draft.currency,
    )
    review_empty = competition(status=CompetitionStatus.REVIEW, submission_deadline=past)
    open_ = competition()
    open_withdrawn = competition()
    open_scored = competition()
    no_questions = competition(allow_questions=False)
    review = competition(status=CompetitionStatus.REVIEW, submission_deadline=past)
    closed = competition(status=CompetitionStatus.CLOSED, submission_deadline=past, winner=charlie)
    closed_fresh = competition(status=CompetitionStatus.CLOSED, submission_deadline=past, winner=charlie)
    cancelled = competition(status=CompetitionStatus.CANCELLED)  # published, then cancelled
    cancelled_draft = competition(status=CompetitionStatus.CANCELLED, published_at=None)

    submitted = ProposalFactory(competition=open_, freelancer=charlie)
    rival = ProposalFactory(competition=open_, freelancer=dana)
    withdrawn = ProposalFactory(competition=open_withdrawn, freelancer=charlie, status=ProposalStatus.WITHDRAWN)
    under_review = ProposalFactory(
        competition=open_scored, freelancer=charlie, status=ProposalStatus.UNDER_REVIEW, client_score=4
    )
    in_review = ProposalFactory(competition=review, freelancer=charlie)
    rival_withdrawn = ProposalFactory(competition=review, freelancer=dana, status=ProposalStatus.WITHDRAWN)
    accepted = ProposalFactory(competition=closed, freelancer=charlie, status=ProposalStatus.ACCEPTED, is_winner=True)
    accepted_fresh = ProposalFactory(
        competition=closed_fresh, freelancer=charlie, status=ProposalStatus.ACCEPTED, is_winner=True
    )
    for won, proposal_ in ((closed, accepted), (closed_fresh, accepted_fresh)):
        won.winning_proposal = proposal_
        won.save(update_fields=["winning_proposal"])

    public_q = CompetitionQuestionFactory(competition=open_, asked_by=charlie, is_public=True)
    private_q = CompetitionQuestionFactory(competition=open_, asked_by=charlie, is_public=False)
    # Only so the answer URL of a draft names a real question (no freelancer can ask on a draft).
    draft_q = CompetitionQuestionFactory(competition=draft, asked_by=charlie)

    ReviewFactory(competition=closed, reviewer=alice, reviewee=charlie, review_type=ReviewType.CLIENT_TO_FREELANCER)
    ReviewFactory(
        competition=closed,
        reviewer=charlie,
        reviewee=alice,
        review_type=ReviewType.FREELANCER_TO_CLIENT,
        is_public=False,
    )
    payment = PaymentRecordFactory(
        competition=closed, client=alice, freelancer=charlie, amount=accepted.proposed_budget
    )
    payment_done = PaymentRecordFactory(
        competition=closed_fresh,
        client=alice,
        freelancer=charlie,
        amount=accepted_fresh.proposed_budget,
        status=PaymentStatus.COMPLETED,
        completed_at=now,
    )
    from originality.models import Report

    report = Report.objects.create(proposal=under_review, reported_by=alice, reason="Copied.")
    # The signals above notified alice and charlie (proposals received, reviews): start the
    # notification rows over with exactly one, charlie's, unread.
    Notification.objects.all().delete()
    notification = NotificationFactory(recipient=charlie)
    inactive = FreelancerFactory(username="erin", email="erin@example.com", is_active=False)
    blacklisted = RefreshToken.for_user(charlie)
    blacklisted.blacklist()

    objects = {
        "draft": draft,
        "unfunded_draft": unfunded_draft,
        "pending_funding": pending_funding,
        "open_withdrawn": open_withdrawn,
        "review_empty": review_empty,
        "open": open_,
        "open_scored": open_scored,
        "no_questions": no_questions,
        "review": review,
        "closed": closed,
        "closed_fresh": closed_fresh,
        "cancelled": cancelled,
        "cancelled_draft": cancelled_draft,
        "submitted": submitted,
        "rival": rival,
        "withdrawn": withdrawn,
        "under_review": under_review,
        "in_review": in_review,
        "rival_withdrawn": rival_withdrawn,
        "accepted": accepted,
        "submitted_file": attach(submitted),
        "rival_file": attach(rival),
        "withdrawn_file": attach(withdrawn),
        "in_review_file": attach(in_review),
        "accepted_file": attach(accepted),
        "public_q": public_q,
        "private_q": private_q,
        "draft_q": draft_q,
        "payment": payment,
        "payment_done": payment_done,
        "notification": notification,
        "report": report,
        "owner_user": alice,
        "part_user": charlie,
        "admin_user": admin_user,
    }
    values = {name: str(obj.pk) for name, obj in objects.items()}
    values.update(
        unknown=str(uuid.uuid4()),
        part_email=charlie.email,
        inactive_email=inactive.email,
        part_refresh=str(RefreshToken.for_user(charlie)),
        part_verify_token=make_verification_token(charlie),
        part_uid=urlsafe_base64_encode(force_bytes(charlie.pk)),
        part_reset_token=default_token_generator.make_token(charlie),
        blacklisted_refresh=str(blacklisted),
        deadline=(now + timedelta(days=30)).isoformat(),
        submission_deadline=(now + timedelta(days=20)).isoformat(),
    )
    users = dict(zip(ROLES, (None, alice, other_client, charlie, dana, admin_user), strict=True))
    return World(users, values)


@pytest.fixture
def clients(world, as_user) -> dict[str, Any]:
    clients = {role: as_user(user) for role, user in world.users.items()}
    for client in clients.values():
        client.raise_request_exception = False  # a 500 is a status to report, not a crash
    return clients


def call(
    client, method: str, url: str, body: Any = None, fmt: str = "json", *, look: Callable[[Any], Any] | None = None
):
    """One request in a savepoint that is rolled back: the next role meets the same world.
    `look(response)`, if given, runs after the request, before the rollback (`response.seen`).

    The cache (throttle counters) is emptied first: the matrix is about permissions, and the
    sweep below sends the login endpoints more requests than THROTTLE_LOGIN allows (throttles
    are tested in test_auth_hardening.py)."""
    cache.clear()
    with transaction.atomic():
        kwargs = {} if body is None else {"data": body, "format": fmt}
        response = getattr(client, method.lower())(url, **kwargs)
        if getattr(response, "streaming", False):
            response.content_bytes = b"".join(response.streaming_content)
        response.seen = look(response) if look is not None else None
        transaction.set_rollback(True)
    return response


def proposals_and_files() -> tuple[list[dict], list]:
    """Every proposal row and attachment id: what a refused call under /api/proposals/ leaves as it was."""
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(ProposalAttachment.objects.order_by("pk").values_list("pk", flat=True)),
    )


def describe(response) -> str:
    if getattr(response, "streaming", False):
        return f"<{len(response.content_bytes)} bytes, {response['Content-Type']}>"
    return response.content.decode(errors="replace")[:600]


def envelope_problem(response) -> str | None:
    """Every answer is the JSON envelope; only a successful download is the file itself."""
    if getattr(response, "streaming", False):
        if response.status_code == 200 and response["Content-Disposition"].startswith("attachment"):
            return None
        return "a streamed body that is not a successful attachment download"
    if not response["Content-Type"].startswith("application/json"):
        return f"Content-Type {response['Content-Type']}"
    body = response.json()
    if body.get("success") is not (response.status_code < 400):
        return f"success={body.get('success')!r} with status {response.status_code}"
    # Success messages are sentences (error texts like `Invalid credentials` are the contract's).
    if response.status_code < 400 and not is_sentence(body.get("message")):
        return f"message {body.get('message')!r} is not a sentence"
    if response.status_code >= 400 and not (isinstance(body.get("code"), str) and body["code"]):
        return "an error envelope without a code"
    return None


def is_sentence(message) -> bool:
    """A human sentence: capitalised, ends with a full stop (or ? / !), more than one word."""
    return (
        isinstance(message, str)
        and (message[:1].isupper() or message[:1].isdigit())
        and message.rstrip()[-1:] in ".?!"
        and len(message.split()) > 1
    )


# --- The matrix test -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_permission_matrix(row: Row, world: World, clients):
    """Each role gets the row's status in the envelope; a 401/403/404 says why in `detail` alone;
    a download is the file itself; a refused call under /api/proposals/ changes no proposal or
    attachment."""
    url = world.fill(row.url)
    look = None
    if row.url.startswith("/api/proposals/"):
        before = proposals_and_files()

        def look(response):
            return proposals_and_files() if response.status_code >= 400 else before

    failures = []
    for index, role in enumerate(ROLES):
        expected = row.expect[index]
        body = world.body(row, role)
        response = call(clients[role], row.method, url, body, row.fmt, look=look)
        got = response.status_code
        where = f"{row.method} {url} [{row.state}] as {role}" + (f" sending {body!r:.300}" if body else "")
        if got != expected:
            failures.append(f"{where}: expected {expected}, got {got}: {describe(response)}")
            continue
        problem = envelope_problem(response)
        if problem:
            failures.append(f"{where}: {problem}: {describe(response)}")
            continue
        streamed = getattr(response, "streaming", False)
        if streamed and not response.content_bytes.startswith(b"%PDF-"):
            failures.append(f"{where}: the download is not the PDF uploaded: {describe(response)}")
        if got in (401, 403, 404) and not streamed and set(response.json()["errors"]) != {"detail"}:
            failures.append(f"{where}: a refusal whose errors are not just `detail`: {describe(response)}")
        if got >= 400 and look is not None and response.seen != before:
            failures.append(f"{where}: refused with {got}, but a proposal or attachment changed")
        if row.check is not None and row.check[1][index] is not None:
            key, values = row.check
            shown = response.json()["data"].get(key)
            if shown != values[index]:
                failures.append(f"{where}: data[{key!r}] expected {values[index]!r}, got {shown!r}")

    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_each_call_meets_the_same_world(world: World, clients):
    # The matrix relies on it: without the rollback the second withdrawal of the draft would
    # find it CANCELLED (400), and a row's later roles would meet an earlier role's writes.
    url = world.fill("/api/competitions/{draft}/")

    first = call(clients["owning_client"], "DELETE", url)
    second = call(clients["owning_client"], "DELETE", url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert Competition.objects.get(pk=world.values["draft"]).status == CompetitionStatus.DRAFT


# --- Completeness: every URL pattern and method under /api/ has rows -----------------------------


def api_routes() -> dict[str, Any]:
    """route -> view class (the function itself for a function view) of every URL under /api/."""

    def walk(patterns, prefix: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    routes = {}
    for route, callback in walk(get_resolver().url_patterns):
        if route.lstrip("^").startswith("api/"):
            routes[route] = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return routes


def tabled_methods(view) -> set[str]:
    """The methods a view answers, OPTIONS aside (the sweep below covers it for every URL)."""
    if not isinstance(view, type):
        return set()
    return {name.upper() for name in view.http_method_names if name != "options" and hasattr(view, name)}


def tabled_routes() -> dict[str, set[str]]:
    routes = api_routes()
    assert api_not_found in routes.values(), "the /api/ catch-all moved: update UNTABLED_VIEWS"
    return {
        route: tabled_methods(view)
        for route, view in routes.items()
        if view is not api_not_found and not (isinstance(view, type) and issubclass(view, UNTABLED_VIEWS))
    }


class _Any(dict):
    def __missing__(self, key: str) -> str:
        return "00000000-0000-4000-8000-000000000000"


def route_of(row: Row) -> str:
    return resolve(row.url.format_map(_Any()).split("?")[0]).route


def test_every_url_and_method_has_rows():
    covered: dict[str, set[str]] = {}
    for row in MATRIX:
        covered.setdefault(route_of(row), set()).add(row.method)
    expected = tabled_routes()

    missing = sorted(
        f"{method} /{route}" for route, methods in expected.items() for method in methods - covered.get(route, set())
    )
    assert not missing, "URL patterns/methods without a row in MATRIX:\n" + "\n".join(missing)
    # and no row describes a URL or method that does not exist
    stray = sorted(
        f"{method} /{route}" for route, methods in covered.items() for method in methods - expected.get(route, set())
    )
    assert not stray, "rows for URLs/methods the resolver does not answer:\n" + "\n".join(stray)
    ids = [row.id for row in MATRIX]
    assert len(ids) == len(set(ids)), "two rows with the same method, URL and state"


def test_the_completeness_check_can_fail(monkeypatch):
    # Drop every row of one endpoint: the check above must notice.
    kept = [row for row in MATRIX if route_of(row) != "api/payments/<uuid:pk>/status/"]
    monkeypatch.setattr(f"{__name__}.MATRIX", kept)

    with pytest.raises(AssertionError, match=r"POST /api/payments/<uuid:pk>/status/"):
        test_every_url_and_method_has_rows()


# --- OPTIONS, HEAD and the methods a URL does not answer, on every URL ----------------------------


def sweep_urls() -> list[tuple[str, str]]:
    """(route, URL template) for every route under /api/, untabled ones included: the first
    row's URL where the route has rows, else the route with a made-up id in each converter."""
    first = {}
    for row in MATRIX:
        first.setdefault(route_of(row), row.url.split("?")[0])
    urls = []
    for route in api_routes():
        if route.startswith("^"):  # the catch-all: any URL that matches nothing else
            urls.append((route, "/api/no/such/endpoint/"))
        else:
            template = first.get(route) or "/" + _converter_free(route)
            urls.append((route, template))
    return urls


def _converter_free(route: str) -> str:
    return re.sub(r"<[^>]+>", "{unknown}", route)


SWEEP = sweep_urls()
OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def options_problem(response, view) -> str | None:
    """An OPTIONS error is the error envelope. A 200 is DRF's metadata as plain JSON (not an
    operation of the contract, so not enveloped); the schema view describes itself in YAML."""
    if response.status_code >= 400:
        return envelope_problem(response)
    if isinstance(view, type) and issubclass(view, SpectacularAPIView):
        return None
    if not response["Content-Type"].startswith("application/json"):
        return f"Content-Type {response['Content-Type']}"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "template"), SWEEP, ids=[route for route, _ in SWEEP])
def test_options_head_and_other_methods_never_fail(route: str, template: str, world: World, clients):
    url = world.fill(template)
    view = api_routes()[route]
    allowed = tabled_methods(view) if isinstance(view, type) else set(OTHER_METHODS)
    failures = []
    for role in ROLES:
        client = clients[role]
        options = call(client, "OPTIONS", url)
        if options.status_code >= 500 or options_problem(options, view):
            failures.append(f"OPTIONS {url} as {role}: got {options.status_code}: {describe(options)}")
        head = call(client, "HEAD", url)
        if head.status_code >= 500:
            failures.append(f"HEAD {url} as {role}: got {head.status_code}")
        if "GET" in allowed:
            get = call(client, "GET", url)
            if head.status_code != get.status_code:
                failures.append(f"HEAD {url} as {role}: got {head.status_code}, GET got {get.status_code}")
        elif head.status_code not in (401, 403, 404, 405):
            failures.append(f"HEAD {url} as {role} (no GET here): got {head.status_code}")
        for method in OTHER_METHODS:
            if method in allowed:
                continue
            response = call(client, method, url)
            if response.status_code not in (401, 403, 404, 405) or envelope_problem(response):
                failures.append(
                    f"{method} {url} as {role} (not allowed): got {response.status_code}: {describe(response)}"
                )

    assert not failures, "\n".join(failures)
