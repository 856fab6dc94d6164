"""The words of every notification, in one table, rendered from a row's type and params.

A row stores the few values its text needs (the competition's title as it was, a rating, a
deadline); title and message are rendered here when the row is read, so the fan-outs store
data and no SQL builds text. Rows written before this table (and hand-made ones, as in
tests) carry their finished text as params["text"] = [title, message].
"""

from datetime import datetime
from typing import Any

TITLE_MAX = 200
QUOTE_LIMIT = 120

# (notification type, variant) -> (title, message). Placeholders: {competition} and
# {proposal} are quoted titles; {rating}, {comment}, {answer}, {deadline}, {reason}, {note} as stored.
TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("PROPOSAL_RECEIVED", ""): (
        "New proposal for {competition}",
        "A new proposal, {proposal}, was submitted to your competition.",
    ),
    ("PROPOSAL_SCORED", ""): (
        "Your proposal {proposal} was reviewed",
        "The client reviewed your proposal. Scores and feedback are shown once the competition closes.",
    ),
    ("PROPOSAL_ACCEPTED", ""): (
        "You won {competition}",
        "Your proposal was selected as the winner. Your payment is being prepared.",
    ),
    ("PROPOSAL_REJECTED", ""): (
        "A winner was selected for {competition}",
        "Another proposal was selected. The client's feedback is now visible on your proposal.",
    ),
    ("QUESTION_ANSWERED", ""): ("Your question on {competition} was answered", "{answer}"),
    ("COMPETITION_CLOSED", "review"): (
        "Submissions closed for {competition}",
        "The submission deadline has passed. The client is now reviewing the proposals.",
    ),
    ("COMPETITION_CLOSED", "closed"): (
        "{competition} is closed",
        "The competition is closed. Open your proposal to see the client's feedback.",
    ),
    ("NEW_REVIEW", "public"): ("New {rating}-star review on {competition}", "{comment}"),
    ("NEW_REVIEW", "private"): ("New {rating}-star review on {competition}", "You received a private review."),
    ("COMPETITION_OPENED", ""): ("{competition} is open", "A competition you bookmarked is open for proposals."),
    ("COMPETITION_DEADLINE_APPROACHING", ""): (
        "Deadline approaching for {competition}",
        "Submissions close within 24 hours. Submit your proposal before {deadline} UTC.",
    ),
    # Money (payments/notifications.py): {amount} {currency} as stored.
    ("FUNDING_SUCCEEDED", ""): (
        "The prize of {competition} is funded",
        "{amount} {currency} is held in escrow. You can now open the competition.",
    ),
    ("FUNDING_FAILED", ""): (
        "Funding the prize of {competition} failed",
        "The payment did not go through. You can try to fund the prize again.",
    ),
    ("PRIZE_REFUNDED", ""): (
        "{amount} {currency} of {competition} refunded",
        "{amount} {currency} held in escrow for this competition was returned to you.",
    ),
    ("PAYOUT_ACCOUNT_NEEDED", ""): (
        "Connect a payout account to receive your prize",
        "Your prize of {amount} {currency} is released and waits for an active payout account: "
        "create one under Payments.",
    ),
    ("PAYOUT_SENT", ""): (
        "Your prize of {amount} {currency} was sent",
        "The payout was transferred to your payout account.",
    ),
    ("PROPOSAL_REPORTED", ""): (
        "Your proposal {proposal} was reported",
        "The client reported your proposal as a possible copy of other work: {reason} "
        "You may answer within 24 hours; an administrator then decides.",
    ),
    ("REPORT_DECIDED", "DISMISSED"): (
        "The report on {proposal} was dismissed",
        "The report was dismissed: the proposal stays in the competition. Administrator's note: {note}",
    ),
    ("REPORT_DECIDED", "DISQUALIFIED"): (
        "The report on {proposal} was upheld",
        "The proposal was disqualified: it no longer takes part in the competition. Administrator's note: {note}",
    ),
}


def quoted(title: str, limit: int = QUOTE_LIMIT) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


def capped(text: str) -> str:
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _minute(value: Any) -> str:
    """A stored UTC datetime (ISO from Python, 'YYYY-MM-DD HH:MM:SS.ffffff' from the database's
    JSON_OBJECT) as the message prints it."""
    if not value:
        return ""
    return f"{datetime.fromisoformat(str(value)):%Y-%m-%d %H:%M}"


def render(notification_type: str, params: dict[str, Any] | None) -> tuple[str, str]:
    """(title, message) of a notification of this type with these params."""
    params = params or {}
    if "text" in params:
        title, message = params["text"]
        return title, message
    template = TEMPLATES.get((notification_type, params.get("variant", "")))
    if template is None:
        return notification_type.replace("_", " ").capitalize(), ""
    values = {
        "competition": quoted(params.get("competition", "")),
        "proposal": quoted(params.get("proposal", "")),
        "rating": params.get("rating", ""),
        "comment": params.get("comment", ""),
        "answer": params.get("answer", ""),
        "deadline": _minute(params.get("deadline")),
        "amount": params.get("amount", ""),
        "currency": params.get("currency", ""),
        "reason": params.get("reason", ""),
        "note": params.get("note", ""),
    }
    title, message = template
    return capped(title.format(**values)), message.format(**values)
