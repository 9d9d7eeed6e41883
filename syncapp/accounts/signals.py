"""What accounts tell the apps built on them, without knowing who listens."""

from django.dispatch import Signal

# A portal was created, inside the creating transaction. Argument: portal. The CRM
# installs its default properties (syncapp/crm/defaults.py).
portal_created = Signal()
