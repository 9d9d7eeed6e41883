"""The sandbox's table definitions: what a fresh Dynamics 365 environment holds.

Written from Microsoft's table references, independently of the connector's
spec, so that a wrong column name in the connector fails against the sandbox
the way it would against Dataverse. Each table also has custom columns with a
publisher prefix (`new_`, `cr123_`), as an environment in use does.
https://learn.microsoft.com/power-apps/developer/data-platform/reference/about-entity-reference
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string memo int decimal money date datetime bool choice guid
    max_length: int = 0
    options: dict[int, str] = field(default_factory=dict)
    label: str = ""
    custom: bool = False
    writable: bool = True
    date_only: bool = False


@dataclass(frozen=True)
class LookupColumn:
    name: str
    navigations: dict[str, str]  # navigation property -> target logical name


@dataclass(frozen=True)
class Table:
    logical: str
    set_name: str
    primary_id: str
    columns: dict[str, Column]
    lookups: dict[str, LookupColumn] = field(default_factory=dict)
    unique: tuple[str, ...] = ()
    autonumber: tuple[str, str] | None = None  # (column, prefix)
    has_state: bool = True
    can_create_attributes: bool = True

    @property
    def schema_name(self) -> str:
        return self.logical.capitalize()

    def navigation(self, nav: str) -> tuple[LookupColumn, str] | None:
        for lookup in self.lookups.values():
            if nav in lookup.navigations:
                return lookup, lookup.navigations[nav]
        return None


def s(name, length, label="", **kw):
    return Column(name, "string", max_length=length, label=label or name, **kw)


def memo(name, length=2000, label="", **kw):
    return Column(name, "memo", max_length=length, label=label or name, **kw)


def col(name, kind, label="", **kw):
    return Column(name, kind, label=label or name, **kw)


def choice(name, options, label="", **kw):
    return Column(name, "choice", options=dict(options), label=label or name, **kw)


def numbered(*labels, start=1):
    return dict(enumerate(labels, start=start))


SYSTEM = (
    col("createdon", "datetime", "Created On", writable=False),
    col("modifiedon", "datetime", "Modified On", writable=False),
    col("versionnumber", "int", "Version Number", writable=False),
)
ADDRESS = (
    s("address1_line1", 250, "Address 1: Street 1"), s("address1_city", 80, "Address 1: City"),
    s("address1_stateorprovince", 50, "Address 1: State/Province"),
    s("address1_postalcode", 20, "Address 1: ZIP/Postal Code"),
    s("address1_country", 80, "Address 1: Country/Region"),
)
PERSON = (
    s("firstname", 50, "First Name"), s("lastname", 50, "Last Name"),
    s("fullname", 160, "Full Name", writable=False), s("emailaddress1", 100, "Email"),
    s("telephone1", 50, "Business Phone"), s("mobilephone", 50, "Mobile Phone"),
    s("jobtitle", 100, "Job Title"), s("websiteurl", 200, "Website"), *ADDRESS,
    memo("description", label="Description"),
)
TIERS = {100000000: "Bronze", 100000001: "Silver", 100000002: "Gold"}
STATES = {0: "Active", 1: "Inactive"}
ACTIVITY_STATES = {0: "Open", 1: "Completed", 2: "Canceled"}


def table(logical, set_name, primary_id, *columns, lookups=(), states=STATES, **kw) -> Table:
    state = () if not kw.get("has_state", True) else (
        choice("statecode", states, "Status", writable=False),)
    everything = (col(primary_id, "guid", writable=True), *columns, *SYSTEM, *state)
    return Table(logical, set_name, primary_id, {c.name: c for c in everything},
                 {lk.name: lk for lk in lookups}, **kw)


def regarding(activity: str) -> LookupColumn:
    return LookupColumn("regardingobjectid", {
        f"regardingobjectid_{target}_{activity}": target
        for target in ("contact", "account", "opportunity")
    })


def activity(name, *columns, custom: Column) -> Table:
    return table(
        name, f"{name}s", "activityid",
        s("subject", 200, "Subject"), memo("description", label="Description"), *columns,
        choice("prioritycode", {0: "Low", 1: "Normal", 2: "High"}, "Priority"), custom,
        lookups=(regarding(name),), states=ACTIVITY_STATES,
    )


TABLES: dict[str, Table] = {t.set_name: t for t in (
    table("contact", "contacts", "contactid", *PERSON,
          col("birthdate", "date", "Birthday", date_only=True),
          col("donotemail", "bool", "Do not allow Emails"),
          col("donotbulkemail", "bool", "Do not allow Bulk Emails"),
          choice("preferredcontactmethodcode", numbered("Any", "Email", "Phone", "Fax", "Mail"),
                 "Preferred Method of Contact"),
          choice("new_loyaltytier", TIERS, "Loyalty Tier", custom=True),
          s("cr123_preferredchannel", 100, "Preferred Channel", custom=True),
          lookups=(LookupColumn("parentcustomerid", {"parentcustomerid_account": "account",
                                                     "parentcustomerid_contact": "contact"}),)),
    table("account", "accounts", "accountid",
          s("name", 160, "Account Name"), s("accountnumber", 20, "Account Number"),
          s("websiteurl", 200, "Website"), s("telephone1", 50, "Main Phone"),
          s("emailaddress1", 100, "Email"), choice("industrycode", numbered(*[
              f"Industry {n}" for n in range(1, 34)]), "Industry"),
          col("numberofemployees", "int", "Number of Employees"),
          col("revenue", "money", "Annual Revenue"), *ADDRESS,
          memo("description", label="Description"),
          s("new_region", 100, "Sales Region", custom=True),
          lookups=(LookupColumn("primarycontactid", {"primarycontactid": "contact"}),)),
    table("lead", "leads", "leadid", s("subject", 300, "Topic"), *PERSON,
          s("companyname", 100, "Company Name"),
          choice("leadsourcecode", numbered(*[f"Source {n}" for n in range(1, 11)]),
                 "Lead Source"),
          choice("leadqualitycode", numbered("Hot", "Warm", "Cold"), "Rating"),
          col("new_leadscore", "int", "Lead Score", custom=True),
          lookups=(LookupColumn("parentaccountid", {"parentaccountid": "account"}),
                   LookupColumn("parentcontactid", {"parentcontactid": "contact"})),
          states={0: "Open", 1: "Qualified", 2: "Disqualified"}),
    table("opportunity", "opportunities", "opportunityid", s("name", 300, "Topic"),
          col("estimatedvalue", "money", "Est. Revenue"),
          col("estimatedclosedate", "date", "Est. Close Date", date_only=True),
          col("closeprobability", "int", "Probability"),
          choice("salesstage", {0: "Qualify", 1: "Develop", 2: "Propose", 3: "Close"},
                 "Sales Stage"),
          s("stepname", 200, "Pipeline Phase"), memo("description", label="Description"),
          s("new_competitor", 100, "Main Competitor", custom=True),
          lookups=(LookupColumn("parentaccountid", {"parentaccountid": "account"}),
                   LookupColumn("parentcontactid", {"parentcontactid": "contact"})),
          states={0: "Open", 1: "Won", 2: "Lost"}),
    table("product", "products", "productid", s("name", 100, "Name"),
          s("productnumber", 100, "Product ID"), col("price", "money", "List Price"),
          col("standardcost", "money", "Standard Cost"),
          col("currentcost", "money", "Current Cost"),
          col("quantitydecimal", "int", "Decimals Supported"),
          memo("description", label="Description"),
          col("new_warrantymonths", "int", "Warranty (months)", custom=True),
          unique=("productnumber",)),
    table("invoice", "invoices", "invoiceid", s("name", 300, "Name"),
          s("invoicenumber", 100, "Invoice ID", writable=False),
          col("totalamount", "money", "Total Amount", writable=False),
          col("duedate", "date", "Due Date", date_only=True),
          col("datedelivered", "date", "Date Delivered", date_only=True),
          memo("description", label="Description"),
          s("new_ponumber", 100, "Purchase Order Number", custom=True),
          lookups=(LookupColumn("customerid", {"customerid_account": "account",
                                               "customerid_contact": "contact"}),),
          autonumber=("invoicenumber", "INV-"),
          states={0: "Active", 1: "Closed", 2: "Paid", 3: "Canceled"}),
    table("incident", "incidents", "incidentid", s("title", 200, "Case Title"),
          s("ticketnumber", 100, "Case Number", writable=False),
          memo("description", label="Description"),
          choice("prioritycode", numbered("High", "Normal", "Low"), "Priority"),
          choice("caseorigincode", numbered("Phone", "Email", "Web"), "Origin"),
          choice("casetypecode", numbered("Question", "Problem", "Request"), "Case Type"),
          memo("new_escalationreason", label="Escalation Reason", custom=True),
          lookups=(LookupColumn("customerid", {"customerid_account": "account",
                                               "customerid_contact": "contact"}),),
          autonumber=("ticketnumber", "CAS-"),
          states={0: "Active", 1: "Resolved", 2: "Cancelled"}),
    activity("phonecall", s("phonenumber", 200, "Phone Number"),
             col("directioncode", "bool", "Direction"), col("scheduledend", "datetime", "Due"),
             col("actualdurationminutes", "int", "Duration"),
             custom=s("new_callresult", 100, "Call Result", custom=True)),
    activity("email", col("directioncode", "bool", "Direction"),
             col("actualend", "datetime", "Actual End"),
             col("senton", "datetime", "Date Sent", writable=False),
             custom=s("new_campaigncode", 50, "Campaign Code", custom=True)),
    activity("task", col("scheduledend", "datetime", "Due Date"),
             col("percentcomplete", "int", "Percent Complete"),
             custom=col("new_effortestimate", "decimal", "Effort Estimate (hours)", custom=True)),
    activity("appointment", col("scheduledstart", "datetime", "Start Time"),
             col("scheduledend", "datetime", "End Time"), s("location", 200, "Location"),
             col("isalldayevent", "bool", "All Day Event"),
             custom=s("new_meetingurl", 200, "Meeting Link", custom=True)),
    table("annotation", "annotations", "annotationid", s("subject", 500, "Title"),
          memo("notetext", 100000, "Description"),
          lookups=(LookupColumn("objectid", {"objectid_contact": "contact",
                                             "objectid_account": "account",
                                             "objectid_opportunity": "opportunity"}),),
          has_state=False, can_create_attributes=False),
    table("organization", "organizations", "organizationid", s("name", 160, "Name")),
)}

BY_LOGICAL = {t.logical: t for t in TABLES.values()}
