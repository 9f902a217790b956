from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Orders point at courses from above: payments tells courses when they block a
        # deletion and deletes its own rows first (apps depend one way, ARCHITECTURE.md).
        from courses.services import CourseDeletionHook, course_deletion_hook_register
        from payments.services.orders import course_orders_blocker, course_orders_delete

        course_deletion_hook_register(
            CourseDeletionHook(blocker=course_orders_blocker, release=course_orders_delete)
        )
