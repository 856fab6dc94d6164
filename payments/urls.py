"""URL configuration of the payments app."""

from django.urls import path

from . import money_views, views

app_name = "payments"

urlpatterns = [
    path("client/", views.MyClientPaymentsView.as_view(), name="client-list"),
    path("freelancer/", views.MyFreelancerPaymentsView.as_view(), name="freelancer-list"),
    path("admin/", views.AdminPaymentListView.as_view(), name="admin-list"),
    path("fundings/<uuid:pk>/confirm/", money_views.ConfirmFundingView.as_view(), name="funding-confirm"),
    path("webhooks/stripe/", money_views.StripeWebhookView.as_view(), name="stripe-webhook"),
    path("payout-account/", money_views.PayoutAccountView.as_view(), name="payout-account"),
    path("ledger/", money_views.LedgerListView.as_view(), name="ledger"),
    path("<uuid:pk>/", views.PaymentDetailView.as_view(), name="detail"),
    path("<uuid:pk>/status/", views.UpdatePaymentStatusView.as_view(), name="status"),
]
