"""Accounts serializers: registration, login, profile, password, admin view, public cards."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework import serializers

from . import lifecycle, services
from .models import Role, User, normalize_email_address

SKILL_MAX_LENGTH = 50
SKILLS_MAX_COUNT = 50
# Skills are stored as "python, django, rest" (comma + one space): readable as-is in the admin
# and easy to split back.
SKILLS_SEPARATOR = ", "

# Decoded formats we accept, and the extension the stored file gets (never the uploader's).
# (MPO is what Pillow calls a camera JPEG that carries extra frames.)
IMAGE_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# A small file can declare enormous dimensions (a decompression bomb): refuse it before any
# consumer decodes the pixels. 25 megapixels is far above any sane avatar.
IMAGE_MAX_PIXELS = 25_000_000
GENERIC_CONTENT_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "application/unknown"})

username_validator = UnicodeUsernameValidator()


def validate_api_password(password: str, user: User) -> None:
    """Raises serializers.ValidationError with every message of the failed validators."""
    try:
        # settings.AUTH_PASSWORD_VALIDATORS: length 8, not close to the e-mail/username, not a
        # common password, not all digits (createsuperuser and the admin apply the same list).
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(list(exc.messages)) from exc


def normalize_skills(value: str | None) -> str | None:
    """'Python ,django,, REST' -> 'Python, django, REST'. Raises ValidationError on bad items."""
    if value is None:
        return None
    items = [item.strip() for item in value.split(",")]
    items = [item for item in items if item]
    if not items:
        return ""
    errors = []
    seen: set[str] = set()
    for item in items:
        if len(item) > SKILL_MAX_LENGTH:
            errors.append(f'Skill "{item[:20]}..." is longer than {SKILL_MAX_LENGTH} characters.')
        key = item.casefold()
        if key in seen:
            errors.append(f'Skill "{item}" is listed twice.')
        seen.add(key)
    if len(items) > SKILLS_MAX_COUNT:
        errors.append(f"At most {SKILLS_MAX_COUNT} skills.")
    if errors:
        raise serializers.ValidationError(errors)
    return SKILLS_SEPARATOR.join(items)


def _email_taken(email: str, exclude_pk=None) -> bool:
    queryset = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def _username_taken(username: str, exclude_pk=None) -> bool:
    queryset = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


class ProfilePictureField(serializers.ImageField):
    """An uploaded image: at most 2 MB, really decodable, sane dimensions, renamed by format."""

    default_error_messages = {
        "too_large": "The picture is larger than {max_mb} MB.",
        "format": "Unsupported image format; use JPEG, PNG, GIF or WebP.",
        "too_many_pixels": "The picture's dimensions are too large.",
        "declared_type": "The declared content type {declared} is not an image.",
    }

    def to_internal_value(self, data):
        max_bytes = settings.PROFILE_PICTURE_MAX_BYTES
        size = getattr(data, "size", None)
        if size is not None and size > max_bytes:
            self.fail("too_large", max_mb=max_bytes // (1024 * 1024))
        # The declared type is never kept (the file is renamed by its decoded format), but an
        # upload that calls itself text/html or a script is forged or confused: refused.
        declared = (getattr(data, "content_type", None) or "").split(";")[0].strip().lower()
        if declared and not declared.startswith("image/") and declared not in GENERIC_CONTENT_TYPES:
            self.fail("declared_type", declared=declared[:100])
        # Django's ImageField opens the file with Pillow and verify()s it: a text file named
        # .png fails here whatever its extension says. Pillow's own bomb guard raises too.
        file_object = super().to_internal_value(data)
        image = getattr(file_object, "image", None)
        if image is None or image.format not in IMAGE_FORMATS:
            self.fail("format")
        width, height = image.size
        if width * height > IMAGE_MAX_PIXELS:
            self.fail("too_many_pixels")
        file_object.name = f"picture.{IMAGE_FORMATS[image.format]}"
        file_object.seek(0)
        return file_object


class UsernameMixin:
    def validate_username(self, value: str) -> str:
        value = value.strip()
        try:
            username_validator(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        instance = getattr(self, "instance", None)
        if _username_taken(value, exclude_pk=instance.pk if instance else None):
            raise serializers.ValidationError("A user with that username already exists.")
        return value


class EmailMixin:
    def validate_email(self, value: str) -> str:
        value = normalize_email_address(value)
        instance = getattr(self, "instance", None)
        if _email_taken(value, exclude_pk=instance.pk if instance else None):
            raise serializers.ValidationError("A user with that email already exists.")
        return value


class UserProfileSerializer(UsernameMixin, serializers.ModelSerializer):
    """The signed-in user's own profile. Identity, role and account state are read-only."""

    profile_picture = ProfilePictureField(required=False, allow_null=True)
    skills = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=5000)
    hourly_rate = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    username = serializers.CharField(max_length=50)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "username",
            "first_name",
            "last_name",
            "role",
            "bio",
            "profile_picture",
            "skills",
            "hourly_rate",
            "date_joined",
            "last_seen",
            "email_verified",
        ]
        read_only_fields = ["id", "email", "role", "date_joined", "last_seen", "email_verified"]

    def validate_skills(self, value: str | None) -> str | None:
        return normalize_skills(value)

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        old_picture = instance.profile_picture.name if instance.profile_picture else None
        try:
            with transaction.atomic():
                user = super().update(instance, validated_data)
        except IntegrityError as exc:  # a concurrent request took the username
            raise serializers.ValidationError({"username": ["A user with that username already exists."]}) from exc
        new_picture = user.profile_picture.name if user.profile_picture else None
        if old_picture and old_picture != new_picture:
            storage = user.profile_picture.storage
            transaction.on_commit(lambda: storage.delete(old_picture))
        return user


