"""Accounts endpoints under /api/auth/ (thin: validate, call a service, answer the envelope)."""

from decimal import Decimal

from django.db.models import DecimalField, IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError

from freelance_arena.throttling import ApiRateThrottle
from freelance_arena.utils import success_response

from . import lifecycle, services
from .filters import FreelancerFilter, UserFilter
from .models import Role, User
from .permissions import IsAdminRole
from .serializers import (
    AdminUserSerializer,
    ChangeEmailSerializer,
    ChangePasswordSerializer,
    DeactivateAccountSerializer,
    FreelancerCardSerializer,
    LoginResponseSerializer,
    LoginUserSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    RefreshTokenSerializer,
    RegisterResponseSerializer,
    TokenPairSerializer,
    UserLoginSerializer,
    UserProfileSerializer,
    UserRegistrationSerializer,
    VerifyEmailConfirmSerializer,
)
from .throttling import LoginRateThrottle, PasswordCheckRateThrottle


class CredentialView(generics.GenericAPIView):
    """Base of register/login/refresh: anonymous, throttled per IP with the "login" rate.

    No authentication classes: a stale or broken Authorization header must not stop anyone
    from signing in.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ApiRateThrottle, LoginRateThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        # Without authentication classes DRF would turn a refused token's 401 into a 403.
        return 'Bearer realm="api"'


class RegisterView(CredentialView):
    serializer_class = UserRegistrationSerializer

    @extend_schema(request=UserRegistrationSerializer, responses={201: RegisterResponseSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        lifecycle.send_verification_email(user)
        data = {"user": serializer.data, "tokens": services.record_login(user)}
        return success_response(data, "Account created.", status.HTTP_201_CREATED)


class LoginView(CredentialView):
    serializer_class = UserLoginSerializer

    @extend_schema(request=UserLoginSerializer, responses={200: LoginResponseSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        tokens = services.record_login(user)
        return success_response({**tokens, "user": LoginUserSerializer(user).data}, "Logged in.")


class TokenRefreshView(CredentialView):
    """Rotates the refresh token: the old one is blacklisted, a new pair is returned."""

    serializer_class = RefreshTokenSerializer

    @extend_schema(request=RefreshTokenSerializer, responses={200: TokenPairSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tokens = services.rotate_refresh_token(raw_token=serializer.validated_data["refresh"])
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        except services.InactiveAccount as exc:
            raise AuthenticationFailed("No active account found for the given token.", "no_active_account") from exc
        return success_response(tokens, "Token refreshed.")


class LogoutView(generics.GenericAPIView):
    serializer_class = RefreshTokenSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RefreshTokenSerializer, responses={200: None})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = services.read_refresh_token(serializer.validated_data["refresh"])
        except TokenError as exc:
            raise ValidationError({"refresh": [f"{exc}."]}) from exc
        try:
            services.logout(user=request.user, token=token)
        except services.NotTokenOwner as exc:
            raise ValidationError({"refresh": ["This refresh token does not belong to you."]}) from exc
        except TokenError as exc:  # blacklisted by a rotation or logout that got there first
            raise ValidationError({"refresh": [f"{exc}."]}) from exc
        return success_response(None, "Logged out.")


class ProfileView(generics.GenericAPIView):
    serializer_class = UserProfileSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> User:
        return self.request.user

    @extend_schema(responses=UserProfileSerializer)
    def get(self, request: Request) -> Response:
        return success_response(self.get_serializer(self.get_object()).data, "Profile retrieved.")

    def _update(self, request: Request, partial: bool) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return success_response(serializer.data, "Profile updated.")

    @extend_schema(responses=UserProfileSerializer)
    def put(self, request: Request) -> Response:
        return self._update(request, partial=False)

    @extend_schema(responses=UserProfileSerializer)
    def patch(self, request: Request) -> Response:
        return self._update(request, partial=True)

    def get_throttles(self):
        # Deleting the account checks the password: throttled like change-password.
        throttles = super().get_throttles()
        if self.request.method == "DELETE":
            throttles.append(PasswordCheckRateThrottle())
        return throttles

    @extend_schema(request=DeactivateAccountSerializer, responses={200: None})
    def delete(self, request: Request) -> Response:
        serializer = DeactivateAccountSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.deactivate_user(user=self.get_object())
        return success_response(None, "Account deactivated.")


class ChangePasswordView(generics.GenericAPIView):
    serializer_class = ChangePasswordSerializer
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiRateThrottle, PasswordCheckRateThrottle]

    @extend_schema(responses={200: None})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_password(user=request.user, new_password=serializer.validated_data["new_password"])
        return success_response(None, "Password changed. Other sessions have been signed out.")


class VerifyEmailRequestView(APIView):
    """POST: e-mails a verification link to the signed-in user's (unverified) address."""

    # A plain APIView: no body (a GenericAPIView without a serializer fails on OPTIONS).
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiRateThrottle, PasswordCheckRateThrottle]

    @extend_schema(request=None, responses={200: None})
    def post(self, request: Request) -> Response:
        try:
            lifecycle.request_verification(user=request.user)
        except lifecycle.AlreadyVerified as exc:
            raise ValidationError({"non_field_errors": ["Your email address is already verified."]}) from exc
        return success_response(None, "Verification email sent.")


