"""What the Dataverse sandbox tests share: the OData headers every request carries."""

HEADERS = {"OData-Version": "4.0", "OData-MaxVersion": "4.0", "Accept": "application/json"}
