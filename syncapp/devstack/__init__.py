"""`python -m syncapp.devstack run|test`: the whole product on one machine, no setup.

Imports nothing from Django at module level: it runs before Django is
configured, and decides the settings module and the service URLs itself.
"""