class UserRegistrationSerializer(EmailMixin, UsernameMixin, serializers.ModelSerializer):
    email = serializers.EmailField(max_length=254)
    username = serializers.CharField(max_length=50)
    password = serializers.CharField(write_only=True, min_length=8, max_length=128, style={"input_type": "password"})
    # All three choices (one shared enum in the schema); ADMIN is refused by validate_role.
    role = serializers.ChoiceField(choices=Role.choices, help_text="CLIENT or FREELANCER; ADMIN is refused.")

    class Meta:
        model = User
        fields = ["email", "username", "password", "role", "first_name", "last_name"]

    def validate_role(self, value: str) -> str:
        if value == Role.ADMIN:
            raise serializers.ValidationError("You cannot register as an administrator.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(
            email=attrs.get("email", ""),
            username=attrs.get("username", ""),
            first_name=attrs.get("first_name", ""),
            last_name=attrs.get("last_name", ""),
        )
        try:
            validate_api_password(attrs["password"], candidate)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"password": exc.detail}) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        try:
            with transaction.atomic():
                return User.objects.create_user(**validated_data)
        except IntegrityError as exc:  # a concurrent registration with the same e-mail/username
            raise serializers.ValidationError(
                {"non_field_errors": ["A user with that email or username already exists."]}
            ) from exc

    def to_representation(self, instance: User) -> dict[str, Any]:
        return UserProfileSerializer(instance, context=self.context).data


class UserLoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, max_length=128)

    INVALID = "Invalid credentials"
    DEACTIVATED = "Account is deactivated"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # authenticate() answers None for a wrong password *and* for an inactive account
        # (ModelBackend refuses inactive users), so we check the password ourselves. The
        # "deactivated" answer is given only to someone who knows the password.
        user = User.objects.filter(email=normalize_email_address(attrs["email"])).first()
        if user is None:
            # Hash anyway: an unknown e-mail answers as slowly as a wrong password does.
            make_password(attrs["password"])
            raise serializers.ValidationError(self.INVALID, code="invalid_credentials")
        if not user.check_password(attrs["password"]):
            raise serializers.ValidationError(self.INVALID, code="invalid_credentials")
        if not user.is_active:
            raise serializers.ValidationError(self.DEACTIVATED, code="account_deactivated")
        attrs["user"] = user
        return attrs


class OwnPasswordField(serializers.CharField):
    """The signed-in user's current password, checked against their account."""

    def __init__(self, *, incorrect: str, **kwargs) -> None:
        self.incorrect = incorrect
        super().__init__(write_only=True, max_length=128, style={"input_type": "password"}, **kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError(self.incorrect)
        return value


class ChangePasswordSerializer(serializers.Serializer):
    old_password = OwnPasswordField(incorrect="The current password is incorrect.")
    new_password = serializers.CharField(write_only=True, min_length=8, max_length=128)
    confirm_password = serializers.CharField(write_only=True, max_length=128)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_password"] != attrs["confirm_password"]:
            raise serializers.ValidationError({"confirm_password": ["The two new passwords do not match."]})
        if attrs["new_password"] == attrs["old_password"]:
            raise serializers.ValidationError({"new_password": ["The new password must differ from the old one."]})
        try:
            validate_api_password(attrs["new_password"], self.context["request"].user)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.detail}) from exc
        return attrs


