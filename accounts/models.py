"""Users: UUID primary key, login by e-mail, one role each."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models


class Role(models.TextChoices):
    CLIENT = "CLIENT", "Client"
    FREELANCER = "FREELANCER", "Freelancer"
    ADMIN = "ADMIN", "Admin"


def normalize_email_address(email: str) -> str:
    """E-mail addresses are unique case-insensitively: we store them trimmed and lower-cased."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, username: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        if not username:
            raise ValueError("A username is required.")
        user = self.model(email=normalize_email_address(email), username=username.strip(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, username: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("role", Role.FREELANCER)
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, username, password, **extra_fields)

    def create_superuser(self, email: str, username: str, password: str | None = None, **extra_fields):
        extra_fields["role"] = Role.ADMIN
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, username, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: normalize_email_address(username)})


def profile_picture_path(instance: "User", filename: str) -> str:
    # Never the uploader's name: a generated one, with the extension of the decoded format.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
    return f"profile_pictures/{uuid.uuid4().hex}.{extension}"


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True, max_length=254)
    username = models.CharField(unique=True, max_length=50)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FREELANCER, db_index=True)
    bio = models.TextField(blank=True, null=True)
    profile_picture = models.ImageField(upload_to=profile_picture_path, blank=True, null=True)
    skills = models.TextField(blank=True, null=True, help_text="Comma-separated list.")
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    email_verified = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        ordering = ["-date_joined"]
        indexes = [models.Index(fields=["role", "is_active"], name="user_role_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(hourly_rate__gte=0),
                name="user_hourly_rate_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} <{self.email}>"

    def save(self, *args, **kwargs) -> None:
        self.email = normalize_email_address(self.email)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email_address(self.email)

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_freelancer(self) -> bool:
        return self.role == Role.FREELANCER

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username

    def get_short_name(self) -> str:
        return self.first_name or self.username


def user_is_admin(user) -> bool:
    """True for an authenticated, active user with the ADMIN role (anonymous users included)."""
    return bool(user and user.is_authenticated and getattr(user, "role", None) == Role.ADMIN)
