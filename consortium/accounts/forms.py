"""The admin pages' forms (Flask-WTF: every one carries the session's CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

ROLE_LABELS = {"consortium_admin": _l("Consortium administrator"), "librarian": _l("Librarian"),
               "liaison": _l("Liaison officer")}
# zones offered first; any IANA name is accepted
COMMON_ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "UTC")


def choices(pairs) -> list:
    """Select options: WTForms 3.3 deprecates (value, label) tuples for ``SelectChoice``."""
    try:
        from wtforms.fields.choices import SelectChoice
    except ImportError:  # WTForms < 3.3
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class MemberForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai", validators=[DataRequired(), Length(max=64)])
    site_origins = TextAreaField(_l("Site origins (one per line)"), validators=[Optional(), Length(max=4000)])


class KeyForm(FlaskForm):
    member = SelectField(_l("Member"), validate_choice=False, validators=[DataRequired()])
    label = StringField(_l("What the key is for"), validators=[Optional(), Length(max=200)])


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    member = SelectField(_l("Member"), validate_choice=False, validators=[Optional()])


class UserForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    member = SelectField(_l("Member"), validate_choice=False, validators=[Optional()])


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("The same password again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ButtonForm(FlaskForm):
    """A form that is only a button (revoke, disable, enable, send a link): the CSRF token."""
