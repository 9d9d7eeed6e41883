"""The English texts a connector shows people, marked for translation.

A spec's labels, options, tagline and description are what the marketplace, the
wizard and the health pages show of an app. Connectors stay free of Django, so a
spec holds them as English strings: the product translates them where it shows them
(syncapp/integrations/texts.py), and a value sent to or read from the vendor's API
never changes with the reader's language.

The markers only let `makemessages` extract a literal into the catalog, where its
translation uses the vendor's own wording in its localised UI (Pipedrive's
"Pessoas", HubSpot's "Contatos"). tests/i18n checks every text a spec declares is
marked and translated.
"""


class InContext(str):
    """An English text whose translation is looked up under `context`: where the
    vendor's word differs from the product's for the same English (Dynamics calls
    leads "Clientes potenciais", the product "Leads")."""

    context: str = ""


def _(text: str) -> str:
    """Mark an English text a person reads (a label, an option, a tagline)."""
    return text


def pgettext(context: str, text: str) -> str:
    """Mark a text whose translation is the vendor's own (`context`: the connector's key)."""
    marked = InContext(text)
    marked.context = context
    return marked
