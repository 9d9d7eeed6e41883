"""What the marketplace shows of an app, derived from its connector's spec."""

import re
from dataclasses import dataclass

from django.urls import reverse

from connectors.sdk import Connector
from syncapp.crm.schema import ObjectType
from syncapp.integrations.texts import shown


@dataclass(frozen=True)
class ObjectPairing:
    app_label: str
    hub_label: str


@dataclass(frozen=True)
class AppCard:
    key: str
    name: str
    tagline: str
    description: str
    logo_url: str
    objects: tuple[ObjectPairing, ...]
    scopes: tuple[str, ...]
    docs_url: str
    auth_kind: str = "oauth2"  # "dsn": the admin types a connection string instead

    @property
    def hub_objects(self) -> list[str]:
        seen: list[str] = []
        for pairing in self.objects:
            if pairing.hub_label not in seen:
                seen.append(pairing.hub_label)
        return seen


def _hub_label(hub_object: str) -> str:
    try:
        return str(ObjectType(hub_object).label)
    except ValueError:
        return hub_object


def app_card(cls: type[Connector]) -> AppCard:
    spec = cls.spec
    return AppCard(
        key=spec.key, name=spec.name, tagline=shown(spec.tagline),
        description=shown(spec.description),
        logo_url=reverse("integrations:logo", args=[spec.key]),
        objects=tuple(ObjectPairing(shown(o.label), _hub_label(o.hub_object))
                      for o in spec.objects),
        scopes=spec.auth.scopes, docs_url=spec.docs_url, auth_kind=spec.auth.kind,
    )


def search_apps(classes, query: str) -> list[type[Connector]]:
    """Apps where every word of `query` begins a word of the app's name, tagline,
    description or objects, in English or the reader's language ("pipe" finds Pipedrive;
    "pesso" finds it in pt-BR; "toy" does not find "factory")."""
    wanted = query.lower().split()

    def words(cls) -> list[str]:
        spec = cls.spec
        parts = [spec.name, spec.tagline, spec.description]
        parts += [f"{o.label} {o.hub_object}" for o in spec.objects]
        parts += [shown(text) for text in (spec.tagline, spec.description)]
        parts += [shown(o.label) for o in spec.objects]
        return re.findall(r"\w+", " ".join(parts).lower())

    def matches(cls) -> bool:
        vocabulary = words(cls)
        return all(any(word.startswith(w) for word in vocabulary) for w in wanted)

    return [cls for cls in classes if matches(cls)]
