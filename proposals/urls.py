"""URL configuration of the proposals app (mounted at /api/proposals/)."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.ProposalCreateView.as_view(), name="create"),
    path("mine/", views.MyProposalsView.as_view(), name="mine"),
    path(
        "competition/<uuid:competition_id>/",
        views.CompetitionProposalsView.as_view(),
        name="competition-proposals",
    ),
    path("<uuid:pk>/", views.ProposalDetailView.as_view(), name="detail"),
    path("<uuid:pk>/withdraw/", views.WithdrawProposalView.as_view(), name="withdraw"),
    path("<uuid:pk>/attachments/", views.AddAttachmentView.as_view(), name="attachment-add"),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_id>/",
        views.DeleteAttachmentView.as_view(),
        name="attachment-delete",
    ),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_id>/download/",
        views.DownloadAttachmentView.as_view(),
        name="attachment-download",
    ),
    path("<uuid:pk>/score/", views.ScoreProposalView.as_view(), name="score"),
]
