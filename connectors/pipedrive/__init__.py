"""Pipedrive: persons, organizations, deals, products, activities and notes."""

from connectors.pipedrive.connector import PipedriveConnector

__all__ = ["PipedriveConnector"]
