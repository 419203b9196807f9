"""The case library: with the enterprise's consent, a resolved case told anonymised for
the other enterprises of its chain. The expert writes it, an administrator approves
it; neither step passes while the text still tells whose case it was (anonymity.py).
Articles are found by the desk's full-text search (standards/search.py)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.catalogue.kinds import IndustryChain
from blueprints.clinic.anonymity import Giveaway, Identity, giveaways
from blueprints.clinic.kinds import ArticleState
from blueprints.clinic.models import ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.service_requests.lifecycle import StepRefused
from blueprints.standards.tokens import indexed
from core.i18n import lazy_gettext as _l
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.roles import Role
from core.timeutil import utcnow
from extensions import db

TEXT_FIELDS = ("title", "problem", "cause", "actions", "outcome")
EDITABLE = frozenset({ArticleState.draft, ArticleState.refused})


class IdentifyingText(StepRefused):
    """The article still tells whose case it was; `found` lists the giveaways."""

    def __init__(self, found: list[Giveaway]):
        super().__init__(_l("The article still tells whose case it is: %(words)s. Take "
                            "these out (write ranges or shares instead of exact figures).",
                            words="、".join(g.text for g in found)))
        self.found = found


class CaseArticle(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "clinic_articles"
    __table_args__ = (Index("ix_clinic_articles_chain", "state", "chain", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"),
                                         unique=True)
    chain: Mapped[IndustryChain] = enum_column(IndustryChain)
    state: Mapped[ArticleState] = enum_column(ArticleState, default=ArticleState.draft)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)
    actions: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    search_terms: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[ClinicCase] = relationship()

    @property
    def is_published(self) -> bool:
        return self.state == ArticleState.published

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def awaits_review(self) -> bool:
        return self.state == ArticleState.submitted

    def allows(self, user, action: str = "view") -> bool:
        """Published: every enterprise of its chain, experts and administrators read
        it. Before that it is the case's: its experts and the administrators."""
        if not user.is_authenticated:
            return False
        if self.is_published and action == "view":
            if user.role == Role.sme:
                return user.enterprise is not None and \
                    user.enterprise.industry_chain == self.chain
            return user.role in (Role.admin, Role.expert) or \
                self.case.allows(user, "view")
        return self.case.allows(user, "expert" if action == "edit" else "view") and \
            user.role != Role.sme

    @classmethod
    def draft(cls, case: ClinicCase, user, values: dict) -> "CaseArticle":
        if not case.is_resolved or case.consent_at is None:
            raise StepRefused(_l("A case is written up for the library once it is resolved "
                                 "and the enterprise has agreed."))
        article = cls(case_id=case.id, chain=case.chain, written_by_id=user.id, **values)
        db.session.add(article)
        db.session.flush()
        record_event(user, "clinic_articles", article.id, "article_drafted",
                     after={"case": case.id})
        return article

    def edit(self, user, values: dict) -> None:
        if not self.is_editable:
            raise StepRefused(_l("The article is with the desk; it can be changed once "
                                 "it is sent back."))
        for name, value in values.items():
            setattr(self, name, value)
        record_event(user, "clinic_articles", self.id, "article_edited")

    def check(self, identity: Identity) -> None:
        """Raises IdentifyingText when any part tells whose case it was."""
        found = []
        for name in TEXT_FIELDS:
            found += [g for g in giveaways(getattr(self, name), identity) if g not in found]
        if found:
            raise IdentifyingText(found)

    def submit(self, user, identity: Identity) -> None:
        if not self.is_editable:
            raise StepRefused(_l("The article is with the desk already."))
        self.check(identity)
        self.state, self.submitted_at = ArticleState.submitted, utcnow()
        record_event(user, "clinic_articles", self.id, "article_submitted")

    def approve(self, user, identity: Identity) -> None:
        if not self.awaits_review:
            raise StepRefused(_l("Only an article sent for review is approved."))
        self.check(identity)
        self.state, self.published_at = ArticleState.published, utcnow()
        self.reviewed_by_id = user.id
        self.reindex()
        record_event(user, "clinic_articles", self.id, "article_published")

    def refuse(self, user, note: str) -> None:
        if not self.awaits_review:
            raise StepRefused(_l("Only an article sent for review is sent back."))
        self.state, self.review_note, self.reviewed_by_id = ArticleState.refused, note, user.id
        record_event(user, "clinic_articles", self.id, "article_refused", reason=note)

    def reindex(self) -> None:
        """Only published articles are found: others keep no terms."""
        self.search_terms = indexed(" ".join(getattr(self, f) for f in TEXT_FIELDS)) \
            if self.is_published else ""


@event.listens_for(CaseArticle, "before_update")
def _keep_terms(mapper, connection, target):
    target.reindex()


def identity_of(case: ClinicCase) -> Identity:
    """What names the case's enterprise: its name, code, legal representative and
    members, the case's own loss figure and its reported benefit's figures."""
    ent = case.enterprise
    people = [ent.legal_representative] + list(db.session.scalars(
        select(User.name).where(User.enterprise_id == ent.id)))
    figures = []
    if case.monthly_loss_cents is not None:
        figures.append(str(Decimal(case.monthly_loss_cents) / 100))
    benefit = db.session.scalar(select(CaseBenefit).where(CaseBenefit.case_id == case.id))
    if benefit is not None:
        figures += [str(v) for v in (benefit.defect_rate_before, benefit.defect_rate_after)
                    if v is not None]
        if benefit.cost_saved_cents is not None:
            figures.append(str(Decimal(benefit.cost_saved_cents) / 100))
    return Identity(ent.name, ent.uscc, tuple(people), tuple(figures))
