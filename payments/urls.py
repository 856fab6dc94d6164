"""URL configuration of the payments app."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("client/", views.MyClientPaymentsView.as_view(), name="client-list"),
    path("freelancer/", views.MyFreelancerPaymentsView.as_view(), name="freelancer-list"),
    path("admin/", views.AdminPaymentListView.as_view(), name="admin-list"),
    path("<uuid:pk>/", views.PaymentDetailView.as_view(), name="detail"),
    path("<uuid:pk>/status/", views.UpdatePaymentStatusView.as_view(), name="status"),
]
