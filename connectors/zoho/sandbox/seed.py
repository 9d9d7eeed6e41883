"""Two sandbox organizations: Zylker Inc on the US data centre, Zylker GmbH on the EU one.

The records overlap the demo hub the way real data does: emails in other letter
case, a contact without email, an account under a www. website, conflicting phones.
Each module has custom fields (Zoho's API names end in a number only when clashing;
these are plain).
"""

import datetime as dt

from connectors.zoho.sandbox.layouts import STANDARD
from connectors.zoho.sandbox.store import MODULES, FieldMeta, ZohoOrg

CUSTOM = {
    "Contacts": (FieldMeta("Customer_Tier", "Customer tier", "picklist", custom=True,
                           picklist=("Gold", "Silver", "Bronze")),
                 FieldMeta("Loyalty_Points", "Loyalty points", "integer", custom=True)),
    "Leads": (FieldMeta("Campaign_Code", "Campaign code", custom=True),),
    "Accounts": (FieldMeta("Account_Region", "Account region", "picklist", custom=True,
                           picklist=("Americas", "EMEA", "APAC")),),
    "Deals": (FieldMeta("Renewal_Date", "Renewal date", "date", custom=True),),
    "Products": (FieldMeta("Warranty_Months", "Warranty (months)", "integer", custom=True),),
    "Tasks": (FieldMeta("Follow_Up", "Follow up", "boolean", custom=True),),
}


def field_metas(module: str) -> dict[str, FieldMeta]:
    """A fresh copy per organization: each may change its own."""
    return {m.api_name: FieldMeta(**vars(m)) for m in (*STANDARD[module], *CUSTOM[module])}


def _org(org_id: str, name: str, login: str, location: str, currency: str) -> ZohoOrg:
    org = ZohoOrg(org_id, name, login, "sandbox", location=location, company_name=name,
                  domain_name=name.lower().replace(" ", ""), currency=currency,
                  user={"name": "Patricia Boyle", "id": f"{org_id}0001", "email": login},
                  next_id=int(org_id + "0000100"))
    org.fields = {module: field_metas(module) for module in MODULES}
    return org


def _fill(org: ZohoOrg, start: dt.datetime, rows: dict[str, list[dict]]) -> None:
    moment = start
    for module in MODULES:
        for values in rows.get(module, []):
            moment += dt.timedelta(minutes=7)
            record = org.add(module, dict(values), moment)
            if module in ("Contacts", "Leads"):
                record["Full_Name"] = " ".join(filter(None, (record.get("First_Name"),
                                                             record.get("Last_Name"))))


def _ref(org: ZohoOrg, module: str, index: int) -> dict:
    row = list(org.rows(module).values())[index]
    return {"name": row.get("Account_Name") or row.get("Full_Name"), "id": row["id"]}


def build_orgs(now: dt.datetime) -> list[ZohoOrg]:
    start = (now - dt.timedelta(days=30)).replace(microsecond=0)
    us = _org("7700001", "Zylker Inc", "admin@zylker.example", "us", "USD")
    _fill(us, start, {"Accounts": [
        {"Account_Name": "Acme Corporation", "Website": "https://www.acme.example",
         "Phone": "+1 555 0100", "Employees": 120, "Industry": "Manufacturing",
         "Account_Region": "Americas"},
        {"Account_Name": "Globex", "Website": "https://globex.example", "Annual_Revenue": 2.5e6},
        {"Account_Name": "Initech", "Billing_City": "Austin", "Billing_Country": "USA"},
    ], "Products": [
        {"Product_Name": "Widget", "Product_Code": "WID-1", "Unit_Price": 19.99,
         "Product_Active": True, "Warranty_Months": 12},
        {"Product_Name": "Gadget", "Product_Code": "GAD-2", "Unit_Price": 249.0},
        {"Product_Name": "Service hour", "Unit_Price": 95.0},
    ]})
    _fill(us, start + dt.timedelta(days=1), {"Contacts": [
        {"First_Name": "Alice", "Last_Name": "Adams", "Email": "Alice.Adams@Acme.example",
         "Phone": "+1 555 0101", "Account_Name": _ref(us, "Accounts", 0),
         "Customer_Tier": "Gold", "Loyalty_Points": 120},
        {"First_Name": "Bob", "Last_Name": "Brown", "Email": "bob@globex.example",
         "Phone": "+1 555 0999", "Mailing_City": "Springfield"},
        {"First_Name": "Carol", "Last_Name": "Chen", "Title": "CTO"},
        {"Last_Name": "Duarte", "Email": "d.duarte@initech.example", "Email_Opt_Out": True},
    ], "Leads": [
        {"First_Name": "Erin", "Last_Name": "Evans", "Company": "Evans Bakery",
         "Email": "erin@evansbakery.example", "Lead_Status": "Contacted"},
        {"Last_Name": "Foster", "Company": "Foster & Sons", "Campaign_Code": "SPRING"},
        {"First_Name": "Gus", "Last_Name": "Grant", "Company": "Grant LLC",
         "Email": "ALICE.ADAMS@acme.example"},
    ], "Deals": [
        {"Deal_Name": "Acme renewal", "Stage": "Negotiation/Review", "Amount": 12000.0,
         "Closing_Date": "2027-01-31", "Account_Name": _ref(us, "Accounts", 0)},
        {"Deal_Name": "Globex pilot", "Stage": "Qualification", "Amount": 3000.0},
    ], "Tasks": [
        {"Subject": "Call Alice about renewal", "Due_Date": "2026-12-20",
         "Status": "Not Started", "Priority": "High"},
        {"Subject": "Send Globex quote", "Status": "In Progress", "Follow_Up": True},
    ]})
    eu = _org("7700002", "Zylker GmbH", "admin@zylker.eu.example", "eu", "EUR")
    _fill(eu, start, {"Accounts": [{"Account_Name": "Müller AG", "Billing_City": "Berlin"}],
                      "Contacts": [{"First_Name": "Jürgen", "Last_Name": "Vogel",
                                    "Email": "j.vogel@mueller.example"}],
                      "Leads": [{"Last_Name": "Rossi", "Company": "Rossi SRL"}],
                      "Deals": [{"Deal_Name": "Müller expansion", "Stage": "Qualification"}],
                      "Products": [{"Product_Name": "Widget EU", "Product_Code": "WID-EU"}],
                      "Tasks": [{"Subject": "Prepare Berlin visit"}]})
    return [us, eu]
