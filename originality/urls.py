"""Report URLs, mounted at /api/proposals/ beside the proposals app's own."""

from django.urls import path

from . import views

app_name = "originality"

urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/<uuid:pk>/decide/", views.DecideReportView.as_view(), name="report-decide"),
    path("<uuid:pk>/report/", views.ReportProposalView.as_view(), name="report"),
    path("<uuid:pk>/report-response/", views.ReportResponseView.as_view(), name="report-response"),
]
