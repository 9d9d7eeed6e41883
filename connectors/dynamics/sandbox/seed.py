"""The sandbox's two environments, Contoso and Fabrikam, and their rows.

Contoso overlaps the demo hub (syncapp.crm.demo, seed 2024) the way a real CRM
overlaps another: the same people under other letter case, White-Lane under a
`www.` website, Rivera Ltd and Lindsey French with other phone numbers, a
contact with no email, Keller Inc with several contacts, SKU-1001 at another
price. Fabrikam is another company altogether, with its own login and rows.
Rows go through the same validation as API writes, so the seed cannot hold
what Dataverse would refuse.
"""

import datetime as dt
import uuid

from connectors.dynamics.sandbox.schema import TABLES
from connectors.dynamics.sandbox.store import Environment

_NS = uuid.UUID("0f7c2b4e-2d6a-4c1b-8f51-6b0a3f2d9e11")


def seed_environments(sandbox) -> None:
    for url_name, name, fill in (("contoso", "Contoso", _contoso), ("fabrikam", "Fabrikam",
                                                                      _fabrikam)):
        env = sandbox.add_account(Environment(
            id=str(uuid.uuid5(_NS, "org:" + url_name)), name=name,
            login=f"admin@{url_name}.example", password="sandbox",  # noqa: S106 - sandbox login
            url_name=url_name, user_id=str(uuid.uuid5(_NS, "user:" + url_name)),
            business_unit_id=str(uuid.uuid5(_NS, "bu:" + url_name)),
        ))
        rows = _Rows(env, sandbox.now())
        rows.add("organizations", {"organizationid": env.id, "name": name}, 400)
        fill(rows)


