"""The quality clinic's forms: the enterprise's case, the desk's dispatch, the expert's
work, the outcome, the library and the pool of experts."""
from datetime import datetime

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.catalogue.labels import INDUSTRY_LABELS
from blueprints.clinic.labels import (
    ACTION_OWNER_LABELS,
    ACTIVITY_LABELS,
    CAUSE_LABELS,
    SKILL_LABELS,
    VISIT_MODE_LABELS,
)
from blueprints.service_requests.forms import RatingForm
from blueprints.standards.ics import fields as ics_fields
from core.forms import (
    EnumSelectField,
    FiniteDecimalField,
    Form,
    PositiveIntField,
    VersionedForm,
    enum_choices,
)
from core.i18n import current_language
from core.i18n import lazy_gettext as _l

TEXT = 4000


def checkboxes(label, labels: dict, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(label, choices=enum_choices(labels),
                               widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput(), **kwargs)


def ics_choices(blank=None) -> list[SelectChoice]:
    """The 40 ICS fields, in the reader's language."""
    language = current_language()
    choices = [SelectChoice(f.code, f"{f.code} "
                            f"{(f.title_zh or f.title_en) if language == 'zh' else f.title_en}")
               for f in ics_fields()]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


class Percent(FiniteDecimalField):
    max_places = 3

    def __init__(self, label, **kwargs):
        kwargs["validators"] = [Optional(), NumberRange(
            min=0, max=100, message=_l("Enter a share from 0 to 100 (per cent)."))]
        super().__init__(label, places=3, **kwargs)


class Yuan(FiniteDecimalField):
    """An amount in yuan that may be left empty (stored as cents)."""
    max_places = 2

    def __init__(self, label, **kwargs):
        kwargs["validators"] = [Optional(), NumberRange(
            min=0, max=10_000_000_000, message=_l("Enter an amount from 0 yuan up."))]
        super().__init__(label, places=2, **kwargs)


class CaseForm(Form):
    title = StringField(_l("The problem in one line"), validators=[
        DataRequired(_l("Say in one line what the problem is.")), Length(max=200)],
        description=_l("For example: soles come unglued after a month of wear."))
    product = StringField(_l("Product"), validators=[
        DataRequired(_l("Name the product that has the problem.")), Length(max=200)])
    # Not `process`: that is the form's own method.
    process_step = StringField(_l("Process or production step"), validators=[Length(max=200)],
                          description=_l("Where it happens, if you know: cementing, "
                                         "dyeing, firing, final inspection ..."))
    chain = EnumSelectField(_l("Industry chain"), INDUSTRY_LABELS)
    ics_field = SelectField(_l("Product field (ICS)"), validators=[Optional()],
                            validate_choice=True)
    skills = checkboxes(_l("What help do you need?"), SKILL_LABELS,
                        description=_l("Tick what applies; the desk chooses experts by it."))
    symptoms = TextAreaField(_l("What you see"), validators=[
        DataRequired(_l("Describe what goes wrong: how it shows, how often, on which "
                        "products.")), Length(max=TEXT)])
    since = StringField(_l("Since when"), validators=[Length(max=100)],
                        description=_l("For example: three months, since the new batch "
                                       "of rubber."))
    losses = TextAreaField(_l("Losses so far"), validators=[Length(max=TEXT)],
                           description=_l("Returns, rework, scrap, complaints, a lost "
                                          "customer ..."))
    monthly_loss = Yuan(_l("Loss per month (yuan), if you know it"))
    file = FileField(_l("Photos or a test report (PDF, JPEG or PNG, up to 10 MB)"))
    result_id = HiddenField()
    certificate_id = HiddenField()
    submit = SubmitField(_l("Send to the quality clinic"))


class StepForm(VersionedForm):
    """A lifecycle step's button, with the text it carries when it carries one."""
    text = TextAreaField(_l("Text"), validators=[Length(max=TEXT)])
    submit = SubmitField(_l("Confirm"))


class DispatchForm(VersionedForm):
    experts = SelectMultipleField(_l("Experts"), coerce=int,
                                  widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput(),
                                  validators=[DataRequired(_l("Choose at least one expert."))])
    submit = SubmitField(_l("Dispatch"))


class VisitForm(Form):
    mode = EnumSelectField(_l("How"), VISIT_MODE_LABELS)
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose the day."))])
    starts = TimeField(_l("Starts at"), validators=[DataRequired(_l("Enter the start time."))])
    ends = TimeField(_l("Ends at"), validators=[DataRequired(_l("Enter the end time."))])
    place = StringField(_l("Address, or the link of the call"), validators=[Length(max=300)])
    agenda = TextAreaField(_l("What the visit is for"), validators=[Length(max=TEXT)])
    submit = SubmitField(_l("Book the visit"))

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The visit must end after it starts."))

    def times(self, tz) -> tuple[datetime, datetime]:
        return (datetime.combine(self.day.data, self.starts.data, tz),
                datetime.combine(self.day.data, self.ends.data, tz))


class FindingForm(Form):
    cause = EnumSelectField(_l("Cause"), CAUSE_LABELS)
    description = TextAreaField(_l("What was found"), validators=[
        DataRequired(_l("Describe the finding.")), Length(max=TEXT)])
    submit = SubmitField(_l("Record the finding"))


class ActionForm(Form):
    description = TextAreaField(_l("What is to be done"), validators=[
        DataRequired(_l("Describe the action.")), Length(max=TEXT)])
    owner_side = EnumSelectField(_l("Done by"), ACTION_OWNER_LABELS)
    owner = StringField(_l("Person responsible"), validators=[
        DataRequired(_l("Name the person responsible.")), Length(max=100)])
    due_on = DateField(_l("Due by"), validators=[DataRequired(_l("Choose the due date."))])
    finding_id = SelectField(_l("For finding"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Add the action"))


class ActionDoneForm(VersionedForm):
    evidence = TextAreaField(_l("Evidence that it is done"), validators=[
        DataRequired(_l("Say what shows the action is done.")), Length(max=TEXT)],
        description=_l("A record, a changed instruction, a test; attach a photo or file "
                       "below if you have one."))
    file = FileField(_l("Photo or document (optional)"))
    submit = SubmitField(_l("Mark as done"))


class TimeForm(Form):
    activity = EnumSelectField(_l("Activity"), ACTIVITY_LABELS)
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose the day."))])
    minutes = PositiveIntField(_l("Minutes"), maximum=24 * 60)
    note = StringField(_l("Note"), validators=[Length(max=300)])
    submit = SubmitField(_l("Log the time"))


class CaseRatingForm(RatingForm):
    bad_without_comment = _l("Tell the desk what went wrong, so it can follow up.")


class BenefitForm(VersionedForm):
    defect_rate_before = Percent(_l("Defect rate before (%)"))
    defect_rate_after = Percent(_l("Defect rate now (%)"))
    cost_saved = Yuan(_l("Cost saved so far (yuan)"))
    note = TextAreaField(_l("In your words"), validators=[Length(max=TEXT)],
                         description=_l("What changed: fewer returns, a customer kept, a "
                                        "certificate won ..."))
    submit = SubmitField(_l("Report the benefit"))


class VerifyBenefitForm(VersionedForm):
    verification = TextAreaField(_l("How it was confirmed"), validators=[
        DataRequired(_l("Say how the benefit was confirmed.")), Length(max=TEXT)])
    request_number = StringField(_l("A later test request that shows it (optional)"),
                                 validators=[Length(max=20)],
                                 description=_l("Its number, such as QD-2026-000123."))
    submit = SubmitField(_l("Confirm the benefit"))


class ConsentForm(Form):
    agree = BooleanField(_l("We agree that the desk publishes this case without our name, "
                            "code or figures, for other enterprises of our chain"),
                         validators=[DataRequired(_l("Tick the box to agree."))])
    submit = SubmitField(_l("Agree"))


class ArticleForm(VersionedForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the article a title.")), Length(max=200)])
    problem = TextAreaField(_l("The problem"), validators=[
        DataRequired(_l("Describe the problem.")), Length(max=TEXT)])
    cause = TextAreaField(_l("The cause found"), validators=[
        DataRequired(_l("Describe the cause.")), Length(max=TEXT)])
    actions = TextAreaField(_l("What was done"), validators=[
        DataRequired(_l("Describe what was done.")), Length(max=TEXT)])
    outcome = TextAreaField(_l("The result"), validators=[
        DataRequired(_l("Describe the result (in ranges or shares, not exact "
                        "figures).")), Length(max=TEXT)])
    submit = SubmitField(_l("Save the draft"))


class ReviewForm(VersionedForm):
    note = TextAreaField(_l("What to change"), validators=[Length(max=TEXT)])
    submit = SubmitField(_l("Confirm"))


class ExpertForm(VersionedForm):
    user_id = SelectField(_l("Account"), coerce=int, validate_choice=True,
                          description=_l("A lab's staff member, or an outside specialist's "
                                         "account (create it first under Users)."))
    title = StringField(_l("Professional title"), validators=[Length(max=100)],
                        description=_l("For example: senior engineer."))
    employer_lab_id = SelectField(_l("Works for the lab"), coerce=int, validate_choice=True)
    employer_uscc = StringField(_l("Or works for the enterprise (credit code)"),
                                validators=[Length(max=18)],
                                description=_l("Its cases never go to this expert."))
    employer_name = StringField(_l("Or employer's name"), validators=[Length(max=200)])
    chains = checkboxes(_l("Industry chains"), INDUSTRY_LABELS)
    ics_fields = SelectMultipleField(_l("Product fields (ICS)"), validate_choice=True)
    skills = checkboxes(_l("Kinds of help"), SKILL_LABELS)
    profile = TextAreaField(_l("Profile"), validators=[Length(max=TEXT)])
    conflicts = TextAreaField(
        _l("Conflicts of interest (credit codes, one per line)"),
        validators=[Length(max=2000)],
        description=_l("Competitors of the expert's employer and any enterprise they must "
                       "not advise."))
    available = BooleanField(_l("Takes new cases"), default=True)
    away_until = DateField(_l("Away until"), validators=[Optional()])
    max_open_cases = PositiveIntField(_l("Open cases at most"), maximum=100)
    submit = SubmitField(_l("Save"))

    def validate_chains(self, field):
        if not (field.data or self.ics_fields.data or self.skills.data):
            raise ValidationError(_l("Choose at least one field the expert knows."))


class PeriodForm(Form):
    """The period the figures cover, read from the page's address (no CSRF: it
    changes nothing)."""
    class Meta:
        csrf = False

    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date)"), validators=[Optional()])

    def validate_until(self, field):
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError(_l("The end date comes before the start date."))
