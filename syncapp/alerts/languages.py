"""Each person's language, for the mails they get without asking (alerts).

The language a person last used a page in is remembered (RememberLanguageMiddleware,
once per session and change); someone who never signed in since gets the language of
the invitation that brought them, else LANGUAGE_CODE.
"""

from django.conf import settings
from django.utils import translation

from syncapp.accounts.models import Invitation
from syncapp.alerts.models import PersonLanguage

SESSION_KEY = "alerts_language_saved"


def languages_of(portal_id: int, emails: list[str]) -> dict[str, str]:
    found = dict.fromkeys(emails, settings.LANGUAGE_CODE)
    for invitation in (Invitation.objects.filter(portal_id=portal_id, email__in=emails,
                                                 accepted_at__isnull=False)
                       .order_by("accepted_at")):
        found[invitation.email] = invitation.language
    for row in PersonLanguage.objects.filter(user__username__in=emails).select_related("user"):
        found[row.user.username] = row.language
    return found


class RememberLanguageMiddleware:
    """Store the signed-in person's active language when it changes (one query then,
    none otherwise: the session remembers what was stored)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = translation.get_language()
        # Only after a request that succeeded: a refused one writes nothing.
        if (response.status_code < 400 and user is not None and user.is_authenticated
                and language and hasattr(request, "session")
                and request.session.get(SESSION_KEY) != language):
            PersonLanguage.objects.update_or_create(user=user, defaults={"language": language})
            request.session[SESSION_KEY] = language
        return response
