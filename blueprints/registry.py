"""The one list of blueprints, registered in this order with these URL prefixes, and
of the modules that connect each area's signal receivers. Only create_app imports
it, and only this module imports views: importing an area's models or rules never
loads its routes (docs/architecture.md). It is not blueprints/__init__.py, which
every import of an area would run."""
from blueprints.admin import audit_views
from blueprints.admin import views as admin
from blueprints.audit import subscriptions as audit_subscriptions
from blueprints.auth import views as auth
from blueprints.catalogue import standard_views
from blueprints.catalogue import views as catalogue
from blueprints.certificates import batch_views
from blueprints.certificates import subscriptions as certificates_subscriptions
from blueprints.certificates import views as certificates
from blueprints.clinic import expert_views, feed_views, library_views
from blueprints.clinic import subscriptions as clinic_subscriptions
from blueprints.clinic import views as clinic
from blueprints.credit import views as credit
from blueprints.dashboards import views as dashboards
from blueprints.enterprises import record_views
from blueprints.enterprises import views as enterprises
from blueprints.labs import signatory_views
from blueprints.labs import views as labs
from blueprints.metrology import subscriptions as metrology_subscriptions
from blueprints.metrology import views as metrology
from blueprints.notifications import subscriptions as notifications_subscriptions
from blueprints.notifications import views as notifications
from blueprints.public import views as public
from blueprints.scheduling import calendar_views
from blueprints.scheduling import subscriptions as scheduling_subscriptions
from blueprints.scheduling import views as scheduling
from blueprints.service_requests import lab_views
from blueprints.service_requests import subscriptions as requests_subscriptions
from blueprints.service_requests import views as service_requests
from blueprints.standards import import_views
from blueprints.standards import views as standards
from blueprints.tasks import views as tasks

BLUEPRINTS = [
    (public.bp, None),
    (auth.bp, None),
    (enterprises.bp, None),
    (labs.bp, None),
    (standards.bp, None),
    (catalogue.bp, None),
    (service_requests.bp, None),
    (certificates.bp, None),
    (metrology.bp, None),
    (clinic.bp, None),
    (dashboards.bp, None),
    (credit.bp, None),
    (notifications.bp, None),
    (scheduling.bp, None),
    (tasks.bp, None),
    (admin.bp, "/admin"),
]

# Views modules that add routes for a second audience to their area's blueprint
# (imported for those routes).
SECOND_VIEWS = (audit_views, batch_views, calendar_views, expert_views, feed_views,
                import_views, lab_views, library_views, record_views, signatory_views,
                standard_views)

# Each area's receivers of core/signals.py, connected when this module is imported.
SUBSCRIPTIONS = (audit_subscriptions, certificates_subscriptions, clinic_subscriptions,
                 metrology_subscriptions, notifications_subscriptions, requests_subscriptions,
                 scheduling_subscriptions)
