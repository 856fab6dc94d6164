"""URL configuration of the feedback app."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("reviews/", views.CreateReviewView.as_view(), name="review-create"),
    path("users/<uuid:user_id>/reviews/", views.UserReviewsView.as_view(), name="user-reviews"),
    path("users/<uuid:user_id>/rating/", views.UserRatingView.as_view(), name="user-rating"),
    path("competitions/<uuid:pk>/reviews/", views.CompetitionReviewsView.as_view(), name="competition-reviews"),
]
