"""Two sandbox portals, the first overlapping the demo hub the way real data does.

Against syncapp.crm.demo (seed 2024): the same people under other letter case
(Deanna.Floyd@RothCollins.co), a conflicting phone number (Lindsey French,
Madison Tucker), contacts without an email (Tracey Harris, Michael Brandt),
the same company under a www. domain (Roth-Collins), a company with several
contacts, and products matching by SKU with another price or by name without a
SKU. Seeded records are back-dated, so a fresh incremental read finds nothing.
"""

from connectors.hubspot.sandbox.store import Portal

DAY_MS = 86_400_000

ACME = {
    "companies": [
        {"name": "Roth-Collins", "domain": "www.rothcollins.co", "phone": "+1 639 555 0101",
         "city": "Port Robert", "industry": "COMPUTER_SOFTWARE", "numberofemployees": "150"},
        {"name": "Acosta-Middleton", "domain": "acostamiddleton.io", "phone": "+1 611 555 0000",
         "industry": "RETAIL"},
        {"name": "White-Lane", "domain": "whitelane.com", "city": "Port Robert",
         "annualrevenue": "2500000", "partner_since": "2021-03-01"},
        {"name": "Cervantes, Rodriguez and Chase", "industry": "FINANCIAL_SERVICES"},
        {"name": "Initech", "domain": "initech.example", "industry": "MANAGEMENT_CONSULTING"},
    ],
    "contacts": [
        {"email": "Deanna.Floyd@RothCollins.co", "firstname": "Deanna", "lastname": "Floyd",
         "phone": "+1 639 555 9940", "company": "Roth-Collins", "lifecyclestage": "customer",
         "customer_tier": "gold"},
        {"email": "ana.lima@rothcollins.co", "firstname": "Ana", "lastname": "Lima",
         "company": "Roth-Collins", "jobtitle": "Buyer", "lifecyclestage": "lead"},
        {"email": "Carlos.Souza@rothcollins.co", "firstname": "Carlos", "lastname": "Souza",
         "company": "Roth-Collins", "lifecyclestage": "opportunity"},
        {"email": "LINDSEY.FRENCH@ACOSTAMIDDLETON.IO", "firstname": "Lindsey",
         "lastname": "French", "phone": "+1 611 555 1111", "company": "Acosta-Middleton"},
        {"email": "madison.tucker@cervantesrodriguezchase.com", "firstname": "Madison",
         "lastname": "Tucker", "phone": "+1 398 555 0000", "city": "Springfield"},
        {"email": "david.turner@schmidtjohnson.com", "firstname": "David", "lastname": "Turner",
         "jobtitle": "CFO", "date_of_birth": "1980-04-12"},
        {"firstname": "Tracey", "lastname": "Harris", "phone": "+1 267 555 6561"},
        {"firstname": "Michael", "lastname": "Brandt", "company": "Davis Ltd"},
        {"email": "peter.gibbons@initech.example", "firstname": "Peter", "lastname": "Gibbons",
         "company": "Initech", "customer_tier": "bronze"},
    ],
    "products": [
        {"name": "Sync Starter plan", "hs_sku": "SKU-1001", "price": "39.90",
         "hs_cost_of_goods_sold": "14", "warranty_months": "12"},
        {"name": "Sync Professional plan", "price": "234.50"},
        {"name": "Sync Enterprise (annual)", "hs_sku": "SKU-1003", "price": "888.50"},
        {"name": "Sandbox Widget", "hs_sku": "SKU-9001", "price": "10",
         "hs_product_type": "inventory"},
    ],
    "deals": [
        {"dealname": "Roth-Collins - Multi-year agreement", "amount": "25500",
         "dealstage": "qualifiedtobuy", "pipeline": "default",
         "closedate": "2027-03-16T00:00:00.000Z"},
        {"dealname": "Initech - Pilot", "amount": "4000", "dealstage": "closedwon",
         "pipeline": "default", "closedate": "2026-10-01T00:00:00.000Z",
         "lead_source_detail": "Trade show"},
        {"dealname": "Acosta-Middleton - Renewal", "amount": "12000",
         "dealstage": "contractsent", "pipeline": "default"},
    ],
    "tickets": [
        {"subject": "Cannot log in", "content": "The login page loops.", "hs_pipeline": "0",
         "hs_pipeline_stage": "1", "hs_ticket_priority": "HIGH"},
        {"subject": "Export is empty", "hs_pipeline": "0", "hs_pipeline_stage": "3",
         "hs_ticket_priority": "LOW", "affected_version": "2.4"},
    ],
    "calls": [
        {"hs_call_title": "Call with Deanna Floyd", "hs_call_body": "Discussed renewal.",
         "hs_timestamp": "2026-10-02T14:00:00.000Z", "hs_call_duration": "600000",
         "hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED"},
        {"hs_call_title": "Call with Ana Lima", "hs_timestamp": "2026-10-05T09:30:00.000Z",
         "hs_call_direction": "INBOUND"},
    ],
    "emails": [
        {"hs_email_subject": "Your quote", "hs_email_text": "Please find the quote attached.",
         "hs_timestamp": "2026-10-03T10:00:00.000Z", "hs_email_direction": "EMAIL"},
        {"hs_email_subject": "Re: Your quote", "hs_timestamp": "2026-10-04T08:15:00.000Z",
         "hs_email_direction": "INCOMING_EMAIL"},
    ],
    "tasks": [
        {"hs_task_subject": "Send proposal to Deanna Floyd", "hs_task_status": "NOT_STARTED",
         "hs_task_priority": "HIGH", "hs_timestamp": "2026-12-10T09:00:00.000Z"},
        {"hs_task_subject": "Call Peter Gibbons", "hs_task_status": "COMPLETED",
         "hs_timestamp": "2026-10-01T09:00:00.000Z", "hs_task_type": "CALL"},
    ],
    "notes": [
        {"hs_note_body": "Prefers email over phone.", "hs_timestamp": "2026-09-20T12:00:00.000Z"},
        {"hs_note_body": "Budget approved for Q1.", "hs_timestamp": "2026-10-06T16:45:00.000Z",
         "note_category": "internal"},
    ],
    "meetings": [
        {"hs_meeting_title": "Product demo", "hs_timestamp": "2026-10-08T15:00:00.000Z",
         "hs_meeting_start_time": "2026-10-08T15:00:00.000Z",
         "hs_meeting_end_time": "2026-10-08T16:00:00.000Z", "hs_meeting_location": "Zoom"},
        {"hs_meeting_title": "Quarterly review", "hs_timestamp": "2026-11-02T10:00:00.000Z",
         "hs_meeting_start_time": "2026-11-02T10:00:00.000Z",
         "hs_meeting_end_time": "2026-11-02T11:00:00.000Z", "hs_meeting_outcome": "SCHEDULED"},
    ],
}