class VerifyEmailConfirmView(CredentialView):
    """POST: confirms the address of a verification or change-of-email token."""

    serializer_class = VerifyEmailConfirmSerializer

    @extend_schema(responses={200: None})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            lifecycle.confirm_email(token=serializer.validated_data["token"])
        except lifecycle.InvalidLink as exc:
            raise ValidationError({"token": [exc.message]}) from exc
        except lifecycle.EmailTaken as exc:
            raise ValidationError({"token": ["This email address now belongs to another account."]}) from exc
        return success_response(None, "Email address verified.")


class PasswordResetView(CredentialView):
    """POST: the same answer, in the same time, whether or not the address has an account."""

    serializer_class = PasswordResetRequestSerializer

    @extend_schema(responses={200: None})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifecycle.request_password_reset(email=serializer.validated_data["email"])
        return success_response(
            None, "If an account exists for this email address, a link to reset its password has been sent to it."
        )


class PasswordResetConfirmView(CredentialView):
    serializer_class = PasswordResetConfirmSerializer

    @extend_schema(responses={200: None})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            lifecycle.reset_password(user=data["user"], token=data["token"], new_password=data["new_password"])
        except lifecycle.InvalidLink as exc:  # a concurrent reset with the same token got there first
            raise ValidationError({"token": [exc.message]}) from exc
        return success_response(None, "Password reset. Every session has been signed out.")


class ChangeEmailView(generics.GenericAPIView):
    """POST: sends a confirmation to the new address; the switch happens when it is confirmed."""

    serializer_class = ChangeEmailSerializer
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiRateThrottle, PasswordCheckRateThrottle]

    @extend_schema(responses={200: None})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            lifecycle.request_email_change(user=request.user, new_email=serializer.validated_data["new_email"])
        except lifecycle.EmailTaken as exc:
            raise ValidationError({"new_email": ["A user with that email already exists."]}) from exc
        return success_response(None, "Confirmation sent to the new address. Your address changes once you confirm it.")


class UserListView(generics.ListAPIView):
    serializer_class = AdminUserSerializer
    permission_classes = [IsAuthenticated, IsAdminRole]
    filterset_class = UserFilter
    list_message = "Users retrieved."
    search_fields = ["email", "username", "first_name", "last_name"]
    ordering_fields = ["date_joined", "email", "username", "last_seen", "role"]
    ordering = ["-date_joined", "id"]

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.all()


class UserDetailAdminView(generics.GenericAPIView):
    serializer_class = AdminUserSerializer
    permission_classes = [IsAuthenticated, IsAdminRole]
    queryset = User.objects.all()

    @extend_schema(responses=AdminUserSerializer)
    def get(self, request: Request, pk) -> Response:
        return success_response(self.get_serializer(self.get_object()).data, "User retrieved.")

    def _update(self, request: Request, partial: bool) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return success_response(serializer.data, "User updated.")

    @extend_schema(responses=AdminUserSerializer)
    def put(self, request: Request, pk) -> Response:
        return self._update(request, partial=False)

    @extend_schema(responses=AdminUserSerializer)
    def patch(self, request: Request, pk) -> Response:
        return self._update(request, partial=True)

    @extend_schema(responses={200: None})
    def delete(self, request: Request, pk) -> Response:
        user = self.get_object()
        if user.pk == request.user.pk:
            raise ValidationError({"non_field_errors": ["You cannot deactivate your own account here."]})
        services.deactivate_user(user=user)
        return success_response(None, "User deactivated.")


class FreelancerSearchView(generics.ListAPIView):
    """Public directory of active freelancers, best rated first."""

    serializer_class = FreelancerCardSerializer
    list_message = "Freelancers retrieved."
    permission_classes = [AllowAny]
    filterset_class = FreelancerFilter
    search_fields = ["username", "skills"]
    ordering_fields = ["average_rating", "total_reviews", "hourly_rate", "username", "date_joined"]
    ordering = ["-average_rating", "-total_reviews", "username"]

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.filter(role=Role.FREELANCER, is_active=True).annotate(
            average_rating=Coalesce(
                "rating__average_rating",
                Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=3, decimal_places=2),
            ),
            total_reviews=Coalesce("rating__total_reviews", Value(0), output_field=IntegerField()),
        )
