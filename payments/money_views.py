"""Money endpoints: fund a competition, its escrow figures, the dummy confirm, the Stripe
webhook, payout accounts and the admin ledger. Thin: the rules are in escrow.py, payouts.py
and webhooks.py."""

import logging

import stripe
from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import user_is_admin
from accounts.permissions import IsAdminRole, IsFreelancer
from competitions.models import Competition
from competitions.permissions import IsCompetitionOwner
from freelance_arena.utils import success_response

from . import escrow, ledger, payouts, webhooks
from .filters import LedgerFilter
from .idempotency import idempotent
from .ledger import LedgerEntry, LedgerTransaction
from .models import Funding, PayoutAccount
from .money_serializers import (
    ConfirmFundingSerializer,
    EscrowSerializer,
    FundingSerializer,
    LedgerTransactionSerializer,
    PayoutAccountSerializer,
)
from .providers.stripe import construct_event

logger = logging.getLogger(__name__)


class IsOwnerOrAdmin(BasePermission):
    message = "Only the competition's owner or an administrator can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return user_is_admin(request.user) or obj.client_id == request.user.pk


class _CompetitionMoneyView(generics.GenericAPIView):
    def get_competition(self) -> Competition:
        competition = get_object_or_404(Competition.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, competition)
        return competition


class FundCompetitionView(_CompetitionMoneyView):
    """POST: the owner pays the prize into escrow (201 a new PENDING Funding; 200 the same one
    again while it is PENDING)."""

    permission_classes = [IsCompetitionOwner]
    serializer_class = FundingSerializer

    @extend_schema(request=None, responses={201: FundingSerializer, 200: FundingSerializer})
    @idempotent
    def post(self, request: Request, pk) -> Response:
        funding, created = escrow.start_funding(competition=self.get_competition(), by=request.user)
        if created:
            return success_response(FundingSerializer(funding).data, "Funding started.", status.HTTP_201_CREATED)
        return success_response(FundingSerializer(funding).data, "Funding already pending.")


class EscrowView(_CompetitionMoneyView):
    """GET: what escrow received, released, took as fees, refunded and still holds."""

    permission_classes = [IsOwnerOrAdmin]
    serializer_class = EscrowSerializer

    def get(self, request: Request, pk) -> Response:
        competition = self.get_competition()
        figures = {**ledger.escrow_figures(competition), "currency": competition.currency}
        return success_response(EscrowSerializer(figures).data, "Escrow retrieved.")


class ConfirmFundingView(generics.GenericAPIView):
    """POST (dummy provider only): confirms a funding the way a provider event would."""

    permission_classes = [IsAuthenticated]
    serializer_class = ConfirmFundingSerializer

    @extend_schema(request=ConfirmFundingSerializer, responses=FundingSerializer)
    def post(self, request: Request, pk) -> Response:
        if settings.PAYMENT_PROVIDER != "dummy":
            raise Http404
        funding = get_object_or_404(Funding.objects.filter(client=request.user, provider="dummy"), pk=pk)
        serializer = ConfirmFundingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = serializer.validated_data["outcome"]
        event_type = "payment_intent.succeeded" if outcome == "succeeded" else "payment_intent.payment_failed"
        # One confirm per funding: a second is a replay of the same event id.
        event = {
            "id": f"evt_dummy_confirm_{funding.pk.hex}",
            "type": event_type,
            "data": {"object": {"id": funding.provider_ref, "object": "payment_intent"}},
        }
        processed = webhooks.process_event(provider="dummy", event=event)
        funding.refresh_from_db()
        message = f"Funding {funding.status.lower()}." if processed else "Already confirmed: nothing changed."
        return success_response(FundingSerializer(funding).data, message)


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(APIView):
    """POST from Stripe: the raw event, verified with STRIPE_WEBHOOK_SECRET (5-minute tolerance)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        request=None, responses=inline_serializer("WebhookReceived", {"received": serializers.BooleanField()})
    )
    def post(self, request: Request) -> Response:
        payload = request.body  # the raw bytes the signature covers (read before any parsing)
        try:
            event = construct_event(payload, request.META.get("HTTP_STRIPE_SIGNATURE"))
        except (ValueError, stripe.SignatureVerificationError) as exc:
            logger.info("Stripe webhook refused: %s", exc)
            raise ValidationError({"detail": "Invalid or missing Stripe signature."}) from None
        webhooks.process_event(provider="stripe", event=event)
        return success_response({"received": True}, "Event received.")


class PayoutAccountView(generics.GenericAPIView):
    """GET: the freelancer's payout account; POST: creates it (201) or returns it (200)."""

    permission_classes = [IsFreelancer]
    serializer_class = PayoutAccountSerializer

    def get(self, request: Request) -> Response:
        escrow.require_verified_email(request.user)
        account = PayoutAccount.objects.filter(user=request.user).first()
        if account is None:
            raise Http404("No payout account yet: POST to create one.")
        return success_response(PayoutAccountSerializer(account).data, "Payout account retrieved.")

    @extend_schema(request=None, responses={201: PayoutAccountSerializer, 200: PayoutAccountSerializer})
    def post(self, request: Request) -> Response:
        account, created = payouts.get_or_create_account(user=request.user)
        data = PayoutAccountSerializer(account).data
        if created:
            return success_response(data, "Payout account created.", status.HTTP_201_CREATED)
        return success_response(data, "Payout account retrieved.")


class LedgerListView(generics.ListAPIView):
    """GET (ADMIN): ledger transactions with their entries, newest first; two queries a page."""

    permission_classes = [IsAdminRole]
    serializer_class = LedgerTransactionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LedgerFilter

    def get_queryset(self):
        entries = LedgerEntry.objects.order_by("id")
        return LedgerTransaction.objects.order_by("-created_at", "-id").prefetch_related(
            Prefetch("entries", queryset=entries)
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(page, many=True)
        return self.paginator.get_paginated_response(serializer.data, message="Ledger retrieved.")
