"""Competition views: thin. Visibility comes from the QuerySets, rules from services.py."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import user_is_admin
from accounts.permissions import IsClient
from freelance_arena.utils import success_response
from payments import escrow
from payments.idempotency import idempotent

from . import list_cache, services
from .filters import CompetitionSearchFilter, MyCompetitionFilter, PublicCompetitionFilter, StableOrderingFilter
from .models import Competition, CompetitionQuestion
from .permissions import IsCompetitionOwner, ReadOnlyOrCompetitionOwner, ReadOnlyOrFreelancer
from .serializers import (
    CompetitionAnswerSerializer,
    CompetitionCreateSerializer,
    CompetitionDetailSerializer,
    CompetitionListSerializer,
    CompetitionQuestionSerializer,
    CompetitionStatusSerializer,
    CompetitionUpdateSerializer,
    SelectWinnerSerializer,
)

ORDERING_FIELDS = ["budget", "deadline", "created_at"]


CARD_COLUMNS = (
    "id",
    "title",
    "budget",
    "currency",
    "deadline",
    "submission_deadline",
    "status",
    "category",
    "created_at",
    "client__username",
)


def list_queryset() -> QuerySet:
    """What a list card needs, in one query per page: the client and the proposal count."""
    return Competition.objects.select_related("client").only(*CARD_COLUMNS).with_proposal_count()


def paginated_cards(view: generics.GenericAPIView, queryset: QuerySet, message: str) -> Response:
    """A page of list cards by deferred join.

    The page's ids come from `queryset` (filters, search and ordering over the indexes only);
    then just those rows are read with their client and proposal count. Deep pages stay cheap
    because MySQL skips OFFSET rows in the index instead of reading each full row.
    """
    ids = view.paginate_queryset(queryset.values_list("pk", flat=True))
    by_id = list_queryset().in_bulk(ids)
    cards = [by_id[pk] for pk in ids if pk in by_id]
    serializer = view.get_serializer(cards, many=True)
    return view.paginator.get_paginated_response(serializer.data, message=message)


def detail_queryset(user) -> QuerySet:
    """The competitions `user` may open, with everything the detail shows prefetched."""
    public_questions = CompetitionQuestion.objects.filter(is_public=True).select_related("asked_by")
    return (
        Competition.objects.visible_to(user)
        .select_related("client__rating")
        .with_proposal_count()
        .annotate(**escrow.funding_annotations())
        .prefetch_related(Prefetch("questions", queryset=public_questions, to_attr="public_questions"))
    )


def detail_data(competition: Competition, request: Request) -> dict:
    """Re-reads the competition as the detail shows it (annotations and prefetches included)."""
    fresh = detail_queryset(request.user).get(pk=competition.pk)
    return CompetitionDetailSerializer(fresh, context={"request": request}).data


class CompetitionNestedMixin:
    """For URLs under `<id>/`: the competition follows its own visibility (404), then the view's
    object permissions decide (403)."""

    def get_competition(self) -> Competition:
        competition = get_object_or_404(Competition.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, competition)
        return competition


# --- Lists and create ---------------------------------------------------------------------------


class CompetitionListView(generics.ListAPIView):
    """GET: the public list. OPEN competitions only; admins may ask for any `status`."""

    permission_classes = [AllowAny]
    serializer_class = CompetitionListSerializer
    filterset_class = PublicCompetitionFilter
    filter_backends = [DjangoFilterBackend, CompetitionSearchFilter, StableOrderingFilter]
    search_fields = ["title", "description"]
    ordering_fields = ORDERING_FIELDS
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet:
        if user_is_admin(self.request.user) and self.request.query_params.get("status"):
            return Competition.objects.all()  # the filterset applies the admin's status
        return Competition.objects.listed()

    def list(self, request: Request, *args, **kwargs) -> Response:
        if not list_cache.timeout() or (user_is_admin(request.user) and "status" in request.query_params):
            return paginated_cards(self, self.filter_queryset(self.get_queryset()), "Competitions retrieved.")
        page = list_cache.lookup(request.build_absolute_uri())
        if page.data is None:
            response = paginated_cards(self, self.filter_queryset(self.get_queryset()), "Competitions retrieved.")
            list_cache.store(page, response.data)
            return response
        return Response(page.data)


class CompetitionCreateView(generics.CreateAPIView):
    """POST: a CLIENT creates a competition; it starts as a DRAFT only they (and admins) see."""

    permission_classes = [IsClient]
    serializer_class = CompetitionCreateSerializer

    @extend_schema(request=CompetitionCreateSerializer, responses={201: CompetitionDetailSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = CompetitionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        competition = serializer.save()
        return success_response(detail_data(competition, request), "Competition created.", status.HTTP_201_CREATED)


class CompetitionListCreateView(CompetitionListView, CompetitionCreateView):
    """`/api/competitions/`: GET is CompetitionListView (anyone), POST is CompetitionCreateView (CLIENT)."""

    def get_permissions(self):
        if self.request is not None and self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsClient()]

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return CompetitionCreateSerializer
        return CompetitionListSerializer


class MyCompetitionsView(generics.ListAPIView):
    """GET: the requesting client's own competitions, every status, filterable by `status`."""

    permission_classes = [IsClient]
    serializer_class = CompetitionListSerializer
    filterset_class = MyCompetitionFilter
    filter_backends = [DjangoFilterBackend, CompetitionSearchFilter, StableOrderingFilter]
    ordering_fields = ORDERING_FIELDS
    ordering = ["-created_at"]
    search_fields = ["title", "description"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Competition.objects.none()
        return Competition.objects.filter(client=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        return paginated_cards(self, self.filter_queryset(self.get_queryset()), "Your competitions retrieved.")


class BookmarkedCompetitionsView(generics.ListAPIView):
    """GET: the competitions the requesting user bookmarked (that they may still see)."""

    permission_classes = [IsAuthenticated]
    serializer_class = CompetitionListSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Competition.objects.none()
        user = self.request.user
        return Competition.objects.visible_to(user).filter(bookmarks__user=user).order_by("-created_at", "-id")

    def list(self, request: Request, *args, **kwargs) -> Response:
        return paginated_cards(self, self.get_queryset(), "Bookmarked competitions retrieved.")


# --- One competition ----------------------------------------------------------------------------


class CompetitionDetailView(generics.GenericAPIView):
    """GET anyone who may see it; PUT/PATCH the owner while DRAFT or OPEN; DELETE the owner while
    DRAFT (cancels, the row is kept)."""

    permission_classes = [ReadOnlyOrCompetitionOwner]
    serializer_class = CompetitionDetailSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return detail_queryset(self.request.user)

    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("PUT", "PATCH"):
            return CompetitionUpdateSerializer
        return CompetitionDetailSerializer

    @extend_schema(responses=CompetitionDetailSerializer)
    def get(self, request: Request, pk) -> Response:
        serializer = CompetitionDetailSerializer(self.get_object(), context={"request": request})
        return success_response(serializer.data, "Competition retrieved.")

    def _update(self, request: Request, *, partial: bool) -> Response:
        competition = self.get_object()
        serializer = CompetitionUpdateSerializer(
            competition, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return success_response(detail_data(competition, request), "Competition updated.")

    @extend_schema(request=CompetitionUpdateSerializer, responses=CompetitionDetailSerializer)
    def put(self, request: Request, pk) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=CompetitionUpdateSerializer, responses=CompetitionDetailSerializer)
    def patch(self, request: Request, pk) -> Response:
        return self._update(request, partial=True)

    @extend_schema(request=None, responses={200: None})
    def delete(self, request: Request, pk) -> Response:
        services.cancel(competition=self.get_object(), by=request.user)
        return success_response(None, "Competition cancelled.")


class CompetitionStatusView(CompetitionNestedMixin, generics.GenericAPIView):
    """POST: the owner moves the competition along its state machine."""

    permission_classes = [IsCompetitionOwner]
    serializer_class = CompetitionStatusSerializer

    @extend_schema(request=CompetitionStatusSerializer, responses=CompetitionDetailSerializer)
    def post(self, request: Request, pk) -> Response:
        competition = self.get_competition()
        serializer = CompetitionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        competition = services.change_status(
            competition=competition, new_status=serializer.validated_data["status"], by=request.user
        )
        return success_response(detail_data(competition, request), f"Competition is now {competition.status}.")


class CompetitionQuestionListCreateView(CompetitionNestedMixin, generics.GenericAPIView):
    """GET: the questions this user may see (public ones; the owner all; an asker their own).
    POST: a FREELANCER asks, while the competition is open and accepts questions."""

    permission_classes = [ReadOnlyOrFreelancer]
    serializer_class = CompetitionQuestionSerializer
    filter_backends: list = []

    @extend_schema(responses=CompetitionQuestionSerializer(many=True))
    def get(self, request: Request, pk) -> Response:
        competition = self.get_competition()
        questions = CompetitionQuestion.objects.visible_to(request.user, competition).select_related("asked_by")
        page = self.paginate_queryset(questions.order_by("created_at"))
        serializer = CompetitionQuestionSerializer(page, many=True, context={"request": request})
        return self.paginator.get_paginated_response(serializer.data, message="Questions retrieved.")

    @extend_schema(request=CompetitionQuestionSerializer, responses={201: CompetitionQuestionSerializer})
    def post(self, request: Request, pk) -> Response:
        competition = self.get_competition()
        serializer = CompetitionQuestionSerializer(
            data=request.data, context={"request": request, "competition": competition}
        )
        serializer.is_valid(raise_exception=True)
        question = serializer.save()
        return success_response(
            CompetitionQuestionSerializer(question, context={"request": request}).data,
            "Question sent.",
            status.HTTP_201_CREATED,
        )


class CompetitionAnswerView(CompetitionNestedMixin, generics.GenericAPIView):
    """POST: the competition's owner answers one of its questions."""

    permission_classes = [IsCompetitionOwner]
    serializer_class = CompetitionAnswerSerializer

    @extend_schema(request=CompetitionAnswerSerializer, responses=CompetitionQuestionSerializer)
    def post(self, request: Request, pk, question_id) -> Response:
        competition = self.get_competition()
        question = get_object_or_404(
            CompetitionQuestion.objects.select_related("competition", "asked_by"),
            pk=question_id,
            competition=competition,
        )
        serializer = CompetitionAnswerSerializer(data=request.data, context={"request": request, "question": question})
        serializer.is_valid(raise_exception=True)
        question = services.answer_question(
            question=question,
            answer=serializer.validated_data["answer"],
            is_public=serializer.validated_data.get("is_public"),
            by=request.user,
        )
        return success_response(
            CompetitionQuestionSerializer(question, context={"request": request}).data, "Question answered."
        )


class CompetitionBookmarkView(CompetitionNestedMixin, APIView):
    """POST: toggles the requesting user's bookmark on a competition they may see."""

    # A plain APIView: it has no body to describe, and a GenericAPIView without a serializer
    # made OPTIONS (DRF's metadata asks for the serializer) a 500.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer("BookmarkToggle", {"bookmarked": serializers.BooleanField()}),
    )
    def post(self, request: Request, pk) -> Response:
        bookmarked = services.toggle_bookmark(competition=self.get_competition(), user=request.user)
        return success_response(
            {"bookmarked": bookmarked}, "Competition bookmarked." if bookmarked else "Bookmark removed."
        )


class SelectWinnerView(CompetitionNestedMixin, generics.GenericAPIView):
    """POST: the owner picks the winning proposal of a REVIEW competition; it becomes CLOSED."""

    permission_classes = [IsCompetitionOwner]
    serializer_class = SelectWinnerSerializer

    @extend_schema(request=SelectWinnerSerializer, responses=CompetitionDetailSerializer)
    @idempotent
    def post(self, request: Request, pk) -> Response:
        from proposals.models import Proposal

        competition = self.get_competition()
        serializer = SelectWinnerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The service re-reads the proposal under lock and checks it belongs to this competition;
        # an unknown id and another competition's proposal get the same answer (nothing leaks).
        proposal = Proposal(pk=serializer.validated_data["proposal_id"])
        competition = services.select_winner(competition=competition, proposal=proposal, by=request.user)
        return success_response(detail_data(competition, request), "Winner selected. The competition is closed.")
