"""The benchmark's data set: BENCH_N contacts on each side, as pure functions of a number.

Hub contact i and app contact i (0 <= i < n):
- i < n/2: the same person, the app's email in another letter case ("Person7@Example.COM"
  against "person7@example.com");
  - i < n/4 of them disagree on three fields (first name, phone, job title): conflicts;
  - the others agree on every field;
- i >= n/2: a person only that side has (the app's emails are in another domain).
"""

import re
from dataclasses import dataclass

CITIES = ("Lisbon", "Porto", "Recife", "Austin", "Leeds", "Lyon", "Graz")
TITLES = ("Engineer", "Buyer", "Director", "Analyst", "Founder")
HUB_EMAIL = re.compile(r"person(\d+)@example\.com")


@dataclass(frozen=True)
class DataSet:
    n: int

    @property
    def matching(self) -> int:
        return self.n // 2

    @property
    def conflicting(self) -> int:
        return self.n // 4

    @property
    def one_side_only(self) -> int:
        """Records each side has that the other lacks: each becomes a create on the other."""
        return self.n - self.matching

    @property
    def expected_links(self) -> int:
        """Links in sync after a two-way sync: one per matching person, one per record
        only one side had."""
        return self.matching + 2 * self.one_side_only

    def hub_index(self, email: str | None) -> int | None:
        """The i of hub contact `email` ("person<i>@example.com"); None for any other."""
        match = HUB_EMAIL.fullmatch(email or "")
        return int(match.group(1)) if match else None

    def hub(self, i: int) -> dict:
        return {
            "email": f"person{i}@example.com",
            "firstname": f"Ann{i}",
            "lastname": f"Lee{i % 997}",
            "phone": f"+1 555 {i:07d}",
            "company": f"Company {i % 5000}",
            "jobtitle": TITLES[i % len(TITLES)],
            "city": CITIES[i % len(CITIES)],
        }

    def app(self, i: int) -> dict:
        if i >= self.matching:
            values = self.hub(i)
            values["email"] = f"new{i}@example.org"
            values["firstname"] = f"Bo{i}"
            return values
        values = self.hub(i)
        values["email"] = f"Person{i}@Example.COM"
        if i < self.conflicting:
            values["firstname"] = f"Anne{i}"
            values["phone"] = f"+1 555 9{i:07d}"
            values["jobtitle"] = "Manager"
        return values

    def app_by_number(self, number: int) -> dict:
        """The app's record number `number` (1-based, as the in-memory app counts)."""
        return self.app(number - 1)
