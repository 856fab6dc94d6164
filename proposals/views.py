"""Proposal views: thin. Visibility comes from Proposal.objects.visible_to (a proposal the user
may not see is a 404); writes by someone who may see a proposal but does not own the action
(the client editing, the freelancer scoring, an admin writing) are a 403."""

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsFreelancer
from competitions.models import Competition
from freelance_arena.parsers import JSONParser
from freelance_arena.utils import success_response
from originality.serializers import matches_prefetch

from . import services
from .models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus, private_storage
from .permissions import require_client_of, require_freelancer_of
from .serializers import (
    ClientProposalListSerializer,
    ClientScoreSerializer,
    ProposalAttachmentSerializer,
    ProposalCreateSerializer,
    ProposalDetailSerializer,
    ProposalListSerializer,
    ProposalUpdateSerializer,
    ProposalWithdrawSerializer,
)


def detail_queryset(user) -> QuerySet:
    """What `user` may open, with everything ProposalDetail shows in a fixed number of queries."""
    return (
        Proposal.objects.visible_to(user)
        .select_related("competition", "freelancer")
        .prefetch_related(
            Prefetch("attachments", queryset=ProposalAttachment.objects.order_by("uploaded_at")),
            Prefetch("revisions", queryset=ProposalRevision.objects.order_by("revision_number")),
        )
    )


def detail_data(proposal: Proposal, request: Request) -> dict:
    """ProposalDetail of a freshly written proposal, read back through the visibility query."""
    fresh = detail_queryset(request.user).get(pk=proposal.pk)
    return ProposalDetailSerializer(fresh, context={"request": request}).data


class ProposalVisibleMixin:
    """`get_object()` from the user's visible proposals: anything else is a 404."""

    lookup_field = "pk"

    def get_queryset(self) -> QuerySet:
        return detail_queryset(self.request.user)


class MyProposalsFilter(filters.FilterSet):
    competition = filters.UUIDFilter(field_name="competition_id")
    status = filters.ChoiceFilter(choices=ProposalStatus.choices)

    class Meta:
        model = Proposal
        fields = ["competition", "status"]


class ProposalCreateView(generics.GenericAPIView):
    """POST /api/proposals/ — a freelancer submits a proposal (JSON, or multipart with files)."""

    permission_classes = [IsFreelancer]
    serializer_class = ProposalCreateSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": ProposalCreateSerializer, "multipart/form-data": ProposalCreateSerializer},
        responses={201: ProposalDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        competition_id = data.pop("competition")
        files = data.pop("attachments", [])
        proposal = services.submit_proposal(
            freelancer=request.user, competition_id=competition_id, data=data, files=files
        )
        # Not read back: the proposal was created by this request's user (who may see it), its
        # competition is the row locked for the insert, its files and revisions are known.
        data = ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data
        return success_response(data, "Proposal submitted.", 201)


class MyProposalsView(generics.ListAPIView):
    """GET /api/proposals/mine/ — the freelancer's own proposals, every status."""

    permission_classes = [IsFreelancer]
    serializer_class = ProposalListSerializer
    list_message = "Your proposals retrieved."
    filterset_class = MyProposalsFilter
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "proposed_budget", "status"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Proposal.objects.none()
        return Proposal.objects.for_freelancer(self.request.user).select_related("competition")


class CompetitionProposalsView(generics.ListAPIView):
    """GET /api/proposals/competition/<competition_id>/ — the owner's blind list (no withdrawn)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ClientProposalListSerializer
    list_message = "Proposals to your competition retrieved."
    filter_backends = [OrderingFilter]
    ordering_fields = ["client_score", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation, no competition
            return Proposal.objects.none()
        user = self.request.user
        competition = get_object_or_404(Competition.objects.visible_to(user), pk=self.kwargs["competition_id"])
        require_client_of(competition, user, "list its proposals")
        return Proposal.objects.for_client(user).filter(competition=competition).prefetch_related(matches_prefetch())


class ProposalDetailView(ProposalVisibleMixin, generics.GenericAPIView):
    """GET/PUT/PATCH/DELETE /api/proposals/<id>/."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProposalDetailSerializer

    @extend_schema(responses=ProposalDetailSerializer)
    def get(self, request: Request, pk) -> Response:
        proposal = self.get_object()
        return success_response(self.get_serializer(proposal).data, "Proposal retrieved.")

    def _update(self, request: Request, partial: bool) -> Response:
        proposal = self.get_object()
        require_freelancer_of(proposal, request.user, "edit it")
        serializer = ProposalUpdateSerializer(proposal, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        revision_note = data.pop("revision_note", None)
        proposal = services.update_proposal(proposal=proposal, by=request.user, data=data, revision_note=revision_note)
        return success_response(detail_data(proposal, request), "Proposal updated.")

    @extend_schema(request=ProposalUpdateSerializer, responses=ProposalDetailSerializer)
    def put(self, request: Request, pk) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=ProposalUpdateSerializer, responses=ProposalDetailSerializer)
    def patch(self, request: Request, pk) -> Response:
        return self._update(request, partial=True)

    @extend_schema(request=None, responses={200: None})
    def delete(self, request: Request, pk) -> Response:
        _withdraw(self.get_object(), request)
        return success_response(None, "Proposal withdrawn.")


def _withdraw(proposal: Proposal, request: Request) -> Proposal:
    require_freelancer_of(proposal, request.user, "withdraw it")
    return services.withdraw_proposal(proposal=proposal, by=request.user)


class WithdrawProposalView(ProposalVisibleMixin, generics.GenericAPIView):
    """POST /api/proposals/<id>/withdraw/ — SUBMITTED -> WITHDRAWN (row kept)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProposalWithdrawSerializer

    @extend_schema(request=None, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk) -> Response:
        proposal = _withdraw(self.get_object(), request)
        return success_response(detail_data(proposal, request), "Proposal withdrawn.")


class AddAttachmentView(ProposalVisibleMixin, generics.GenericAPIView):
    """POST /api/proposals/<id>/attachments/ — multipart `file`, `description?`."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProposalAttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ProposalAttachmentSerializer}, responses={201: ProposalAttachmentSerializer}
    )
    def post(self, request: Request, pk) -> Response:
        proposal = self.get_object()
        require_freelancer_of(proposal, request.user, "add files to it")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.add_attachment(
            proposal=proposal,
            by=request.user,
            upload=serializer.validated_data["file"],
            description=serializer.validated_data.get("description", ""),
        )
        return success_response(self.get_serializer(attachment).data, "Attachment added.", 201)


