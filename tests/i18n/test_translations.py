"""The whole UI ships in English and Brazilian Portuguese.

Fails when a template shows text outside the translation tags, when a template or
Python message (the product's, or a connector's label marked in connectors/) has no
Portuguese translation in the committed catalog, when a translation loses a
placeholder (which would break the page it is on), or when a brand name loses its
article ("em Pipedrive" reads "no Pipedrive" in Brazil). test_connector_texts.py
adds what connectors' specs declare.
"""

import ast
import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
PYTHON = sorted(p for p in (ROOT / "syncapp").rglob("*.py") if "migrations" not in p.parts)
# A connector's labels, options and listing texts, marked by connectors/sdk/text.py.
PYTHON += sorted((ROOT / "connectors").rglob("*.py"))
# Words that read the same in both languages: the product's name, "ID", and the
# page class one template passes to its layout.
SAME_IN_EVERY_LANGUAGE = {"Syncapp", "ID", "page-auth", "#", "·"}
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt|label)\s*=\s*"([^"]*)"')
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
                 "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
# A brand, or a placeholder that is filled with one (every app's name is masculine in
# Portuguese: o Pipedrive, o HubSpot, o Dynamics 365, o Salesforce, o Syncapp).
BRAND = (r"(?:Syncapp|Pipedrive|HubSpot|Dynamics|Dataverse|Salesforce"
         r"|%\((?:app|app_name|vendor|source|target|side|won|winner|other)\)s)")
BRAND_WITHOUT_ARTICLE = re.compile(
    rf"\b(?:[Ee]m|[Dd]e|[Pp]ara|[Cc]om|[Ee]ntre|[Pp]or) {BRAND}"  # em → no, de → do, …
    rf"|(?:^|[.;:!?(] ){BRAND} [a-záéíóúâêôãõç]")  # a sentence opening on one: "O Syncapp …"


def catalog() -> dict:
    return trans_real.translation("pt-br")._catalog


def translated(msgid: str, context: str | None = None, plural: bool = False) -> bool:
    key = f"{context}\x04{msgid}" if context else msgid
    return (key, 0) in catalog() if plural else key in catalog()


