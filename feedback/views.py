"""Review endpoints: leave a review, read a user's public reviews and rating, a competition's reviews."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from competitions.models import Competition
from freelance_arena.utils import success_response

from .models import Review, UserRating
from .serializers import ReviewCreateSerializer, ReviewDetailSerializer, UserRatingSerializer

User = get_user_model()


class _ReviewListView(generics.ListAPIView):
    serializer_class = ReviewDetailSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "rating"]
    ordering = ["-created_at"]
    list_message = "Reviews retrieved."

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(page, many=True)
        return self.paginator.get_paginated_response(serializer.data, message=self.list_message)


class CreateReviewView(generics.GenericAPIView):
    """POST: the requesting user reviews the other side of a CLOSED competition they took part in."""

    serializer_class = ReviewCreateSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewDetailSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return success_response(serializer.data, "Review created.", status.HTTP_201_CREATED)


class UserReviewsView(_ReviewListView):
    """GET: the public reviews a user received (anyone; private ones never show here)."""

    permission_classes = [AllowAny]
    list_message = "User reviews retrieved."

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        user = get_object_or_404(User.objects.only("pk"), pk=self.kwargs["user_id"])
        return Review.objects.filter(reviewee=user, is_public=True).select_related("reviewer", "reviewee")


class UserRatingView(generics.GenericAPIView):
    """GET: a user's average rating over their public reviews (0.00 / 0 without any)."""

    permission_classes = [AllowAny]
    serializer_class = UserRatingSerializer

    @extend_schema(responses=UserRatingSerializer)
    def get(self, request: Request, user_id) -> Response:
        user = get_object_or_404(User.objects.select_related("rating"), pk=user_id)
        try:
            rating = user.rating
        except UserRating.DoesNotExist:
            rating = UserRating(user=user)  # unsaved: the model's defaults, 0.00 and 0
        return success_response(self.get_serializer(rating).data, "User rating retrieved.")


class CompetitionReviewsView(_ReviewListView):
    """GET: a competition's reviews; private ones only to their reviewer, their reviewee and admins."""

    permission_classes = [IsAuthenticated]
    list_message = "Competition reviews retrieved."

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        user = self.request.user
        competition = get_object_or_404(Competition.objects.visible_to(user).only("pk"), pk=self.kwargs["pk"])
        return Review.objects.visible_to(user).filter(competition=competition).select_related("reviewer", "reviewee")
