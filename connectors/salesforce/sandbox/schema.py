"""The sandbox org's objects and fields, as describe reports them.

Each field has its SOAP type name (describe's `type`), whether Salesforce requires it
on create, whether a person's profile may write it, and, for picklists, its values
(restricted ones refuse others). A few custom fields (…__c) per object give the
connector something to discover: a unique external id, and a validation rule.
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SField:
    name: str
    type: str = "string"
    label: str = ""
    required: bool = False
    read_only: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    length: int = 255

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")


def F(name, type="string", label="", **flags) -> SField:  # noqa: N802 - a table
    return SField(name, type, label or name, **flags)


SYSTEM = (
    F("Id", "id", "Record ID", read_only=True, length=18),
    F("IsDeleted", "boolean", "Deleted", read_only=True),
    F("CreatedDate", "datetime", "Created Date", read_only=True),
    F("LastModifiedDate", "datetime", "Last Modified Date", read_only=True),
    F("SystemModstamp", "datetime", "System Modstamp", read_only=True),
)
OWNED = (*SYSTEM, F("OwnerId", "reference", "Owner ID", length=18))


def _address(prefix: str) -> tuple[SField, ...]:
    return (F(f"{prefix}Street", "textarea"), F(f"{prefix}City"), F(f"{prefix}State"),
            F(f"{prefix}PostalCode"), F(f"{prefix}Country"))


OBJECTS: dict[str, tuple[str, tuple[SField, ...]]] = {  # name -> (key prefix, fields)
    "Contact": ("003", (
        *OWNED, F("FirstName"), F("LastName", required=True), F("Email", "email"),
        F("Phone", "phone"), F("MobilePhone", "phone"), F("Title"), F("Department"),
        F("Birthdate", "date"), *_address("Mailing"), F("HasOptedOutOfEmail", "boolean"),
        F("AccountId", "reference", length=18),
        F("External_Id__c", "string", "External ID", unique=True),
        F("Preferred_Language__c", "picklist", "Preferred Language",
          picklist=("English", "Portuguese", "Spanish")),
    )),
    "Lead": ("00Q", (
        *OWNED, F("FirstName"), F("LastName", required=True), F("Company", required=True),
        F("Email", "email"), F("Phone", "phone"), F("MobilePhone", "phone"), F("Title"),
        F("Website", "url"), *_address(""), F("LeadSource", "picklist"),
        F("Status", "picklist", restricted=True, picklist=(
            "Open - Not Contacted", "Working - Contacted", "Closed - Converted",
            "Closed - Not Converted")),
        F("Source_Campaign__c", "string", "Source Campaign"),
    )),
    "Account": ("001", (
        *OWNED, F("Name", required=True), F("Website", "url"), F("Phone", "phone"),
        F("Industry", "picklist"), F("NumberOfEmployees", "int"),
        F("AnnualRevenue", "currency"), *_address("Billing"),
        F("Description", "textarea", length=32000),
        F("Tier__c", "picklist", "Tier", picklist=("Gold", "Silver", "Bronze")),
    )),
    "Opportunity": ("006", (
        *OWNED, F("Name", required=True), F("Amount", "currency"),
        F("CloseDate", "date", required=True),
        F("StageName", "picklist", "Stage", required=True, restricted=True, picklist=(
            "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
            "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")),
        F("Probability", "percent"), F("Description", "textarea", length=32000),
        F("AccountId", "reference", length=18),
        F("Forecast_Note__c", "textarea", "Forecast Note"),
    )),
    "Product2": ("01t", (
        *SYSTEM, F("Name", required=True), F("ProductCode"),
        F("Description", "textarea", length=4000), F("Family", "picklist"),
        F("IsActive", "boolean"), F("Warranty_Months__c", "double", "Warranty (months)"),
    )),
    "Case": ("500", (
        *OWNED, F("Subject"), F("Description", "textarea", length=32000),
        F("Status", "picklist", restricted=True,
          picklist=("New", "Working", "Escalated", "Closed")),
        F("Priority", "picklist", picklist=("High", "Medium", "Low")),
        F("Origin", "picklist", picklist=("Phone", "Email", "Web")),
        F("ContactId", "reference", length=18), F("AccountId", "reference", length=18),
        F("SLA_Breached__c", "boolean", "SLA Breached"),
    )),
    "Task": ("00T", (
        *OWNED, F("Subject"), F("Description", "textarea", length=32000),
        F("ActivityDate", "date"),
        F("Status", "picklist", restricted=True, picklist=(
            "Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")),
        F("Priority", "picklist", restricted=True, picklist=("High", "Normal", "Low")),
        F("WhoId", "reference", length=18), F("WhatId", "reference", length=18),
        F("Call_Score__c", "double", "Call Score"),
    )),
    "Event": ("00U", (
        *OWNED, F("Subject"), F("Description", "textarea", length=32000),
        F("StartDateTime", "datetime", required=True),
        F("EndDateTime", "datetime", required=True), F("Location"),
        F("IsAllDayEvent", "boolean"), F("WhoId", "reference", length=18),
        F("WhatId", "reference", length=18), F("Meeting_Room__c", "string", "Meeting Room"),
    )),
}
# Queryable, not writable: the org itself (account_info reads its name).
READ_ONLY_OBJECTS = {"Organization": ("00D", (*SYSTEM, F("Name", read_only=True)))}
ALL_OBJECTS = {**OBJECTS, **READ_ONLY_OBJECTS}
# Defaults Salesforce fills on create.
DEFAULTS: dict[str, dict[str, object]] = {
    "Lead": {"Status": "Open - Not Contacted"}, "Case": {"Status": "New"},
    "Task": {"Status": "Not Started", "Priority": "Normal"},
    "Product2": {"IsActive": False}}
NUMBER_TYPES = {"double", "currency", "percent", "int"}


def fields_of(object_name: str) -> dict[str, SField]:
    return {f.name: f for f in ALL_OBJECTS[object_name][1]}


def field_named(object_name: str, name: str) -> SField | None:
    """SOQL and JSON field names are case-insensitive."""
    lowered = name.lower()
    return next((f for f in ALL_OBJECTS[object_name][1] if f.name.lower() == lowered), None)


def object_named(name: str) -> str | None:
    lowered = name.lower()
    return next((o for o in ALL_OBJECTS if o.lower() == lowered), None)


def describe(object_name: str, root_path: str, version: str) -> dict:
    """GET sobjects/<type>/describe: the parts of DescribeSObjectResult clients read."""
    prefix, fields = ALL_OBJECTS[object_name]
    writable = object_name in OBJECTS
    base = f"{root_path}/services/data/v{version}/sobjects/{object_name}"
    return {
        "name": object_name, "label": object_name, "labelPlural": f"{object_name}s",
        "keyPrefix": prefix, "custom": False, "createable": writable, "updateable": writable,
        "deletable": writable, "queryable": True, "retrieveable": True,
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
        "fields": [_describe_field(f) for f in fields],
    }


def _describe_field(f: SField) -> dict:
    return {
        "name": f.name, "label": f.label, "type": f.type, "custom": f.custom,
        "length": 0 if f.type in NUMBER_TYPES | {"boolean", "date", "datetime"} else f.length,
        "nillable": not f.required and f.type != "boolean" and f.name != "Id",
        "createable": not f.read_only, "updateable": not f.read_only, "unique": f.unique,
        "externalId": f.unique, "restrictedPicklist": f.restricted,
        "picklistValues": [{"value": v, "label": v, "active": True, "defaultValue": False,
                            "validFor": None} for v in f.picklist],
        "referenceTo": [] if f.type != "reference" else ["User"] if f.name == "OwnerId" else [],
        "soapType": _SOAP.get(f.type, "xsd:string"),
    }


_SOAP = {"id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "date": "xsd:date",
         "datetime": "xsd:dateTime", "double": "xsd:double", "currency": "xsd:double",
         "percent": "xsd:double", "int": "xsd:int"}
