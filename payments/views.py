"""Payment endpoints: each side's own list, the admin list and status machine, one detail."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsAdminRole, IsClient, IsFreelancer
from freelance_arena.utils import success_response

from .filters import AdminPaymentFilter
from .idempotency import idempotent
from .models import PaymentRecord, PaymentStatus
from .serializers import (
    ClientPaymentSerializer,
    FreelancerPaymentSerializer,
    PaymentRecordSerializer,
    PaymentStatusUpdateSerializer,
)
from .services import update_payment_status


class _PaymentListView(generics.ListAPIView):
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "amount", "status", "completed_at"]
    ordering = ["-created_at"]
    list_message = "Payments retrieved."

    def base_queryset(self):
        return PaymentRecord.objects.select_related("competition")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(page, many=True)
        return self.paginator.get_paginated_response(serializer.data, message=self.list_message)


class MyClientPaymentsView(_PaymentListView):
    """GET: the payments the requesting client owes or has paid."""

    serializer_class = ClientPaymentSerializer
    permission_classes = [IsClient]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PaymentRecord.objects.none()
        return self.base_queryset().filter(client=self.request.user)


class MyFreelancerPaymentsView(_PaymentListView):
    """GET: the payments the requesting freelancer receives (net of the platform fee)."""

    serializer_class = FreelancerPaymentSerializer
    permission_classes = [IsFreelancer]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PaymentRecord.objects.none()
        return self.base_queryset().filter(freelancer=self.request.user)


class AdminPaymentListView(_PaymentListView):
    """GET: every payment; filters status, created_after, created_before (inclusive dates)."""

    serializer_class = PaymentRecordSerializer
    permission_classes = [IsAdminRole]
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = AdminPaymentFilter
    search_fields = ["competition__title", "transaction_reference", "client__username", "freelancer__username"]

    def get_queryset(self):
        return self.base_queryset()


class PaymentDetailView(generics.RetrieveAPIView):
    """GET: one payment, for its client, its freelancer and admins; 404 for anyone else."""

    serializer_class = PaymentRecordSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PaymentRecord.objects.none()
        return PaymentRecord.objects.visible_to(self.request.user).select_related("competition")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return success_response(self.get_serializer(self.get_object()).data, "Payment retrieved.")


class UpdatePaymentStatusView(generics.GenericAPIView):
    """POST (ADMIN): PENDING->PROCESSING, PROCESSING->COMPLETED/FAILED; anything else is a 400."""

    serializer_class = PaymentStatusUpdateSerializer
    permission_classes = [IsAdminRole]

    @extend_schema(request=PaymentStatusUpdateSerializer, responses=PaymentRecordSerializer)
    @idempotent
    def post(self, request: Request, pk) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = update_payment_status(
            payment_id=pk,
            new_status=data["status"],
            by=request.user,
            notes=data.get("notes"),
            transaction_reference=data.get("transaction_reference"),
        )
        payment = PaymentRecord.objects.select_related("competition").get(pk=payment.pk)
        if payment.status == PaymentStatus.PENDING and payment.released_at is not None:
            message = "Payout released: it is sent once the winner's payout account is active."
        else:
            message = f"Payment status changed to {payment.status}."
        return success_response(PaymentRecordSerializer(payment).data, message)