class _Rows:
    def __init__(self, env, now: dt.datetime):
        self.env, self.now, self.count = env, now, 0

    def add(self, set_name: str, payload: dict, days_ago: int = 30) -> str:
        table = TABLES[set_name]
        self.count += 1
        payload = {table.primary_id: str(uuid.uuid5(_NS, f"{self.env.url_name}:{self.count}")),
                   **payload}
        moment = (self.now - dt.timedelta(days=days_ago, minutes=self.count))
        row = self.env.store.create(table, payload, moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
        return row[table.primary_id]

    def day(self, offset: int) -> str:
        return (self.now.date() + dt.timedelta(days=offset)).isoformat()

    def moment(self, offset: int, hour: int = 10) -> str:
        day = self.now.date() + dt.timedelta(days=offset)
        return f"{day.isoformat()}T{hour:02d}:00:00Z"


def _account(name, website, phone, city, **more):
    return {"name": name, "websiteurl": website, "telephone1": phone, "address1_city": city,
            "address1_country": "United States", **more}


def _person(first, last, email, phone, **more):
    return {"firstname": first, "lastname": last, "emailaddress1": email, "telephone1": phone,
            **more}


def _contoso(rows: _Rows) -> None:
    add = rows.add
    white = add("accounts", _account("White-Lane", "https://www.whitelane.com",
                                     "+1 941 555 6818", "Port Robert", numberofemployees=150,
                                     revenue=2500000.0, industrycode=6, new_region="South"))
    add("accounts", _account("Rivera Ltd", "https://www.rivera.co", "+1 437 555 3968",
                             "Callahanberg", numberofemployees=320))
    keller = add("accounts", _account("Keller Inc", "https://www.keller.com", "+1 437 555 2027",
                                      "East Nicholasshire", new_region="Northeast"))
    pharma = add("accounts", _account("Contoso Pharmaceuticals", "https://contoso-pharma.example",
                                      "+1 425 555 0100", "Redmond", industrycode=12))
    add("accounts", _account("Adventure Works Cycles", "https://adventure-works.example",
                             "+1 425 555 0150", "Bothell"))
    add("accounts", _account("Fourth Coffee", "https://fourthcoffee.example", "+1 206 555 0190",
                             "Seattle", revenue=480000.5))
    bind = {"parentcustomerid_account@odata.bind": f"/accounts({keller})"}
    deanna = add("contacts", _person("Deanna", "Floyd", "Deanna.Floyd@RothCollins.co",
                                     "+1 639 555 9940", new_loyaltytier=100000002))
    lindsey = add("contacts", _person("Lindsey", "French", "lindsey.french@acostamiddleton.io",
                                      "+1 611 555 0000", jobtitle="Sports administrator"))
    add("contacts", _person("Tracey", "Harris", None, "+1 267 555 6561"))
    timothy = add("contacts", _person("Timothy", "Walters", "TIMOTHY.WALTERS@KELLER.COM",
                                      "+1 967 555 0223", **bind))
    eric = add("contacts", _person("Eric", "Guzman", "eric.guzman@keller.com",
                                   "+1 716 555 0203", birthdate="1984-05-17", **bind))
    add("contacts", _person("Robert", "Barnes", "Robert.Barnes@keller.com", "+1 774 555 6271",
                            donotemail=True, **bind))
    add("contacts", _person("Sara", "Finley", None, "+1 825 555 2260", **bind))
    add("contacts", _person("Yvonne", "McKay", "yvonne.mckay@contoso-pharma.example",
                            "+1 425 555 0101", cr123_preferredchannel="Teams",
                            **{"parentcustomerid_account@odata.bind": f"/accounts({pharma})"}))
    add("contacts", _person("Paul", "Cannon", "paul.cannon@adventure-works.example",
                            "+1 425 555 0151", preferredcontactmethodcode=2))
    add("leads", {**_person("Jared", "Pham", "Jared.Pham@Yahoo.com", "+1 555 0100"),
                  "subject": "Interested in Sync Professional", "companyname": "Pham Consulting",
                  "leadsourcecode": 8, "new_leadscore": 72})
    add("leads", {**_person("Mary", "Davis", "mary.davis@yahoo.com", "+1 555 0101"),
                  "subject": "Pricing question"})
    add("leads", {**_person("Ted", "Ellis", "ted.ellis@litware.example", "+1 555 0102"),
                  "subject": "Litware rollout", "companyname": "Litware, Inc."})
    _contoso_sales(rows, {"keller": keller, "white": white, "pharma": pharma, "timothy": timothy,
                          "deanna": deanna, "lindsey": lindsey, "eric": eric})


def _contoso_sales(rows: _Rows, ids: dict[str, str]) -> None:
    add = rows.add
    keller, white, pharma = ids["keller"], ids["white"], ids["pharma"]
    timothy, deanna, lindsey = ids["timothy"], ids["deanna"], ids["lindsey"]
    add("products", {"name": "Sync Starter plan", "productnumber": "SKU-1001", "price": 39.0,
                     "standardcost": 14.0, "quantitydecimal": 2})
    add("products", {"name": "Sync Professional plan", "productnumber": "SKU-1002",
                     "price": 234.5, "new_warrantymonths": 12})
    add("products", {"name": "Contoso Analytics add-on", "productnumber": "CON-ADD-01",
                     "price": 1200.0, "description": "Dashboards for the Contoso tenant"})
    deal = add("opportunities", {
        "name": "Keller Inc - Annual licence", "estimatedvalue": 24000.0,
        "estimatedclosedate": rows.day(30), "salesstage": 2, "new_competitor": "Northwind",
        "parentaccountid@odata.bind": f"/accounts({keller})",
        "parentcontactid@odata.bind": f"/contacts({timothy})"})
    add("opportunities", {"name": "White-Lane - Expansion", "estimatedvalue": 8000.0,
                          "estimatedclosedate": rows.day(45),
                          "parentaccountid@odata.bind": f"/accounts({white})"})
    add("opportunities", {"name": "Contoso Pharmaceuticals - Pilot", "estimatedvalue": 3500.0,
                          "parentaccountid@odata.bind": f"/accounts({pharma})"})
    add("invoices", {"name": "INV-2026-0001", "duedate": rows.day(14), "new_ponumber": "PO-778",
                     "customerid_contact@odata.bind": f"/contacts({deanna})"})
    add("invoices", {"name": "INV-2026-0002", "duedate": rows.day(-10),
                     "customerid_contact@odata.bind": f"/contacts({lindsey})"})
    add("incidents", {"title": "Cannot log in", "prioritycode": 1, "caseorigincode": 2,
                      "customerid_account@odata.bind": f"/accounts({keller})"})
    add("incidents", {"title": "Invoice shows the wrong amount", "casetypecode": 2,
                      "customerid_contact@odata.bind": f"/contacts({lindsey})"})
    _contoso_activities(rows, {**ids, "deal": deal})


def _contoso_activities(rows: _Rows, ids: dict[str, str]) -> None:
    add = rows.add
    keller, deal = ids["keller"], ids["deal"]
    timothy, deanna, eric = ids["timothy"], ids["deanna"], ids["eric"]
    add("phonecalls", {"subject": "Call with Timothy Walters", "directioncode": True,
                       "scheduledend": rows.moment(-3), "actualdurationminutes": 25,
                       "regardingobjectid_contact_phonecall@odata.bind": f"/contacts({timothy})"})
    add("phonecalls", {"subject": "Renewal check-in", "directioncode": False,
                       "regardingobjectid_opportunity_phonecall@odata.bind":
                           f"/opportunities({deal})"})
    add("emails", {"subject": "Your quote", "description": "<p>Please find the quote.</p>",
                   "directioncode": True, "actualend": rows.moment(-2),
                   "regardingobjectid_contact_email@odata.bind": f"/contacts({deanna})"})
    add("emails", {"subject": "Next steps", "directioncode": False})
    add("tasks", {"subject": "Send proposal to Eric Guzman", "scheduledend": rows.moment(5),
                  "prioritycode": 2, "new_effortestimate": 1.5,
                  "regardingobjectid_contact_task@odata.bind": f"/contacts({eric})"})
    add("tasks", {"subject": "Prepare Keller renewal", "scheduledend": rows.moment(12),
                  "regardingobjectid_account_task@odata.bind": f"/accounts({keller})"})
    add("appointments", {"subject": "Product demo", "location": "Teams",
                         "scheduledstart": rows.moment(3, 14), "scheduledend": rows.moment(3, 15),
                         "new_meetingurl": "https://teams.example/meet/123",
                         "regardingobjectid_account_appointment@odata.bind":
                             f"/accounts({keller})"})
    add("appointments", {"subject": "Quarterly review", "scheduledstart": rows.moment(20, 9),
                         "scheduledend": rows.moment(20, 10)})
    add("annotations", {"subject": "Preference", "notetext": "Prefers email over phone.",
                        "objectid_contact@odata.bind": f"/contacts({deanna})"})
    add("annotations", {"subject": "Renewal", "notetext": "Budget approved for next year.",
                        "objectid_account@odata.bind": f"/accounts({keller})"})


def _fabrikam(rows: _Rows) -> None:
    add = rows.add
    wingtip = add("accounts", _account("Wingtip Toys", "https://wingtiptoys.example",
                                       "+1 312 555 0110", "Chicago"))
    add("accounts", _account("Tailspin Toys", "https://tailspintoys.example", "+1 312 555 0120",
                             "Evanston"))
    ann = add("contacts", _person("Ann", "Beebe", "ann.beebe@wingtiptoys.example",
                                  "+1 312 555 0111", **{
                                      "parentcustomerid_account@odata.bind":
                                          f"/accounts({wingtip})"}))
    add("contacts", _person("Dan", "Park", "dan.park@tailspintoys.example", "+1 312 555 0121"))
    add("leads", {**_person("Lee", "Shore", "lee@shore.example", "+1 555 0200"),
                  "subject": "Toy catalogue"})
    add("leads", {**_person("Kim", "Akers", "kim.akers@example.org", "+1 555 0201"),
                  "subject": "Distribution deal"})
    add("products", {"name": "Fabrikam Toy Kit", "productnumber": "FAB-001", "price": 49.0})
    add("products", {"name": "Fabrikam Puzzle", "productnumber": "FAB-002", "price": 19.5})
    for name, value in (("Wingtip Toys - Holiday order", 12000.0), ("Tailspin - Pilot", 900.0)):
        add("opportunities", {"name": name, "estimatedvalue": value})
    for name in ("FAB-INV-0001", "FAB-INV-0002"):
        add("invoices", {"name": name, "customerid_contact@odata.bind": f"/contacts({ann})"})
    for title in ("Damaged shipment", "Missing parts"):
        add("incidents", {"title": title,
                          "customerid_account@odata.bind": f"/accounts({wingtip})"})
    for set_name in ("phonecalls", "emails", "tasks", "appointments"):
        for n in (1, 2):
            add(set_name, {"subject": f"Fabrikam {set_name[:-1]} {n}"})
    for n in (1, 2):
        add("annotations", {"notetext": f"Fabrikam note {n}",
                            "objectid_contact@odata.bind": f"/contacts({ann})"})
