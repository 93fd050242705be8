"""A reporter's free-text contact is split into the email notify may write to and a phone."""

import pytest

from services.cases.views import split_contact


@pytest.mark.parametrize(("text", "email", "phone"), [
    ("an.nguyen@example.vn; 0912 345 678", "an.nguyen@example.vn", "0912 345 678"),
    ("0912 345 678, an.nguyen@example.vn", "an.nguyen@example.vn", "0912 345 678"),
    ("nguyenvana@mail.vn", "nguyenvana@mail.vn", None),
    ("0912 345 678", None, "0912 345 678"),
    ("  ", None, None),
    (None, None, None),
])
def test_contact_text_gives_its_email_and_phone(text, email, phone):
    assert split_contact(text) == (email, phone)
