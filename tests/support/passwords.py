"""Seeding many users with one password without paying argon2 for each of them."""

import contextlib
from unittest import mock

from services.cases import users


class RememberingHasher:
    """The service's argon2 hasher, remembering each password's hash (~0.15 s apiece)."""

    def __init__(self, hasher):
        self.hasher = hasher
        self.hashes = {}

    def hash(self, password):
        """The hash of `password`, computed once per test session."""
        if password not in self.hashes:
            self.hashes[password] = self.hasher.hash(password)
        return self.hashes[password]

    def __getattr__(self, name):
        return getattr(self.hasher, name)


_REMEMBERING = RememberingHasher(users.HASHER)


@contextlib.contextmanager
def hashed_once():
    """Within the block, users created with the same password share one real argon2 hash."""
    with mock.patch.object(users, "HASHER", _REMEMBERING):
        yield
