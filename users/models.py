"""Accounts: a user logs in with an email and has one integer role.

Roles are the SPA's integers (1 admin, 2 tutor, 3 student, 4 user). A new account is a
user; it becomes a student on its first enrollment; only an admin makes tutors and admins.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.images import UploadedImageField
from eleven_tutors.base_model import BaseModel


class Role(models.IntegerChoices):
    ADMIN = 1, "admin"
    TUTOR = 2, "tutor"
    STUDENT = 3, "student"
    USER = 4, "user"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Login matches the email whatever its case.
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The email must be set")
        email = self.normalize_email(email).strip().lower()
        # Names are required and never blank: "   " is no name (the SPA builds initials).
        for name in ("first_name", "last_name"):
            if isinstance(extra_fields.get(name), str):
                extra_fields[name] = extra_fields[name].strip()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password", "avatar"], validate_unique=False)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMIN)
        extra_fields.setdefault("is_email_verified", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set")
        return self._create_user(email, password, **extra_fields)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    # null, not "", when absent: several users without a username must not collide.
    username = models.CharField(max_length=150, unique=True, null=True, blank=True)
    phone = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    avatar = UploadedImageField(upload_to="avatars/", null=True, blank=True)
    bio = models.TextField(blank=True, default="")
    role = models.PositiveSmallIntegerField(choices=Role.choices, default=Role.USER, db_index=True)
    is_email_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        if self.email:
            self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def role_name(self) -> str:
        return Role(self.role).label

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_staff

    @property
    def is_tutor(self) -> bool:
        return self.role == Role.TUTOR or self.is_admin

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class OnboardingAnswer(BaseModel):
    class Degree(models.TextChoices):
        BACHELORS = "bachelors", "Bachelor's"
        MASTERS = "masters", "Master's"
        PHD = "phd", "PhD"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="onboarding_answer")
    university = models.ForeignKey(
        "core.University", on_delete=models.PROTECT, related_name="onboarding_answers"
    )
    degree = models.CharField(max_length=16, choices=Degree.choices)
    graduation_year = models.PositiveSmallIntegerField()
    interests = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.user} at {self.university}"