class DeleteAttachmentView(ProposalVisibleMixin, generics.GenericAPIView):
    """DELETE /api/proposals/<id>/attachments/<attachment_id>/ — removes the row and the file."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProposalAttachmentSerializer

    @extend_schema(responses={200: None})
    def delete(self, request: Request, pk, attachment_id) -> Response:
        proposal = self.get_object()
        require_freelancer_of(proposal, request.user, "remove its files")
        services.delete_attachment(proposal=proposal, attachment_id=attachment_id, by=request.user)
        return success_response(None, "Attachment deleted.")


class DownloadAttachmentView(generics.GenericAPIView):
    """GET /api/proposals/<id>/attachments/<attachment_id>/download/ — the file, to whoever may
    see the proposal; a 404 envelope to everyone else (anonymous callers included)."""

    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet:
        return ProposalAttachment.objects.filter(proposal__in=Proposal.objects.visible_to(self.request.user))

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")}
    )
    def get(self, request: Request, pk, attachment_id) -> FileResponse:
        attachment = get_object_or_404(self.get_queryset(), pk=attachment_id, proposal_id=pk)
        try:
            handle = private_storage().open(attachment.file.name, "rb")
        except (FileNotFoundError, OSError):
            raise NotFound("File not found.") from None
        # Never a type the uploader chose: the browser must download, not render or sniff it.
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_filename,
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class ScoreProposalView(ProposalVisibleMixin, generics.GenericAPIView):
    """POST /api/proposals/<id>/score/ — the competition's owner scores 1-5 with a note."""

    permission_classes = [IsAuthenticated]
    serializer_class = ClientScoreSerializer

    @extend_schema(request=ClientScoreSerializer, responses=ProposalDetailSerializer)
    def post(self, request: Request, pk) -> Response:
        proposal = self.get_object()
        require_client_of(proposal.competition, request.user, "score its proposals")
        serializer = self.get_serializer(data=request.data, context={"request": request, "proposal": proposal})
        serializer.is_valid(raise_exception=True)
        proposal = services.score_proposal(
            proposal=proposal,
            by=request.user,
            client_score=serializer.validated_data["client_score"],
            client_note=serializer.validated_data.get("client_note", ...),
        )
        return success_response(detail_data(proposal, request), "Proposal scored.")
