"""Staff build a whole course from the admin: course with prices and parts, then each
part's lessons, then publish."""

import re

import pytest
from django.test import Client

from courses.models import Course, CoursePart, Lesson
from courses.tests.conftest import image_upload
from courses.tests.factories import CategoryFactory, CourseFactory, DraftCourseFactory
from users.tests.factories import AdminFactory, TutorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(AdminFactory(is_superuser=True))
    return client


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_staff_build_a_whole_course_in_the_admin(staff):
    category, tutor = CategoryFactory(), TutorFactory()

    response = staff.post(
        "/admin/courses/course/add/",
        {
            "title": "Admin-made course",
            "slug": "admin-made-course",
            "description": "Built by staff",
            "category": str(category.id),
            "tutors": [str(tutor.id)],
            "price": "20.00",
            "currency": "usd",
            "thumbnail": image_upload(),
            **_management("prices", 1),
            "prices-0-currency": "eur",
            "prices-0-price": "18.00",
            **_management("parts", 2),
            "parts-0-order": "1",
            "parts-0-title": "Basics",
            "parts-0-slug": "admin-basics",
            "parts-1-order": "0",
            "parts-1-title": "Welcome",
            "parts-1-slug": "admin-welcome",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    course = Course.objects.get(slug="admin-made-course")
    part = course.parts.get(slug="admin-basics")

    response = staff.post(
        f"/admin/courses/coursepart/{part.id}/change/",
        {
            "course": str(course.id),
            "title": "Basics",
            "slug": "admin-basics",
            "description": "",
            "order": "1",
            **_management("lessons", 2),
            "lessons-0-order": "1",
            "lessons-0-title": "Introducción",
            "lessons-0-duration": "120",
            "lessons-0-is_free_preview": "on",
            "lessons-0-video_service_id": "",
            "lessons-1-order": "2",
            "lessons-1-title": "Node.js",
            "lessons-1-duration": "300",
            "lessons-1-video_service_id": "abc",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    response = staff.post(
        "/admin/courses/course/",
        {"action": "publish_courses", "_selected_action": [str(course.id)]},
    )

    course.refresh_from_db()
    assert response.status_code == 302
    assert course.is_published and course.published_at is not None
    assert list(course.tutors.all()) == [tutor]
    assert course.prices.get().currency == "eur"
    assert [p.title for p in course.parts.order_by("order")] == ["Welcome", "Basics"]
    assert list(
        Lesson.objects.filter(part=part).order_by("order").values_list("slug", flat=True)
    ) == [
        "introducci-n",
        "node-js",
    ]
    assert course.thumbnail


def test_admin_refuses_a_non_image_thumbnail(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff.post(
        "/admin/courses/course/add/",
        {
            "title": "Bad",
            "slug": "bad",
            "price": "0",
            "currency": "usd",
            "thumbnail": SimpleUploadedFile("x.png", b"text", content_type="image/png"),
            **_management("prices", 0),
            **_management("parts", 0),
        },
    )

    assert response.status_code == 200
    assert not Course.objects.filter(slug="bad").exists()


def test_publishing_an_empty_course_in_the_admin_keeps_it_a_draft(staff):
    empty = DraftCourseFactory()

    staff.post(
        "/admin/courses/course/", {"action": "publish_courses", "_selected_action": [str(empty.id)]}
    )

    empty.refresh_from_db()
    assert empty.is_published is False


def test_unpublish_action(staff):
    course = CourseFactory()

    staff.post(
        "/admin/courses/course/",
        {"action": "unpublish_courses", "_selected_action": [str(course.id)]},
    )

    course.refresh_from_db()
    assert course.is_published is False


@pytest.mark.parametrize(
    "url",
    [
        "/admin/courses/course/",
        "/admin/courses/course/?is_published__exact=1&q=a",
        "/admin/courses/course/add/",
        "/admin/courses/category/",
        "/admin/courses/coursepart/",
        "/admin/courses/lesson/",
        "/admin/courses/lesson/add/",
        "/admin/courses/videoupload/",
    ],
)
def test_admin_pages_render(staff, url):
    course = CourseFactory()
    CoursePart.objects.create(course=course, title="P", slug="p-admin")

    assert staff.get(url).status_code == 200


def test_course_change_page_shows_thumbnail_preview(staff):
    course = CourseFactory(thumbnail=image_upload())

    response = staff.get(f"/admin/courses/course/{course.id}/change/")

    assert response.status_code == 200
    assert b"<img src=" in response.content


def test_replacing_a_thumbnail_in_the_admin_deletes_the_old_file(
    staff, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    course = CourseFactory(thumbnail=image_upload())
    old_name = course.thumbnail.name
    change = staff.get(f"/admin/courses/course/{course.id}/change/").context["adminform"].form
    data = {
        name: value
        for name, value in change.initial.items()
        if name not in ("thumbnail", "tutors") and value is not None
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/courses/course/{course.id}/change/",
            {
                **data,
                "category": str(course.category_id),
                "tutors": [str(t.id) for t in course.tutors.all()],
                "thumbnail": image_upload(),
                **_management("prices", 0),
                **_management("parts", 0),
            },
        )

    assert response.status_code == 302, response.content[:3000]
    course.refresh_from_db()
    assert course.thumbnail.name != old_name
    assert not default_storage.exists(old_name)
    assert default_storage.exists(course.thumbnail.name)


def test_admin_names_a_png_thumbnail_sent_as_x_html_by_its_decode(staff):
    upload = image_upload(name="x.html")
    upload.content_type = "text/html"

    response = staff.post(
        "/admin/courses/course/add/",
        {
            "title": "Named",
            "slug": "named",
            "price": "0",
            "currency": "usd",
            "thumbnail": upload,
            **_management("prices", 0),
            **_management("parts", 0),
        },
    )

    assert response.status_code == 302
    name = Course.objects.get(slug="named").thumbnail.name
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.png", name)
    served = staff.get(f"/media/{name}")
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- The admin writes through the API's services (one rule, two doors) --------------------


def _course_change_data(staff, course) -> dict:
    form = staff.get(f"/admin/courses/course/{course.id}/change/").context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("thumbnail", "tutors", "category", "is_published") and value is not None
    }
    if course.category_id:
        data["category"] = str(course.category_id)
    return {
        **data,
        "tutors": [str(t.id) for t in course.tutors.all()],
        **_management("prices", 0),
        **_management("parts", 0),
    }


def test_publishing_in_the_change_form_sets_published_at_once(staff):
    from courses.tests.factories import LessonFactory

    course = DraftCourseFactory(published_at=None)
    LessonFactory(part__course=course)

    response = staff.post(
        f"/admin/courses/course/{course.id}/change/",
        {**_course_change_data(staff, course), "is_published": "on"},
    )

    assert response.status_code == 302, response.content[:2000]
    course.refresh_from_db()
    assert course.is_published and course.published_at is not None
    first = course.published_at
    staff.post(f"/admin/courses/course/{course.id}/change/", _course_change_data(staff, course))
    staff.post(
        f"/admin/courses/course/{course.id}/change/",
        {**_course_change_data(staff, course), "is_published": "on"},
    )
    course.refresh_from_db()
    assert course.is_published and course.published_at == first


def test_publishing_an_empty_course_in_the_change_form_keeps_it_a_draft(staff):
    course = DraftCourseFactory()

    response = staff.post(
        f"/admin/courses/course/{course.id}/change/",
        {**_course_change_data(staff, course), "is_published": "on"},
        follow=True,
    )

    course.refresh_from_db()
    assert course.is_published is False and course.published_at is None
    assert "saved as a draft" in response.content.decode()


def test_clearing_a_thumbnail_in_the_admin_deletes_its_file(
    staff, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    course = CourseFactory(thumbnail=image_upload())
    old_name = course.thumbnail.name

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/courses/course/{course.id}/change/",
            {**_course_change_data(staff, course), "is_published": "on", "thumbnail-clear": "on"},
        )

    assert response.status_code == 302, response.content[:2000]
    course.refresh_from_db()
    assert not course.thumbnail
    assert not default_storage.exists(old_name)


def test_renaming_a_lesson_in_the_admin_follows_the_api_slug_rule(staff):
    from courses.tests.factories import LessonFactory

    lesson = LessonFactory(title="Old title", slug="old-title")

    response = staff.post(
        f"/admin/courses/lesson/{lesson.id}/change/",
        {
            "part": str(lesson.part_id),
            "title": "Introducción",
            "description": "",
            "order": "0",
            "duration": "0",
            "video_service_id": "",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    lesson.refresh_from_db()
    assert lesson.slug == "introducci-n"


def test_deleting_a_category_in_the_admin_leaves_its_courses_without_one(staff):
    category = CategoryFactory()
    course = CourseFactory(category=category)

    response = staff.post(f"/admin/courses/category/{category.id}/delete/", {"post": "yes"})

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.category is None
    assert not type(category).objects.filter(pk=category.pk).exists()
