"""URL configuration of the accounts app (mounted at /api/auth/)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("change-password/", views.ChangePasswordView.as_view(), name="change-password"),
    path("verify-email/request/", views.VerifyEmailRequestView.as_view(), name="verify-email-request"),
    path("verify-email/confirm/", views.VerifyEmailConfirmView.as_view(), name="verify-email-confirm"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("change-email/", views.ChangeEmailView.as_view(), name="change-email"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/<uuid:pk>/", views.UserDetailAdminView.as_view(), name="user-detail"),
    path("freelancers/", views.FreelancerSearchView.as_view(), name="freelancer-search"),
]
