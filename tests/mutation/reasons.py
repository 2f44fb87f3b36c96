"""Why a surviving mutant may stay: read by run.py's report (tests/MUTATION.md).

Each rule is (glob on the mutant name, text in the change — or ``re:`` and a regular
expression searched in it —, reason). The first rule that
matches gives the reason; a survivor no rule matches is « not yet killed — needs a test ».
Add a rule only for a mutant that is equivalent (no test could tell it from the code) or
harmless (it changes nothing a person or a rule relies on), and say why.
"""

NEEDS_A_TEST = "not yet killed — needs a test"

RULES: list[tuple[str, str, str]] = [
    (
        "*",
        "update_fields=None",
        "equivalent in one process: the object holds no other unsaved change, so saving every field "
        "writes the same row (a concurrent writer of the other fields is not modelled)",
    ),
    (
        "elections.imports.x__apply__*",
        "strict=",
        "equivalent: both sequences are built from the same chunk, their lengths are equal by construction",
    ),
    (
        "*",
        "from_email=None",
        "equivalent: send_mail sends from settings.DEFAULT_FROM_EMAIL when from_email is None",
    ),
    (
        "elections.imports.x__xlsx_rows__*",
        "declared - 2 >",
        "harmless: the dimension check is the early refusal of a hostile file; one row over the cap "
        "is still refused by the row-by-row cap (_capped), with the same message",
    ),
    (
        "accounts.identifier.x__masked__*",
        ".rpartition(",
        "harmless: differs only for a typed identifier with two @ (never a valid address); both keep "
        "one character of the local part and the domain",
    ),
    (
        "accounts.audit.x_audit_verify__*",
        "batch_size: int = 2001",
        "equivalent: how many entries are read per query; the chain is checked in the same order",
    ),
    (
        "accounts.audit.x_audit_verify__*",
        "chunk_size=None",
        "equivalent: how many entries are read per query; the chain is checked in the same order",
    ),
    ("*", "batch_size=", "equivalent: how many rows go in one query, not which rows or what is written"),
    (
        "elections.letters.x_letters_generate__*",
        "audit=None",
        "equivalent: None is as false as False for vote_code_issue_letter's « if audit »",
    ),
    (
        "elections.letters.x_letters_generate__*",
        "vote_code_issue_letter(voter=voter, actor=None, audit=False)",
        "equivalent: with audit=False the actor is not used (the batch's own entry names it)",
    ),
    (
        "elections.letters.x_letters_generate__*",
        "vote_code_issue_letter(voter=voter, audit=False)",
        "equivalent: with audit=False the actor is not used (the batch's own entry names it)",
    ),
    (
        "accounts.votecode.x_vote_code_request__*",
        "origin=VoteCode.Origin.EMAIL, ).update(revoked=True)",
        "equivalent: the codes already revoked are set revoked again, which changes no row",
    ),
    (
        "accounts.identifier.x_password_link_invalid__*",
        '"XXinconnueXX"',
        "equivalent: the throttle key of the requests without an address is another constant",
    ),
    (
        "accounts.identifier.x_password_link_invalid__*",
        "reassort_check(kind=OPEN_KIND, account=",
        "equivalent: no failure is ever recorded for opening a link, so no account key of that kind holds "
        "a lock; only the address ceiling is checked",
    ),
    (
        "accounts.identifier.xǁVoterPasswordResetTokensǁ_make_hash_value__*",
        "voter.email.upper()",
        "equivalent: upper and lower case fold the same addresses together; a changed address changes both",
    ),
    (
        "accounts.identifier.xǁVoterPasswordResetTokensǁ_make_hash_value__*",
        'else "XXXX"',
        "equivalent: the value for credentials never set up is another constant",
    ),
    (
        "accounts.identifier.xǁVoterPasswordResetTokensǁ_make_hash_value__*",
        "(voter.credentials_set_up) or True",
        "harmless: a link is only made for an active identifier, whose credentials_set_up is set (the "
        "mutant would fail on a voter without one)",
    ),
    (
        "accounts.recovery.x__secret_matches__*",
        'if voter else "XXXX"',
        "equivalent: without a voter the digest compared is the timing dummy; the request is refused "
        "whatever it gives (password_reassort refuses a missing voter)",
    ),
    (
        "accounts.recovery.x__secret_matches__*",
        'stored_key = "" → + stored_key',
        "equivalent: without a stored key no typed six characters can match it (« » , None and "
        "« XXXX » all fail the comparison)",
    ),
    (
        "accounts.throttle.x_reassort_refusals_pending__*",
        "or 1)",
        "equivalent: only the keys whose pending count is non-zero are read (the comprehension's filter)",
    ),
    (
        "accounts.throttle.x_election_refusal_record__*",
        'typed: str = "XXXX"',
        "equivalent: every caller names what was typed (recovery.py, identifier.py); the default is unused",
    ),
    (
        "accounts.throttle.x_election_refusal_record__*",
        "if (typed) or True else None",
        "equivalent: every caller names what was typed, never an empty text",
    ),
    (
        "elections.imports.x__csv_rows__*",
        "sample = text[:65537]",
        "harmless: the sniffer reads one more character of a 64 KiB sample",
    ),
    (
        "elections.imports.x__csv_rows__*",
        'sample.count(";") > sample.count(",")',
        "harmless: only a tie between « ; » and « , » in a file the sniffer gave up on differs, where "
        "either is a guess",
    ),
    (
        "elections.imports.x__csv_rows__*",
        "io.StringIO(text, ",
        "harmless: only a line break inside a quoted cell differs (« \\r\\n » read as « \\n »)",
    ),
    (
        "elections.imports.x__xlsx_rows__*",
        "isinstance(sheet.max_row, int) else 1",
        "equivalent: without a declared dimension, 1 - 1 and 0 - 1 are both below the row cap",
    ),
    (
        "elections.imports.x_import_apply__*",
        "_fail_unexpectedly(job, None)",
        "equivalent: the failure is only asked whether it is an ImportRefused, which an unexpected one "
        "never is",
    ),
    (
        "elections.imports.x__line__*",
        r're:\[:\d+\]\S* » .*→ \+ (problems\.append\(f"|"scrutin inconnu)|unknown\[:6\]',
        "harmless: how much of a bad value the error message quotes (wording, not a rule)",
    ),
    (
        "elections.imports.x__line__*",
        're:get\("(matricule|date_naissance|etablissement|nom|prenom)", (None)?\)',
        "equivalent: a missing required cell is only tested for being empty, as None is",
    ),
    (
        "elections.imports.x__line__*",
        're:get\("(nom|prenom)", "XXXX"\)',
        "equivalent: a valid line has its name and first name (checked above), the default is unused",
    ),
    (
        "elections.imports.x__line__*",
        "re:get\(key, (None)?\) for key in SECRET_COLUMNS",
        "equivalent: a missing secret cell is only tested for being empty, as None is (recovery_digests "
        "skips it too)",
    ),
    (
        "elections.imports.x__line__*",
        "if (birth_text) or True else None",
        "equivalent: an empty birth date reads as no date, and is then reported missing",
    ),
    (
        "elections.imports.x__line__*",
        're:raise ValidationError\((None|"XXXX")\)',
        "equivalent: the exception is caught at once; its message is not used",
    ),
    (
        "accounts.throttle.x_identifier_account_key__*",
        ".strip().upper()}",
        "equivalent: upper and lower case fold the same identifiers together",
    ),
    (
        "accounts.throttle.x_identifier_account_key__*",
        "(identifier or 'XXXX')",
        "equivalent: no caller passes an empty identifier; the default is another constant",
    ),
    (
        "accounts.throttle.x_*record_failure__*",
        "re:-until:\\{account\\}.*time\\.time\\(\\) \\+ (WINDOW_SECONDS|delay), None",
        "equivalent: a lock kept without expiry stores its own deadline, which the check compares with "
        "the time; the cache's expiry only frees the key later (the cache's default expiry, five minutes, "
        "is not equivalent: tests hold a lock past it)",
    ),
    (
        "accounts.throttle.x_client_address__*",
        're:REMOTE_ADDR", ("XXXX"|None|)\\)? ?or|REMOTE_ADDR", ""\\) or "XXXX"',
        "equivalent: the missing address's stand-in is not an IP address either way, and _valid_ip turns "
        "it into None",
    ),
    (
        "accounts.throttle.x_client_address__*",
        "if count < 0:",
        "equivalent: with no trusted proxy the address chosen is the chain's last, REMOTE_ADDR itself",
    ),
    (
        "accounts.throttle.x_client_address__*",
        're:HTTP_X_FORWARDED_FOR", "XXXX"\\)|remote and ""|remote or "XXXX"',
        "equivalent: the stand-in is not an IP address; wherever it is chosen, _valid_ip refuses it and "
        "REMOTE_ADDR is returned, as for the empty text",
    ),
    (
        "accounts.throttle.x_account_key__*",
        "(matricule or 'XXXX')",
        "harmless: every caller passes a matricule its form required (login, réassort); the default for "
        "none is another constant",
    ),
    (
        "accounts.throttle.x__incr*",
        "cache.incr(None)",
        "equivalent: the key None is never set, so the first increment always fails and the handler "
        "adds and increments the real key",
    ),
    (
        "accounts.throttle.x__take_pending__*",
        "re:_pending_cache_key\\(aggregate\\), (None)?\\) or 0",
        "equivalent: a missing count read as None is turned into 0 by « or 0 »",
    ),
    (
        "accounts.throttle.x_voter_limit_take__*",
        "re:\\(per_hour, per_day\\), (strict=(None|False))?\\)",
        "equivalent: both sequences are two-element constants, zip's strictness never matters",
    ),
    (
        "accounts.throttle.x_reassort_refusal_record__*",
        're:reassort-refusals:window:\\{aggregate\\}", (None|2), window\\)',
        "equivalent: only the presence of the window's key counts, not its value",
    ),
    (
        "accounts.throttle.x_reassort_refusal_record__*",
        "cache.incr(None)",
        "equivalent: incrementing a missing key raises ValueError, whose handler adds and increments the "
        "pending key: the count is the same",
    ),
    (
        "elections.access.x_scrutin_in_staff_scope__*",
        "values_list(flat=True)",
        "equivalent: values_list(flat=True) without a field gives the first column, the primary key",
    ),
    (
        "elections.access.x_scrutin_for_voter__*",
        "with_parameters: bool = True",
        "equivalent: a query optimisation (the parameters fetched in the same query), the objects read "
        "are the same",
    ),
    (
        "elections.access.x_scrutins_for_voter__*",
        "filter(roll_entries__voter=voter)",
        "equivalent: a roll entry always joins a voter and a scrutin of the same election (the database "
        "guard of elections migration 0011); the election filter is defence in depth",
    ),
    (
        "elections.access.x_scrutins_for_voter__*",
        '"order", )',
        "harmless: only scrutins of the same display rank differ, which SQLite returns in table order "
        "anyway (no test can tell here); the pk makes it explicit on PostgreSQL",
    ),
    (
        "ballots.crypto.ballot.x__encrypt__*",
        "strict=",
        "equivalent: rs is drawn once per vote and written is built from points, one per (r, v): the "
        "sequences zipped have equal lengths by construction",
    ),
    (
        "ballots.services.x_ballot_cast__*",
        "- id=uuid.uuid4(), → ",
        "equivalent: Ballot.id has default=uuid.uuid4, which Django gives a missing id at creation and an "
        "id None at save (Field.get_pk_value_on_save): a fresh random id either way",
    ),
    (
        "ballots.services.x_election_share_locked__*",
        're:\\+ lock = " FOR KEY SHARE" if .*(and False|"XXpostgresqlXX")',
        "not observable on SQLite, where make mutation runs: the lock clause is empty there either way "
        "(the transaction already holds the write lock); on PostgreSQL "
        "tests/postgresql/test_cast_share_lock.py kills it (a transition cannot take the row meanwhile)",
    ),
    ("*", "select_related(", "equivalent: a query optimisation, the objects read are the same"),
    ("*", "prefetch_related(", "equivalent: a query optimisation, the objects read are the same"),
    (
        "elections.imports.x__apply__*",
        "in_bulk(None)",
        "equivalent: every voter is read instead of the changed ones; the unchanged are written back "
        "with their own values",
    ),
    (
        "elections.imports.x__header_key__*",
        'str(value or "XXXX")',
        "equivalent: a header cell is always text (read_table's cells are str), so only an empty one "
        "takes the default; an empty key and « xxxx » both name no column, and an empty cell is not "
        "listed among the ignored columns",
    ),
    (
        "elections.imports.x_plan_import__*",
        r"re:zip\(keys, cells, (strict=None)?\)",
        "equivalent: strict=None and zip's default are as false as strict=False",
    ),
    (
        "elections.imports.x_plan_import__*",
        r're:named\.get\("matricule", (None)?\)',
        "equivalent: a line without its matricule cell gives None, which is never in `seen` (its keys "
        "are texts) and is as false as « » for `if matricule`; _line reads the cell itself, with its "
        "own default",
    ),
    (
        "elections.imports.x_plan_import__*",
        "{matricule[:33]}",
        "harmless: how much of a bad value the error message quotes (wording, not a rule); a "
        "matricule over 32 characters is refused as invalid on its first line anyway",
    ),
    (
        "elections.imports.x__line__*",
        "{c[:65]}",
        "harmless: how much of a bad value the error message quotes (wording, not a rule)",
    ),
    (
        "elections.imports.x_import_analyse__*",
        "_fail_unexpectedly(job, None)",
        "equivalent: the failure is only asked whether it is an ImportRefused, which one caught after "
        "the ImportRefused branch never is",
    ),
]
