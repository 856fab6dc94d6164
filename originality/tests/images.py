"""Images for the similarity tests and the threshold table, drawn with Pillow from a seed:
distinct pictures (shapes on a gradient, some with noise) and the variants a copycat makes."""

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = (800, 600)


def artwork(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """A distinct picture for each seed: a background, a gradient or noise, 4-13 shapes."""
    rnd = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    if seed % 2 == 0:
        tint = [rnd.randrange(256) for _ in range(3)]
        for y in range(0, height, 4):
            draw.rectangle([0, y, width, y + 4], fill=tuple(int(v * y / height) for v in tint))
    for _ in range(rnd.randrange(4, 14)):
        x0, y0 = rnd.randrange(width), rnd.randrange(height)
        box = [x0, y0, x0 + rnd.randrange(40, 400), y0 + rnd.randrange(40, 300)]
        colour = tuple(rnd.randrange(256) for _ in range(3))
        shape = rnd.choice(["rectangle", "ellipse", "polygon"])
        if shape == "rectangle":
            draw.rectangle(box, fill=colour)
        elif shape == "ellipse":
            draw.ellipse(box, fill=colour)
        else:
            draw.polygon([(rnd.randrange(width), rnd.randrange(height)) for _ in range(5)], fill=colour)
    if seed % 4 == 3:
        pixels = np.asarray(image).astype(np.int16)
        pixels += np.random.default_rng(seed).integers(-40, 40, pixels.shape, dtype=np.int16)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(1))


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _crop(image: Image.Image, percent: int) -> Image.Image:
    width, height = image.size
    dx, dy = width * percent // 200, height * percent // 200  # half on each side
    return image.crop((dx, dy, width - dx, height - dy))


def _rectangle(image: Image.Image) -> Image.Image:
    edited = image.copy()
    width, height = image.size
    ImageDraw.Draw(edited).rectangle([width * 0.1, height * 0.1, width * 0.25, height * 0.22], fill=(255, 0, 0))
    return edited


def _caption(image: Image.Image) -> Image.Image:
    edited = image.copy()
    ImageDraw.Draw(edited).text((20, 20), "(c) my studio 2026", fill=(255, 255, 255))
    return edited


def variants(image: Image.Image) -> dict[str, bytes]:
    """Name -> file bytes of each copy a copycat could submit instead of the original PNG."""
    width, height = image.size
    return {
        "resized to 50 %": encode(image.resize((width // 2, height // 2), Image.Resampling.LANCZOS)),
        "resized to 150 %": encode(image.resize((width * 3 // 2, height * 3 // 2), Image.Resampling.BICUBIC)),
        "re-encoded JPEG q=70": encode(image, "JPEG", quality=70),
        "cropped 3 %": encode(_crop(image, 3)),
        "cropped 5 %": encode(_crop(image, 5)),
        "a rectangle drawn on it": encode(_rectangle(image)),
        "a caption written on it": encode(_caption(image)),
        "cropped 5 %, resized, JPEG q=70": encode(
            _crop(image, 5).resize((width * 2 // 3, height * 2 // 3)), "JPEG", quality=70
        ),
    }
