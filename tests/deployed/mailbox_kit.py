"""The mail the deployed stack sent, read from the folder EMAIL_URL=file://… names.

Django's file backend writes each connection's messages to a file of its own,
separated by a line of 79 dashes.
"""

import email
import email.policy
import re
import time
from dataclasses import dataclass
from pathlib import Path

SEPARATOR = "\n" + "-" * 79 + "\n"
LINK = re.compile(r"https?://\S+")
# Mail the worker sends (an export's link) follows its task: seconds, not minutes.
ARRIVAL_TIMEOUT_S = 60


@dataclass
class Mail:
    to: str
    subject: str
    body: str

    @property
    def links(self) -> list[str]:
        return LINK.findall(self.body)


def read_all(folder: Path) -> list[Mail]:
    mails = []
    for path in sorted(folder.glob("*.log")) if folder.is_dir() else []:
        for chunk in path.read_text().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            mails.append(Mail(str(message["To"]), str(message["Subject"]),
                              message.get_body(("plain",)).get_content()))
    return mails


def wait_for_mail(folder: Path, to: str, subject_has: str) -> Mail:
    """The newest mail to `to` whose subject has `subject_has`, once it has come."""
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_S
    while True:
        found = [m for m in read_all(folder) if m.to == to and subject_has in m.subject]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            seen = [(m.to, m.subject) for m in read_all(folder)]
            raise AssertionError(f"no mail to {to} about {subject_has!r}; the folder has {seen}")
        time.sleep(0.5)
