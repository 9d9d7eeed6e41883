"""Two sandbox orgs, with data that overlaps the demo hub the way real data does: the
same emails in other letter case, a company under a www. website, contacts without
email, a shared phone number."""

from connectors.salesforce.sandbox.store import Org


def seed(sandbox) -> None:
    acme = sandbox.add_account(Org(
        id="00DRO0000001", name="Globex Corporation", login="admin@globex.example",
        password="sandbox",  # noqa: S106 - a public test login
        org_id="00DRO0000000001AAA", user_id="005RO0000000001AAA"))
    sandbox.add_account(Org(
        id="00DRO0000002", name="Initech", login="admin@initech.example",
        password="sandbox",  # noqa: S106 - a public test login
        org_id="00DRO0000000002AAA", user_id="005RO0000000002AAA"))
    globex = acme.create("Account", {"Name": "Globex Corporation",
                                     "Website": "https://www.globex.example",
                                     "Phone": "+1 555 0100", "Industry": "Technology",
                                     "NumberOfEmployees": 1200, "AnnualRevenue": 25000000.0,
                                     "BillingCity": "Springfield", "Tier__c": "Gold"})
    acme.create("Account", {"Name": "Acme Corp", "Website": "acme.example",
                            "BillingCountry": "USA"})
    for n, (first, last, email) in enumerate((
            ("Hank", "Scorpio", "Hank.Scorpio@Globex.example"),
            ("Frank", "Grimes", "frank.grimes@globex.example"),
            ("Mindy", "Simmons", None),
            ("Lenny", "Leonard", "LENNY@sector7g.example"))):
        acme.create("Contact", {"FirstName": first, "LastName": last, "Email": email,
                                "Phone": "+1 555 0100" if n < 2 else None,
                                "AccountId": globex, "External_Id__c": f"EXT-{n}"})
    acme.create("Lead", {"FirstName": "Troy", "LastName": "McClure", "Company": "Self",
                         "Email": "troy@mcclure.example"})
    acme.create("Lead", {"LastName": "Wiggum", "Company": "Springfield PD"})
    acme.create("Opportunity", {"Name": "Doomsday device", "StageName": "Prospecting",
                                "CloseDate": "2027-03-31", "Amount": 1000000.0,
                                "AccountId": globex})
    acme.create("Opportunity", {"Name": "Hammock district", "StageName": "Qualification",
                                "CloseDate": "2027-01-15"})
    acme.create("Product2", {"Name": "Hammock", "ProductCode": "HAM-1", "IsActive": True,
                             "Warranty_Months__c": 12.0})
    acme.create("Product2", {"Name": "Doomsday device", "ProductCode": "DD-9"})
    acme.create("Case", {"Subject": "Laser misaligned", "Priority": "High", "Origin": "Phone"})
    acme.create("Case", {"Subject": "Invoice question", "Status": "Working"})
    acme.create("Task", {"Subject": "Call Hank", "ActivityDate": "2026-12-10"})
    acme.create("Task", {"Subject": "Send proposal", "Status": "In Progress"})
    acme.create("Event", {"Subject": "Demo", "StartDateTime": "2026-12-11T15:00:00.000+0000",
                          "EndDateTime": "2026-12-11T16:00:00.000+0000",
                          "Location": "Cypress Creek"})
    acme.create("Event", {"Subject": "Kick-off", "StartDateTime": "2026-12-14T09:00:00Z",
                          "EndDateTime": "2026-12-14T10:00:00Z"})
