"""Each module's standard fields as Zoho CRM ships them (API name, label, data type),
written out here rather than read from the connector's spec, so a connector asking
for a field Zoho does not have is refused as Zoho would.
https://www.zoho.com/crm/developer/docs/api/v8/modules-fields.html
"""

from connectors.zoho.sandbox.store import FieldMeta

LEAD_SOURCES = ("Advertisement", "Cold Call", "Employee Referral", "Online Store", "Partner",
                "Trade Show", "Web Download")
STAGES = ("Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost",
          "Closed Lost to Competition")


def _meta(api_name: str, label: str, kind: str = "text", **options) -> FieldMeta:
    return FieldMeta(api_name, label, kind, **options)


def _system() -> tuple[FieldMeta, ...]:
    return (
        _meta("Owner", "Owner", "ownerlookup"),
        _meta("Created_Time", "Created Time", "datetime", read_only=True),
        _meta("Modified_Time", "Modified Time", "datetime", read_only=True),
        _meta("Created_By", "Created By", "ownerlookup", read_only=True),
        _meta("Modified_By", "Modified By", "ownerlookup", read_only=True),
    )


def _person(prefix: str, zip_name: str) -> tuple[FieldMeta, ...]:
    return (
        _meta("Salutation", "Salutation", "picklist", picklist=("Mr.", "Mrs.", "Ms.", "Dr.")),
        _meta("First_Name", "First Name", length=40),
        _meta("Last_Name", "Last Name", mandatory=True, length=80),
        _meta("Full_Name", "Full Name", read_only=True),
        _meta("Email", "Email", "email", length=100),
        _meta("Secondary_Email", "Secondary Email", "email", length=100),
        _meta("Phone", "Phone", "phone", length=30),
        _meta("Mobile", "Mobile", "phone", length=30),
        _meta("Fax", "Fax", "phone", length=30),
        _meta(f"{prefix}Street", "Street", length=250),
        _meta(f"{prefix}City", "City", length=100),
        _meta(f"{prefix}State", "State", length=100),
        _meta(zip_name, "Zip Code", length=30),
        _meta(f"{prefix}Country", "Country", length=100),
        _meta("Lead_Source", "Lead Source", "picklist", picklist=LEAD_SOURCES),
        _meta("Description", "Description", "textarea", length=32000),
        _meta("Email_Opt_Out", "Email Opt Out", "boolean"),
    )


STANDARD: dict[str, tuple[FieldMeta, ...]] = {
    "Contacts": (
        *_person("Mailing_", "Mailing_Zip"),
        _meta("Title", "Title", length=100),
        _meta("Department", "Department", length=30),
        _meta("Account_Name", "Account Name", "lookup", lookup="Accounts"),
        _meta("Date_of_Birth", "Date of Birth", "date"),
        *_system(),
    ),
    "Leads": (
        *_person("", "Zip_Code"),
        _meta("Company", "Company", mandatory=True, length=200),
        _meta("Designation", "Title", length=100),
        _meta("Website", "Website", "website", length=255),
        _meta("Industry", "Industry", "picklist", picklist=("Technology", "Retail",
                                                            "Manufacturing")),
        _meta("Lead_Status", "Lead Status", "picklist", picklist=(
            "Not Contacted", "Attempted to Contact", "Contact in Future", "Contacted",
            "Junk Lead", "Lost Lead", "Not Qualified", "Pre-Qualified")),
        *_system(),
    ),
    "Accounts": (
        _meta("Account_Name", "Account Name", mandatory=True, length=200),
        _meta("Account_Number", "Account Number", "bigint"),
        _meta("Website", "Website", "website", length=255),
        _meta("Phone", "Phone", "phone", length=30),
        _meta("Industry", "Industry", "picklist", picklist=(
            "Technology", "Retail", "Manufacturing", "Education", "Financial Services",
            "Government/Military")),
        _meta("Employees", "Employees", "integer"),
        _meta("Annual_Revenue", "Annual Revenue", "currency"),
        _meta("Billing_Street", "Billing Street", length=250),
        _meta("Billing_City", "Billing City", length=100),
        _meta("Billing_State", "Billing State", length=100),
        _meta("Billing_Country", "Billing Country", length=100),
        _meta("Description", "Description", "textarea", length=32000),
        *_system(),
    ),
    "Deals": (
        _meta("Deal_Name", "Deal Name", mandatory=True, length=120),
        _meta("Amount", "Amount", "currency"),
        _meta("Stage", "Stage", "picklist", mandatory=True, picklist=STAGES),
        _meta("Probability", "Probability (%)", "integer"),
        _meta("Closing_Date", "Closing Date", "date"),
        _meta("Account_Name", "Account Name", "lookup", lookup="Accounts"),
        _meta("Contact_Name", "Contact Name", "lookup", lookup="Contacts"),
        _meta("Lead_Source", "Lead Source", "picklist", picklist=LEAD_SOURCES),
        _meta("Description", "Description", "textarea", length=32000),
        *_system(),
    ),
    "Products": (
        _meta("Product_Name", "Product Name", mandatory=True, length=120),
        _meta("Product_Code", "Product Code", unique=True, length=40),
        _meta("Unit_Price", "Unit Price", "currency"),
        _meta("Qty_in_Stock", "Qty in Stock", "double"),
        _meta("Product_Active", "Product Active", "boolean"),
        _meta("Product_Category", "Product Category", "picklist", picklist=(
            "Hardware", "Software", "CRM Applications")),
        _meta("Description", "Description", "textarea", length=32000),
        *_system(),
    ),
    "Tasks": (
        _meta("Subject", "Subject", mandatory=True, length=255),
        _meta("Due_Date", "Due Date", "date"),
        _meta("Status", "Status", "picklist", picklist=(
            "Not Started", "Deferred", "In Progress", "Completed", "Waiting for input")),
        _meta("Priority", "Priority", "picklist", picklist=(
            "High", "Highest", "Low", "Lowest", "Normal")),
        _meta("Description", "Description", "textarea", length=32000),
        _meta("Send_Notification_Email", "Send Notification Email", "boolean"),
        *_system(),
    ),
}
