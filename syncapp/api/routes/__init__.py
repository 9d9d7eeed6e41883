"""The API's operations, one module per product area (see syncapp/api/api.py)."""
