"""The UI's words in the scenario's language, from the product's own catalog.

A scenario says t("Install app") and finds the button whatever the language. In
a language other than English every text must be in the catalog: a label the
scenario looks for that has no translation fails at once, by name.
"""

from django.utils import translation
from django.utils.translation import trans_real


class Texts:
    def __init__(self, lang: str):
        self.lang = translation.to_language(translation.to_locale(lang))
        self.english = self.lang.startswith("en")

    def __call__(self, message: str, **values) -> str:
        if not self.english:
            catalog = trans_real.translation(self.lang)._catalog
            if message not in catalog:
                raise AssertionError(f"no {self.lang} translation of {message!r}")
        with translation.override(self.lang):
            text = translation.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, count: int, **values) -> str:
        """A count's wording ({% blocktranslate count %}), for this many."""
        if not self.english:
            catalog = trans_real.translation(self.lang)._catalog
            if (singular, 0) not in catalog:
                raise AssertionError(f"no {self.lang} translation of {singular!r}")
        with translation.override(self.lang):
            text = translation.ngettext(singular, plural, count)
        return text % values if values else text
