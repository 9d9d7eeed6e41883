"""The Pipedrive sandbox, served under /sandbox/pipedrive/ when sandboxes are enabled."""

from connectors.pipedrive.sandbox.app import PipedriveSandbox

__all__ = ["PipedriveSandbox"]
