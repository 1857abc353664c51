"""Forms of the certificate pages: the two ways to verify, and revocation with its reason."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.core.exceptions import ValidationFailed
from icommit.core.forms import Form
from icommit.core.text import SHORT
from icommit.training import credentials

#: The largest credential file verification reads (a certificate's credential is about 3 KB).
MAX_CREDENTIAL_BYTES = 64 * 1024


class VerifyNumberForm(Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        help_text=_(
            "16 letters and digits, as printed on the certificate, e.g. 7KQ2-M9XD-0RTB-H4WE."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label=_("Family name of the holder"),
        max_length=200,
        help_text=_("As written on the certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_number(self) -> str:
        try:
            return credentials.normalise_certificate_number(
                self.cleaned_data["number"], field="number"
            )
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


class VerifyFileForm(Form):
    credential = forms.FileField(
        label=_("Credential file"),
        help_text=_("The .json file of the certificate (Open Badges 3.0), at most 64 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonld,application/json"}),
    )

    def clean_credential(self) -> dict[str, Any]:
        upload = self.cleaned_data["credential"]
        if upload.size is None or upload.size > MAX_CREDENTIAL_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 64 KB; a certificate's credential file is much smaller.")
            )
        data = upload.read(MAX_CREDENTIAL_BYTES + 1)
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            document = None
        if not isinstance(document, dict):
            raise forms.ValidationError(
                _("The file is not a JSON credential. Upload the .json file of the certificate.")
            )
        return document


class RevokeForm(Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The holder and the run's trainers see it on the certificate's page; verification "
            "never shows it."
        ),
    )
