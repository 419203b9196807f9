"""Imports every model once, for migrations and relationship resolution."""
from blueprints.audit.models import AuditEvent  # noqa: F401
from blueprints.auth.models import SignIn, User  # noqa: F401
from blueprints.catalogue.models import (  # noqa: F401
    Capability,  # noqa: F401
    Service,
    ServiceIndustry,
    ServiceParameter,
    ServiceStandard,
)
from blueprints.certificates.models import Certificate  # noqa: F401
from blueprints.clinic.library import CaseArticle  # noqa: F401
from blueprints.clinic.models import (  # noqa: F401
    CaseAssignment,
    CaseAttachment,
    CaseMessage,
    CaseRating,
    ClinicCase,
    Expert,
    ExpertConflict,
)
from blueprints.clinic.outcome import CaseBenefit  # noqa: F401
from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction, TimeEntry  # noqa: F401
from blueprints.credit.models import Dossier, DossierView  # noqa: F401
from blueprints.enterprises.models import Enterprise, Invitation  # noqa: F401
from blueprints.enterprises.records import QualityRecord  # noqa: F401
from blueprints.metrology.models import Campaign, Instrument, ScaleVerification  # noqa: F401
from blueprints.notifications.mail import OutgoingMail  # noqa: F401
from blueprints.notifications.models import Notification, SentReminder  # noqa: F401
from blueprints.service_requests.models import (  # noqa: F401
    Attachment,
    Rating,
    RequestItem,
    Result,
    Sample,
    ServiceRequest,
    SubRequest,
)
from blueprints.standards.import_runs import StandardImport, StandardImportLine  # noqa: F401
from blueprints.standards.models import Standard, StandardFollow  # noqa: F401
from core.job_state import JobState  # noqa: F401
from core.numbering import NumberSequence  # noqa: F401
from core.working_calendar import CalendarDay  # noqa: F401
