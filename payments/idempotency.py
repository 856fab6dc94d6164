"""Idempotency-Key: a repeat of a POST with the same key and body within 24 hours answers the
first response again and does nothing; the same key with another body is a 400.

The key's row is inserted before the view runs, in one transaction with it: a second request
with the same key waits on the unique index until the first commits, then replays its answer.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_MAX_LENGTH = 191
IN_FLIGHT = 0  # response_status of a row whose request has not finished


def _replay(record: IdempotencyRecord, body_hash: str) -> Response:
    if record.body_hash != body_hash:
        raise ValidationError({"detail": "This Idempotency-Key was already used with a different request body."})
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Decorates an APIView's post(); only authenticated requests are keyed (per user)."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.META.get(HEADER)
        if key is None or not request.user or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > KEY_MAX_LENGTH:
            raise ValidationError({"detail": f"The Idempotency-Key header must be 1 to {KEY_MAX_LENGTH} characters."})
        body_hash = hashlib.sha256(request.body or b"").hexdigest()
        scope = f"{request.method} {request.path}"[:191]
        cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
        lookup = {"user": request.user, "scope": scope, "key": key}
        with transaction.atomic():
            IdempotencyRecord.objects.filter(created_at__lt=cutoff, **lookup).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        body_hash=body_hash, response_status=IN_FLIGHT, response_body={}, **lookup
                    )
            except IntegrityError:
                return _replay(IdempotencyRecord.objects.get(**lookup), body_hash)
            try:
                response = view_method(self, request, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a refusal is answered (and remembered) like a success
                response = self.handle_exception(exc)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            # What the client got, as JSON: replays answer the same bytes' meaning.
            body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                response_status=response.status_code, response_body=body
            )
        return response

    return wrapper
