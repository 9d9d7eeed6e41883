"""The two sandbox companies and their records, as Pipedrive would hold them.

Chosen to overlap the demo hub the way real data does (see syncapp/crm/demo.py,
and tests/connectors/pipedrive/test_behaviour.py, which checks the overlap): the
same people with emails in other letter case, White-Lane under a `www.` website,
conflicting phone numbers, people without email, an organization with several
people, products with the hub's SKUs at other prices, and records only
Pipedrive has. Times are in days relative to when the sandbox starts.
"""

NORTHWIND = {
    "company_id": 7201001,
    "name": "Northwind Traders",
    "domain": "northwind-sandbox",
    "login": "admin@northwind.example",
    "currency": "USD",
    "users": [
        {"id": 12001, "name": "Nora Admin", "email": "admin@northwind.example"},
        {"id": 12002, "name": "Sam Seller", "email": "sam@northwind.example"},
    ],
    "custom_fields": {
        "persons": [("Lead source", "enum", ["Inbound", "Outbound", "Referral", "Event"])],
        "organizations": [("Customer tier", "enum", ["Gold", "Silver", "Bronze"]),
                          ("Account number", "varchar", None)],
        "deals": [("Contract length (months)", "double", None), ("Renewal date", "date", None)],
        "products": [("Vendor SKU", "varchar", None)],
    },
    "organizations": [
        {"name": "White-Lane", "website": "www.whitelane.com", "industry": 1,
         "employee_count": 150, "address": {"value": "4 Harbor Way, Port Robert",
                                            "locality": "Port Robert", "country": "United States"},
         "custom": {"Customer tier": "Gold", "Account number": "NW-0001"}, "days": -200},
        {"name": "Rivera Ltd", "website": "https://www.rivera.co", "industry": 2,
         "custom": {"Customer tier": "Silver"}, "days": -150},
        {"name": "Cunningham Ltd", "annual_revenue": 2500000, "days": -120},
        {"name": "Jones, Pugh and Thompson", "website": "jonespughthompson.com", "days": -90},
        {"name": "Blue Harbor Logistics", "website": "https://blueharbor.example",
         "industry": 5, "employee_count": 40, "days": -60},
        {"name": "Kestrel Analytics", "custom": {"Customer tier": "Bronze"}, "days": -30},
    ],
    "persons": [
        {"name": "Veronica Hayes", "emails": ["Veronica.Hayes@WhiteLane.com"],
         "phones": ["+1 710 555 0199"], "org": 1, "job_title": "Head of Operations",
         "custom": {"Lead source": "Inbound"}, "days": -190},
        {"name": "Michelle Vaughn", "emails": ["michelle.vaughn@whitelane.com"],
         "phones": ["+1 384 555 1540"], "org": 1, "days": -180},
        {"name": "Brian Webb", "emails": [], "phones": ["+1 916 555 0746"], "org": 1,
         "days": -170},
        {"name": "Guy Lane", "emails": ["GUY.LANE@RIVERA.CO"], "phones": ["+1 520 555 7565"],
         "org": 2, "custom": {"Lead source": "Referral"}, "days": -140},
        {"name": "Julia Garcia", "emails": ["julia.garcia@rivera.co", "julia.g@mail.example"],
         "phones": ["+1 223 555 0000"], "org": 2, "days": -130},
        {"name": "Rebecca Gentry", "emails": ["rebecca.gentry@cunningham.com"], "org": 3,
         "birthday": "1984-03-09", "days": -110},
        {"name": "Amanda Fitzgerald", "emails": ["Amanda.Fitzgerald@JonesPughThompson.com"],
         "org": 4, "days": -80},
        {"name": "Tracey Harris", "emails": [], "phones": ["+1 555 0100"], "days": -70},
        {"name": "Owen Price", "emails": ["owen.price@blueharbor.example"], "org": 5,
         "custom": {"Lead source": "Event"}, "days": -50},
        {"name": "Lena Kowalski", "emails": ["lena@kestrel.example"], "org": 6, "days": -25},
        {"name": "Marco Diaz", "emails": ["marco.diaz@mail.example"], "days": -20},
        {"name": "Madonna", "emails": ["madonna@music.example"], "days": -10},
    ],
    "deals": [
        {"title": "White-Lane - Annual licence", "value": 24000, "stage_id": 3, "org": 1,
         "person": 1, "close_in_days": 30, "custom": {"Contract length (months)": 12},
         "days": -60},
        {"title": "Rivera Ltd - Pilot", "value": 4500, "stage_id": 1, "org": 2, "person": 4,
         "close_in_days": 45, "days": -40},
        {"title": "Cunningham Ltd - Expansion", "value": 18000, "stage_id": 4, "org": 3,
         "person": 6, "status": "won", "days": -35},
        {"title": "Blue Harbor - Onboarding", "value": 6000, "stage_id": 2, "org": 5,
         "person": 9, "status": "lost", "lost_reason": "Budget cut", "days": -20},
        {"title": "Kestrel Analytics - Multi-year agreement", "value": 52000, "stage_id": 4,
         "org": 6, "person": 10, "close_in_days": 60, "days": -5},
    ],
    "products": [
        {"name": "Sync Starter plan", "code": "SKU-1001", "prices": [("USD", 39, 14)],
         "days": -300},
        {"name": "Sync Professional plan", "code": "SKU-1002", "prices": [("USD", 234.5, 103)],
         "custom": {"Vendor SKU": "NW-SYNC-PRO"}, "days": -300},
        {"name": "Connect Starter plan", "prices": [("USD", 33.9, 7)], "days": -250},
        {"name": "Implementation workshop", "code": "PD-WS-01", "unit": "day",
         "prices": [("USD", 1500, 600), ("EUR", 1400, 560)], "days": -100},
        {"name": "Priority support", "code": "PD-SUP-01", "billing_frequency": "monthly",
         "prices": [("USD", 99, 20)], "days": -90},
    ],
    "activities": [
        {"subject": "Call Veronica about the renewal", "type": "call", "due_in_days": 2,
         "due_time": "15:00", "person": 1, "org": 1, "deal": 1, "days": -3},
        {"subject": "Send proposal to Guy Lane", "type": "task", "due_in_days": 5,
         "person": 4, "deal": 2, "note": "Pilot pricing, 3 months", "days": -2},
        {"subject": "Onboarding kickoff", "type": "meeting", "due_in_days": -3,
         "due_time": "10:00", "duration": "01:00", "person": 6, "org": 3, "done": True,
         "days": -10},
        {"subject": "Ask Blue Harbor for feedback", "type": "deadline", "due_in_days": -10,
         "deal": 4, "done": True, "days": -15},
    ],
    "notes": [
        {"content": "<p>Veronica prefers calls after 3pm.</p>", "person": 1, "days": -30},
        {"content": "<p>White-Lane wants SSO before renewing.</p>", "org": 1, "deal": 1,
         "days": -12},
        {"content": "<p>Guy asked for a pilot price.</p>", "person": 4, "deal": 2, "days": -8},
    ],
}

