"""Every form of the project, rendered with bad input, explains itself in GOV.UK style: no
WTForms default message ("Not a valid …", "Field cannot …", "Invalid …", "Number must be …")
reaches a person. Forms are found by walking FlaskForm's subclasses after the app is built, so
a new form is checked without being listed here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import refresh
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FileField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectFieldBase,
    SubmitField,
)

from tradehub.form_fields import (
    ChoiceMultipleField,
    ChoiceSelectField,
    NumberField,
    WholeNumberField,
    clean_number,
)

DEFAULT_MESSAGES = (
    "Not a valid",
    "Field cannot",
    "Field must be",
    "Invalid ",
    "Number must be",
    "This field is required",
    "Invalid choice",
)


def all_forms() -> list[type]:
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in ("tradehub", "supplier_profiles", "marketplaces"):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


# Fields a person types into; choices (selects, radios, checkboxes) offer only valid values and
# hidden fields carry the page's own tokens.
def typed_fields(form):
    return [
        field
        for field in form
        if not isinstance(
            field, (SubmitField, HiddenField, FileField, BooleanField, SelectFieldBase)
        )
    ]


def bad_input(form) -> MultiDict:
    data = MultiDict()
    for field in typed_fields(form):
        if isinstance(field, DateField):
            for part in ("31", "2", "2027x"):
                data.add(field.name, part)
        elif isinstance(field, (DecimalField, IntegerField, FloatField)):
            data.add(field.name, "a lot")
        else:
            data.add(field.name, "x" * 20_000)
    return data


def test_every_form_with_bad_input_gives_our_messages(app):
    forms = all_forms()
    assert len(forms) > 20
    offenders = []
    with app.test_request_context("/", method="POST"):
        for cls in forms:
            form = cls(formdata=MultiDict(), meta={"csrf": False})
            form = cls(formdata=bad_input(form), meta={"csrf": False})
            for field in form:
                if isinstance(field, SelectFieldBase) and getattr(field, "choices", 0) is None:
                    field.choices = [("a", "A")]  # filled by the view at run time
            form.validate()
            typed = {field.name for field in typed_fields(form)}
            for name, messages in form.errors.items():
                if name not in typed:
                    continue
                for message in messages if isinstance(messages, list) else [messages]:
                    if str(message).startswith(DEFAULT_MESSAGES):
                        offenders.append(f"{cls.__module__}.{cls.__name__}.{name}: {message}")
    assert offenders == [], "\n".join(offenders)


def choice_fields(form):
    return [field for field in form if isinstance(field, SelectFieldBase)]


def is_default_message(message: object) -> bool:
    text = str(message)
    return text.startswith(DEFAULT_MESSAGES) or "valid choice" in text or "could not coerce" in text


def test_every_choice_field_refuses_a_value_it_does_not_offer_with_our_message(app):
    """A tampered or outdated form (a select, radios or checkboxes posting a value that is not
    among the options) is answered like any other mistake: the field is named and told what to
    choose, never WTForms' "Not a valid choice"."""
    offenders, checked = [], 0
    with app.test_request_context("/", method="POST"):
        for cls in all_forms():
            form = cls(formdata=MultiDict(), meta={"csrf": False})
            data = MultiDict()
            for field in choice_fields(form):
                data.add(field.name, "not-one-of-the-options")
            form = cls(formdata=data, meta={"csrf": False})
            for field in choice_fields(form):
                if getattr(field, "choices", 0) is None:
                    field.choices = [("a", "A")]  # filled by the view at run time
            form.validate()
            names = {field.name for field in choice_fields(form)}
            for name, messages in form.errors.items():
                if name not in names:
                    continue
                checked += 1
                for message in messages if isinstance(messages, list) else [messages]:
                    if is_default_message(message):
                        offenders.append(f"{cls.__module__}.{cls.__name__}.{name}: {message}")
    assert checked > 40
    assert offenders == [], "\n".join(offenders)


def hidden_fields_with_rules(form):
    return [field for field in form if isinstance(field, HiddenField) and field.validators]


@pytest.mark.parametrize("value", ["", "x" * 20_000], ids=["missing", "too long"])
def test_every_hidden_field_with_rules_gives_our_message_when_tampered(app, value):
    """A hidden field that is checked (a one-time token, the version the page showed, the
    company number carried to a confirmation page) answers a missing or tampered value with a
    message that says what to do, never WTForms' "This field is required."."""
    offenders, checked = [], 0
    with app.test_request_context("/", method="POST"):
        for cls in all_forms():
            form = cls(formdata=MultiDict(), meta={"csrf": False})
            hidden = hidden_fields_with_rules(form)
            if not hidden:
                continue
            data = MultiDict([(field.name, value) for field in hidden])
            form = cls(formdata=data, meta={"csrf": False})
            for field in choice_fields(form):
                if getattr(field, "choices", 0) is None:
                    field.choices = [("a", "A")]  # filled by the view at run time
            form.validate()
            for field in hidden_fields_with_rules(form):
                checked += 1
                for message in field.errors:
                    if is_default_message(message):
                        offenders.append(f"{cls.__module__}.{cls.__name__}.{field.name}: {message}")
    assert checked >= 10
    assert offenders == [], "\n".join(offenders)


def test_a_value_not_offered_names_the_field_in_the_visitors_language(app):
    with app.test_request_context("/", method="POST"):

        class Form(FlaskForm):
            region = ChoiceSelectField("UK region", choices=[("LONDON", "London")])
            industry = ChoiceSelectField("Industry", choices=[("FOOD", "Food")])
            kinds = ChoiceMultipleField("Kinds", choices=[("a", "A")], coerce=int)

        form = Form(
            formdata=MultiDict([("region", "MARS"), ("industry", "X"), ("kinds", "abc")]),
            meta={"csrf": False},
        )
        assert not form.validate()
        assert form.errors == {
            "region": ["Choose UK region from the list"],
            "industry": ["Choose industry from the list"],
            "kinds": ["Choose kinds from the list"],
        }
    with app.test_request_context("/?lang=de", method="POST"):
        refresh()  # what every request does first (tradehub.i18n)
        form = Form(formdata=MultiDict([("industry", "X")]), meta={"csrf": False})
        assert not form.validate()
        assert form.errors["industry"] == ["Wählen Sie „Industry“ aus der Liste aus"]


@pytest.mark.parametrize(
    "typed, value",
    [("5,000", "5000"), ("£5,000", "5000"), (" 5000 ", "5000"), ("£1,250.50", "1250.50")],
)
def test_numbers_are_read_as_people_type_them(typed, value):
    assert clean_number(typed) == value


def test_cost_estimate_reads_5000_with_a_comma_and_a_pound_sign(app):
    with app.test_request_context("/"):

        class Form(FlaskForm):
            sales = NumberField("Monthly sales", places=2)
            listings = WholeNumberField("Listings")

        form = Form(
            formdata=MultiDict({"sales": "£5,000", "listings": "1,200"}), meta={"csrf": False}
        )
        assert form.validate()
        assert form.sales.data == Decimal("5000") and form.listings.data == 1200
        form = Form(formdata=MultiDict({"sales": "lots", "listings": "abc"}), meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {
            "sales": ["Monthly sales must be a number, like 12.5"],
            "listings": ["Listings must be a whole number, like 500"],
        }
