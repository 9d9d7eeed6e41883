"""The forms of the Configure and Limit steps, built from both sides' fields."""

from itertools import zip_longest

from django import forms
from django.utils.translation import gettext_lazy as _

from syncapp.syncs.models import Direction, Matching, Winner
from syncapp.syncs.wizard.compat import MATCHABLE_TYPES


class ConfigureForm(forms.Form):
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.RadioSelect)
    winner = forms.ChoiceField(choices=Winner.choices)
    matching = forms.ChoiceField(choices=Matching.choices, widget=forms.RadioSelect)
    default_lifecycle_stage = forms.ChoiceField(required=False)

    def __init__(self, *args, catalogs, lifecycle_options, app_name: str, matching_choices,
                 directions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if directions is not None:  # the object allows fewer (a view: to the hub only)
            self.fields["direction"].choices = [
                (value, label) for value, label in Direction.choices if value in directions]
        # The radio cards the page shows: only the directions the object allows.
        self.allowed_directions = [value for value, _label in self.fields["direction"].choices]
        self.fields["winner"].choices = [("hub", "Syncapp"), ("app", app_name)]
        self.fields["matching"].choices = matching_choices
        # "Choose your fields" rows: repeated match_app_field / match_hub_property pairs.
        self.app_match_choices = [("", _("Choose a field"))] + [
            (f.name, f.label) for f in catalogs.app.mappable if f.type in MATCHABLE_TYPES]
        self.hub_match_choices = [("", _("Choose a property"))] + [
            (p.name, p.label) for p in catalogs.hub if p.type in MATCHABLE_TYPES]
        self.fields["default_lifecycle_stage"].choices = [
            ("", _("Don't set a lifecycle stage")), *lifecycle_options]

    def clean(self):
        data = super().clean()
        data["match_fields"] = []
        if data.get("matching") == Matching.CUSTOM:
            rows = posted_match_rows(self.data)
            if any(not app or not hub for app, hub in rows):
                self.add_error("matching", _("Choose both fields of each pair to match by."))
            # The list's own rules (identifier fields, no pair twice, not empty) are the
            # wizard's, checked with the rest of the settings (validate.py).
            data["match_fields"] = [[app, hub] for app, hub in rows if app and hub]
        return data


def posted_match_rows(data) -> list[tuple[str, str]]:
    """The "choose your fields" rows as posted, in order, blank rows left out."""
    apps, hubs = data.getlist("match_app_field"), data.getlist("match_hub_property")
    rows = [(app.strip(), hub.strip()) for app, hub in zip_longest(apps, hubs, fillvalue="")]
    return [row for row in rows if any(row)]


class LimitsForm(forms.Form):
    email_only = forms.BooleanField(required=False)
