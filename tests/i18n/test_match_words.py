"""The Review step and a record's history say how it was matched in Portuguese too.

The engine writes its matching notes in English and the history keeps them as
written; syncs/match_words.py words each of them again for the page, and the Review
step does the same for why an app write is likely to fail. Fails when a note the
engine or the dry run can write still shows English on a Portuguese page.
"""

import pytest
from django.utils import translation

from syncapp.engine.config import MatchRule
from syncapp.engine.matching import choose
from syncapp.syncs.match_words import in_words
from syncapp.syncs.run.dryrun import NOT_AN_OPTION, READ_ONLY
from syncapp.syncs.wizard.preview import note_words

EMAIL = MatchRule("email", "email", "email_key", "email", "email", 0)
NAME = MatchRule("name", "name", "name_key", "name", "name", 1)
DOMAIN = MatchRule("domain", "domain", "domain_key", "domain", "company domain", 1)
ENGLISH = ("matched by", "found no record", "Duplicate", "share", "linked", " or ",
           "email", "company domain")


def note(keys, found, claimed=()) -> str:
    return choose(keys, found, set(claimed)).note


NOTES = {
    "matched": (note([(EMAIL, "ann@x.com")], {("email_key", "ann@x.com"): [7]}),
                "correspondência por e-mail “ann@x.com”"),
    "matched by a later group": (
        note([(EMAIL, "ann@x.com"), (NAME, "Acme"), (DOMAIN, "acme.com")],
             {("domain_key", "acme.com"): [7]}),
        "correspondência por nome “Acme” ou domínio da empresa “acme.com” "
        "(nenhum registro encontrado por e-mail)"),
    "linked elsewhere": (note([(EMAIL, "a@x.com")], {("email_key", "a@x.com"): [7]}, {7}),
                         "Duplicata: o registro encontrado por e-mail “a@x.com” já está "
                         "vinculado a outro registro; nada foi vinculado nem criado."),
    "shared": (note([(EMAIL, "a@x.com")], {("email_key", "a@x.com"): [7, 8]}, {8}),
               "Duplicata: 2 registros compartilham e-mail “a@x.com”; nada foi vinculado "
               "nem criado. Mescle ou altere esses registros e tente de novo. Já vinculado "
               "a outro registro: 8."),
}


@pytest.mark.parametrize("kind", NOTES)
def test_every_note_the_engine_writes_reads_in_portuguese(kind):
    english, portuguese = NOTES[kind]
    with translation.override("pt-br"):
        shown = in_words(english)
    assert shown == portuguese
    assert [word for word in ENGLISH if word in shown] == []


def test_other_messages_and_english_pages_are_left_as_written():
    english = NOTES["matched"][0]
    assert english == "matched by email “ann@x.com”"  # the history keeps the engine's words
    assert in_words(english) == english
    with translation.override("pt-br"):
        assert in_words("INVALID_EMAIL: not an email") == "INVALID_EMAIL: not an email"
        assert in_words("matched by nothing in quotes") == "matched by nothing in quotes"


def test_the_reviews_likely_failures_read_in_portuguese():
    with translation.override("pt-br"):
        assert note_words(READ_ONLY.format(label="Job title")) == "Cargo é somente leitura"
        assert note_words(NOT_AN_OPTION.format(label="Lifecycle stage", value="vip")) == (
            "Fase do ciclo de vida: “vip” não é uma opção")
        assert note_words("Name, Email", field_labels=True) == "Nome, E-mail"
        assert note_words(NOTES["matched"][0]) == NOTES["matched"][1]
