"""Account forms; every field is validated here and errors show next to it."""

from email_validator import EmailNotValidError, validate_email
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from tradehub.accounts.passwords import password_problem
from tradehub.form_fields import (
    EMAIL_FORMAT_MESSAGE,
    ChoiceRadioField,
    email_address_field,
    full_name_field,
)


def email_problem(address: str) -> str | None:
    """The sign-in form's address rules outside a form (`flask users create`): the message, or
    None. The same library and options as the form's Email validator, so special-use domains
    such as .test, which the form refuses, are refused here too."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return EMAIL_FORMAT_MESSAGE
    return None


PASSWORD_MIN = 10
PASSWORD_MAX = 128


def strong_password(form, field) -> None:
    """Hard enough to guess (zxcvbn, see passwords.password_problem), not the email address."""
    if len(field.data or "") < PASSWORD_MIN:
        return  # the length message says what to do; one message at a time
    email = getattr(form, "email", None)
    name = getattr(form, "full_name", None)
    # Changing a password: the form has no address field, the signed-in user has one.
    signed_in = current_user if current_user and current_user.is_authenticated else None
    problem = password_problem(
        field.data or "",
        email=(email.data or "") if email is not None else getattr(signed_in, "email", ""),
        name=(name.data or "") if name is not None else getattr(signed_in, "full_name", ""),
    )
    if problem:
        raise ValidationError(problem)


def _new_password_field(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description=f"Must be at least {PASSWORD_MIN} characters",
        validators=[
            InputRequired("Enter a password"),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Password must be between {PASSWORD_MIN} and {PASSWORD_MAX} characters",
            ),
            strong_password,
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_password_field(label: str, missing: str) -> PasswordField:
    """The new password typed again; `missing` is the message when it is left empty."""
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[InputRequired(missing), EqualTo("password", "Passwords must match")],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(FlaskForm):
    """Create an exporter or buyer account."""

    full_name = full_name_field()
    email = email_address_field()
    role = ChoiceRadioField(
        "What do you want to do?",
        widget=GovRadioInput(),
        choices=[
            ("exporter", "Sell overseas: I am a UK business"),
            ("buyer", "Buy from UK suppliers: I am an overseas buyer"),
        ],
        validators=[InputRequired("Select whether you are a UK business or an overseas buyer")],
    )
    password = _new_password_field()
    confirm = _confirm_password_field("Confirm password", "Confirm your password")
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(FlaskForm):
    """Sign in with email and password."""

    email = email_address_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your password"),
            Length(
                max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer"
            ),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    """Ask for a password reset link."""

    email = email_address_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    """Choose a new password from an emailed link."""

    password = _new_password_field("New password")
    confirm = _confirm_password_field("Confirm new password", "Confirm your new password")
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class ChangePasswordForm(ResetPasswordForm):
    """Change password while signed in."""

    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResendConfirmationForm(FlaskForm):
    """A button only: CSRF-protected POST to resend the link."""

    submit = SubmitField("Send the link again", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    """Signing out changes state, so it is a CSRF-protected POST."""

    submit = SubmitField("Sign out")


class SignOutEverywhereForm(FlaskForm):
    """A button only: ends the sessions on every device (CSRF-protected POST)."""

    submit = SubmitField("Sign out of all devices", widget=GovSubmitInput())


class AcceptInvitationForm(ResetPasswordForm):
    """An invitee confirms their name and chooses a password."""

    full_name = full_name_field()
    submit = SubmitField("Accept invitation", widget=GovSubmitInput())


def _code_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[
            InputRequired("Enter the code"),
            Length(max=20, message="Enter the 6-digit code or a 10-character recovery code"),
        ],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )


class TwoFactorSetupForm(FlaskForm):
    """Prove the authenticator app shows the right code before it is turned on."""

    code = _code_field("Code from your app", "The 6-digit code your authenticator app shows")
    submit = SubmitField("Turn on", widget=GovSubmitInput())


class TwoFactorCodeForm(FlaskForm):
    """The second step of signing in."""

    code = _code_field(
        "Code",
        "The 6-digit code from your authenticator app, or one of your recovery codes",
    )
    remember = BooleanField(
        "Remember this browser for 30 days",
        widget=GovCheckboxInput(),
        description="Do not choose this on a shared or public computer",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class PasswordCheckForm(FlaskForm):
    """Confirm a sensitive change with the current password."""

    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your password"),
            Length(
                max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer"
            ),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())
