"""The catalogue read cache (courses/api/cache.py): hits and misses, the generation bump
of every write path, per-user overlays, drafts, and Redis being down."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory

from conftest import client_for
from core.cache import GENERATION_KEY, catalogue_changed, catalogue_generation
from courses.models import Course, Enrollment, Lesson
from courses.services.enrollment import enrollment_grant, enrollment_revoke
from courses.services.reviews import review_create
from courses.services.video import video_durations_sync
from courses.tests.conftest import image_upload
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)
from courses.tests.vdocipher_double import vdocipher_mock, video_url
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db

LIST = "/api/courses/courses/"
CATEGORIES = "/api/courses/categories/"


def detail(course) -> str:
    return f"/api/courses/courses/{course.slug}/"


@pytest.fixture
def anon():
    return client_for(None)


@pytest.fixture
def world(db, settings):
    tutor = TutorFactory(first_name="Ada", last_name="Lovelace")
    category = CategoryFactory(name="Maths", slug="maths")
    course = CourseFactory(tutors=[tutor], category=category, title="Algebra", price="10.00")
    part = CoursePartFactory(course=course, title="Part one")
    lesson = LessonFactory(part=part, title="Lesson one", duration=60)
    return {
        "tutor": tutor,
        "category": category,
        "course": course,
        "part": part,
        "lesson": lesson,
        "settings": settings,
    }


def summary_of(anon, course) -> dict:
    results = anon.get(LIST).json()["results"]
    return next((c for c in results if c["id"] == str(course.pk)), None)


# --- Hits and misses ------------------------------------------------------------------


def test_a_second_anonymous_read_is_served_from_the_cache_without_a_query(
    anon, world, django_assert_num_queries
):
    # given: each route read once (a miss that fills the cache)
    course = world["course"]
    first = [anon.get(url).content for url in (LIST, detail(course), CATEGORIES)]
    first.append(anon.get(f"{CATEGORIES}maths/").content)

    # when / then: the same reads again run no query and answer the same bytes
    with django_assert_num_queries(0):
        again = [anon.get(url).content for url in (LIST, detail(course), CATEGORIES)]
        again.append(anon.get(f"{CATEGORIES}maths/").content)
    assert again == first


def test_the_cache_key_follows_the_query_string_and_the_host(anon, world, settings):
    # given: a cached first page of one course per page
    settings.ALLOWED_HOSTS = ["testserver", "other.test"]
    CourseFactory(title="Zebra")
    assert anon.get(LIST, {"page_size": 1}).json()["next"].startswith("http://testserver/")

    # when: another filter and another host are asked
    filtered = anon.get(LIST, {"search": "Zebra"}).json()
    other_host = anon.get(LIST, {"page_size": 1}, HTTP_HOST="other.test").json()

    # then: each is its own page, with its own absolute links
    assert [c["title"] for c in filtered["results"]] == ["Zebra"]
    assert other_host["next"].startswith("http://other.test/")


def test_a_cached_page_is_the_shape_the_database_gives(anon, world, settings):
    # given: a page built with the cache off (a dummy cache never hits)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    uncached = [anon.get(url).content for url in (LIST, detail(world["course"]), CATEGORIES)]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    # when: the same pages come from the cache
    [anon.get(url) for url in (LIST, detail(world["course"]), CATEGORIES)]
    cached = [anon.get(url).content for url in (LIST, detail(world["course"]), CATEGORIES)]

    # then: byte for byte the same
    assert cached == uncached


# --- Every write bumps the generation -------------------------------------------------


def _patch(user, url, body, **kwargs):
    response = client_for(user).patch(url, body, format="json", **kwargs)
    assert response.status_code == 200, response.content
    return response


def _post(user, url, body):
    response = client_for(user).post(url, body, format="json")
    assert response.status_code in (200, 201), response.content
    return response


def _delete(user, url):
    response = client_for(user).delete(url)
    assert response.status_code == 204, response.content


def _course_title(w):
    _patch(w["tutor"], detail(w["course"]), {"title": "Geometry"})
    return lambda anon: summary_of(anon, w["course"])["title"] == "Geometry"


def _course_price(w):
    _patch(w["tutor"], detail(w["course"]), {"price": "20.00"})
    return lambda anon: anon.get(detail(w["course"])).json()["price"] == "20.00"


def _course_prices(w):
    _patch(w["tutor"], detail(w["course"]), {"prices": [{"currency": "eur", "price": "9.00"}]})
    return lambda anon: (
        {"currency": "eur", "price": "9.00"} in anon.get(detail(w["course"])).json()["prices"]
    )


def _course_unpublish(w):
    _patch(w["tutor"], detail(w["course"]), {"is_published": False})
    return lambda anon: (
        summary_of(anon, w["course"]) is None
        and anon.get(detail(w["course"])).status_code == 404
        and anon.get(f"{CATEGORIES}maths/").json()["courses_count"] == 0
    )


def _course_create_and_publish(w):
    created = _post(w["tutor"], LIST, {"title": "Brand new"}).json()
    course = Course.objects.get(pk=created["id"])
    part = CoursePartFactory(course=course)
    LessonFactory(part=part)
    _patch(w["tutor"], detail(course), {"is_published": True})
    return lambda anon: summary_of(anon, course) is not None


def _course_delete(w):
    _delete(w["tutor"], detail(w["course"]))
    return lambda anon: anon.get(LIST).json()["count"] == 0


def _course_tutors(w):
    other = TutorFactory(first_name="Grace")
    _patch(AdminFactory(), detail(w["course"]), {"tutors": [str(other.pk)]})
    return lambda anon: (
        [t["first_name"] for t in summary_of(anon, w["course"])["tutors"]] == ["Grace"]
    )


def _course_thumbnail(w):
    response = client_for(w["tutor"]).patch(
        detail(w["course"]), {"thumbnail": image_upload()}, format="multipart"
    )
    assert response.status_code == 200, response.content
    return lambda anon: summary_of(anon, w["course"])["thumbnail"] is not None


def _part_create(w):
    _post(w["tutor"], "/api/courses/course-parts/", {"course": str(w["course"].pk), "title": "P2"})
    return lambda anon: len(summary_of(anon, w["course"])["parts"]) == 2


def _part_update(w):
    _patch(w["tutor"], f"/api/courses/course-parts/{w['part'].slug}/", {"title": "Renamed"})
    return lambda anon: summary_of(anon, w["course"])["parts"][0]["title"] == "Renamed"


def _part_delete(w):
    _delete(w["tutor"], f"/api/courses/course-parts/{w['part'].slug}/")
    return lambda anon: summary_of(anon, w["course"])["parts"] == []


def _lesson_create(w):
    _post(
        w["tutor"],
        "/api/courses/lessons/",
        {"part": str(w["part"].pk), "title": "L2", "duration": 30},
    )
    return lambda anon: summary_of(anon, w["course"])["lessons_count"] == 2


def _lesson_update(w):
    _patch(w["tutor"], f"/api/courses/lessons/{w['lesson'].slug}/", {"duration": 3600})
    return lambda anon: summary_of(anon, w["course"])["total_duration"] == "01:00:00"


def _lesson_delete(w):
    LessonFactory(part=w["part"])  # a published course keeps a lesson
    _delete(w["tutor"], f"/api/courses/lessons/{w['lesson'].slug}/")
    return lambda anon: (
        summary_of(anon, w["course"])["lessons_count"] == 1
        and all(
            lesson["title"] != "Lesson one"
            for lesson in anon.get(detail(w["course"])).json()["parts"][0]["lessons"]
        )
    )


def _category_create(w):
    _post(AdminFactory(), CATEGORIES, {"name": "Physics"})
    return lambda anon: "Physics" in [c["name"] for c in anon.get(CATEGORIES).json()["results"]]


def _category_update(w):
    _patch(AdminFactory(), f"{CATEGORIES}maths/", {"name": "Mathematics"})
    return lambda anon: summary_of(anon, w["course"])["category"]["name"] == "Mathematics"


def _category_delete(w):
    _delete(AdminFactory(), f"{CATEGORIES}maths/")
    return lambda anon: summary_of(anon, w["course"])["category"] is None


def _enroll_free(w):
    free = CourseFactory(price=Decimal(0), title="Free")
    LessonFactory(part=CoursePartFactory(course=free))
    w["course"] = free
    response = client_for(StudentFactory()).post(f"{detail(free)}enroll/")
    assert response.status_code in (200, 201), response.content
    return lambda anon: summary_of(anon, free)["students_count"] == 1


def _enrollment_grant_and_revoke(w):
    enrollment, _ = enrollment_grant(user=StudentFactory(), course=w["course"])
    enrollment_revoke(enrollment=enrollment)
    EnrollmentFactory  # noqa: B018 (factories bypass the services; the services are the path)
    return lambda anon: summary_of(anon, w["course"])["students_count"] == 0


def _enrollment_grant(w):
    enrollment_grant(user=StudentFactory(), course=w["course"])
    return lambda anon: summary_of(anon, w["course"])["students_count"] == 1


def _review(w):
    student = StudentFactory(is_email_verified=True)
    enrollment_grant(user=student, course=w["course"])
    review_create(author=student, course=w["course"], rating=4, text="Good")
    return lambda anon: (
        summary_of(anon, w["course"])["rating"] == 4.0
        and summary_of(anon, w["course"])["reviews_count"] == 1
    )


def _tutor_renames_themself(w):
    _patch(w["tutor"], "/api/auth/users/me/", {"first_name": "Augusta"})
    return lambda anon: summary_of(anon, w["course"])["tutors"][0]["first_name"] == "Augusta"


def _admin_unpublish_action(w):
    request = RequestFactory().post("/admin/")
    request.user = AdminFactory()
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    model_admin = site._registry[Course]
    model_admin.unpublish_courses(request, Course.objects.filter(pk=w["course"].pk))
    return lambda anon: summary_of(anon, w["course"]) is None


def _admin_change_form(w):
    from courses.tests.test_catalogue_admin import _course_change_data

    staff = Client()
    staff.force_login(AdminFactory(is_superuser=True))
    course = w["course"]
    response = staff.post(
        f"/admin/courses/course/{course.pk}/change/",
        {**_course_change_data(staff, course), "title": "From admin", "is_published": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    return lambda anon: summary_of(anon, course)["title"] == "From admin"


def _admin_part_inline_delete(w):
    from courses.tests.test_catalogue_admin import _course_change_data

    staff = Client()
    staff.force_login(AdminFactory(is_superuser=True))
    course = w["course"]
    part = w["part"]
    data = {
        **_course_change_data(staff, course),
        "is_published": "on",
        "parts-TOTAL_FORMS": "1",
        "parts-INITIAL_FORMS": "1",
        "parts-0-id": str(part.pk),
        "parts-0-course": str(course.pk),
        "parts-0-order": str(part.order),
        "parts-0-title": part.title,
        "parts-0-slug": part.slug,
        "parts-0-DELETE": "on",
    }
    response = staff.post(f"/admin/courses/course/{course.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    return lambda anon: summary_of(anon, course)["parts"] == []


def _video_duration_sync(w):
    Lesson.objects.filter(pk=w["lesson"].pk).update(duration=0, video_service_id="v1")
    catalogue_changed()  # the setup's own .update()
    with vdocipher_mock(w["settings"]) as vdocipher:
        vdocipher.get(video_url("v1"), json={"id": "v1", "length": 125, "status": "ready"})
        video_durations_sync()
    return lambda anon: summary_of(anon, w["course"])["total_duration"] == "00:02:05"


def _seed_demo(w):
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return lambda anon: anon.get(LIST).json()["count"] > 1


WRITES = [
    _course_title,
    _course_price,
    _course_prices,
    _course_unpublish,
    _course_create_and_publish,
    _course_delete,
    _course_tutors,
    _course_thumbnail,
    _part_create,
    _part_update,
    _part_delete,
    _lesson_create,
    _lesson_update,
    _lesson_delete,
    _category_create,
    _category_update,
    _category_delete,
    _enroll_free,
    _enrollment_grant,
    _enrollment_grant_and_revoke,
    _review,
    _tutor_renames_themself,
    _admin_unpublish_action,
    _admin_change_form,
    _admin_part_inline_delete,
    _video_duration_sync,
    _seed_demo,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda f: f.__name__.lstrip("_"))
def test_every_write_is_seen_by_the_next_anonymous_read(
    anon, world, write, django_capture_on_commit_callbacks
):
    # given: every cached page read once (warm)
    for url in (LIST, detail(world["course"]), CATEGORIES, f"{CATEGORIES}maths/"):
        anon.get(url)
    before = catalogue_generation()

    # when: the write happens (its transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        reflected = write(world)

    # then: the generation moved and the next anonymous read shows the change
    assert catalogue_generation() != before
    assert reflected(anon)


def test_every_queryset_update_on_catalogue_rows_bumps_the_generation():
    """`.update()` and `bulk_create` send no signal: a module that writes catalogue rows
    that way must call `catalogue_changed()` (courses/signals.py covers the rest)."""
    root = Path(settings.BASE_DIR)
    writes = re.compile(
        r"(Course|CoursePart|Lesson|Category|CoursePrice|courses|manager)"
        r"[\w.()=,\s\"'_]*\.(update|bulk_create|bulk_update)\("
    )
    missing = []
    for app in ("core", "users", "courses", "payments"):
        for path in (root / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text()
            if writes.search(text) and "catalogue_changed" not in text:
                missing.append(str(path.relative_to(root)))
    assert missing == []


# --- Per-user fields ------------------------------------------------------------------


def test_is_enrolled_is_the_callers_own_on_the_same_cached_page(anon, world):
    # given: A enrolled, B not, and the page cached by an anonymous read
    a, b = StudentFactory(), StudentFactory()
    EnrollmentFactory(user=a, course=world["course"])
    anon.get(LIST)
    anon.get(detail(world["course"]))

    # when: both read the same pages, A first
    a_list = summary_of(client_for(a), world["course"])
    b_list = summary_of(client_for(b), world["course"])
    a_detail = client_for(a).get(detail(world["course"])).json()
    b_detail = client_for(b).get(detail(world["course"])).json()

    # then: each sees their own flags; the anonymous shape is untouched
    assert a_list["is_enrolled"] is True and b_list["is_enrolled"] is False
    assert a_detail["is_enrolled"] is True and b_detail["is_enrolled"] is False
    assert summary_of(anon, world["course"])["is_enrolled"] is False


def test_progress_and_completions_are_overlaid_per_caller(anon, world):
    # given: A enrolled with the only lesson done, B enrolled with nothing done
    a, b = StudentFactory(), StudentFactory()
    for student in (a, b):
        EnrollmentFactory(user=student, course=world["course"])
    LessonCompletionFactory(user=a, lesson=world["lesson"])
    anon.get(detail(world["course"]))

    # when
    a_detail = client_for(a).get(detail(world["course"])).json()
    b_detail = client_for(b).get(detail(world["course"])).json()
    again = anon.get(detail(world["course"])).json()

    # then
    assert a_detail["progress"] == 100
    assert a_detail["parts"][0]["lessons"][0]["is_completed"] is True
    assert b_detail["progress"] == 0
    assert b_detail["parts"][0]["lessons"][0]["is_completed"] is False
    assert again["progress"] is None
    assert again["parts"][0]["lessons"][0]["is_completed"] is False


def test_course_tutors_and_admins_get_video_ids_that_the_cache_never_holds(anon, world):
    # given: the detail cached by an anonymous read
    anon.get(detail(world["course"]))

    # when
    tutor_view = client_for(world["tutor"]).get(detail(world["course"])).json()
    admin_view = client_for(AdminFactory()).get(detail(world["course"])).json()
    student_view = client_for(StudentFactory()).get(detail(world["course"])).json()

    # then
    video_id = world["lesson"].video_service_id
    assert tutor_view["parts"][0]["lessons"][0]["video_service_id"] == video_id
    assert admin_view["parts"][0]["lessons"][0]["video_service_id"] == video_id
    assert "video_service_id" not in student_view["parts"][0]["lessons"][0]
    assert (
        "video_service_id" not in anon.get(detail(world["course"])).json()["parts"][0]["lessons"][0]
    )


def test_a_draft_is_never_served_from_the_shared_cache(anon, world):
    # given: a draft read by its tutor and by an enrolled student
    tutor, student = TutorFactory(), StudentFactory()
    draft = DraftCourseFactory(tutors=[tutor])
    EnrollmentFactory(user=student, course=draft)
    assert client_for(tutor).get(detail(draft)).status_code == 200
    assert client_for(student).get(detail(draft)).status_code == 200

    # when: outsiders ask for it
    outsiders = [anon, client_for(StudentFactory()), client_for(TutorFactory())]

    # then: a 404 for each, and no list shows it
    assert [c.get(detail(draft)).status_code for c in outsiders] == [404, 404, 404]
    assert summary_of(anon, draft) is None


# --- The cache being down -------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield
    from core.cache import outage

    outage.down = False


def test_with_redis_down_every_read_is_built_from_the_database(anon, world, redis_down):
    # given: the cache answers nothing
    assert catalogue_generation() is None

    # when: a read, a write, a read
    before = summary_of(anon, world["course"])["title"]
    _patch(world["tutor"], detail(world["course"]), {"title": "While down"})
    after = summary_of(anon, world["course"])
    signed_in = client_for(StudentFactory()).get(detail(world["course"]))

    # then: always the database's answer, never an error
    assert before == "Algebra"
    assert after["title"] == "While down"
    assert signed_in.status_code == 200


def test_a_lost_generation_key_restarts_at_a_number_never_used(world, anon):
    # given: a cached page under the current generation
    anon.get(LIST)
    before = catalogue_generation()

    # when: the key is evicted
    cache.delete(GENERATION_KEY)

    # then: the new number is a fresh one, so the old pages are not found again
    assert catalogue_generation() != before


# --- Query budgets --------------------------------------------------------------------


def test_signed_in_cache_hits_cost_one_overlay_query(anon, world, django_assert_max_num_queries):
    # given: warm pages and an enrolled student
    student = StudentFactory()
    EnrollmentFactory(user=student, course=world["course"])
    LessonCompletionFactory(user=student, lesson=world["lesson"])
    anon.get(LIST)
    anon.get(detail(world["course"]))
    client = client_for(student)

    # when / then: the JWT's user, then the overlay (plus completions on a detail)
    with django_assert_max_num_queries(2):
        client.get(LIST)
    with django_assert_max_num_queries(3):
        client.get(detail(world["course"]))
    assert Enrollment.objects.filter(user=student).count() == 1


# --- The lean read path ---------------------------------------------------------------


def test_the_lean_summary_is_the_serializers_shape_byte_for_byte(world, anon):
    # given: courses with and without thumbnails, category, rating, several tutors
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request

    from courses.api.serializers.catalogue import CourseSummarySerializer
    from courses.api.serializers.summaries import SUMMARY_COLUMNS, course_summaries
    from courses.selectors.catalogue import course_list, course_list_rows

    response = client_for(world["tutor"]).patch(
        detail(world["course"]), {"thumbnail": image_upload()}, format="multipart"
    )
    assert response.status_code == 200
    avatar_tutor = TutorFactory(last_name="Aardvark", avatar="avatars/a b.png")
    CourseFactory(tutors=[avatar_tutor, TutorFactory(last_name="Zed")], category=None)
    Course.objects.filter(pk=world["course"].pk).update(rating=Decimal("4.5"), reviews_count=2)
    free = CourseFactory(price=Decimal(0), currency="jpy")
    CoursePartFactory(course=free, order=2)
    CoursePartFactory(course=free, order=1)
    DraftCourseFactory()
    request = Request(RequestFactory().get(LIST))

    # when
    expected = CourseSummarySerializer(
        course_list(user=None).order_by("slug"), many=True, context={"request": request}
    ).data
    lean = course_summaries(course_list_rows(*SUMMARY_COLUMNS).order_by("slug"), request)

    # then
    assert JSONRenderer().render(lean) == JSONRenderer().render(expected)
    assert len(lean) == 3


def test_a_list_miss_runs_a_fixed_number_of_queries(anon, world, django_assert_max_num_queries):
    # given: many courses, each with tutors and parts
    for _ in range(20):
        course = CourseFactory(tutors=[TutorFactory(), TutorFactory()])
        CoursePartFactory(course=course)

    # when / then: count, page, tutors, parts (and the generation's cache calls, no SQL)
    with django_assert_max_num_queries(4):
        assert anon.get(LIST).status_code == 200


def test_the_browsable_api_gets_the_same_overlay(world, anon):
    # given: an enrolled student and a warm page
    student = StudentFactory()
    EnrollmentFactory(user=student, course=world["course"])
    anon.get(LIST)

    # when: the page is asked as HTML (the parsed path, not the bytes)
    page = client_for(student).get(LIST, HTTP_ACCEPT="text/html")

    # then
    assert page.status_code == 200
    assert b"&quot;is_enrolled&quot;: true" in page.content


def test_redis_coming_back_bumps_the_generation(world):
    # given: a process that saw Redis fail (writes meanwhile could not bump)
    from core.cache import outage

    before = catalogue_generation()
    outage.down = True

    # when: the next cache call succeeds
    outage.succeeded()

    # then: pages cached before the outage are not served again
    assert outage.down is False
    assert catalogue_generation() != before
