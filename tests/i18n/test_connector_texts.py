"""What a connector shows people reads in Portuguese too.

A spec's labels, options, tagline and description are English, marked for the
catalog in connectors/ (connectors/sdk/text.py) and translated where the product
shows them (syncapp/integrations/texts.py). Fails when a text a spec declares is not
marked (makemessages would not see it), has no Portuguese translation or one that
is still the English, or when an app's page in pt-BR still shows one in English (or
the hub's own lifecycle stages, which its rows keep in English too).
test_translations.py checks the same catalog entries keep placeholders and brand
articles.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from connectors.sdk import Field, ObjectSpec, registry
from connectors.sdk.text import _, pgettext
from syncapp.integrations.texts import shown, spec_texts
from tests.i18n.test_translations import ROOT, catalog, python_messages

CONNECTORS = sorted((ROOT / "connectors").rglob("*.py"))
# What Brazilians read as it is written in English, in the vendors' own pt-BR UIs.
SAME_IN_PORTUGUESE = {"Fax", "Lead", "Leads", "Normal", "Pipeline", "SKU", "Status", "Web"}
BRAZILIAN = {"HTTP_ACCEPT_LANGUAGE": "pt-BR,pt;q=0.9"}


def declared() -> dict[tuple[str | None, str], str]:
    """(context, English) of every text an installed connector's spec declares -> app."""
    found = {}
    for key, cls in registry.connectors().items():
        for text in spec_texts(cls.spec):
            found[(getattr(text, "context", "") or None, str(text))] = key
    return found


def marked() -> set[tuple[str | None, str]]:
    return {(context, msgid) for path in CONNECTORS
            for msgid, context, _plural in python_messages(path)}


def untranslated(texts) -> list[str]:
    """The texts without a Portuguese translation other than the English itself."""
    missing = []
    for context, text in texts:
        portuguese = catalog().get(f"{context}\x04{text}" if context else text)
        if portuguese is None or (portuguese == text and text not in SAME_IN_PORTUGUESE):
            missing.append(f"{context or ''}|{text}")
    return sorted(missing)


def test_every_text_a_spec_declares_is_marked_for_the_catalog():
    assert sorted(set(declared()) - marked()) == []


def test_every_text_a_spec_declares_reads_in_portuguese():
    assert untranslated(declared()) == []


def test_the_vendors_own_portuguese_words_are_the_ones_shown():
    spec = {key: cls.spec for key, cls in registry.connectors().items()}
    with translation.override("pt-br"):
        objects = {key: [shown(o.label) for o in s.objects] for key, s in spec.items()}
        persons = spec["pipedrive"].object("persons")
        lifecycle = spec["hubspot"].object("contacts").field("lifecyclestage")
        stages = {option.value: option.label for option in lifecycle.options}
        assert [shown(persons.field(f).label) for f in ("first_name", "job_title")] == [
            "Nome", "Cargo"]
        assert [shown(stages[v]) for v in ("subscriber", "marketingqualifiedlead",
                                           "customer")] == [
            "Assinante", "Lead qualificado para marketing", "Cliente"]
    assert objects["pipedrive"][:4] == ["Pessoas", "Organizações", "Negócios", "Produtos"]
    assert objects["hubspot"][:5] == ["Contatos", "Empresas", "Negócios", "Produtos",
                                      "Tíquetes"]
    assert objects["dynamics"][:4] == ["Contatos", "Contas", "Clientes potenciais",
                                       "Oportunidades"]
    # The spec keeps the English: it is what the connector's own code and errors use.
    assert spec["pipedrive"].object("persons").label == "Persons"


def test_the_checks_catch_a_label_nobody_translated():
    toy = ObjectSpec("toys", _("Toy boxes"), "contact", (Field("t", _("Toy colour")),))
    texts = {(None, t) for t in spec_texts(
        type(registry.get("pipedrive").spec)(**{**vars(registry.get("pipedrive").spec),
                                               "objects": (toy,)}))}
    assert {"|Toy boxes", "|Toy colour"} <= set(untranslated(texts))
    assert untranslated({(None, "Status"), ("dynamics", "Leads")}) == []
    assert untranslated({("hubspot", "Leads")}) == ["hubspot|Leads"]
    assert getattr(pgettext("hubspot", "Notes"), "context", "") == "hubspot"


def visible_texts(page: str) -> set[str]:
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", "", page, flags=re.S)
    return {piece.strip() for piece in re.split(r"<[^>]*>", page) if piece.strip()}


@pytest.mark.django_db
def test_an_apps_pages_in_portuguese_show_no_english_from_its_spec(admin_client):
    pages = visible_texts(admin_client.get(reverse("integrations:marketplace"),
                                           **BRAZILIAN).content.decode())
    english = set()
    for key, cls in registry.connectors().items():
        pages |= visible_texts(admin_client.get(reverse("integrations:listing", args=[key]),
                                                **BRAZILIAN).content.decode())
        spec = cls.spec
        texts = (spec.tagline, spec.description, *(o.label for o in spec.objects))
        # Not the product's own words for the same English ("Tickets" in Syncapp).
        english |= {str(t) for t in texts if catalog().get(str(t), t) != t}
    assert sorted(english & pages) == []
    assert "Pessoas" in pages and "Tíquetes" in pages and "Clientes potenciais" in pages
    grid = admin_client.get(reverse("integrations:marketplace"), {"q": "clientes potenc"},
                            HTTP_HX_REQUEST="true", **BRAZILIAN).content.decode()
    assert "Microsoft Dynamics 365" in grid and "Pipedrive" not in grid  # words they read


@pytest.mark.django_db
def test_lifecycle_stages_read_in_portuguese_on_the_contact_form_and_record(admin_client):
    """The hub's default options keep their English in the row, like the vendors'."""
    form = admin_client.get(reverse("crm:create", args=["contact"]), **BRAZILIAN)
    shown = visible_texts(form.content.decode())
    assert {"Assinante", "Lead qualificado para marketing", "Cliente"} <= shown
    assert {"Subscriber", "Marketing qualified lead", "Customer"} & shown == set()
