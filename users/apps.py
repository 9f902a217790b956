from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the account emails' builders with the outbox (web and worker alike).
        from users import emails  # noqa: F401