class DeactivateAccountSerializer(serializers.Serializer):
    """DELETE /api/auth/profile/: the account's password, so a stolen access token alone cannot
    deactivate it."""

    password = OwnPasswordField(incorrect="The password is incorrect.")


class VerifyEmailConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=1000, help_text="The token of the verification e-mail.")


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=100)
    token = serializers.CharField(max_length=100)
    new_password = serializers.CharField(write_only=True, min_length=8, max_length=128)
    confirm_password = serializers.CharField(write_only=True, max_length=128)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            user = lifecycle.user_for_reset(uid=attrs["uid"], token=attrs["token"])
        except lifecycle.InvalidLink as exc:
            raise serializers.ValidationError({"token": [exc.message]}) from exc
        if attrs["new_password"] != attrs["confirm_password"]:
            raise serializers.ValidationError({"confirm_password": ["The two new passwords do not match."]})
        try:
            validate_api_password(attrs["new_password"], user)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.detail}) from exc
        attrs["user"] = user
        return attrs


class ChangeEmailSerializer(serializers.Serializer):
    new_email = serializers.EmailField(max_length=254)
    password = OwnPasswordField(incorrect="The password is incorrect.")

    def validate_new_email(self, value: str) -> str:
        value = normalize_email_address(value)
        user = self.context["request"].user
        if value == user.email:
            raise serializers.ValidationError("This is already your email address.")
        if _email_taken(value, exclude_pk=user.pk):
            raise serializers.ValidationError("A user with that email already exists.")
        return value


class AdminUserSerializer(EmailMixin, UsernameMixin, serializers.ModelSerializer):
    """Every field but the password, for ADMIN users. is_superuser stays a Django-admin matter."""

    email = serializers.EmailField(max_length=254)
    username = serializers.CharField(max_length=50)
    profile_picture = ProfilePictureField(required=False, allow_null=True)
    skills = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=5000)
    hourly_rate = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "username",
            "first_name",
            "last_name",
            "role",
            "bio",
            "profile_picture",
            "skills",
            "hourly_rate",
            "is_active",
            "is_staff",
            "is_superuser",
            "email_verified",
            "date_joined",
            "last_seen",
            "last_login",
        ]
        read_only_fields = ["id", "is_superuser", "date_joined", "last_seen", "last_login"]

    def validate_skills(self, value: str | None) -> str | None:
        return normalize_skills(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        if self.instance is not None and request is not None and self.instance.pk == request.user.pk:
            # The admin endpoint must not lock its caller out: no self-demotion/deactivation.
            if "role" in attrs and attrs["role"] != self.instance.role:
                raise serializers.ValidationError({"role": ["You cannot change your own role."]})
            if attrs.get("is_active") is False:
                raise serializers.ValidationError({"is_active": ["You cannot deactivate your own account here."]})
        return attrs

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        was_active = instance.is_active
        try:
            with transaction.atomic():
                user = super().update(instance, validated_data)
                if was_active and not user.is_active:
                    services.deactivate_user(user=user)
        except IntegrityError as exc:
            raise serializers.ValidationError(
                {"non_field_errors": ["A user with that email or username already exists."]}
            ) from exc
        return user


class LoginUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "username", "role"]


class FreelancerCardSerializer(serializers.ModelSerializer):
    """A public freelancer card: no e-mail, nothing about the account's state."""

    average_rating = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    total_reviews = serializers.IntegerField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "bio",
            "skills",
            "hourly_rate",
            "profile_picture",
            "average_rating",
            "total_reviews",
        ]
        read_only_fields = fields


# ---- Shapes used by views and the OpenAPI schema -----------------------------------------------


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisterResponseSerializer(serializers.Serializer):
    user = UserProfileSerializer()
    tokens = TokenPairSerializer()


class LoginResponseSerializer(TokenPairSerializer):
    user = LoginUserSerializer()


class RefreshTokenSerializer(serializers.Serializer):
    refresh = serializers.CharField()