def text_outside_tags(source: str) -> list[str]:
    """What a person would read that no translation tag covers."""
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source, flags=re.S)
    source = re.sub(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", "",
                    source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", "", source, flags=re.S)
    pieces = VISIBLE_ATTRIBUTES.findall(source)
    text = re.sub(r"&[#\w]+;", " ", re.sub(r"<[^>]*>", "\n", source))
    pieces += text.splitlines()
    return [piece.strip() for piece in pieces
            if re.search(r"[A-Za-z]", piece) and not set(piece.split()) <= SAME_IN_EVERY_LANGUAGE]


def template_messages(path: Path) -> list[tuple[str, str | None, bool]]:
    """(msgid, context, plural) of every translation tag in a template."""
    template = engines["django"].engine.from_string(path.read_text())
    found = []
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        if getattr(var, "literal", None) is not None and isinstance(var.literal, str):
            found.append((var.literal, _context(node), False))
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        found.append((node.render_token_list(node.singular)[0], _context(node),
                      bool(node.plural)))
    return found


def _context(node) -> str | None:
    if not node.message_context:
        return None
    var = node.message_context.var  # a quoted context is the string itself
    return str(getattr(var, "literal", var))


@cache  # several checks read every file's messages
def python_messages(path: Path) -> list[tuple[str, str | None, bool]]:
    found = []
    for call in ast.walk(ast.parse(path.read_text())):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        strings = [a.value for a in call.args
                   if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if not strings:
            continue
        context = strings.pop(0) if name.startswith(("pgettext", "npgettext")) else None
        if strings:
            found.append((strings[0], context, name.startswith(("ngettext", "npgettext"))))
    return found


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", TEMPLATES, ids=_relative)
def test_templates_show_no_text_outside_translation_tags(path):
    assert text_outside_tags(path.read_text()) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=_relative)
def test_every_template_message_has_a_portuguese_translation(path):
    missing = [m for m, context, plural in template_messages(path)
               if not translated(m, context, plural)]
    assert missing == []


def test_every_python_message_has_a_portuguese_translation():
    missing = [f"{_relative(path)}: {m!r}" for path in PYTHON
               for m, context, plural in python_messages(path)
               if not translated(m, context, plural)]
    assert missing == []


def test_translations_keep_every_placeholder():
    ours = {m for path in TEMPLATES for m, _c, plural in template_messages(path) if not plural}
    ours |= {m for path in PYTHON for m, _c, plural in python_messages(path) if not plural}
    broken = [(m, catalog()[m]) for m in sorted(m for m in ours if m in catalog())
              if sorted(PLACEHOLDER.findall(catalog()[m])) != sorted(PLACEHOLDER.findall(m))]
    assert broken == []


def portuguese_texts() -> list[str]:
    """The Portuguese of every message of ours, each plural form included."""
    ours = {m for path in TEMPLATES for m in template_messages(path)}
    ours |= {m for path in PYTHON for m in python_messages(path)}
    texts = []
    for msgid, context, plural in ours:
        key = f"{context}\x04{msgid}" if context else msgid
        texts += [catalog()[k] for k in ([(key, 0), (key, 1)] if plural else [key])
                  if k in catalog()]
    return texts


def test_brand_names_keep_their_article():
    bare = [t for t in portuguese_texts() if BRAND_WITHOUT_ARTICLE.search(t)]
    assert bare == []


def test_months_are_lower_case_and_counts_agree_in_number():
    day = dt.date(2026, 12, 6)
    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate count counter=n context 'count of records' %}"
        "Updated{% plural %}Updated{% endblocktranslate %} · {% blocktranslate count "
        "counter=n with n=n %}Restore {{ n }} record{% plural %}Restore all {{ n }}"
        "{% endblocktranslate %}")
    with translation.override("pt-br"):
        assert date_format(day) == "6 de dezembro de 2026"
        assert date_format(day, "N j") == "dez. 6"
        assert template.render({"n": 1}) == "Atualizado · Restaurar 1 registro"
        assert template.render({"n": 2}) == "Atualizados · Restaurar todos os 2"


def test_one_wording_for_both_ways():
    assert [t for t in portuguese_texts() if "duas direções" in t or "uma direção" in t] == []


def test_the_articles_labels_are_the_ones_shown():
    with translation.override("pt-br"):
        labels = [translation.gettext(m) for m in (
            "Install app", "Set up sync", "Save and sync", "Resync all",
            "Restore all deleted records", "Edit columns", "Sync overview")]
    assert labels == [
        "Instalar aplicativo", "Configurar sincronização", "Salvar e sincronizar",
        "Sincronizar novamente tudo", "Restaurar todos os registros excluídos",
        "Editar colunas", "Visão geral da sincronização"]


def test_the_checks_catch_what_they_are_for():
    """The template check sees bare text and attributes; the catalog lookup sees a gap."""
    assert text_outside_tags('<p title="Hello">{% translate "x" %} Bye</p>') == ["Hello", "Bye"]
    assert text_outside_tags("<h1>{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}</h1>") == []
    assert not translated("A message nobody wrote")
    for bare in ("Excluído em Pipedrive", "de Pipedrive para Syncapp", "Syncapp prevalece",
                 "Sincroniza com %(app)s.", "Feito. %(app)s recusou."):
        assert BRAND_WITHOUT_ARTICLE.search(bare), bare
    for good in ("Excluído no Pipedrive", "do Pipedrive para o Syncapp", "O Syncapp prevalece",
                 "Syncapp → %(app)s", "Syncapp", "calculada pelo Syncapp"):
        assert not BRAND_WITHOUT_ARTICLE.search(good), good


@pytest.mark.django_db
def test_the_browsers_language_chooses_and_the_user_menu_switches(client):
    brazilian = {"HTTP_ACCEPT_LANGUAGE": "pt-BR,pt;q=0.9,en;q=0.5"}
    page = client.get("/accounts/login/", **brazilian).content.decode()
    assert '<html lang="pt-br">' in page and ">Entrar<" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, **brazilian)
    page = client.get("/accounts/login/", **brazilian).content.decode()
    assert '<html lang="en">' in page and ">Log in<" in page
