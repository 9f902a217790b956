"""Which VdoCipher ids a lesson may carry (issue 11, point 9).

Every video asked for through `vdocipher/upload-credentials/` is recorded with its
uploader (`VideoUpload`). A lesson's `video_service_id` (POST/PATCH `lessons/`, and the
admin's lesson forms) accepts only a video uploaded by one of the course's tutors or one
already on a lesson of the same course; admins may set any; "" and null clear it; an
unchanged value on PATCH is always fine (lessons that had ids before keep them).
"""

import pytest
from django.test import Client

from courses.admin.lessons import LessonAdminForm, LessonInlineForm
from courses.models import Lesson, VideoUpload
from courses.tests.factories import CourseFactory, CoursePartFactory, LessonFactory
from courses.tests.vdocipher_double import BASE, OTP_ANSWER, UPLOAD_ANSWER, vdocipher_mock
from users.tests.factories import AdminFactory, TutorFactory

pytestmark = pytest.mark.django_db

LESSONS = "/api/courses/lessons/"
UPLOAD_URL = "/api/courses/vdocipher/upload-credentials/"
NEW_VIDEO = UPLOAD_ANSWER["videoId"]


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


@pytest.fixture
def two_courses():
    """Course A (tutor `a`, co-tutor `co`) with a free preview; course B (tutor `b`) with
    a paid lesson whose video B's tutor uploaded."""
    a, co, b = TutorFactory(), TutorFactory(), TutorFactory()
    course_a = CourseFactory(tutors=[a, co])
    part_a = CoursePartFactory(course=course_a)
    preview_a = LessonFactory(part=part_a, is_free_preview=True, video_service_id="")
    course_b = CourseFactory(tutors=[b])
    paid_b = LessonFactory(part__course=course_b, is_free_preview=False)
    VideoUpload.objects.create(video_id=paid_b.video_service_id, uploaded_by=b)
    return {
        "a": a,
        "co": co,
        "b": b,
        "part_a": part_a,
        "preview_a": preview_a,
        "paid_b": paid_b,
    }


def video_id_of(setup: dict, which: str) -> str:
    """The id a test tries to put on a lesson of course A."""
    if which == "mine":
        return VideoUpload.objects.create(video_id="mine0001", uploaded_by=setup["a"]).video_id
    if which == "co_tutors":
        return VideoUpload.objects.create(video_id="cotutor01", uploaded_by=setup["co"]).video_id
    if which == "on_course_a":
        return LessonFactory(part=setup["part_a"], video_service_id="ona00001").video_service_id
    if which == "course_b_paid":
        return setup["paid_b"].video_service_id
    if which == "other_tutors_upload":
        return VideoUpload.objects.create(video_id="other001", uploaded_by=TutorFactory()).video_id
    if which == "unknown":
        return "never0recorded"
    raise AssertionError(which)


CASES = [
    ("mine", 201),
    ("co_tutors", 201),
    ("on_course_a", 201),
    ("course_b_paid", 400),
    ("other_tutors_upload", 400),
    ("unknown", 400),
]


@pytest.mark.parametrize(("which", "expected"), CASES)
def test_lesson_create_accepts_only_videos_of_the_course(make_client, two_courses, which, expected):
    # given
    video_id = video_id_of(two_courses, which)

    # when
    response = make_client(two_courses["a"]).post(
        LESSONS,
        {"part": str(two_courses["part_a"].pk), "title": "T", "video_service_id": video_id},
    )

    # then
    assert response.status_code == expected, response.json()
    if expected == 400:
        assert list(response.json()) == ["video_service_id"]
        assert not Lesson.objects.filter(title="T").exists()
    else:
        assert Lesson.objects.get(title="T").video_service_id == video_id


@pytest.mark.parametrize(("which", "expected"), [(w, 200 if e == 201 else e) for w, e in CASES])
def test_lesson_patch_accepts_only_videos_of_the_course(make_client, two_courses, which, expected):
    # given: course A's free preview
    lesson = two_courses["preview_a"]
    video_id = video_id_of(two_courses, which)

    # when
    response = make_client(two_courses["a"]).patch(
        f"{LESSONS}{lesson.slug}/", {"video_service_id": video_id}, format="json"
    )

    # then
    assert response.status_code == expected, response.json()
    lesson.refresh_from_db()
    assert lesson.video_service_id == (video_id if expected == 200 else "")
    if expected == 400:
        assert list(response.json()) == ["video_service_id"]


def test_course_bs_paid_video_never_reaches_anonymous_viewers_of_as_preview(
    vdocipher, make_client, api_client, two_courses
):
    # given: the attack of the audit
    lesson, paid_b = two_courses["preview_a"], two_courses["paid_b"]
    vdocipher.post(f"{BASE}/videos/{paid_b.video_service_id}/otp", json=OTP_ANSWER)

    # when
    patch = make_client(two_courses["a"]).patch(
        f"{LESSONS}{lesson.slug}/", {"video_service_id": paid_b.video_service_id}, format="json"
    )
    otp = api_client.post(f"{LESSONS}{lesson.slug}/video-otp/")

    # then
    assert patch.status_code == 400
    assert otp.status_code == 409
    assert otp.json()["code"] == "no_video"
    assert not vdocipher.calls


@pytest.mark.parametrize("value", ["", None])
def test_empty_and_null_still_clear_the_video(make_client, two_courses, value):
    lesson = two_courses["paid_b"]

    response = make_client(two_courses["b"]).patch(
        f"{LESSONS}{lesson.slug}/", {"video_service_id": value}, format="json"
    )

    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.video_service_id == ""


