"""Argon2 computed once per password during ``make mutation`` (registered by app_scope.py).

The project's hasher (accounts/hashers.py, Argon2id with m = 19 MiB, t = 2) takes about
30 ms a call on this machine, and the tests create and log in voters and staff all the
time: a tenth of a second of every test was spent hashing the same few passwords again.
Under mutation the hasher is not what is tested (accounts/hashers.py is not mutated):

- the salt is the same for every hash (``salt()`` returns a constant), so one password
  always gives the same encoded hash — the only change to what the code sees;
- ``encode(password, salt)`` and ``verify(password, encoded)`` are memoised: the real
  Argon2 computes the result the first time, later calls return that same result.

The memo is filled in mutmut's own process, while it runs the suite to see which test
calls which function (and the clean run); every mutant's process is forked from it and
inherits the memo. A mutant that hashes a different password (or checks a wrong one)
misses the memo and pays for the real Argon2: its result is the real one either way.
The parameters in the encoded hash are unchanged (m=19456,t=2,p=1).
"""

_installed = False

SALT = "mutationsaltAAAAAAAAAA"  # 22 characters, as Django's own salts (the alphabet of salt())


def install() -> None:
    global _installed
    if _installed:
        return
    from accounts.hashers import IsoloirArgon2PasswordHasher as Hasher

    encode, verify = Hasher.encode, Hasher.verify
    encoded_by_input: dict[tuple[str, str, str], str] = {}
    verdict_by_input: dict[tuple[str, str, str], bool] = {}

    def memo_encode(self, password, salt):
        key = (type(self).__qualname__, password, salt)
        if key not in encoded_by_input:
            encoded_by_input[key] = encode(self, password, salt)
        return encoded_by_input[key]

    def memo_verify(self, password, encoded):
        key = (type(self).__qualname__, password, encoded)
        if key not in verdict_by_input:
            verdict_by_input[key] = verify(self, password, encoded)
        return verdict_by_input[key]

    Hasher.salt = lambda self: SALT
    Hasher.encode = memo_encode
    Hasher.verify = memo_verify
    _installed = True
