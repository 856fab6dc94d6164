"""Report endpoints, mounted under /api/proposals/. The proposal comes from the caller's visible
proposals (anything else is a 404); who may act on a visible one is checked here (403)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsAdminRole
from freelance_arena.utils import success_response
from proposals.models import Proposal
from proposals.permissions import require_client_of, require_freelancer_of

from . import services
from .models import Report, ReportStatus
from .serializers import ReportCreateSerializer, ReportDecisionSerializer, ReportResponseSerializer, ReportSerializer


def _visible_proposal(request: Request, pk) -> Proposal:
    return get_object_or_404(Proposal.objects.visible_to(request.user).select_related("competition"), pk=pk)


class ReportProposalView(generics.GenericAPIView):
    """POST /api/proposals/<id>/report/ — the competition's owner reports a possible copy."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReportCreateSerializer

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def post(self, request: Request, pk) -> Response:
        proposal = _visible_proposal(request, pk)
        require_client_of(proposal.competition, request.user, "report its proposals")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_proposal(
            proposal=proposal,
            by=request.user,
            reason=serializer.validated_data["reason"],
            original_proposal_id=serializer.validated_data.get("original_proposal"),
        )
        return success_response(ReportSerializer(report).data, "Proposal reported.", 201)


class ReportResponseView(generics.GenericAPIView):
    """POST /api/proposals/<id>/report-response/ — the reported freelancer answers, within 24 h."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReportResponseSerializer

    @extend_schema(request=ReportResponseSerializer, responses=ReportSerializer)
    def post(self, request: Request, pk) -> Response:
        proposal = _visible_proposal(request, pk)
        require_freelancer_of(proposal, request.user, "answer its report")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.respond_to_report(
            proposal=proposal, by=request.user, response=serializer.validated_data["response"]
        )
        data = ReportSerializer(report, context={"hide_original": True}).data
        return success_response(data, "Response recorded.")


class ReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = ["status"]


class ReportListView(generics.ListAPIView):
    """GET /api/proposals/reports/ — every report, newest first (ADMIN)."""

    permission_classes = [IsAdminRole]
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        return Report.objects.order_by("-created_at", "-id")


class DecideReportView(generics.GenericAPIView):
    """POST /api/proposals/reports/<id>/decide/ — DISMISS or DISQUALIFY, once (ADMIN)."""

    permission_classes = [IsAdminRole]
    serializer_class = ReportDecisionSerializer
    queryset = Report.objects.all()

    @extend_schema(request=ReportDecisionSerializer, responses=ReportSerializer)
    def post(self, request: Request, pk) -> Response:
        report = get_object_or_404(Report, pk=pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.decide_report(report=report, by=request.user, **serializer.validated_data)
        return success_response(ReportSerializer(report).data, "Report decided.")