def test_an_unchanged_unrecorded_id_is_kept_on_patch(make_client):
    # given: a lesson whose id predates the upload records
    tutor = TutorFactory()
    lesson = LessonFactory(part__course=CourseFactory(tutors=[tutor]), video_service_id="legacy01")
    assert not VideoUpload.objects.exists()

    # when: an edit form sends the lesson back whole
    response = make_client(tutor).patch(
        f"{LESSONS}{lesson.slug}/",
        {"title": "Renamed", "video_service_id": "legacy01"},
        format="json",
    )

    # then
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert (lesson.title, lesson.video_service_id) == ("Renamed", "legacy01")


def test_admins_may_set_any_video(make_client, two_courses):
    lesson, paid_b = two_courses["preview_a"], two_courses["paid_b"]
    admin = make_client(AdminFactory())

    patched = admin.patch(
        f"{LESSONS}{lesson.slug}/", {"video_service_id": "anything01"}, format="json"
    )
    created = admin.post(
        LESSONS,
        {
            "part": str(two_courses["part_a"].pk),
            "title": "Admin's",
            "video_service_id": paid_b.video_service_id,
        },
    )

    assert patched.status_code == 200
    assert created.status_code == 201


def test_a_403_comes_before_the_video_check(make_client, two_courses):
    # another course's tutor learns nothing about ids: refused as not the course tutor
    response = make_client(two_courses["b"]).post(
        LESSONS, {"part": str(two_courses["part_a"].pk), "title": "T", "video_service_id": "x"}
    )

    assert response.status_code == 403


def test_upload_credentials_record_the_uploader_and_the_video_then_fits_the_course(
    vdocipher, make_client, two_courses
):
    # given
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)
    client = make_client(two_courses["co"])

    # when: uploaded without a lesson, then attached by the other tutor of the course
    upload = client.post(UPLOAD_URL, {"title": "Intro"}, format="json")
    attach = make_client(two_courses["a"]).patch(
        f"{LESSONS}{two_courses['preview_a'].slug}/",
        {"video_service_id": NEW_VIDEO},
        format="json",
    )
    elsewhere = make_client(two_courses["b"]).patch(
        f"{LESSONS}{two_courses['paid_b'].slug}/", {"video_service_id": NEW_VIDEO}, format="json"
    )

    # then
    assert upload.status_code == 200
    record = VideoUpload.objects.get(video_id=NEW_VIDEO)
    assert record.uploaded_by == two_courses["co"]
    assert attach.status_code == 200
    assert elsewhere.status_code == 400


def test_upload_credentials_with_a_lesson_work_as_before(vdocipher, make_client, two_courses):
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)
    lesson = two_courses["preview_a"]

    response = make_client(two_courses["a"]).post(
        UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == UPLOAD_ANSWER
    lesson.refresh_from_db()
    assert lesson.video_service_id == NEW_VIDEO
    assert VideoUpload.objects.get(video_id=NEW_VIDEO).uploaded_by == two_courses["a"]


def test_a_refused_upload_records_nothing(vdocipher, make_client, two_courses):
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    response = make_client(two_courses["b"]).post(
        UPLOAD_URL, {"title": "x", "lesson": two_courses["preview_a"].slug}, format="json"
    )

    assert response.status_code == 403
    assert not VideoUpload.objects.filter(video_id=NEW_VIDEO).exists()


# --- the admin's lesson forms use the same rule ------------------------------------------


def _lesson_form_data(part, video_id: str) -> dict:
    return {
        "part": str(part.pk),
        "title": "Admin lesson",
        "description": "",
        "order": "0",
        "duration": "0",
        "video_service_id": video_id,
    }


def test_admin_lesson_form_applies_the_api_rule(two_courses):
    # given: the form as the admin builds it, for callers of either kind
    paid_b = two_courses["paid_b"]
    data = _lesson_form_data(two_courses["part_a"], paid_b.video_service_id)
    as_tutor = type("F", (LessonAdminForm,), {"request_user": two_courses["a"]})
    as_admin = type("F", (LessonAdminForm,), {"request_user": AdminFactory()})
    inline = type(
        "F",
        (LessonInlineForm,),
        {"request_user": two_courses["a"], "parent_course": two_courses["part_a"].course},
    )

    # when / then
    refused = as_tutor(data=data)
    assert not refused.is_valid()
    assert list(refused.errors) == ["video_service_id"]
    assert as_admin(data=data).is_valid()
    inline_form = inline(data={k: v for k, v in data.items() if k != "part"})
    assert not inline_form.is_valid()
    assert list(inline_form.errors) == ["video_service_id"]
    own = _lesson_form_data(two_courses["part_a"], video_id_of(two_courses, "mine"))
    assert as_tutor(data=own).is_valid()


def test_staff_set_any_video_in_the_admin(two_courses):
    # given
    client = Client()
    client.force_login(AdminFactory(is_superuser=True))
    lesson, paid_b = two_courses["preview_a"], two_courses["paid_b"]

    # when
    response = client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        {**_lesson_form_data(lesson.part, paid_b.video_service_id), "is_free_preview": "on"},
    )

    # then
    assert response.status_code == 302, response.content[:2000]
    lesson.refresh_from_db()
    assert lesson.video_service_id == paid_b.video_service_id
