"""Matches through the API: the later entry is the suspect, the earlier one the original; the
owner sees `originality` without any identity; freelancers see nothing of other proposals."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import FreelancerFactory
from competitions.tests.factories import CompetitionFactory
from originality.models import FileFingerprint, Match, MatchKind
from originality.services import fingerprint_proposal
from proposals.models import ProposalStatus

from . import images, texts
from .conftest import png, upload

pytestmark = pytest.mark.django_db


def kinds(block) -> set[str]:
    return {match["kind"] for match in block["matches"]}


@pytest.mark.parametrize("variant", list(images.variants(images.artwork(0))))
def test_a_copied_image_flags_the_later_entry_and_not_the_earlier(
    submit, originality, client_owner, competition, variant
):
    image = images.artwork(3)
    original = submit(competition, {"board.png": images.encode(image)})
    copy = submit(competition, {"mine.png": images.variants(image)[variant]}, description=texts.OTHER_BRIEF_PIPELINE)

    suspect = originality(client_owner, copy)
    source = originality(client_owner, original)

    assert suspect["flag"] == "POSSIBLE_COPY"
    (match,) = suspect["matches"]
    assert match["proposal"] == str(original.pk)
    assert match["kind"] == MatchKind.SIMILAR_IMAGE
    assert match["submitted_earlier"] is True
    assert 0.75 <= match["score"] <= 1
    assert source["flag"] == "CLEAR"
    assert source["matches"] == [{**match, "proposal": str(copy.pk), "submitted_earlier": False}]


def test_unrelated_images_and_texts_stay_clear(submit, originality, client_owner, competition):
    first = submit(competition, {"a.png": png(1)}, description=texts.ORIGINAL)
    second = submit(competition, {"b.png": png(2)}, description=texts.OTHER_BRIEF_FITNESS)
    third = submit(competition, {"c.png": png(5)}, description=texts.SAME_BRIEF_OTHER_ANSWER)

    for proposal in (first, second, third):
        assert originality(client_owner, proposal) == {"flag": "CLEAR", "matches": []}
    assert Match.objects.count() == 0


@pytest.mark.parametrize("copy", [texts.REWORDED, texts.LIGHTLY_EDITED], ids=["reworded", "lightly edited"])
def test_a_reworded_text_is_flagged(submit, originality, client_owner, competition, copy):
    original = submit(competition, description=texts.ORIGINAL)
    later = submit(competition, description=copy)

    block = originality(client_owner, later)

    assert block["flag"] == "POSSIBLE_COPY"
    (match,) = block["matches"]
    assert (match["proposal"], match["kind"], match["submitted_earlier"]) == (
        str(original.pk),
        MatchKind.SIMILAR_TEXT,
        True,
    )
    assert 0.25 <= match["score"] <= 1
    assert originality(client_owner, original)["flag"] == "CLEAR"


def test_the_same_file_is_an_identical_file_not_also_a_similar_image(submit, originality, client_owner, competition):
    data = png(4)
    original = submit(competition, {"logo.png": data})
    copy = submit(competition, {"renamed.png": data})

    (match,) = originality(client_owner, copy)["matches"]

    assert match == {
        "proposal": str(original.pk),
        "kind": MatchKind.IDENTICAL_FILE,
        "score": 1.0,
        "submitted_earlier": True,
    }


def test_an_identical_file_on_another_competition_says_only_kind_and_score(
    submit, originality, client_owner, competition, other_client
):
    elsewhere = CompetitionFactory(client=other_client)
    data = png(6)
    submit(elsewhere, {"theirs.png": data})
    copy = submit(competition, {"mine.png": data})

    block = originality(client_owner, copy)

    assert block == {"flag": "POSSIBLE_COPY", "matches": [{"score": 1.0, "kind": MatchKind.IDENTICAL_FILE}]}


def test_a_freelancer_reusing_their_own_file_elsewhere_copies_nobody(
    submit, originality, client_owner, competition, other_client, freelancer
):
    elsewhere = CompetitionFactory(client=other_client)
    data = png(6)
    submit(elsewhere, {"portfolio.png": data}, freelancer=freelancer)
    mine = submit(competition, {"portfolio.png": data}, freelancer=freelancer)

    assert originality(client_owner, mine) == {"flag": "CLEAR", "matches": []}


def test_similar_images_are_not_compared_across_competitions(
    submit, originality, client_owner, competition, other_client
):
    image = images.artwork(8)
    submit(CompetitionFactory(client=other_client), {"a.png": images.encode(image)})
    copy = submit(competition, {"b.png": images.variants(image)["re-encoded JPEG q=70"]})

    assert originality(client_owner, copy)["matches"] == []


def test_editing_the_text_recomputes_the_matches(
    submit, originality, client_owner, competition, as_user, django_capture_on_commit_callbacks
):
    original = submit(competition, description=texts.ORIGINAL)
    later = submit(competition, description=texts.REWORDED)
    assert originality(client_owner, later)["flag"] == "POSSIBLE_COPY"

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(later.freelancer).patch(
            f"/api/proposals/{later.pk}/", {"description": texts.OTHER_BRIEF_PIPELINE}, format="json"
        )

    assert response.status_code == 200
    assert originality(client_owner, later) == {"flag": "CLEAR", "matches": []}
    assert originality(client_owner, original) == {"flag": "CLEAR", "matches": []}


def test_adding_and_removing_a_file_recomputes_the_matches(
    submit, originality, client_owner, competition, as_user, django_capture_on_commit_callbacks
):
    data = png(9)
    submit(competition, {"art.png": data})
    later = submit(competition)
    api = as_user(later.freelancer)

    with django_capture_on_commit_callbacks(execute=True):
        added = api.post(
            f"/api/proposals/{later.pk}/attachments/",
            {"file": upload("copy.png", data)},
            format="multipart",
        )
    assert added.status_code == 201
    assert kinds(originality(client_owner, later)) == {MatchKind.IDENTICAL_FILE}

    with django_capture_on_commit_callbacks(execute=True):
        removed = api.delete(f"/api/proposals/{later.pk}/attachments/{added.json()['data']['id']}/")
    assert removed.status_code == 200
    assert originality(client_owner, later) == {"flag": "CLEAR", "matches": []}
    assert not FileFingerprint.objects.filter(proposal=later).exists()


def test_a_withdrawn_original_no_longer_shows(submit, originality, client_owner, competition, as_user):
    original = submit(competition, description=texts.ORIGINAL)
    later = submit(competition, description=texts.REWORDED)

    assert as_user(original.freelancer).post(f"/api/proposals/{original.pk}/withdraw/").status_code == 200

    assert originality(client_owner, later) == {"flag": "CLEAR", "matches": []}


def test_freelancers_see_no_originality_not_even_their_own(submit, originality, competition):
    original = submit(competition, description=texts.ORIGINAL)
    later = submit(competition, description=texts.REWORDED)

    assert originality(later.freelancer, later) is None
    assert originality(original.freelancer, original) is None


def test_admins_see_the_originality(submit, originality, admin_user, competition):
    submit(competition, description=texts.ORIGINAL)
    later = submit(competition, description=texts.REWORDED)

    assert originality(admin_user, later)["flag"] == "POSSIBLE_COPY"


def test_the_client_list_shows_originality_per_proposal(submit, as_user, client_owner, competition):
    original = submit(competition, description=texts.ORIGINAL)
    later = submit(competition, description=texts.REWORDED)
    other = submit(competition, description=texts.OTHER_BRIEF_FITNESS)

    results = as_user(client_owner).get(f"/api/proposals/competition/{competition.pk}/").json()["data"]["results"]

    flags = {item["id"]: item["originality"]["flag"] for item in results}
    assert flags == {str(original.pk): "CLEAR", str(later.pk): "POSSIBLE_COPY", str(other.pk): "CLEAR"}


# --- No identity, ever ----------------------------------------------------------------------------


def walk(value, path="originality"):
    """Every (path, key, value) inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def test_no_originality_field_carries_an_identity(submit, as_user, client_owner, other_client, competition):
    freelancers = [FreelancerFactory(username=f"copycat{n}", email=f"copycat{n}@example.com") for n in range(3)]
    image, data = images.artwork(10), png(11)
    submit(competition, {"a.png": images.encode(image), "f.png": data}, texts.ORIGINAL, freelancers[0])
    submit(competition, {"b.png": images.variants(image)["cropped 5 %"]}, texts.REWORDED, freelancers[1])
    submit(CompetitionFactory(client=other_client), {"c.png": data}, texts.OTHER_BRIEF_FITNESS, freelancers[2])
    proposal_ids = {str(p) for p in competition.proposals.values_list("pk", flat=True)}
    identities = {str(user.pk) for user in freelancers} | {str(client_owner.pk), str(other_client.pk)}
    identities |= {user.username for user in freelancers} | {user.email for user in freelancers}
    api = as_user(client_owner)

    blocks = [
        item["originality"]
        for item in api.get(f"/api/proposals/competition/{competition.pk}/").json()["data"]["results"]
    ]
    blocks += [api.get(f"/api/proposals/{pk}/").json()["data"]["originality"] for pk in proposal_ids]

    assert any(block["matches"] for block in blocks)
    seen_kinds = set()
    for block in blocks:
        for path, key, value in walk(block):
            assert key in {"flag", "matches", "proposal", "score", "kind", "submitted_earlier"}, path
            assert not (isinstance(value, str) and any(identity in value for identity in identities)), path
            if key == "proposal":
                assert value in proposal_ids, path  # only proposals of this competition
                uuid.UUID(value)
            if key == "kind":
                seen_kinds.add(value)
    assert seen_kinds == {MatchKind.IDENTICAL_FILE, MatchKind.SIMILAR_IMAGE, MatchKind.SIMILAR_TEXT}