# (from type, index, to type, index, association type ids)
ACME_LINKS = [
    ("contacts", 0, "companies", 0, (279, 1)), ("contacts", 1, "companies", 0, (279, 1)),
    ("contacts", 2, "companies", 0, (279, 1)), ("contacts", 3, "companies", 1, (279, 1)),
    ("contacts", 8, "companies", 4, (279, 1)),
    ("deals", 0, "companies", 0, (341, 5)), ("deals", 0, "contacts", 0, (3,)),
    ("deals", 1, "companies", 4, (341, 5)), ("deals", 1, "contacts", 8, (3,)),
    ("deals", 2, "companies", 1, (341, 5)),
    ("tickets", 0, "contacts", 0, (16,)), ("tickets", 0, "companies", 0, (339, 26)),
    ("tickets", 1, "contacts", 3, (16,)),
    ("calls", 0, "contacts", 0, (194,)), ("calls", 1, "contacts", 1, (194,)),
    ("emails", 0, "contacts", 0, (198,)), ("emails", 1, "contacts", 0, (198,)),
    ("tasks", 0, "contacts", 0, (204,)), ("tasks", 1, "contacts", 8, (204,)),
    ("notes", 0, "contacts", 4, (202,)), ("notes", 1, "deals", 0, (214,)),
    ("meetings", 0, "contacts", 0, (200,)), ("meetings", 1, "companies", 0, (188,)),
]

