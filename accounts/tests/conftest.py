"""Fixtures of the accounts tests: image payloads and token helpers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.services import issue_tokens


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def small_png():
    return SimpleUploadedFile("avatar.png", png_bytes(), content_type="image/png")


@pytest.fixture
def tokens_for():
    """`tokens_for(user)` -> {"access", "refresh"} issued the way login issues them."""
    return issue_tokens
