"""Typed domain errors. The bot's one error handler shows their message to the user, ephemerally."""


class BriefingError(Exception):
    """A problem the user can act on; its message is safe to show."""


class NotFound(BriefingError):
    pass


class InvalidInput(BriefingError):
    pass


class Conflict(BriefingError):
    """The data changed under the caller (stale version) or a unique key is taken."""


class SeedError(BriefingError):
    """The curated data file is malformed; nothing was loaded."""


class SettingsError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""
