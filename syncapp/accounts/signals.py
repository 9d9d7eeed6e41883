"""What accounts tell the apps built on them, without knowing who listens."""

from enum import StrEnum

from django.dispatch import Signal

# A portal was created, inside the creating transaction. Argument: portal. The CRM
# installs its default properties (syncapp/crm/defaults.py).
portal_created = Signal()


class MemberAction(StrEnum):
    """What `member_changed` says happened (the audit log's actions of the same names)."""

    INVITE_SENT = "invite_sent"
    INVITE_RESENT = "invite_resent"
    INVITE_ACCEPTED = "invite_accepted"
    INVITE_REVOKED = "invite_revoked"
    ROLE_CHANGED = "role_changed"
    MEMBER_REMOVED = "member_removed"


# A person acted on a portal's people (syncapp/accounts/members.py), inside the action's
# own transaction, so what a listener writes rolls back with the action. Arguments: by
# (the request or user acting), action (a MemberAction), obj (the Invitation or
# Membership), changes (a dict), actor (the person when `by` is not signed in yet),
# label (their e-mail). The audit log records it (syncapp/audit/signals.py).
member_changed = Signal()

# A failed sign-in started a lockout (syncapp/accounts/forms.py). Arguments: request,
# username, changes. The audit log records it; Django's `user_login_failed` announces
# the other failures.
lockout_started = Signal()
