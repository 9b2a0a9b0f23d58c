"""Staff accounts: two factors, sign-in throttling and locks, sessions, the audit log, password rules.

Reader accounts are not here: readers have none.
"""
