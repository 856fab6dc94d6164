"""The thresholds hold on real variants: every copy a copycat makes is flagged, different work
is not (the measured distances are in the README; `python -m originality.measure`)."""

import itertools

import pytest

from originality import fingerprints as fp

from . import images, texts

SEEDS = range(6)
VARIANTS = list(images.variants(images.artwork(0)))


@pytest.fixture(scope="module")
def hashed():
    """seed -> (hashes of the original, {variant: hashes of the copy})."""
    result = {}
    for seed in SEEDS:
        image = images.artwork(seed)
        copies = {name: fp.image_hashes(data) for name, data in images.variants(image).items()}
        result[seed] = (fp.image_hashes(images.encode(image)), copies)
    return result


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_image_variant_is_flagged_and_found_through_a_band_key(hashed, variant):
    for seed, (original, copies) in hashed.items():
        copy = copies[variant]

        distance = fp.image_distance(original, copy)

        assert distance <= fp.IMAGE_DISTANCE_MAX, (seed, variant, distance)
        assert set(fp.image_band_keys(original)) & set(fp.image_band_keys(copy)), (seed, variant)
        assert 0 <= fp.image_score(distance) <= 1


def test_unrelated_images_are_not_flagged():
    hashes = [fp.image_hashes(images.encode(images.artwork(seed))) for seed in range(24)]

    distances = [fp.image_distance(a, b) for a, b in itertools.combinations(hashes, 2)]

    assert min(distances) > fp.IMAGE_DISTANCE_MAX


def test_jpeg_and_png_of_one_picture_hash_alike():
    image = images.artwork(7)

    as_png = fp.image_hashes(images.encode(image))
    as_jpeg = fp.image_hashes(images.encode(image, "JPEG", quality=90))

    assert fp.image_distance(as_png, as_jpeg) <= 6


def test_a_file_that_is_not_an_image_has_no_image_hash():
    assert fp.image_hashes(b"%PDF-1.4 not an image") is None
    assert fp.image_hashes(b"\x89PNG\r\n\x1a\n truncated") is None


@pytest.mark.parametrize("copy", [texts.REWORDED, texts.LIGHTLY_EDITED], ids=["reworded", "lightly edited"])
def test_a_reworded_or_edited_text_is_flagged_and_shares_enough_band_keys(copy):
    original, copied = fp.text_signature(texts.ORIGINAL), fp.text_signature(copy)

    assert fp.text_similarity(original, copied) >= fp.TEXT_SIMILARITY_MIN
    assert len(set(fp.text_band_keys(original)) & set(fp.text_band_keys(copied))) >= fp.TEXT_MIN_SHARED_KEYS


@pytest.mark.parametrize(
    "a, b",
    [
        (texts.ORIGINAL, texts.OTHER_BRIEF_FITNESS),
        (texts.ORIGINAL, texts.OTHER_BRIEF_PIPELINE),
        (texts.OTHER_BRIEF_FITNESS, texts.OTHER_BRIEF_PIPELINE),
        (texts.ORIGINAL, texts.SAME_BRIEF_OTHER_ANSWER),
    ],
    ids=["bakery-fitness", "bakery-pipeline", "fitness-pipeline", "same brief, other answer"],
)
def test_different_answers_are_not_flagged(a, b):
    assert fp.text_similarity(fp.text_signature(a), fp.text_signature(b)) < fp.TEXT_SIMILARITY_MIN


def test_case_spacing_and_punctuation_do_not_change_the_text():
    shouted = texts.ORIGINAL.upper().replace(" ", "  ").replace(".", " !")

    assert fp.text_digest(shouted) == fp.text_digest(texts.ORIGINAL)
    assert fp.text_signature(shouted) == fp.text_signature(texts.ORIGINAL)


def test_a_short_text_is_not_compared():
    assert fp.text_signature("See the attached files, thanks.") is None


def test_signed_storage_round_trips_the_top_bit():
    value = (1 << 64) - 1  # every bit set: stored as -1 in a BIGINT

    assert fp.image_distance((fp._signed(value), 0), (fp._signed(value), 0)) == 0
    assert fp.image_distance((fp._signed(value), 0), (0, 0)) == 64
