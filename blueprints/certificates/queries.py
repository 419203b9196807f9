"""Reads of certificates that several pages share."""
from dataclasses import dataclass
from datetime import date

from blueprints.certificates.models import Certificate, CertificateKind, CertificateStatus
from blueprints.certificates.terms import valid_until
from blueprints.service_requests.verdicts import Conclusion, conclusion
from core.timeutil import to_local
from extensions import db


def valid_certificates(sub_ids: list[int]) -> dict[int, Certificate]:
    """The valid certificate of each of these parts, by part id (one query)."""
    if not sub_ids:
        return {}
    return {c.sub_request_id: c for c in db.session.scalars(
        db.select(Certificate).where(Certificate.sub_request_id.in_(sub_ids),
                                     Certificate.status == CertificateStatus.valid))}


def latest_certificates(sub_ids: list[int]) -> dict[int, Certificate]:
    """The newest certificate of each of these parts, whatever its status (one query):
    an applicant is told when theirs was withdrawn."""
    latest = {}
    if sub_ids:
        for cert in db.session.scalars(db.select(Certificate).where(
                Certificate.sub_request_id.in_(sub_ids)).order_by(Certificate.id)):
            latest[cert.sub_request_id] = cert
    return latest


def part_history(sub_id: int) -> list[Certificate]:
    """Every certificate issued for the part, newest first."""
    return list(db.session.scalars(db.select(Certificate).filter_by(sub_request_id=sub_id)
                                   .order_by(Certificate.id.desc())))


@dataclass(frozen=True)
class PublicFacts:
    """What the holder of a certificate checks first on the public page."""
    outcome: Conclusion | None      # None for a calibration: it states no conformity
    valid_until: date | None        # a verification certificate's term (JJG 539: a year)
    identities: list[str]           # the instruments or samples it covers
    signatory: str

    @property
    def badge(self) -> str:
        """The verdict badge's look: passed, failed, or neither."""
        return {Conclusion.conforms: "passed",
                Conclusion.does_not_conform: "failed"}.get(self.outcome, "none")


def public_facts(cert: Certificate) -> PublicFacts:
    sub = cert.sub_request
    if cert.kind == CertificateKind.verification_certificate:
        outcome = Conclusion.conforms
    elif cert.kind == CertificateKind.verification_failure:
        outcome = Conclusion.does_not_conform
    elif cert.kind == CertificateKind.calibration_certificate:
        outcome = None
    else:
        outcome = conclusion(r.verdict for item in sub.items for r in item.results)
    identities = []
    for item in sub.items:
        if item.instrument is not None:
            made = " ".join(p for p in (item.instrument.make, item.instrument.model) if p)
            identities.append(f"{made} · S/N {item.instrument.serial}" if made
                              else f"S/N {item.instrument.serial}")
        else:
            code = f" · {item.sample.code}" if item.sample else ""
            identities.append(f"{item.sample_description}{code}")
    issued = to_local(cert.issued_at).date()
    return PublicFacts(
        outcome=outcome, identities=identities, signatory=cert.signed_by.name,
        valid_until=(valid_until(issued)
                     if cert.kind == CertificateKind.verification_certificate else None))
