"""A connector's texts in the reader's language.

A spec declares its labels, options, tagline and description in English and marks
them for the catalog (connectors/sdk/text.py: connectors stay free of Django). They
are translated here, where the product shows them, and only there: the spec keeps
the English, so nothing sent to or read from a vendor changes with the language.

A vendor's custom field reaches the same pages with its own label, which is passed
through unchanged unless the catalog happens to know it.
"""

from django.utils.translation import gettext, pgettext

from connectors.sdk import ConnectorSpec


def shown(text: str) -> str:
    """A spec's English text (a label, an option, a tagline) in the active language,
    under the context it was marked with (connectors.sdk.text.pgettext), if any."""
    if not text:
        return text
    context = getattr(text, "context", "")
    return pgettext(context, text) if context else gettext(text)


def object_label(spec: ConnectorSpec, app_object: str, default: str = "") -> str:
    """What the app calls `app_object` ("Pessoas" for Pipedrive's persons in pt-BR)."""
    found = next((o for o in spec.objects if o.name == app_object), None)
    return shown(found.label) if found is not None else (default or app_object)


def object_labels(spec: ConnectorSpec) -> dict[str, str]:
    return {o.name: shown(o.label) for o in spec.objects}


def spec_texts(spec: ConnectorSpec) -> list[str]:
    """Every text `spec` declares for people to read (tests/i18n checks each is translated)."""
    texts = [spec.tagline, spec.description]
    for obj in spec.objects:
        texts.append(obj.label)
        texts += [a.label for a in obj.associations]
        for field in obj.fields:
            texts.append(field.label)
            texts += [option.label for option in field.options]
    return [text for text in texts if text]
