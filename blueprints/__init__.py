"""The one list of blueprints, registered in this order with these URL prefixes."""
from blueprints.admin import bp as admin_bp
from blueprints.audit import bp as audit_bp
from blueprints.auth import bp as auth_bp
from blueprints.catalogue import bp as catalogue_bp
from blueprints.certificates import bp as certificates_bp
from blueprints.enterprises import bp as enterprises_bp
from blueprints.labs import bp as labs_bp
from blueprints.metrology import bp as metrology_bp
from blueprints.notifications import bp as notifications_bp
from blueprints.public import bp as public_bp
from blueprints.scheduling import bp as scheduling_bp
from blueprints.service_requests import bp as service_requests_bp
from blueprints.tasks import bp as tasks_bp

BLUEPRINTS = [
    (public_bp, None),
    (auth_bp, None),
    (enterprises_bp, None),
    (labs_bp, None),
    (catalogue_bp, None),
    (service_requests_bp, None),
    (certificates_bp, None),
    (metrology_bp, None),
    (notifications_bp, None),
    (scheduling_bp, None),
    (tasks_bp, None),
    (audit_bp, None),
    (admin_bp, "/admin"),
]
