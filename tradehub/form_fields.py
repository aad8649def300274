"""Typed form fields that read what people type and explain what to enter.

WTForms' own numeric and date fields refuse "5,000" or "£5,000" and answer "Not a valid decimal
value."; these accept the ways people write numbers and, when the input still cannot be read,
give a GOV.UK-style message that names the field and says what to enter. `length` is a Length
validator with such a message. `full_name_field` and `email_address_field` are the name and
address questions the account forms and the marketplace application share. The choice fields
(select, radios, several checkboxes) answer a value that is not among their options (a
tampered or outdated form) with "Choose <field> from the list" instead of WTForms' "Not a
valid choice." Every form of the project uses these
(tests/test_form_messages.py renders each form with bad input and with values that are not
offered, and fails on any of WTForms' default messages).
"""

from __future__ import annotations

import re

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms import SelectMultipleField as _SelectMultipleField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

# Currency signs and codes people put in front of an amount, and the separators of thousands.
_NUMBER_NOISE = re.compile(r"^(?:£|\$|€|GBP|USD|EUR)\s*", re.IGNORECASE)
_GROUPING = re.compile(r"(?<=\d)[,\s](?=\d{3}(?:\D|$))")


def clean_number(text: str) -> str:
    """ "£5,000 " -> "5000": a currency sign, thousands separators and spaces removed."""
    text = _NUMBER_NOISE.sub("", (text or "").strip())
    text = _GROUPING.sub("", text)
    return text.replace(" ", "")


def _describe(label: str) -> str:
    """A field's label as the start of a sentence, without notes in brackets."""
    return re.sub(r"\s*\((?:optional)\)\s*$", "", label, flags=re.IGNORECASE)


class NumberField(DecimalField):
    """A number that may have decimals; accepts "5,000", "£5,000", " 5000 "."""

    def __init__(self, label=None, validators=None, *, example: str = "12.5", invalid=None, **kw):
        super().__init__(label, validators, **kw)
        self.invalid = invalid or f"{_describe(self.label.text)} must be a number, like {example}"

    def process_formdata(self, valuelist) -> None:
        """Read the cleaned text; an unreadable one gets the field's own message."""
        if valuelist:
            valuelist = [clean_number(valuelist[0])]
            if not valuelist[0]:
                self.data = None
                return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid) from exc


class WholeNumberField(IntegerField):
    """A whole number; accepts "1,200" and " 1200 "."""

    def __init__(self, label=None, validators=None, *, example: str = "500", invalid=None, **kw):
        super().__init__(label, validators, **kw)
        self.invalid = invalid or (
            f"{_describe(self.label.text)} must be a whole number, like {example}"
        )

    def process_formdata(self, valuelist) -> None:
        """Read the cleaned text; an unreadable one gets the field's own message."""
        if valuelist:
            valuelist = [clean_number(valuelist[0])]
            if not valuelist[0]:
                self.data = None
                return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid) from exc


class DayMonthYearField(DateField):
    """A date typed as day, month and year (GOV.UK date input)."""

    def __init__(self, label=None, validators=None, *, invalid=None, **kw):
        kw.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kw)
        self.invalid = invalid or (
            f"{_describe(self.label.text)} must be a real date, like 27 3 2027"
        )

    def process_formdata(self, valuelist) -> None:
        """Read day, month and year; an impossible date gets the field's own message."""
        if valuelist and not " ".join(v.strip() for v in valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)] if valuelist else [])
        except ValueError as exc:
            raise ValueError(self.invalid) from exc


def length(maximum: int, label: str) -> Length:
    """Length(max=...) saying "<label> must be N characters or fewer"."""
    return Length(max=maximum, message=f"{label} must be {maximum:,} characters or fewer")


EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"


def reply_email_field(description: str) -> EmailField:
    """The email address a member of the public gives for a reply (a supplier's, the team's),
    with messages in the reader's language: the public forms' (contact a supplier, contact us)
    one field. `email_address_field` is the staff and account forms' English one."""
    return EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        description=description,
        validators=[
            InputRequired(_l("Enter your email address")),
            Length(max=320, message=_l("Email address must be %(max)d characters or fewer")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def full_name_field(
    label: str = "Full name", missing: str = "Enter your full name", autocomplete: bool = True
) -> StringField:
    """A person's full name (required, at most 200 characters); `missing` is the message when
    it is left empty, `autocomplete` False when it is someone else's name."""
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[InputRequired(missing), length(200, "Full name")],
        render_kw={"autocomplete": "name"} if autocomplete else {},
    )


def email_address_field(
    label: str = "Email address",
    description: str = "",
    *,
    missing: str | None = "Enter your email address",
    autocomplete: bool = True,
    filters=(),
) -> EmailField:
    """An email address (at most 320 characters, a valid address: the same rules as
    accounts.forms.email_problem). `missing` is the message when it is left empty, or None
    when it may be left empty; `autocomplete` False when it is someone else's address."""
    render_kw = {"spellcheck": "false"}
    if autocomplete:
        render_kw["autocomplete"] = "email"
    return EmailField(
        label,
        widget=GovTextInput(),
        description=description,
        filters=list(filters),
        validators=[
            InputRequired(missing) if missing else Optional(),
            length(320, _describe(label)),
            Email(EMAIL_FORMAT_MESSAGE, check_deliverability=False),
        ],
        render_kw=render_kw,
    )


def choose_message(label: object) -> str:
    """ "Choose industry from the list": the message for a value a choice field does not offer
    (for a question: "Choose one of the answers offered to “Have you sold overseas before?”").

    In English the label's first letter is lowered unless it starts an abbreviation ("UK
    region"); the translations quote the label as it is.
    """
    text = _describe(str(label))
    if text.endswith("?"):  # a question: "What kind of business is it?"
        return gettext("Choose one of the answers offered to “%(field)s”", field=text)
    locale = get_locale()
    if (locale is None or locale.language == "en") and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return gettext("Choose %(field)s from the list", field=text)


class _OfferedChoices:
    """A choice field whose submitted value must be one it offers: otherwise the field's own
    message (`invalid`, or choose_message of its label), never WTForms' "Not a valid choice."
    An empty value is left to the field's validators (InputRequired/Optional and their
    messages)."""

    def __init__(self, label=None, validators=None, *, invalid=None, **kw):
        super().__init__(label, validators, **kw)
        self.invalid = invalid

    def process_formdata(self, valuelist) -> None:
        """A value the field cannot read (not a number, for an int field) is not offered."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid or choose_message(self.label.text)) from exc

    def pre_validate(self, form) -> None:
        """The values must be among the choices (the field's own message when not)."""
        if self.data in (None, "", []):
            return
        try:
            super().pre_validate(form)
        except (ValidationError, ValueError) as exc:
            raise ValidationError(self.invalid or choose_message(self.label.text)) from exc


class ChoiceSelectField(_OfferedChoices, SelectField):
    """A select (one value from a list)."""


class ChoiceRadioField(_OfferedChoices, RadioField):
    """Radios (one value from a few)."""


class ChoiceMultipleField(_OfferedChoices, _SelectMultipleField):
    """Several values from a list (checkboxes, or a select with `multiple`)."""
