"""The form staff use to add and change a library resource."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.library.choices import MAX_FILE_BYTES, ResourceAudienceChoices, ResourceKindChoices
from lantern.library.queries import public_topics


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKindChoices.choices)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    audiences = forms.MultipleChoiceField(
        label=_("For"), required=False, choices=ResourceAudienceChoices.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    languages = forms.CharField(
        label=_("Languages"), max_length=200, required=False,
        help_text=_("Language codes separated by commas, e.g. en, es."),
    )  # fmt: skip
    file = forms.FileField(
        label=_("File"), required=False,
        help_text=_("PDF, PNG, JPEG, PowerPoint, Word or text, at most 9 MB. Leave empty to keep "
                    "the current file."),
    )  # fmt: skip
    url = forms.URLField(
        label=_("Or a link"), required=False, max_length=500, assume_scheme="https",
        help_text=_("When the document lives on another website."),
    )  # fmt: skip
    published = forms.BooleanField(label=_("Shown on the public library page"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.key, t.name) for t in public_topics()]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 9 MB."))
        return upload

    def to_data(self) -> tuple[dict, tuple[str, bytes] | None]:
        d = self.cleaned_data
        data = {name: d[name] for name in ("title", "summary", "kind", "topics", "audiences",
                                           "url", "published")}  # fmt: skip
        data["languages"] = [t.strip() for t in d["languages"].split(",") if t.strip()]
        upload = d.get("file")
        return data, ((upload.name, upload.read()) if upload else None)

    @staticmethod
    def initial_from(resource) -> dict:
        return {
            "title": resource.title, "summary": resource.summary, "kind": resource.kind,
            "topics": list(resource.topics.values_list("key", flat=True)),
            "audiences": resource.audiences, "languages": ", ".join(resource.languages),
            "url": resource.url, "published": resource.published,
        }  # fmt: skip
