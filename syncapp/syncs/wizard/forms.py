"""The forms of the Configure and Limit steps, built from both sides' fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from syncapp.syncs.models import Direction, Matching, Winner
from syncapp.syncs.wizard.compat import TEXT_TYPES

# Fields that make sense to match records by: free text, and numbers (ids, codes).
MATCHABLE_TYPES = TEXT_TYPES | {"number"}


class ConfigureForm(forms.Form):
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.RadioSelect)
    winner = forms.ChoiceField(choices=Winner.choices)
    matching = forms.ChoiceField(choices=Matching.choices, widget=forms.RadioSelect)
    match_app_field = forms.ChoiceField(required=False)
    match_hub_property = forms.ChoiceField(required=False)
    default_lifecycle_stage = forms.ChoiceField(required=False)

    def __init__(self, *args, catalogs, lifecycle_options, app_name: str, matching_choices,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winner"].choices = [("hub", "Syncapp"), ("app", app_name)]
        self.fields["matching"].choices = matching_choices
        self.fields["match_app_field"].choices = [("", _("Choose a field"))] + [
            (f.name, f.label) for f in catalogs.app.mappable if f.type in MATCHABLE_TYPES]
        self.fields["match_hub_property"].choices = [("", _("Choose a property"))] + [
            (p.name, p.label) for p in catalogs.hub if p.type in MATCHABLE_TYPES]
        self.fields["default_lifecycle_stage"].choices = [
            ("", _("Don't set a lifecycle stage")), *lifecycle_options]

    def clean(self):
        data = super().clean()
        if data.get("matching") == Matching.CUSTOM:
            if not data.get("match_app_field"):
                self.add_error("match_app_field", _("Choose the field to match by."))
            if not data.get("match_hub_property"):
                self.add_error("match_hub_property", _("Choose the property to match by."))
        return data


class LimitsForm(forms.Form):
    email_only = forms.BooleanField(required=False)
