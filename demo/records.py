"""The demo enterprise's quality records (entered as the desk's administrator would),
each with a one-page PDF standing in for the scanned document, so the quality profile
and a quality-credit dossier have something to show."""
from datetime import date

from blueprints.auth.models import User
from blueprints.enterprises.records import QualityRecord
from core.uploads import store
from extensions import db

RECORDS = [
    {"kind": "certification", "level": "qms", "title": "ISO 9001:2015 质量管理体系认证",
     "reference": "00125Q35678R1M", "issuer": "中国质量认证中心", "dated": date(2025, 3, 18),
     "valid_until": date(2028, 3, 17)},
    {"kind": "certification", "level": "product", "title": "运动鞋 产品质量认证",
     "reference": "CQC25-1234-5678", "issuer": "中国质量认证中心", "dated": date(2025, 9, 2),
     "valid_until": date(2030, 9, 1)},
    {"kind": "award", "level": "municipal", "title": "泉州市政府质量奖提名奖",
     "reference": "泉政文〔2025〕88号", "issuer": "泉州市人民政府", "dated": date(2025, 12, 20)},
    {"kind": "standard_drafted", "level": "group", "title": "T/FJXH 012-2025 儿童休闲鞋",
     "reference": "T/FJXH 012-2025", "issuer": "福建省鞋业行业协会", "dated": date(2025, 6, 1)},
    {"kind": "sampling", "level": "provincial", "outcome": "passed",
     "title": "2026年福建省运动鞋产品质量监督抽查", "reference": "闽市监抽〔2026〕0412",
     "issuer": "福建省市场监督管理局", "dated": date(2026, 5, 12)},
]


def evidence_pdf(text: str) -> bytes:
    """A one-page PDF saying `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def load_records(enterprise) -> int:
    """The demo enterprise's records, once."""
    if db.session.scalar(db.select(QualityRecord.id).filter_by(enterprise_id=enterprise.id)):
        return 0
    admin = db.session.scalar(db.select(User).filter_by(email="admin@qidesk.example"))
    for n, row in enumerate(RECORDS, start=1):
        evidence = store(evidence_pdf(f"QI Desk demo evidence {n}: {row['reference']}"
                                      .encode("ascii", "replace").decode()))
        QualityRecord.enter(enterprise, admin, evidence, f"evidence-{n}.pdf", **row)
    return len(RECORDS)
