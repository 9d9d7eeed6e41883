"""Salesforce as a third-party app: REST API (SOQL, sObject Collections), OAuth 2 with PKCE."""

from connectors.salesforce.connector import SalesforceConnector

__all__ = ["SalesforceConnector"]
