"""The one error a syncs-as-code file is refused with."""


class ConfigError(ValueError):
    """A file refused: `path` is where in it (`syncs[0].direction`, or "" for the whole
    file, or "line 3" for a syntax error), `message` says why, for a person."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = str(message)
        super().__init__(f"{path}: {self.message}" if path else self.message)


class StalePlan(ConfigError):
    """The syncs changed between the plan and its apply: plan again."""
