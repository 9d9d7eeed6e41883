"""What Django's debug page (DEBUG on, as in `make run`) and error mails may show."""

import re

from django.views.debug import SafeExceptionReporterFilter


class CredentialsHiddenFilter(SafeExceptionReporterFilter):
    """Django's filter, also hiding any setting or environment variable whose name
    says URL or DATABASE: DATABASE_URL, REDIS_URL and the broker URL carry passwords,
    and runserver copies the whole environment into request.META."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DATABASE|LOCATION",
        flags=re.IGNORECASE,
    )
