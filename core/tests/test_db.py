"""core.db.uuids_as_text: ids read as text inside the block, as UUIDs outside."""

import uuid

import pytest

from core.db import uuids_as_text
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_ids_read_inside_the_block_print_the_same():
    user = UserFactory()

    with uuids_as_text():
        inside = User.objects.filter(pk=user.pk).values_list("id", flat=True).get()
    outside = User.objects.filter(pk=user.pk).values_list("id", flat=True).get()

    assert str(inside) == str(outside) == str(user.pk)
    assert isinstance(outside, uuid.UUID)


@pytest.mark.postgres
def test_on_postgresql_ids_inside_the_block_are_text_and_the_scope_ends_with_it():
    user = UserFactory()

    with uuids_as_text():
        inside = User.objects.filter(pk=user.pk).values_list("id", flat=True).get()
    after = User.objects.filter(pk=user.pk).values_list("id", flat=True).get()

    assert inside == str(user.pk)
    assert isinstance(after, uuid.UUID)
