"""The people pages in the browser, in English and in Portuguese: the first admin sets a
password, invites a colleague who joins from the mailed link in a browser of their own,
changes their roles and removes them (which signs them out); a password reset by mail,
a password change, signing out everywhere; and the Audit log listing it all."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from syncapp.accounts.first_run import start_portal
from syncapp.accounts.services import add_member
from tests.conftest import PASSWORD
from tests.kits.browser import Screens, watch_csp

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ADMIN, COLLEAGUE = "admin@acme.test", "nia@acme.test"
NEW_PASSWORD = "a-brand-new-passphrase"

# What a Portuguese reader sees instead of each English text (locale/pt_BR).
PORTUGUESE = {
    "Set your password": "Defina sua senha",
    "Set password and sign in": "Definir senha e entrar",
    "Contacts": "Contatos",
    "Members": "Membros",
    "Audit log": "Registro de auditoria",
    "Email": "E-mail",
    "Password": "Senha",
    "Log in": "Entrar",
    "Log in to your portal": "Entre no seu portal",
    "Invite a colleague": "Convidar um colega",
    "Send invitation": "Enviar convite",
    "Invitation sent to": "Convite enviado para",
    "Join Acme Corp": "Entrar em Acme Corp",
    "Your name": "Seu nome",
    "Accept invitation": "Aceitar convite",
    "Welcome to Acme Corp.": "Boas-vindas a Acme Corp.",
    "Ops": "Operações",
    "Support": "Suporte",
    "Save roles": "Salvar funções",
    "saved.": "salvas.",
    "Remove": "Remover",
    "was removed from this portal.": "foi removido deste portal.",
    "Action": "Ação",
    "Apply": "Aplicar",
    "Invitation sent": "Convite enviado",
    "Invitation accepted": "Convite aceito",
    "Roles changed": "Funções alteradas",
    "Member removed": "Membro removido",
    "Forgot your password?": "Esqueceu sua senha?",
    "Mail me a reset link": "Enviar link de redefinição",
    "Check your e-mail": "Confira seu e-mail",
    "Set a new password": "Defina uma nova senha",
    "Set password": "Definir senha",
    "Password set": "Senha definida",
    "Change password": "Alterar senha",
    "Your password was changed.": "Sua senha foi alterada.",
    "Sign out everywhere": "Sair de todos os dispositivos",
    "You were signed out on every device.": "Você saiu da sua conta em todos os dispositivos.",
}


class Reader:
    """A person at their own browser (their own cookies), reading the pages in a language."""

    def __init__(self, browser, base: str, locale: str, shots: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 860},
                                           locale=locale)
        self.context.set_default_timeout(15_000)
        self.csp_violations = watch_csp(self.context)
        self.page = self.context.new_page()
        self.base, self.portuguese = base, locale == "pt-BR"
        self.shot = Screens(self.page, shots)

    def t(self, english: str) -> str:
        """The text this reader sees where an English reader sees `english`."""
        return PORTUGUESE[english] if self.portuguese else english

    def go(self, path_or_url: str) -> None:
        self.page.goto(path_or_url if "://" in path_or_url else self.base + path_or_url)

    def heading(self, english: str):
        return self.page.get_by_role("heading", name=self.t(english), exact=True, level=1)

    def flash(self):
        return self.page.locator(".flash-success")

    def menu(self, item: str) -> None:
        """Open the user menu and choose `item` (a link or a button)."""
        self.page.locator("summary.usermenu-toggle").click()
        self.page.locator(".usermenu .menu-panel").get_by_text(self.t(item), exact=True).click()

    def log_in(self, email: str, password: str) -> None:
        self.go("/accounts/login/")
        self.page.get_by_label(self.t("Email"), exact=True).fill(email)
        self.page.get_by_label(self.t("Password"), exact=True).fill(password)
        self.page.get_by_role("button", name=self.t("Log in"), exact=True).click()
        expect(self.heading("Contacts")).to_be_visible()


@pytest.fixture
def readers(browser, live_server, settings, request):
    """Opens a Reader per call; every page they met must have kept to the CSP."""
    settings.SITE_URL = live_server.url  # the mailed links point at the live server
    opened: list[Reader] = []

    def open_reader(locale: str, who: str) -> Reader:
        opened.append(Reader(browser, live_server.url, locale, f"{request.node.name}-{who}"))
        return opened[-1]

    yield open_reader
    for reader in opened:
        reader.context.close()
    violations = [text for reader in opened for text in reader.csp_violations]
    assert not violations, "the Content-Security-Policy refused:\n" + "\n".join(violations)


def mailed_link(to: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [to]][-1:]
    return re.search(r"https?://\S+", message.body).group(0)


LOCALES = pytest.mark.parametrize("locale", ["en-US", "pt-BR"])


@LOCALES
def test_admin_invites_a_colleague_who_joins_then_changes_roles_and_removes_them(readers,
                                                                                 locale):
    first_run = start_portal("Acme Corp", ADMIN)
    admin = readers(locale, "admin")
    admin.go(first_run.link)
    expect(admin.heading("Set your password")).to_be_visible()
    admin.page.locator("[name=new_password1]").fill(PASSWORD)
    admin.page.locator("[name=new_password2]").fill(PASSWORD)
    admin.page.get_by_role("button", name=admin.t("Set password and sign in")).click()
    expect(admin.heading("Contacts")).to_be_visible()

    admin.menu("Members")
    expect(admin.heading("Members")).to_be_visible()
    invite = admin.page.locator("section", has_text=admin.t("Invite a colleague"))
    invite.get_by_label(admin.t("Email"), exact=True).fill(COLLEAGUE)
    invite.get_by_label(admin.t("Ops"), exact=True).check()
    invite.get_by_role("button", name=admin.t("Send invitation")).click()
    expect(admin.flash()).to_contain_text(f"{admin.t('Invitation sent to')} {COLLEAGUE}")
    admin.shot("invited")

    colleague = readers(locale, "colleague")
    colleague.go(mailed_link(COLLEAGUE))
    expect(colleague.heading("Join Acme Corp")).to_be_visible()
    colleague.page.get_by_label(colleague.t("Your name")).fill("Nia")
    colleague.page.get_by_label(colleague.t("Password"), exact=True).fill(NEW_PASSWORD)
    colleague.page.get_by_role("button", name=colleague.t("Accept invitation")).click()
    expect(colleague.flash()).to_contain_text(colleague.t("Welcome to Acme Corp."))
    colleague.shot("joined")

    admin.page.reload()
    row = admin.page.locator("tr", has_text=COLLEAGUE)
    expect(row).to_contain_text("Nia")
    expect(row.get_by_label(admin.t("Ops"), exact=True)).to_be_checked()
    row.get_by_label(admin.t("Ops"), exact=True).uncheck()
    row.get_by_label(admin.t("Support"), exact=True).check()
    row.get_by_role("button", name=admin.t("Save roles")).click()
    expect(admin.flash()).to_contain_text(admin.t("saved."))
    row = admin.page.locator("tr", has_text=COLLEAGUE)
    expect(row.get_by_label(admin.t("Support"), exact=True)).to_be_checked()
    expect(row.get_by_label(admin.t("Ops"), exact=True)).not_to_be_checked()

    row.get_by_role("button", name=admin.t("Remove")).click()
    expect(admin.flash()).to_contain_text(f"{COLLEAGUE} {admin.t('was removed from this portal.')}")
    expect(admin.page.locator("tr", has_text=COLLEAGUE)).to_have_count(0)
    colleague.page.reload()  # their session ended with the membership
    expect(colleague.heading("Log in to your portal")).to_be_visible()

    admin.menu("Audit log")
    rows = admin.page.locator("tbody tr")
    for action in ("Invitation sent", "Invitation accepted", "Roles changed", "Member removed"):
        expect(rows.filter(has_text=admin.t(action))).to_contain_text(COLLEAGUE)
    admin.shot("audit-log")
    admin.page.get_by_label(admin.t("Action")).select_option(  # "Action" and its choice
        label=admin.t("Roles changed"))
    admin.page.get_by_role("button", name=admin.t("Apply")).click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(admin.t("Roles changed"))
    expect(rows).to_contain_text(ADMIN)


@LOCALES
def test_reset_by_mail_change_password_and_sign_out_everywhere(readers, portal, locale):
    add_member(portal, ADMIN, PASSWORD, is_super_admin=True)
    laptop = readers(locale, "laptop")
    laptop.go("/accounts/login/")
    laptop.page.get_by_role("link", name=laptop.t("Forgot your password?")).click()
    laptop.page.get_by_label(laptop.t("Email"), exact=True).fill(ADMIN)
    laptop.page.get_by_role("button", name=laptop.t("Mail me a reset link")).click()
    expect(laptop.heading("Check your e-mail")).to_be_visible()

    laptop.go(mailed_link(ADMIN))
    expect(laptop.heading("Set a new password")).to_be_visible()
    laptop.page.locator("[name=new_password1]").fill(NEW_PASSWORD)
    laptop.page.locator("[name=new_password2]").fill(NEW_PASSWORD)
    laptop.page.get_by_role("button", name=laptop.t("Set password"), exact=True).click()
    expect(laptop.heading("Password set")).to_be_visible()
    laptop.log_in(ADMIN, NEW_PASSWORD)

    laptop.menu("Change password")
    laptop.page.locator("[name=old_password]").fill(NEW_PASSWORD)
    laptop.page.locator("[name=new_password1]").fill("yet-another-passphrase")
    laptop.page.locator("[name=new_password2]").fill("yet-another-passphrase")
    laptop.page.get_by_role("button", name=laptop.t("Change password")).click()
    expect(laptop.flash()).to_contain_text(laptop.t("Your password was changed."))

    phone = readers(locale, "phone")
    phone.log_in(ADMIN, "yet-another-passphrase")
    laptop.menu("Sign out everywhere")
    expect(laptop.flash()).to_contain_text(laptop.t("You were signed out on every device."))
    phone.page.reload()
    expect(phone.heading("Log in to your portal")).to_be_visible()
    phone.shot("signed-out")
