"""Prints the distances behind the thresholds of originality/fingerprints.py (the README table).

Usage: python -m originality.measure [--images 40]

Draws N distinct images and 8 variants of the first 20, and compares the sample texts of
originality/tests/texts.py, with the same functions the application uses.
"""

import argparse
import itertools

from originality import fingerprints as fp
from originality.tests import images, texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=40)
    count = parser.parse_args().images

    originals = [images.artwork(seed) for seed in range(count)]
    hashes = [fp.image_hashes(images.encode(image)) for image in originals]
    by_variant: dict[str, list[int]] = {}
    band_misses = 0
    for image, original in zip(originals[:20], hashes, strict=False):
        for name, data in images.variants(image).items():
            copy = fp.image_hashes(data)
            by_variant.setdefault(name, []).append(fp.image_distance(original, copy))
            band_misses += not set(fp.image_band_keys(original)) & set(fp.image_band_keys(copy))
    unrelated = [fp.image_distance(a, b) for a, b in itertools.combinations(hashes, 2)]
    candidates = sum(
        bool(set(fp.image_band_keys(a)) & set(fp.image_band_keys(b))) for a, b in itertools.combinations(hashes, 2)
    )

    print(f"| image pair (pHash + dHash distance, of 128; flagged at ≤ {fp.IMAGE_DISTANCE_MAX}) | min | max |")
    print("|---|---|---|")
    for name, values in by_variant.items():
        print(f"| original vs {name} ({len(values)} images) | {min(values)} | {max(values)} |")
    print(f"| two unrelated images ({len(unrelated)} pairs) | {min(unrelated)} | {max(unrelated)} |")
    shared = f"{candidates}/{len(unrelated)}"
    print(f"\nvariants sharing no band key: {band_misses}; unrelated pairs sharing one: {shared}\n")

    pairs = {
        "a reworded copy": (texts.ORIGINAL, texts.REWORDED),
        "a lightly edited copy": (texts.ORIGINAL, texts.LIGHTLY_EDITED),
        "another answer to the same brief": (texts.ORIGINAL, texts.SAME_BRIEF_OTHER_ANSWER),
        "an answer to another brief (fitness API)": (texts.ORIGINAL, texts.OTHER_BRIEF_FITNESS),
        "an answer to another brief (data pipeline)": (texts.ORIGINAL, texts.OTHER_BRIEF_PIPELINE),
        "two answers to two other briefs": (texts.OTHER_BRIEF_FITNESS, texts.OTHER_BRIEF_PIPELINE),
    }
    print(f"| text pair (word pairs; flagged at ≥ {fp.TEXT_SIMILARITY_MIN}) | exact Jaccard | MinHash estimate |")
    print("|---|---|---|")
    for name, (a, b) in pairs.items():
        left, right = fp.shingles(a), fp.shingles(b)
        exact = len(left & right) / len(left | right)
        estimate = fp.text_similarity(fp.text_signature(a), fp.text_signature(b))
        print(f"| the original vs {name} | {exact:.2f} | {estimate:.2f} |")


if __name__ == "__main__":
    main()