GLOBEX = {
    "companies": [
        {"name": "Globex Corporation", "domain": "globex.example", "industry": "CONSTRUCTION"},
        {"name": "Umbrella Health", "domain": "umbrella.example",
         "industry": "HOSPITAL_HEALTH_CARE"},
    ],
    "contacts": [
        {"email": "hank.scorpio@globex.example", "firstname": "Hank", "lastname": "Scorpio",
         "jobtitle": "CEO"},
        {"email": "frank.grimes@globex.example", "firstname": "Frank", "lastname": "Grimes"},
        {"email": "alice@umbrella.example", "firstname": "Alice", "lastname": "Abernathy"},
    ],
    "products": [{"name": "Doomsday device rental", "hs_sku": "GX-1", "price": "1000000"},
                 {"name": "Hammock", "hs_sku": "GX-2", "price": "49.99"}],
    "deals": [{"dealname": "Globex - Expansion", "amount": "90000", "dealstage": "closedwon"},
              {"dealname": "Umbrella - Pilot", "amount": "5000",
               "dealstage": "appointmentscheduled"}],
    "tickets": [{"subject": "Slow dashboard", "hs_pipeline_stage": "2"},
                {"subject": "Need an extra admin seat", "hs_pipeline_stage": "1"}],
    **{kind: [{title: f"Globex {kind[:-1]} {n}", "hs_timestamp": "2026-10-10T10:00:00.000Z"}
              for n in (1, 2)]
       for kind, title in (("calls", "hs_call_title"), ("emails", "hs_email_subject"),
                           ("tasks", "hs_task_subject"), ("notes", "hs_note_body"),
                           ("meetings", "hs_meeting_title"))},
}
GLOBEX_LINKS = [("contacts", 0, "companies", 0, (279, 1)),
                ("contacts", 1, "companies", 0, (279, 1)),
                ("contacts", 2, "companies", 1, (279, 1)),
                ("deals", 0, "companies", 0, (341, 5))]


def fill(portal: Portal, data: dict, links: list, now_ms: int) -> None:
    """Insert back-dated records (a minute apart, ending a day ago) and their links."""
    at = now_ms - 30 * DAY_MS
    made: dict[str, list[dict]] = {}
    for object_type, rows in data.items():
        for row in rows:
            at += 60_000
            made.setdefault(object_type, []).append(portal.insert(object_type, dict(row), at))
    for from_type, i, to_type, j, type_ids in links:
        portal.associate(from_type, made[from_type][i]["id"], to_type, made[to_type][j]["id"],
                         type_ids)
    if "products" in made and "deals" in made:
        product = made["products"][0]
        item = portal.insert("line_items", {
            "name": product["properties"]["name"], "hs_product_id": product["id"],
            "quantity": "2", "price": product["properties"]["price"],
        }, at + 60_000)
        portal.associate("line_items", item["id"], "deals", made["deals"][0]["id"], (20,))


def seed(sandbox, now_ms: int) -> None:
    acme = sandbox.add_account(Portal(
        "4410001", "Acme Corp (HubSpot)", "admin@acmecorp.example", "sandbox",
        hub_id=4410001, hub_domain="acmecorp.example", user_id=71000001,
    ))
    fill(acme, ACME, ACME_LINKS, now_ms)
    globex = sandbox.add_account(Portal(
        "4410002", "Globex (HubSpot)", "admin@globex.example", "sandbox",
        hub_id=4410002, hub_domain="globex.example", user_id=72000001,
    ))
    fill(globex, GLOBEX, GLOBEX_LINKS, now_ms)
