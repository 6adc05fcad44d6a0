"""The one base class for failures shown to people: one line of text and an exit status, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """An expected failure the user can act on; `str(error)` is the whole message, printed as plain text."""

    code = 1  # the exit status


class UsageError(UserError):
    """The command was given something it cannot use (a bad file to read, a bad value)."""

    code = 2


class ProviderError(UserError):
    """A model provider is misconfigured or failed; the message is one line for people."""


class UnreadableFile(UserError):
    """The file cannot be used as a document; the message says why in a few words."""
