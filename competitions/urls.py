"""URL configuration of the competitions app (the contract's table)."""

from django.urls import path

from payments import money_views

from . import views

app_name = "competitions"

urlpatterns = [
    path("", views.CompetitionListCreateView.as_view(), name="list-create"),
    path("mine/", views.MyCompetitionsView.as_view(), name="mine"),
    path("bookmarks/", views.BookmarkedCompetitionsView.as_view(), name="bookmarks"),
    path("<uuid:pk>/", views.CompetitionDetailView.as_view(), name="detail"),
    path("<uuid:pk>/status/", views.CompetitionStatusView.as_view(), name="status"),
    path("<uuid:pk>/questions/", views.CompetitionQuestionListCreateView.as_view(), name="questions"),
    path(
        "<uuid:pk>/questions/<uuid:question_id>/answer/",
        views.CompetitionAnswerView.as_view(),
        name="answer",
    ),
    path("<uuid:pk>/bookmark/", views.CompetitionBookmarkView.as_view(), name="bookmark"),
    path("<uuid:pk>/fund/", money_views.FundCompetitionView.as_view(), name="fund"),
    path("<uuid:pk>/escrow/", money_views.EscrowView.as_view(), name="escrow"),
    path("<uuid:pk>/select-winner/", views.SelectWinnerView.as_view(), name="select-winner"),
]
