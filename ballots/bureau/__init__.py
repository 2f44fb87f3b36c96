"""The bureau de vote's pages in the staff site (issue 15, items 3 and 6).

Under ``/gestion/bureau/``, inside the admin's look and behind its login: the member's
elections, a dashboard per election, a confirmation page per action and the live
émargement list. The views are thin: ``ballots.lifecycle`` and ``ballots.integrity``
decide and act; ``selectors`` reads what the dashboard shows.
"""
