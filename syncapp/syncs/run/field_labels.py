"""App field keys in a failed link's message, shown as the labels people know.

Some vendors name fields by opaque keys: a Pipedrive custom field is a 40-hex hash
that differs per company, and its error says `custom_fields.<hash>`. The link's
message (what the failed panel and the record view show) reads with the field's
label; the sync history keeps the vendor's own words.
"""

import re

import requests

from connectors.sdk import ConnectorError


class FieldLabels:
    """The custom fields' labels of one app object, read from the connector the first
    time a message needs them (connectors keep their field metadata per run)."""

    def __init__(self, connector, app_object: str):
        self._connector = connector
        self._app_object = app_object
        self._pattern: re.Pattern | None = None
        self._labels: dict[str, str] | None = None

    def _load(self) -> None:
        try:
            fields = self._connector.fields(self._app_object)
        except (ConnectorError, requests.RequestException, NotImplementedError):
            fields = ()  # a label is a courtesy: the raw message still says what failed
        self._labels = {f.name: f.label for f in fields
                        if f.custom and f.label and f.label != f.name}
        keys = sorted(self._labels, key=len, reverse=True)  # the longest key wins a tie
        self._pattern = re.compile(
            r"(?:custom_fields\.)?(" + "|".join(map(re.escape, keys)) + r")\b") if keys else None

    def prime(self) -> None:
        """Read the labels now, on this thread, if not read yet."""
        if self._labels is None:
            self._load()

    def readable(self, message: str) -> str:
        """`message` with every custom field key (and its `custom_fields.` path) replaced
        by the field's label."""
        if not message:
            return message
        if self._labels is None:
            self._load()
        if self._pattern is None:
            return message
        return self._pattern.sub(lambda found: self._labels[found.group(1)], message)
