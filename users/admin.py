"""Staff screens for accounts: users log in by email; no username/password pair as in
Django's stock UserAdmin (our model has no required username)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from users.models import OnboardingAnswer, User

# The login page says it is rate-limited (django-axes; see users.admin_login).
admin.site.login_template = "admin/rate_limited_login.html"


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email already exists.")
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class OnboardingAnswerInline(admin.StackedInline):
    model = OnboardingAnswer
    extra = 0
    autocomplete_fields = ["university"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = [
        "email",
        "first_name",
        "last_name",
        "role",
        "is_email_verified",
        "is_active",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["role", "is_email_verified", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name", "username"]
    ordering = ["email"]
    readonly_fields = ["id", "date_joined", "last_login", "created_at", "updated_at"]
    inlines = [OnboardingAnswerInline]

    def get_inlines(self, request, obj):
        # A new account has no onboarding answer yet.
        return self.inlines if obj is not None else []

    fieldsets = [
        (None, {"fields": ["id", "email", "password"]}),
        ("Profile", {"fields": ["first_name", "last_name", "username", "phone", "avatar", "bio"]}),
        ("Role and status", {"fields": ["role", "is_email_verified", "is_active"]}),
        (
            "Django admin access",
            {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["date_joined", "last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]


@admin.register(OnboardingAnswer)
class OnboardingAnswerAdmin(admin.ModelAdmin):
    list_display = ["user", "university", "degree", "graduation_year", "created_at"]
    list_filter = ["degree", "graduation_year"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "university__name"]
    list_select_related = ["user", "university"]
    autocomplete_fields = ["user", "university"]
    readonly_fields = ["created_at", "updated_at"]
