"""Courses store their lessons' number and total seconds (kept by courses/signals.py);
existing courses are counted once here."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce


def count_lessons(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Lesson = apps.get_model("courses", "Lesson")
    per_course = (
        Lesson.objects.filter(part__course_id=OuterRef("pk")).order_by().values("part__course_id")
    )
    Course.objects.update(
        lessons_count=Coalesce(Subquery(per_course.annotate(n=Count("pk")).values("n")), 0),
        total_duration=Coalesce(
            Subquery(per_course.annotate(seconds=Sum("duration")).values("seconds")), 0
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_reviews"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="lessons_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="course",
            name="total_duration",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_lessons, migrations.RunPython.noop, elidable=True),
    ]
