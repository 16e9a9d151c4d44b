"""Typed domain errors. The bot's one error handler shows their message to the user, ephemerally."""


class BriefingError(Exception):
    """A problem the user can act on; its message is safe to show.

    A member-facing one also names its message in the catalogs (`key`, with `params`), so
    the member reads it in their own language; the English text is its `str()`.
    """

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class NotFound(BriefingError):
    pass


class InvalidInput(BriefingError):
    pass


class Conflict(BriefingError):
    """The data changed under the caller (stale version) or a unique key is taken."""


class StaleVersion(Conflict):
    """An edit based on an old version: someone saved a newer one first. Says who and when."""

    def __init__(self, claim_id: str, based_on: int, current: int, by: str, at: str) -> None:
        self.claim_id, self.based_on, self.current, self.by, self.at = (
            claim_id,
            based_on,
            current,
            by,
            at,
        )
        super().__init__(
            f"`{claim_id}` was changed by {by} at {at} (now version {current}) after you "
            f"opened version {based_on}. Your change was not saved: open it again to see "
            "theirs, then make yours."
        )


class Forbidden(BriefingError):
    """The caller may not do this (not an editor, or over a limit)."""


class SeedError(BriefingError):
    """The curated data file is malformed; nothing was loaded."""


class SettingsError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""
