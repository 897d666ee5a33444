"""Argon2 with a lower cost, for the test suite only (config/settings/test.py)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastTestArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
