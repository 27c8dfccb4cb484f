"""The public resource library's search form (GET: a search can be shared as a link)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core import languages
from lantern.library import queries
from lantern.library.choices import ResourceAudienceChoices


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or summary"), max_length=100, required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    audience = forms.ChoiceField(
        label=_("For"),
        choices=[("", _("Everyone")), *ResourceAudienceChoices.choices],
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *languages.choices()],
        required=False,
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Any topic"))] + [
            (t.key, t.label()) for t in queries.public_topics()
        ]
