"""`manage.py seed_demo [--scale N]`: demo data for development and benchmarks.

Idempotent: accounts, categories and courses are found by their email or slug and only
created when missing, so running it again changes nothing. Universities come from a data
migration, not from here.

It creates a superuser whose password is in this file, so it refuses to run unless
DEBUG is on (`make run` sets DJANGO_DEBUG=True) or `--force` says the caller means it (the
benchmark, which seeds a throwaway database under production settings).

`--scale N` makes sure N extra generated courses (3 parts of 4 lessons each) exist,
inserted with bulk_create in a handful of queries per batch: 10,000 courses take seconds
on SQLite.

Courses get a generated thumbnail and accounts an avatar (Pillow: a coloured image with
the title or the initials), stored through the model fields like an upload, so the demo
and the SPA show real images. Only missing images are made, so a second run adds none.
Generated `--scale` courses share a pool of a few thumbnails instead of one each.
"""

import hashlib
import io
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from core.cache import catalogue_changed
from courses.models import Category, Course, CoursePart, Lesson, Review
from courses.services.catalogue import course_lesson_numbers_refresh, lesson_slug_base
from courses.services.enrollment import enrollment_grant
from courses.services.reviews import review_create, review_reply_set
from users.models import Role, User

DEMO_PASSWORDS = {
    Role.ADMIN: "demo-admin-2026",
    Role.TUTOR: "demo-tutor-2026",
    Role.STUDENT: "demo-student-2026",
}
CATEGORIES = [
    ("Programming", "Code, from first steps to production."),
    ("Mathematics", "Algebra, calculus and statistics."),
    ("Languages", "Speak, read and write."),
    ("Design", "Visual and product design."),
]
TUTORS = [
    ("ada@demo.11tutors.com", "Ada", "Lovelace"),
    ("alan@demo.11tutors.com", "Alan", "Turing"),
    ("grace@demo.11tutors.com", "Grace", "Hopper"),
]
STUDENTS = [
    ("student1@demo.11tutors.com", "Sam", "Student"),
    ("student2@demo.11tutors.com", "Lee", "Learner"),
]
# Ratings and texts of the students' reviews of the free course (seed_demo's _reviews).
DEMO_REVIEWS = (
    (5, 4),
    (
        "Clear, patient explanations: I wrote my first script after the second lesson.",
        "Very good start; I would have liked more exercises.",
    ),
)
# slug, title, category index, tutor indexes, price, published, parts [(title, lessons)]
COURSES = [
    (
        "python-from-scratch", "Python from Scratch", 0, [0], "0", True,
        [("Getting started", ["Introducción", "Installing Python", "Your first script"]),
         ("Basics", ["Variables", "Control flow", "Functions"])],
    ),
    (
        "web-apps-with-django", "Web Apps with Django", 0, [0, 1], "49.99", True,
        [("Foundations", ["Welcome to Django", "Models", "Views"]),
         ("APIs", ["Django REST framework", "Authentication with JWT"])],
    ),
    (
        "calculus-one", "Calculus I", 1, [1], "29.00", True,
        [("Limits", ["What is a limit", "Continuity"]), ("Derivatives", ["Rules", "Chain rule"])],
    ),
    (
        "spanish-for-travellers", "Spanish for Travellers", 2, [2], "19.99", True,
        [("Essentials", ["Saludos", "Numbers and money", "Asking for directions"])],
    ),
    (
        "node-js-in-depth", "Node.js in Depth", 0, [2], "59.00", False,
        [("Runtime", ["Node.js event loop", "Streams"])],
    ),
]  # fmt: skip
SCALE_PREFIX = "scale-course-"
SCALE_PARTS, SCALE_LESSONS = 3, 4
SCALE_THUMBNAILS = 6
THUMBNAIL_SIZE, AVATAR_SIZE = (640, 360), (256, 256)


