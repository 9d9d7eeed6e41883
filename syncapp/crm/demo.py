"""The demo portal: a believable small CRM that is the same on every run.

Pure data, no Django and no database, so it is cheap to test and the devstack
can print the logins without configuring Django. Faker with a fixed seed
produces property dicts in the hub's canonical string forms (see crm.schema);
`links` says which records to associate. Dates are relative to `today` so the
demo never looks stale; everything else is fixed by the seed.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from faker import Faker

DEMO_PORTAL = "Acme Demo"
DEMO_PASSWORD = "syncapp-demo"  # noqa: S105 - a published demo login, not a secret
SEED = 2024


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    flags: tuple[str, ...]  # Membership boolean fields to switch on


DEMO_USERS = (
    DemoUser("admin@demo.syncapp.test", "super admin", ("is_super_admin",)),
    DemoUser("ops@demo.syncapp.test", "ops: sync health", ("can_view_health",)),
    DemoUser("support@demo.syncapp.test", "support: resync and restore", ("can_support",)),
)

# Records per object type. Activities are split evenly over the five kinds.
COUNTS = {
    "company": 100, "contact": 520, "lead": 30, "product": 50, "deal": 100,
    "ticket": 30, "invoice": 40,
    "call": 30, "email": 30, "task": 30, "note": 30, "meeting": 30,
}
# Every this-many-th contact gave only an email (apps that need a name refuse it).
NAMELESS_EVERY = 150
# Creation order: a record's associations point only at earlier types.
OBJECT_ORDER = tuple(COUNTS)

# (from type, from index, to type, to index). The first link of a record to a
# given type is its primary one, as crm.services.associate decides.
Link = tuple[str, int, str, int]


@dataclass
class DemoData:
    records: dict[str, list[dict]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)

    def link(self, from_type: str, from_index: int, to_type: str, to_index: int) -> None:
        self.links.append((from_type, from_index, to_type, to_index))


def generate(today: dt.date) -> DemoData:
    """Every demo record and association; equal output for equal `today`."""
    return _Generator(today).run()


_INDUSTRIES = (
    "COMPUTER_SOFTWARE", "RETAIL", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE",
    "CONSTRUCTION", "EDUCATION_MANAGEMENT", "LOGISTICS_AND_SUPPLY_CHAIN",
    "MARKETING_AND_ADVERTISING",
)
_LIFECYCLE = (("subscriber", 10), ("lead", 30), ("marketingqualifiedlead", 15),
              ("salesqualifiedlead", 10), ("opportunity", 10), ("customer", 20),
              ("evangelist", 3), ("other", 2))
_LEAD_STATUS = ("NEW", "OPEN", "IN_PROGRESS", "UNQUALIFIED", "CONNECTED")
_OPEN_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                "decisionmakerboughtin", "contractsent")
_PRODUCT_LINES = ("Sync", "Connect", "Insight", "Pulse", "Atlas",
                  "Relay", "Beacon", "Harbor", "Summit", "Nimbus")
_PRODUCT_KINDS = (("Starter plan", 29, 59), ("Professional plan", 99, 249),
                  ("Enterprise plan", 499, 1200), ("Onboarding package", 1500, 6000),
                  ("Priority support add-on", 60, 300))
_DEAL_KINDS = ("Annual licence", "Expansion", "Renewal", "Pilot", "Onboarding",
               "Multi-year agreement", "Add-on seats")
_TICKET_SUBJECTS = ("Cannot log in", "Invoice shows the wrong amount", "Export is empty",
                    "Sync stopped overnight", "Duplicate contacts after import",
                    "Password reset email never arrives", "Need an extra admin seat",
                    "Report totals do not match", "Webhook returns 500", "Slow dashboard")
_LEGAL_WORDS = {"and", "inc", "llc", "ltd", "plc"}


class _Generator:
    """Builds DemoData type by type; one seeded Faker drives every choice."""

    def __init__(self, today: dt.date):
        self.fake = Faker("en_US")
        self.fake.seed_instance(SEED)
        self.rng = self.fake.random
        self.today = today
        self.data = DemoData()
        self.emails: set[str] = set()
        self.company_contacts: dict[int, list[int]] = {}
        self.contact_company: dict[int, int] = {}

    def run(self) -> DemoData:
        for step in (self._companies, self._contacts, self._leads, self._products,
                     self._deals, self._tickets, self._invoices, self._activities):
            step()
        return self.data

    # --- shared helpers -------------------------------------------------------

    def _phone(self) -> str:
        return f"+1 {self.rng.randint(201, 989)} 555 {self.rng.randint(100, 9999):04d}"

    def _email(self, first: str, last: str, domain: str) -> str:
        """firstname.lastname@domain, numbered when taken: the hub allows one per email."""
        local = f"{_slug(first)}.{_slug(last)}"
        candidate, number = f"{local}@{domain}", 2
        while candidate in self.emails:
            candidate, number = f"{local}{number}@{domain}", number + 1
        self.emails.add(candidate)
        return candidate

    def _day(self, low: int, high: int) -> str:
        """A date `low`..`high` days from today (negative: in the past)."""
        return (self.today + dt.timedelta(days=self.rng.randint(low, high))).isoformat()

    def _moment(self, low: int, high: int) -> dt.datetime:
        day = self.today + dt.timedelta(days=self.rng.randint(low, high))
        time = dt.time(self.rng.randint(8, 17), self.rng.choice((0, 15, 30, 45)))
        return dt.datetime.combine(day, time, tzinfo=dt.UTC)

    def _person(self) -> dict:
        first, last = self.fake.first_name(), self.fake.last_name()
        return {
            "firstname": first, "lastname": last, "phone": self._phone(),
            "jobtitle": self.fake.job(), "address": self.fake.street_address(),
            "city": self.fake.city(),
            "state": self.fake.state_abbr(include_territories=False,
                                           include_freely_associated_states=False),
            "zip": self.fake.zipcode(), "country": "United States",
        }

    def _add(self, object_type: str, rows: list[dict]) -> None:
        self.data.records[object_type] = rows

    # --- object types ---------------------------------------------------------

    def _companies(self) -> None:
        rows: list[dict] = []
        domains: set[str] = set()
        while len(rows) < COUNTS["company"]:
            name = self.fake.unique.company()
            domain = _domain_for(name, self.rng.choice((".com", ".com", ".com", ".io", ".co")))
            if domain in domains:
                continue
            domains.add(domain)
            rows.append({
                "name": name, "domain": domain, "website": f"https://www.{domain}",
                "phone": self._phone(), "industry": self.rng.choice(_INDUSTRIES),
                "numberofemployees": str(self.rng.choice((8, 15, 40, 85, 150, 320, 900, 2400))),
                "annualrevenue": str(self.rng.randint(4, 4000) * 25_000),
                "address": self.fake.street_address(), "city": self.fake.city(),
                "country": "United States", "description": self.fake.catch_phrase(),
            })
        self._add("company", rows)

    def _contacts(self) -> None:
        companies = self.data.records["company"]
        rows = []
        for index in range(COUNTS["contact"]):
            row = self._person()
            stages, weights = zip(*_LIFECYCLE, strict=True)
            row["lifecyclestage"] = self.rng.choices(stages, weights)[0]
            row["hs_email_optout"] = "true" if self.rng.random() < 0.08 else "false"
            if self.rng.random() < 0.4:
                row["date_of_birth"] = self._day(-65 * 365, -22 * 365)
            domain = self.fake.free_email_domain()
            if self.rng.random() < 0.85:
                company = self._employ(index, self.rng.randrange(len(companies)))
                row["company"], domain = companies[company]["name"], companies[company]["domain"]
                if self.rng.random() < 0.05:  # also works with a second company
                    self._employ(index, (company + self.rng.randint(1, 50)) % len(companies))
            if self.rng.random() >= 0.05:  # some contacts never gave an email
                row["email"] = self._email(row["firstname"], row["lastname"], domain)
            rows.append(row)
        # A few signed up with an email only. Chosen by position, not by a random draw,
        # so that every other value of the demo stays what it was.
        for row in rows[NAMELESS_EVERY - 1::NAMELESS_EVERY]:
            if "email" in row:
                del row["firstname"], row["lastname"]
        self._add("contact", rows)

    def _employ(self, contact: int, company: int) -> int:
        self.data.link("contact", contact, "company", company)
        self.company_contacts.setdefault(company, []).append(contact)
        self.contact_company.setdefault(contact, company)
        return company

    def _leads(self) -> None:
        rows = []
        for _ in range(COUNTS["lead"]):
            row = self._person()
            row["email"] = self._email(row["firstname"], row["lastname"],
                                       self.fake.free_email_domain())
            row["hs_lead_status"] = self.rng.choice(_LEAD_STATUS)
            rows.append(row)
        self._add("lead", rows)

    def _products(self) -> None:
        rows = []
        for line in _PRODUCT_LINES:
            for kind, low, high in _PRODUCT_KINDS:
                price = self.rng.randint(low, high)
                rows.append({
                    "name": f"{line} {kind}", "hs_sku": f"SKU-{1001 + len(rows)}",
                    "price": f"{price}.{self.rng.choice(('00', '50', '90', '99'))}",
                    "hs_cost_of_goods_sold": str(round(price * self.rng.uniform(0.2, 0.5))),
                    "description": self.fake.bs().capitalize(),
                })
        self._add("product", rows[: COUNTS["product"]])

    def _deals(self) -> None:
        companies = self.data.records["company"]
        rows = []
        for index in range(COUNTS["deal"]):
            company = self.rng.randrange(len(companies))
            stage = self.rng.choice((*_OPEN_STAGES, "closedwon", "closedwon", "closedlost"))
            closed = stage.startswith("closed")
            rows.append({
                "dealname": f"{companies[company]['name']} - {self.rng.choice(_DEAL_KINDS)}",
                "amount": str(self.rng.randint(10, 600) * 100), "dealstage": stage,
                "pipeline": "default",
                "closedate": self._day(-120, -1) if closed else self._day(7, 150),
                "description": self.fake.sentence(nb_words=10),
            })
            self.data.link("deal", index, "company", company)
            for contact in self._contacts_for(company, self.rng.randint(1, 3)):
                self.data.link("deal", index, "contact", contact)
            for product in self.rng.sample(range(COUNTS["product"]), self.rng.randint(0, 2)):
                self.data.link("deal", index, "product", product)
        self._add("deal", rows)

    def _contacts_for(self, company: int, how_many: int) -> list[int]:
        """People of that company first; any contacts when it has too few."""
        staff = self.company_contacts.get(company, [])
        picked = self.rng.sample(staff, min(how_many, len(staff)))
        while len(picked) < how_many:
            contact = self.rng.randrange(COUNTS["contact"])
            if contact not in picked:
                picked.append(contact)
        return picked

    def _tickets(self) -> None:
        rows = []
        for index in range(COUNTS["ticket"]):
            contact = self.rng.randrange(COUNTS["contact"])
            rows.append({
                "subject": self.rng.choice(_TICKET_SUBJECTS),
                "content": self.fake.paragraph(nb_sentences=3),
                "hs_pipeline_stage": self.rng.choice(("1", "1", "2", "3", "4")),
                "hs_ticket_priority": self.rng.choice(("LOW", "MEDIUM", "MEDIUM", "HIGH")),
            })
            self.data.link("ticket", index, "contact", contact)
            if contact in self.contact_company:
                self.data.link("ticket", index, "company", self.contact_company[contact])
        self._add("ticket", rows)

    def _invoices(self) -> None:
        rows = []
        for index in range(COUNTS["invoice"]):
            issued = self.today - dt.timedelta(days=self.rng.randint(0, 180))
            due = issued + dt.timedelta(days=30)
            status = "paid" if due < self.today else self.rng.choice(("draft", "open", "open"))
            if self.rng.random() < 0.05:
                status = "voided"
            rows.append({
                "hs_invoice_number": f"INV-{issued.year}-{index + 1:04d}",
                "hs_amount_billed": f"{self.rng.randint(50, 20000)}.{self.rng.randint(0, 99):02d}",
                "hs_currency": self.rng.choice(("USD", "USD", "USD", "EUR", "GBP", "BRL")),
                "hs_invoice_date": issued.isoformat(), "hs_due_date": due.isoformat(),
                "hs_invoice_status": status,
            })
            # Invoices associate to contacts only (see DESIGN: Associations).
            self.data.link("invoice", index, "contact", self.rng.randrange(COUNTS["contact"]))
        self._add("invoice", rows)

    def _activities(self) -> None:
        makers = {"call": self._call, "email": self._email_activity, "task": self._task,
                  "note": self._note, "meeting": self._meeting}
        for object_type, make in makers.items():
            rows = []
            for index in range(COUNTS[object_type]):
                contact = self.rng.randrange(COUNTS["contact"])
                rows.append(make(self.data.records["contact"][contact]))
                self.data.link(object_type, index, "contact", contact)
            self._add(object_type, rows)

    def _call(self, contact: dict) -> dict:
        return {
            "hs_call_title": f"Call with {_name_of(contact)}",
            "hs_call_body": self.fake.sentence(nb_words=14),
            "hs_timestamp": _iso(self._moment(-90, -1)),
            "hs_call_duration": str(self.rng.randint(1, 45) * 60_000),
            "hs_call_direction": self.rng.choice(("INBOUND", "OUTBOUND")),
        }

    def _email_activity(self, contact: dict) -> dict:
        return {
            "hs_email_subject": self.rng.choice(("Following up", "Your quote", "Next steps",
                                                 "Quick question", "Meeting notes")),
            "hs_email_text": self.fake.paragraph(nb_sentences=4),
            "hs_timestamp": _iso(self._moment(-90, -1)),
            "hs_email_direction": self.rng.choice(("EMAIL", "INCOMING_EMAIL")),
        }

    def _task(self, contact: dict) -> dict:
        due = self._moment(-20, 30)
        done = due.date() < self.today and self.rng.random() < 0.7
        return {
            "hs_task_subject": f"{self.rng.choice(('Call', 'Email', 'Send proposal to'))} "
                               f"{_name_of(contact)}",
            "hs_task_body": self.fake.sentence(nb_words=10),
            "hs_timestamp": _iso(due),
            "hs_task_status": "COMPLETED" if done else self.rng.choice(("NOT_STARTED",
                                                                        "IN_PROGRESS")),
            "hs_task_priority": self.rng.choice(("LOW", "MEDIUM", "HIGH")),
        }

    def _note(self, contact: dict) -> dict:
        return {"hs_note_body": self.fake.paragraph(nb_sentences=2),
                "hs_timestamp": _iso(self._moment(-120, -1))}

    def _meeting(self, contact: dict) -> dict:
        start = self._moment(-30, 30)
        return {
            "hs_meeting_title": self.rng.choice(("Discovery call", "Product demo",
                                                 "Quarterly review", "Onboarding kickoff")),
            "hs_meeting_body": self.fake.sentence(nb_words=12),
            "hs_meeting_start_time": _iso(start),
            "hs_meeting_end_time": _iso(start + dt.timedelta(minutes=self.rng.choice((30, 60)))),
            "hs_meeting_location": self.rng.choice(("Zoom", "Google Meet", "Phone",
                                                    self.fake.city() + " office")),
        }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower()) or "contact"


def _domain_for(company: str, tld: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", company.lower()) if w not in _LEGAL_WORDS]
    return "".join(words) + tld


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _name_of(contact: dict) -> str:
    """What a person calls the contact: the name, or the email when it has none."""
    name = f"{contact.get('firstname', '')} {contact.get('lastname', '')}".strip()
    return name or contact["email"]
