"""Fingerprints of a proposal's work, and how close two of them are. Pure functions, no database.

- every file: its SHA-256 (identical files, across the whole platform);
- every image: two 64-bit perceptual hashes, pHash (DCT) and dHash (gradients), compared by
  the sum of their Hamming distances (0..128): either alone let a small edit and an unrelated
  image come too close (README, "Originality thresholds");
- the title + description: a MinHash sketch of its word pairs, whose agreement estimates the
  Jaccard similarity of the two texts' word-pair sets.

Candidates are found through band keys, indexed in the database, so that a new proposal is
compared with the few proposals that share a key, never with every proposal of the competition:
each 64-bit image hash is cut into 8 bands of 8 bits (two images within 7 bits share a band
by pigeonhole; the measured variants all did), and the MinHash signature into 64 bands of 2
values (two texts of Jaccard 0.25 share TEXT_MIN_SHARED_KEYS = 2 of them with probability 0.92).

The thresholds below were measured on the variants of `originality/tests/` (the table in the
README, reproduced by `python -m originality.measure`).
"""

import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

# --- Thresholds (README, "Originality thresholds") ------------------------------------------------

# pHash + dHash distance (of 128 bits) at or below which two images are the same work: the
# variants measured ≤ 18 (a drawn rectangle, a 5 % crop), unrelated images ≥ 36.
IMAGE_DISTANCE_MAX = 28
# Estimated Jaccard similarity of word pairs at or above which two texts are one text: a
# reworded copy measured ≈ 0.5, honest answers (same brief or not) ≤ 0.05.
TEXT_SIMILARITY_MIN = 0.25
# Texts with fewer word pairs say too little ("See the attached files.") to be compared.
TEXT_MIN_SHINGLES = 20
# A text is a candidate when it shares this many band keys: two texts of similarity 0.25 share
# 4 on average and at least 2 with probability 0.92 (0.98 at 0.3, ~1 for a reworded copy at
# 0.5), unrelated ones (≤ 0.05) with 0.01: a hundred times fewer sketches to read than with 1.
TEXT_MIN_SHARED_KEYS = 2

IMAGE_HASH_BITS = 64
IMAGE_BAND_BITS = 8
IMAGE_BANDS = IMAGE_HASH_BITS // IMAGE_BAND_BITS
TEXT_PERMUTATIONS = 128
TEXT_BAND_ROWS = 2
TEXT_BANDS = TEXT_PERMUTATIONS // TEXT_BAND_ROWS
MINHASH_SEED = 1  # fixed for ever: signatures stored in the database must stay comparable

IMAGE_TYPES = frozenset({"jpg", "jpeg", "png"})
# Images are decoded about this large: both hashes shrink the picture to 32x32 / 9x8 anyway,
# and JPEG's draft mode decodes grey at 1/2..1/8 scale directly (6 ms instead of 30 for a
# 1200x900 photo); the thresholds were measured through this same path.
DECODE_SIZE = (128, 128)

_WORDS = re.compile(r"\w+")
_INT64 = 1 << 63


# --- Files ------------------------------------------------------------------------------------


def sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed value a BIGINT column holds (and back with & mask)."""
    return value - (1 << 64) if value >= _INT64 else value


def _unsigned(value: int) -> int:
    return value & ((1 << 64) - 1)


def _bits(image_hash) -> int:
    return int("".join("1" if bit else "0" for bit in image_hash.hash.flatten()), 2)


def image_hashes(data: bytes) -> tuple[int, int] | None:
    """(pHash, dHash) of an image, as signed 64-bit integers; None if it cannot be decoded."""
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("L", DECODE_SIZE)  # JPEG only: a no-op for other formats
            image = image.convert("L")
            if image.width > DECODE_SIZE[0] * 4 or image.height > DECODE_SIZE[1] * 4:
                image.thumbnail((DECODE_SIZE[0] * 4, DECODE_SIZE[1] * 4), Image.Resampling.BILINEAR)
            return _signed(_bits(imagehash.phash(image))), _signed(_bits(imagehash.dhash(image)))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def image_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Sum of the Hamming distances of the two hashes: 0 (same picture) .. 128."""
    return sum((_unsigned(x) ^ _unsigned(y)).bit_count() for x, y in zip(a, b, strict=True))


def image_score(distance: int) -> float:
    return round(1 - distance / (2 * IMAGE_HASH_BITS), 3)


def image_band_keys(hashes: tuple[int, int]) -> list[int]:
    """One key per band of each hash: (hash index, band index, band value) packed in an int."""
    keys = []
    for which, value in enumerate(hashes):
        value = _unsigned(value)
        for band in range(IMAGE_BANDS):
            part = (value >> (band * IMAGE_BAND_BITS)) & ((1 << IMAGE_BAND_BITS) - 1)
            keys.append((which * IMAGE_BANDS + band) << IMAGE_BAND_BITS | part)
    return keys


# --- Text -------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Case- and width-folded words: "Café", "CAFÉ" and "café" are one word."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str) -> set[str]:
    """The set of consecutive word pairs."""
    items = words(text)
    return {f"{a} {b}" for a, b in itertools.pairwise(items)}


def text_digest(text: str) -> str:
    """Changes when the words change (not on spacing or case): whether to recompute the sketch."""
    return sha256([" ".join(words(text)).encode()])


def text_signature(text: str) -> bytes | None:
    """The MinHash signature (TEXT_PERMUTATIONS uint64, little-endian); None for a short text."""
    from datasketch import MinHash

    items = shingles(text)
    if len(items) < TEXT_MIN_SHINGLES:
        return None
    sketch = MinHash(num_perm=TEXT_PERMUTATIONS, seed=MINHASH_SEED)
    sketch.update_batch([item.encode() for item in items])
    return sketch.hashvalues.astype("<u8").tobytes()


def text_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal minimums."""
    left = np.frombuffer(a, dtype="<u8")
    right = np.frombuffer(b, dtype="<u8")
    return round(float(np.count_nonzero(left == right)) / len(left), 3)


def text_band_keys(signature: bytes) -> list[int]:
    """One signed 64-bit key per band: a hash of the band's index and its values."""
    width = TEXT_BAND_ROWS * 8
    keys = []
    for band in range(TEXT_BANDS):
        digest = hashlib.blake2b(
            signature[band * width : (band + 1) * width], digest_size=8, person=band.to_bytes(2, "little")
        )
        keys.append(_signed(int.from_bytes(digest.digest(), "little")))
    return keys
