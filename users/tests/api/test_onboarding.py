import pytest
from django.utils import timezone

from core.tests.factories import UniversityFactory
from users.models import OnboardingAnswer
from users.tests.factories import OnboardingAnswerFactory

pytestmark = pytest.mark.django_db

URL = "/api/auth/onboarding-answers/"


@pytest.fixture
def university():
    return UniversityFactory()


def _body(uni, /, **overrides):
    body = {
        "university": uni.id,
        "degree": "masters",
        "graduation_year": 2026,
        "interests": "maths,ai",
    }
    body.update(overrides)
    return body


def test_get_is_an_empty_page_before_onboarding(make_client, user):
    response = make_client(user).get(URL)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_first_post_creates_201_and_second_replaces_200(make_client, user, university):
    # given
    client = make_client(user)
    other = UniversityFactory()

    # when
    first = client.post(URL, _body(university), format="json")
    second = client.post(URL, _body(other, degree="phd", interests=""), format="json")

    # then
    assert first.status_code == 201
    assert first.json()["university"] == university.id
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    answer = OnboardingAnswer.objects.get(user=user)
    assert (answer.university, answer.degree, answer.interests) == (other, "phd", "")
    listing = client.get(URL).json()
    assert listing["count"] == 1
    assert listing["results"][0]["degree"] == "phd"


def test_get_shows_only_the_callers_answers(make_client, user):
    OnboardingAnswerFactory()

    assert make_client(user).get(URL).json()["count"] == 0


def test_interests_may_be_omitted(make_client, user, university):
    body = _body(university)
    del body["interests"]

    response = make_client(user).post(URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["interests"] == ""


def test_null_interests_are_stored_as_empty(make_client, user, university):
    response = make_client(user).post(URL, _body(university, interests=None), format="json")

    assert response.status_code == 201
    assert response.json()["interests"] == ""
    assert OnboardingAnswer.objects.get(user=user).interests == ""


@pytest.mark.parametrize("year_offset", [0, 14, 15])
def test_graduation_year_up_to_this_year_plus_15(make_client, user, university, year_offset):
    year = timezone.now().year + year_offset

    response = make_client(user).post(URL, _body(university, graduation_year=year), format="json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"university": 999999}, "university"),
        ({"university": 10**30}, "university"),
        ({"university": "abc"}, "university"),
        ({"university": None}, "university"),
        ({"degree": "diploma"}, "degree"),
        ({"graduation_year": 1949}, "graduation_year"),
        ({"graduation_year": "next year"}, "graduation_year"),
        ({"graduation_year": 2020.5}, "graduation_year"),
        ({"graduation_year": None}, "graduation_year"),
        ({"graduation_year": 10**20}, "graduation_year"),
        ({"interests": ["a", "b"]}, "interests"),
    ],
)
def test_bad_input_is_400_on_the_field_and_nothing_is_saved(
    make_client, user, university, overrides, field
):
    response = make_client(user).post(URL, _body(university, **overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not OnboardingAnswer.objects.exists()


def test_graduation_year_too_far_ahead_is_400(make_client, user, university):
    year = timezone.now().year + 16

    response = make_client(user).post(URL, _body(university, graduation_year=year), format="json")

    assert response.status_code == 400
    assert "graduation_year" in response.json()


def test_empty_body_is_400_on_required_fields(make_client, user):
    response = make_client(user).post(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"university", "degree", "graduation_year"}


def test_anonymous_is_401(api_client, university):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, _body(university), format="json").status_code == 401


def test_get_within_a_query_budget(make_client, user, django_assert_max_num_queries):
    OnboardingAnswerFactory(user=user)
    client = make_client(user)

    with django_assert_max_num_queries(3):
        assert client.get(URL).status_code == 200
