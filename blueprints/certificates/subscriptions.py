"""What the certificates area does when the others act (core/signals.py)."""
from blueprints.certificates import issuing, queries
from core.signals import issue_requested, request_page


@issue_requested.connect
def _issue_certificate(part, user, **_kwargs) -> None:
    """The part was issued from its page: make, sign and store its certificate (it
    raises FourEyes, a StepRefused, when the user may not sign it)."""
    issuing.issue(part, user)


@request_page.connect
def _certificates_on_page(_sender, parts, audience: str, **_kwargs) -> dict:
    """The applicant sees each part's newest certificate (withdrawn ones included);
    the lab sees every certificate of the part it works on."""
    if audience == "lab":
        return {"certificate_history": [c for part in parts for c in queries.part_history(part.id)]}
    return {"latest_certificates": queries.latest_certificates([p.id for p in parts])}
