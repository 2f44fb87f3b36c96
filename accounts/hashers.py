from django.contrib.auth.hashers import Argon2PasswordHasher


class IsoloirArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the parameters of DESIGN.md §4: m = 19 MiB, t = 2, p = 1.

    Django's own defaults (100 MiB, p = 8) would cost too much memory at a peak of
    logins on a 2-core server; these are OWASP's minimum for Argon2id.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