def demo_image(text: str, size: tuple[int, int]) -> ContentFile:
    """A PNG of `size` in a colour derived from `text`, with `text` drawn in its middle."""
    from PIL import Image, ImageDraw, ImageFont

    digest = hashlib.sha256(text.encode()).digest()
    background = tuple(64 + byte % 128 for byte in digest[:3])
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    try:  # Pillow's bundled scalable font, when Pillow has FreeType
        font = ImageFont.load_default(size=max(16, size[1] // 6))
    except (TypeError, OSError):
        font = ImageFont.load_default()
    draw.text((size[0] / 2, size[1] / 2), text, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    # The stored name follows the upload rule: a uuid, the format's extension.
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.png")


def initials(user: User) -> str:
    return f"{user.first_name[:1]}{user.last_name[:1]}".upper()


class Command(BaseCommand):
    help = "Load demo categories, tutors, students and courses (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Also make sure N generated courses with parts and lessons exist.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off too (creates accounts with the well-known demo passwords).",
        )

    def handle(self, *args, scale: int = 0, force: bool = False, **options) -> None:
        if not (settings.DEBUG or force):
            raise CommandError(
                "seed_demo creates a superuser whose password is published in the source; "
                "it only runs with DJANGO_DEBUG=True (development) or with --force."
            )
        with transaction.atomic():
            admin = self._user("admin@demo.11tutors.com", "Demo", "Admin", Role.ADMIN)
            categories = self._categories()
            tutors = [self._user(e, f, la, Role.TUTOR) for e, f, la in TUTORS]
            students = [self._user(e, f, la, Role.STUDENT) for e, f, la in STUDENTS]
            courses = self._courses(categories, tutors)
            self._enroll(students[0], courses["python-from-scratch"])
            self._reviews(students, courses["python-from-scratch"])
            self._images([admin, *tutors, *students], courses.values())
        if scale > 0:
            started = time.monotonic()
            created = self._scale(scale, categories, tutors)
            elapsed = time.monotonic() - started
            self.stdout.write(f"--scale {scale}: created {created} course(s) in {elapsed:.1f}s")
        catalogue_changed()  # bulk_create and .update() send no signals

        self.stdout.write(self.style.SUCCESS("Demo data ready. Accounts (email / password):"))
        self.stdout.write(f"  admin    {admin.email} / {DEMO_PASSWORDS[Role.ADMIN]}")
        for tutor in tutors:
            self.stdout.write(f"  tutor    {tutor.email} / {DEMO_PASSWORDS[Role.TUTOR]}")
        for student in students:
            self.stdout.write(f"  student  {student.email} / {DEMO_PASSWORDS[Role.STUDENT]}")

    def _user(self, email: str, first: str, last: str, role: int) -> User:
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user
        extra = {"is_email_verified": True, "role": role}
        if role == Role.ADMIN:
            return User.objects.create_superuser(
                email, DEMO_PASSWORDS[role], first_name=first, last_name=last, **extra
            )
        return User.objects.create_user(
            email, DEMO_PASSWORDS[role], first_name=first, last_name=last, **extra
        )

    def _categories(self) -> list[Category]:
        from slugify import slugify

        return [
            Category.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": description}
            )[0]
            for name, description in CATEGORIES
        ]

    def _courses(self, categories, tutors) -> dict[str, Course]:
        now = timezone.now()
        courses = {}
        for index, (slug, title, cat, tutor_ix, price, published, parts) in enumerate(COURSES):
            course = Course.objects.filter(slug=slug).first()
            if course is None:
                course = Course.objects.create(
                    slug=slug,
                    title=title,
                    description=f"{title}: a demo course.",
                    category=categories[cat],
                    price=Decimal(price),
                    currency="usd",
                    is_published=published,
                    published_at=now - timedelta(days=index) if published else None,
                )
                course.tutors.set([tutors[i] for i in tutor_ix])
                for part_order, (part_title, lessons) in enumerate(parts):
                    part = CoursePart.objects.create(
                        course=course,
                        title=part_title,
                        slug=f"{slug}-{lesson_slug_base(part_title)}",
                        order=part_order,
                    )
                    for order, lesson_title in enumerate(lessons):
                        Lesson.objects.create(
                            part=part,
                            title=lesson_title,
                            slug=self._lesson_slug(lesson_title, slug),
                            order=order,
                            duration=300 + 60 * order,
                            # The first lesson of a paid course is a free preview.
                            is_free_preview=part_order == 0 and order == 0,
                        )
            courses[slug] = course
        return courses

    def _images(self, users, courses) -> None:
        """Avatars and thumbnails where missing, stored through the fields as uploads are.

        Only the image column is written: the objects in hand may be older than their
        rows (an enrollment just counted a student, upgraded a role).
        """
        for user in users:
            if not user.avatar:
                image = demo_image(initials(user), AVATAR_SIZE)
                user.avatar.save(image.name, image, save=False)
                User.objects.filter(pk=user.pk).update(avatar=user.avatar.name)
        for course in courses:
            if not course.thumbnail:
                image = demo_image(course.title, THUMBNAIL_SIZE)
                course.thumbnail.save(image.name, image, save=False)
                Course.objects.filter(pk=course.pk).update(thumbnail=course.thumbnail.name)

    def _scale_thumbnails(self) -> list[str]:
        """A few stored thumbnails the generated courses share (made once, then reused)."""
        existing = list(
            Course.objects.filter(slug__startswith=SCALE_PREFIX)
            .exclude(thumbnail="")
            .values_list("thumbnail", flat=True)
            .distinct()[:SCALE_THUMBNAILS]
        )
        if existing:
            return existing
        field = Course._meta.get_field("thumbnail")
        names = []
        for index in range(SCALE_THUMBNAILS):
            image = demo_image(f"Generated {index + 1}", THUMBNAIL_SIZE)
            name = field.generate_filename(Course(), image.name)
            names.append(field.storage.save(name, image))
        return names

    def _lesson_slug(self, title: str, course_slug: str) -> str:
        slug = lesson_slug_base(title)
        if Lesson.objects.filter(slug=slug).exists():
            slug = f"{slug}-{course_slug}"
        return slug

    def _enroll(self, student: User, course: Course) -> None:
        # The real service: counts the student and upgrades a user (4) to student (3).
        enrollment_grant(user=student, course=course, send_receipt=False)

    def _reviews(self, students: list[User], course: Course) -> None:
        """Two reviews of the free course (one with the tutor's reply), through the real
        services so the course's rating is stored; skipped for an author who has one."""
        for student, rating, text in zip(students, DEMO_REVIEWS[0], DEMO_REVIEWS[1], strict=True):
            if Review.objects.filter(course=course, author=student).exists():
                continue
            self._enroll(student, course)
            review = review_create(author=student, course=course, rating=rating, text=text)
            if rating < 5:
                review_reply_set(
                    review=review,
                    user=course.tutors.first(),
                    text="Thanks! Part 2 gets more exercises next month.",
                )

    def _scale(self, n: int, categories, tutors, batch: int = 1000) -> int:
        """Insert the missing generated courses `scale-course-1..n` in batches."""
        existing = set(
            Course.objects.filter(slug__startswith=SCALE_PREFIX).values_list("slug", flat=True)
        )
        wanted = [i for i in range(1, n + 1) if f"{SCALE_PREFIX}{i}" not in existing]
        if not wanted:
            return 0
        thumbnails = self._scale_thumbnails()
        now = timezone.now()
        through = Course.tutors.through
        for start in range(0, len(wanted), batch):
            with transaction.atomic():
                courses = [
                    Course(
                        slug=f"{SCALE_PREFIX}{i}",
                        title=f"Generated course {i}",
                        description=f"Generated course number {i} for benchmarks.",
                        category=categories[i % len(categories)],
                        price=Decimal(0) if i % 5 == 0 else Decimal(10 + i % 90),
                        currency="usd",
                        is_published=i % 10 != 0,
                        published_at=now - timedelta(minutes=i) if i % 10 else None,
                        students_count=i % 50,
                        thumbnail=thumbnails[i % len(thumbnails)],
                    )
                    for i in wanted[start : start + batch]
                ]
                Course.objects.bulk_create(courses, batch_size=500)
                through.objects.bulk_create(
                    [
                        through(course_id=c.pk, user_id=tutors[k % len(tutors)].pk)
                        for k, c in enumerate(courses)
                    ],
                    batch_size=500,
                )
                parts = [
                    CoursePart(course=c, title=f"Part {p}", slug=f"{c.slug}-part-{p}", order=p)
                    for c in courses
                    for p in range(SCALE_PARTS)
                ]
                CoursePart.objects.bulk_create(parts, batch_size=500)
                lessons = []
                for part in parts:
                    for order in range(SCALE_LESSONS):
                        title = f"{part.course.title} {part.title} lesson {order}"
                        lessons.append(
                            Lesson(
                                part=part,
                                title=title,
                                slug=lesson_slug_base(title),
                                order=order,
                                duration=240 + 30 * order,
                                is_free_preview=order == 0,
                            )
                        )
                Lesson.objects.bulk_create(lessons, batch_size=500)
                # bulk_create sends no signal: count the new courses' lessons here.
                course_lesson_numbers_refresh(course_ids=[c.pk for c in courses])
        return len(wanted)