GLOBEX = {
    "company_id": 7301002,
    "name": "Globex Corporation",
    "domain": "globex-sandbox",
    "login": "admin@globex.example",
    "currency": "EUR",
    "users": [{"id": 22001, "name": "Greta Admin", "email": "admin@globex.example"}],
    "custom_fields": {
        "persons": [("Preferred language", "varchar", None)],
        "organizations": [("VAT number", "varchar", None)],
        "deals": [("Setup fee", "monetary", None)],
        "products": [("Warranty (years)", "double", None)],
    },
    "organizations": [
        {"name": "Gonzalez-White", "website": "www.gonzalezwhite.io",
         "custom": {"VAT number": "ES-B12345678"}, "days": -80},
        {"name": "Globex Partners GmbH", "days": -40},
    ],
    "persons": [
        {"name": "Amy Lewis", "emails": ["AMY.LEWIS@gonzalezwhite.io"],
         "phones": ["+34 600 555 081"], "org": 1, "custom": {"Preferred language": "es"},
         "days": -70},
        {"name": "Caroline Franklin", "emails": [], "phones": ["+1 334 555 0832"], "org": 1,
         "days": -60},
        {"name": "Jürgen Vogel", "emails": ["j.vogel@globex-partners.example"], "org": 2,
         "days": -30},
    ],
    "deals": [
        {"title": "Gonzalez-White - Renewal", "value": 9900, "stage_id": 2, "org": 1,
         "person": 1, "close_in_days": 20, "custom": {"Setup fee": 500}, "days": -15},
    ],
    "products": [
        {"name": "Atlas Starter plan", "code": "SKU-1021", "prices": [("EUR", 49, 12)],
         "custom": {"Warranty (years)": 2}, "days": -200},
    ],
    "activities": [
        {"subject": "Call Amy about the renewal", "type": "call", "due_in_days": 1,
         "due_time": "09:30", "person": 1, "deal": 1, "days": -1},
    ],
    "notes": [
        {"content": "<p>Amy is the budget owner.</p>", "person": 1, "org": 1, "days": -4},
    ],
}

COMPANIES = (NORTHWIND, GLOBEX)

# Every company starts with Pipedrive's default pipeline and activity types.
STAGES = ((1, "Qualified"), (2, "Contact made"), (3, "Demo scheduled"),
          (4, "Proposal made"), (5, "Negotiations started"))
ACTIVITY_TYPES = ("call", "meeting", "task", "deadline", "email", "lunch")
INDUSTRIES = ("Software", "Retail", "Finance", "Healthcare", "Logistics", "Education")
