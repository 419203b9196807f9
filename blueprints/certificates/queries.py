"""Reads of certificates that several pages share."""
from blueprints.certificates.models import Certificate, CertificateStatus
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
