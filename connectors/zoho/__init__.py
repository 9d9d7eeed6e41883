"""Zoho CRM (API v8): contacts, leads, accounts, deals, products and tasks."""

from connectors.zoho.connector import ZohoConnector

__all__ = ["ZohoConnector"]
