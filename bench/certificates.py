"""Certificates per second: one at a time, and a 150-certificate batch on this
machine's cores, against the time WeasyPrint itself takes for the same HTML.

    .venv/bin/python bench/certificates.py [--batch 150] [--singles 10]

Builds a demo desk in a temporary instance folder (SQLite), adds approved
trade-scale verifications at the demo metrology lab, then times:
  - WeasyPrint alone: HTML(string=...).write_pdf() of one certificate's HTML;
  - rendering and signing (PAdES) that HTML;
  - issuing one part end to end (number, context, render, sign, store, commit);
  - a batch of N parts rendered in this process, then in 2 worker processes.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from harness import ROOT

sys.path.insert(0, ROOT)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
                     for r in [header, *rows])


def make_parts(n: int) -> list[int]:
    """n approved one-item parts at the demo metrology lab (JMI), citizens' scales."""
    # The bench's imports sit in its functions: `--help` and argument errors answer
    # without loading the desk (a few seconds).
    from decimal import Decimal

    from blueprints.auth.models import User
    from blueprints.catalogue.models import Service
    from blueprints.labs.models import Lab
    from blueprints.service_requests.lifecycle import State
    from blueprints.service_requests.models import (
        RequestItem,
        Result,
        Sample,
        ServiceRequest,
        SubRequest,
    )
    from blueprints.service_requests.verdicts import Verdict, verdict
    from core.roles import Role
    from core.timeutil import utcnow
    from extensions import db

    lab = db.session.scalar(db.select(Lab).filter_by(code="JMI"))
    service = db.session.scalar(db.select(Service).filter_by(code="MT-001"))
    manager = db.session.scalar(db.select(User).filter_by(role=Role.lab_manager, lab_id=lab.id))
    citizen = db.session.scalar(db.select(User).filter_by(role=Role.citizen))
    start = db.session.scalar(db.select(db.func.count(ServiceRequest.id)))
    ids = []
    for i in range(n):
        k = start + i + 1
        req = ServiceRequest(number=f"QD-2026-{900000 + k:06d}", state=State.submitted,
                             applicant=citizen, title=f"电子秤检定 {k}", contact_name="蔡阿姨",
                             contact_phone="13800000001", submitted_at=utcnow())
        sub = SubRequest(request=req, lab=lab, part=1, state=State.approved,
                         approved_by_id=manager.id, approved_at=utcnow())
        item = RequestItem(request=req, sub_request=sub, service=service, price_cents=0,
                           sample_description=f"电子计价秤 ACS-15 S/N 2026{k:05d}")
        item.sample = Sample(code=f"B{k:06d}", condition="完好", received_by_id=manager.id)
        for p in service.parameters:  # JJG 539's tests, each judged by the metrologist
            judged = p.limit_kind.value == "text"
            value = None if judged else Decimal("1")
            item.results.append(Result(
                parameter=p, value=value, text_value="合格" if judged else "",
                entered_by_id=manager.id,
                verdict=verdict(p.limit_kind, value, p.limit_min, p.limit_max,
                                Verdict.passed if judged else None)))
        db.session.add(req)
        db.session.flush()
        ids.append(sub.id)
    db.session.commit()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument("--singles", type=int, default=10)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from weasyprint import HTML

    from app import create_app
    from blueprints.auth.models import User
    from blueprints.certificates import batches, issuing
    from blueprints.certificates.rendering import STATIC_SCHEME, DeskFetcher, render_signed
    from blueprints.service_requests.lifecycle import Action
    from blueprints.service_requests.models import SubRequest
    from core import storage
    from demo.loader import load_demo
    from extensions import db

    instance = tempfile.mkdtemp(prefix="qidesk-bench-certs-")
    try:
        app = create_app({"SECRET_KEY": "bench", "SERVER_NAME": "desk.example",
                          "PUBLIC_URL": "https://desk.example",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/desk.db",
                          "CERTIFICATE_FOLDER": f"{instance}/certificates",
                          "SIGNING_FOLDER": f"{instance}/signing"})
        with app.app_context():
            upgrade()
            load_demo()
            ids = make_parts(args.singles + 2 * args.batch + 1)
            manager = db.session.get(User, db.session.get(SubRequest, ids[0]).approved_by_id)
            static, signing = app.static_folder, issuing.signing_folder()

            # One certificate's HTML, as issuing renders it (the number is not committed).
            cert, html = issuing.prepare(db.session.get(SubRequest, ids.pop()), manager)
            db.session.rollback()

            def timed(fn, n):
                fn()  # warm-up: fonts, caches
                runs = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    fn()
                    runs.append(time.perf_counter() - t0)
                return statistics.median(runs)

            raw = timed(lambda: HTML(string=html, base_url=STATIC_SCHEME,
                                     url_fetcher=DeskFetcher(static)).write_pdf(), args.singles)
            signed = timed(lambda: render_signed(html, static, signing, "bench", "bench"),
                           args.singles)

            singles = []
            for sub_id in ids[:args.singles]:
                t0 = time.perf_counter()
                sub = db.session.get(SubRequest, sub_id)
                sub.take(Action.issue, manager)
                issuing.issue(sub, manager)
                db.session.commit()
                singles.append(time.perf_counter() - t0)
            single = statistics.median(singles)

            rows = [["WeasyPrint alone (same HTML)", f"{raw * 1000:.0f} ms", f"{1 / raw:.2f}"],
                    ["render + PAdES signature", f"{signed * 1000:.0f} ms", f"{1 / signed:.2f}"],
                    ["issue one part end to end", f"{single * 1000:.0f} ms", f"{1 / single:.2f}"]]
            rest = ids[args.singles:]
            for processes, chunk in ((1, rest[:args.batch]), (2, rest[args.batch:])):
                batch, _left_out = batches.create_batch(manager.lab_id, manager, chunk)
                db.session.commit()
                t0 = time.perf_counter()
                batch = batches.run_batch(batch.id, processes=processes)
                took = time.perf_counter() - t0
                assert batch.state.value == "done" and batch.done == len(chunk), batch.error
                rows.append([f"batch of {len(chunk)}, {processes} process(es)",
                             f"{took:.1f} s ({took / len(chunk) * 1000:.0f} ms each)",
                             f"{len(chunk) / took:.2f}"])
            rows.append([f"WeasyPrint alone × {args.batch}, one core",
                         f"{raw * args.batch:.1f} s", f"{1 / raw:.2f}"])
            size = len(storage.get(batch.output_key("pdf")))
            print(f"cores: {os.cpu_count()}; merged PDF of the last batch: {size / 1e6:.1f} MB")
            print(table(["what", "time", "certificates / s"], rows))
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
