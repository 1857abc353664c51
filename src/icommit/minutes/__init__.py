"""The minutes kernel: one workflow (draft, circulate, confirm, freeze, correct) for every app
that keeps confirmed minutes: team meetings (charters) now, case conferences next.

``workflow`` is pure (states, the one transition table, who must confirm); ``models`` holds the
abstract fields a concrete app subclasses; ``services`` the steps that write and audit them.
"""
