"""Imports every model once, for migrations and relationship resolution."""
from blueprints.audit.models import AuditEvent  # noqa: F401
from blueprints.auth.models import User  # noqa: F401
from blueprints.catalogue.models import Service, ServiceIndustry, ServiceParameter  # noqa: F401
from blueprints.certificates.models import Certificate  # noqa: F401
from blueprints.enterprises.models import Enterprise, Invitation  # noqa: F401
from blueprints.labs.models import Capability, Lab  # noqa: F401
from blueprints.metrology.models import Campaign, Instrument, ScaleVerification  # noqa: F401
from blueprints.notifications.mail import OutgoingMail  # noqa: F401
from blueprints.notifications.models import Notification, SentReminder  # noqa: F401
from blueprints.scheduling.models import Booking, CalendarDay, Resource, Slot  # noqa: F401
from blueprints.service_requests.models import (  # noqa: F401
    Attachment,
    Rating,
    RequestItem,
    Result,
    Sample,
    ServiceRequest,
    SubRequest,
)
from core.job_state import JobState  # noqa: F401
from core.numbering import NumberSequence  # noqa: F401
