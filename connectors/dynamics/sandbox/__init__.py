"""The Dynamics 365 sandbox, served under /sandbox/dynamics/ when sandboxes are enabled.

See ../BEHAVIOR.md for what it implements; everything else is refused in
Dataverse's error shape."""

from connectors.dynamics.sandbox.app import DynamicsSandbox, create_sandbox

__all__ = ["DynamicsSandbox", "create_sandbox"]