# --- Bounded work ---------------------------------------------------------------------------------


def test_the_client_list_with_originality_takes_the_same_queries_for_any_page(
    submit, as_user, client_owner, competition, django_assert_max_num_queries
):
    for n in range(12):
        submit(competition, description=texts.ORIGINAL if n % 2 else texts.REWORDED)
    api = as_user(client_owner)
    api.get("/api/proposals/mine/")  # the first request of the day also stamps last_seen
    counts = []
    for page_size in (2, 12):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"/api/proposals/competition/{competition.pk}/", {"page_size": page_size})
        assert response.status_code == 200
        assert all(item["originality"]["matches"] for item in response.json()["data"]["results"])
        counts.append(len(captured))

    assert counts[0] == counts[1] <= 6


def test_fingerprinting_takes_the_same_statements_however_many_proposals_compete(submit, competition):
    submit(competition, {"x.png": png(3), "y.png": png(4)}, description=texts.ORIGINAL)

    def statements_of_one_more(extra: int) -> int:
        for n in range(extra):
            submit(competition, {f"{n}.png": png(100 + n)}, description=f"{texts.OTHER_BRIEF_FITNESS} {n}")
        newest = submit(competition, {"x.png": png(3), "y.png": png(4)}, description=texts.ORIGINAL)
        with CaptureQueriesContext(connection) as captured:
            fingerprint_proposal(newest.pk)
        return len(captured)

    assert statements_of_one_more(2) == statements_of_one_more(15)


def test_a_proposal_that_is_gone_is_skipped():
    assert fingerprint_proposal(uuid.uuid4()) == 0


def test_only_submitted_entries_are_fingerprinted_here(submit, competition):
    proposal = submit(competition, {"a.png": png(1)})

    assert proposal.status == ProposalStatus.SUBMITTED
    fingerprint = FileFingerprint.objects.get(proposal=proposal)
    assert fingerprint.phash is not None and fingerprint.dhash is not None and len(fingerprint.sha256) == 64
