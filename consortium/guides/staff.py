"""Staff pages for new-arrival guides: list, write, pick works, preview, publish, retract.

Thin views: a form is parsed, one service function of ``consortium.guides.service`` runs,
the page is rendered or redirected. Permission lives in the service (own member only).
Works are picked with the shared picker (``consortium.compose``: the reader search's
relevance); the preview is the public guide page rendered from the draft.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consortium.accounts import service as accounts
from consortium.accounts.auth import roles_required
from consortium.compose.views import pick_works, wants_picker_fragment
from consortium.db import get_session
from consortium.errors import ConsortiumError, InvalidInput
from consortium.guides import service
from consortium.guides.published import draft_view, picked_items
from consortium.guides.states import allowed_actions
from consortium.ports import SEARCH, get_port
from member_sites.record.fields import FORMATS

bp = Blueprint("guides", __name__, url_prefix="/staff/guides", template_folder="templates")
# the state as a word (guides/_labels.html says the same): "published" is not the "Publish" button
STATE_LABELS = {"draft": lazy_pgettext("guide state", "Draft"),
                "published": lazy_pgettext("guide state", "Published"),
                "retracted": lazy_pgettext("guide state", "Retracted")}


def _choices(pairs) -> list:
    """Select options: WTForms 3.3 deprecates (value, label) tuples for ``SelectChoice``."""
    try:
        from wtforms.fields.choices import SelectChoice
    except ImportError:  # WTForms < 3.3
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class GuideForm(FlaskForm):
    member = SelectField(_l("Member"), validators=[Optional()], validate_choice=False)
    title = StringField(lazy_pgettext("heading", "Title"), validators=[DataRequired(), Length(max=300)])
    intro_md = TextAreaField(_l("Introduction (Markdown)"), validators=[Length(max=20000)])
    clc = StringField(_l("CLC subject"), validators=[Optional(), Length(max=64)])
    audience = StringField(_l("Audience"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the guide"), choices=_choices([("zh", "中文"), ("en", "English")]))
    kind = SelectField(_l("Kind"), choices=_choices([("picked", _l("Picked works")),
                                                         ("saved_search", _l("Saved search"))]))
    search_q = StringField(_l("Search words"), validators=[Optional(), Length(max=200)])
    search_format = SelectField(lazy_pgettext("document type", "Format"), choices=_choices([("", "—")] + [(f, f) for f in FORMATS]),
                                validators=[Optional()])
    search_language = StringField(_l("Language code"), validators=[Optional(), Length(max=8)])
    search_clc = StringField(_l("CLC class"), validators=[Optional(), Length(max=64)])
    search_days = IntegerField(_l("Acquired in the last N days"), default=30,
                               validators=[Optional(), NumberRange(min=1, max=366)])
    submit = SubmitField(_l("Save"))

    def data_for_service(self) -> dict:
        return {"title": self.title.data, "intro_md": self.intro_md.data or "", "clc": self.clc.data,
                "audience": self.audience.data, "language": self.language.data, "kind": self.kind.data,
                "search": {"q": self.search_q.data or "", "format": self.search_format.data or None,
                           "language": self.search_language.data, "clc": self.search_clc.data,
                           "days": self.search_days.data or 30}}

    def fill_from(self, guide) -> None:
        for name in ("title", "intro_md", "clc", "audience", "language", "kind"):
            getattr(self, name).data = getattr(guide, name)
        search = guide.search or {}
        self.search_q.data = search.get("q", "")
        self.search_format.data = search.get("format") or ""
        self.search_language.data = search.get("language", "")
        self.search_clc.data = search.get("clc", "")
        self.search_days.data = search.get("days", 30)


class AddItemForm(FlaskForm):
    work_id = HiddenField(validators=[DataRequired()])
    commentary = TextAreaField(_l("Commentary"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add to guide"))


class ItemForm(FlaskForm):
    commentary = TextAreaField(_l("Commentary"), validators=[Optional(), Length(max=2000)])
    action = HiddenField(default="save")


class StateForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])


def _show_errors(exc: ConsortiumError, form=None) -> None:
    """The service's refusal in the page language; field errors under the form's own labels
    (the service's field codes are not for people)."""
    flash(_(exc.message), "error")
    for name, messages in (exc.errors or {}).items():
        if form is not None and name in form._fields:
            flash(f"{form[name].label.text}: {'; '.join(_(str(m)) for m in messages)}", "error")


@bp.route("/")
@roles_required("librarian")
def staff_list():
    rows = service.staff_guides(get_session(), current_user)
    return render_template("guides/staff_guides.html", rows=rows)


def _member_choices(form: GuideForm) -> None:
    if current_user.is_admin:
        form.member.choices = _choices((m.code, f"{m.code} {m.name}") for m in accounts.list_members(get_session()))
    else:
        form.member.choices = []


@bp.route("/new", methods=["GET", "POST"])
@roles_required("librarian")
def new():
    form = GuideForm()
    _member_choices(form)
    if form.validate_on_submit():
        try:
            guide = service.create_guide(get_session(), current_user, form.data_for_service(), form.member.data)
        except ConsortiumError as exc:
            _show_errors(exc, form)
        else:
            flash(_("Draft guide saved."), "info")
            return redirect(url_for("guides.edit", guide_id=guide.id))
    return render_template("guides/staff_guide_form.html", form=form, guide=None), 200 if not form.errors else 400


@bp.route("/<int:guide_id>", methods=["GET", "POST"])
@roles_required("librarian")
def edit(guide_id):
    session = get_session()
    guide = service.get_guide(session, current_user, guide_id)
    form = GuideForm()
    _member_choices(form)
    if form.validate_on_submit():
        try:
            service.update_guide(session, current_user, guide_id, form.data_for_service())
        except ConsortiumError as exc:
            _show_errors(exc, form)
        else:
            flash(_("Guide saved."), "info")
            return redirect(url_for("guides.edit", guide_id=guide_id))
    elif request.method == "GET":
        form.fill_from(guide)

    pick_q = request.args.get("pick", "").strip()
    found = pick_works(pick_q) if pick_q and guide.kind == "picked" else None
    if wants_picker_fragment():
        return render_template("guides/_pick_results.html", guide=guide, found=found, add_form=AddItemForm())
    return render_template("guides/staff_guide_form.html", form=form, guide=guide, items=picked_items(session, guide),
                           pick_q=pick_q, found=found, add_form=AddItemForm(), item_form=ItemForm(),
                           state_form=StateForm(), actions=allowed_actions(guide.state))


@bp.route("/<int:guide_id>/preview")
@roles_required("librarian")
def preview(guide_id):
    """The public guide page as readers will see it, rendered from the draft (not published)."""
    view, member = draft_view(get_session(), current_user, guide_id, get_port(SEARCH), _today())
    response = make_response(render_template("guides/preview.html", guide=view, member=member))
    response.headers["Cache-Control"] = "no-store"
    return response


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(current_user.timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


@bp.route("/<int:guide_id>/state", methods=["POST"])
@roles_required("librarian")
def change_state(guide_id):
    form = StateForm()
    if form.validate_on_submit():
        try:
            guide = service.change_state(get_session(), current_user, guide_id, form.action.data)
        except InvalidInput as exc:
            _show_errors(exc)
        else:
            flash(_("The guide is now %(state)s.", state=STATE_LABELS.get(guide.state, guide.state)), "info")
    return redirect(url_for("guides.edit", guide_id=guide_id))


@bp.route("/<int:guide_id>/items", methods=["POST"])
@roles_required("librarian")
def add_item(guide_id):
    form = AddItemForm()
    if form.validate_on_submit() and form.work_id.data.isdigit():
        try:
            service.add_item(get_session(), current_user, guide_id, int(form.work_id.data), form.commentary.data or "")
        except InvalidInput as exc:
            _show_errors(exc)
        else:
            flash(_("Work added to the guide."), "info")
    else:
        flash(_("Choose a work to add."), "error")
    return redirect(url_for("guides.edit", guide_id=guide_id))


@bp.route("/<int:guide_id>/items/<int:item_id>", methods=["POST"])
@roles_required("librarian")
def edit_item(guide_id, item_id):
    form = ItemForm()
    if form.validate_on_submit():
        action = form.action.data
        try:
            service.edit_item(get_session(), current_user, guide_id, item_id,
                              commentary=form.commentary.data if action == "save" else None,
                              move=action if action in ("up", "down") else None, remove=action == "remove")
        except InvalidInput as exc:
            _show_errors(exc)
    return redirect(url_for("guides.edit", guide_id=guide_id))
