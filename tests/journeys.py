"""A request's steps over HTTP, as its people take them, shared by the tests of
every area that needs a request somewhere along its path."""
import os
import subprocess
import sys
import time

from blueprints.certificates.models import BatchState, CertificateBatch
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import ServiceRequest
from core.roles import Role
from extensions import db


def draft_form(*services, title="童装面料送检"):
    data = {"title": title, "contact_name": "许雅婷", "contact_phone": "0595-85123456",
            "notes": "加急"}
    for i, s in enumerate(services):
        data.update({f"items-{i}-service_id": str(s.id),
                     f"items-{i}-sample_description": f"样品{i + 1}",
                     f"items-{i}-quantity": "2", f"items-{i}-requirements": ""})
    return data


def make_draft(client, *services):
    resp = client.post("/requests/new", data=draft_form(*services))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return db.session.scalar(db.select(ServiceRequest).order_by(ServiceRequest.id.desc()))


def submitted(client, login, users, two_labs):
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"], two_labs["food"])
    client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    db.session.refresh(req)
    return req, {s.lab.code: s for s in req.sub_requests}


def quote(client, login, manager, sub, price="150.00", reason=""):
    login(manager)
    data = {"version": str(sub.version)}
    for i, item in enumerate(sub.items):
        data.update({f"lines-{i}-item_id": str(item.id), f"lines-{i}-price": price,
                     f"lines-{i}-price_reason": reason, f"lines-{i}-method_deviation": ""})
    return client.post(f"/lab/requests/{sub.id}/quote", data=data)


def closed_part(client, login, users, two_labs):
    """A free part, taken all the way to closed."""
    two_labs["food"].price_cents = 0
    two_labs["food"].capabilities[0].price_cents = 0
    db.session.commit()
    login(users[Role.sme])
    req = make_draft(client, two_labs["food"])
    client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    db.session.refresh(req)
    sub = req.sub_requests[0]
    manager, other = two_labs["ftc_manager"], two_labs["ftc_manager2"]

    def lab(user, action, **data):
        db.session.refresh(sub)
        login(user)
        return client.post(f"/lab/requests/{sub.id}/{action}",
                           data={"version": str(sub.version), **data})

    assert lab(manager, "do/accept_free").status_code == 302  # free: no quote
    lab(manager, "receive", **{"lines-0-item_id": str(sub.items[0].id),
                               "lines-0-condition": "完好"})
    item = sub.items[0]
    param = item.service.parameters[0]
    lab(manager, f"items/{item.id}/results", **{f"r-{item.id}-{param.id}-value": "0.1"})
    lab(manager, "do/submit_results")
    lab(other, "do/approve")
    lab(other, "do/issue")
    db.session.refresh(sub)
    login(users[Role.sme])
    client.post(f"/requests/{req.id}/parts/{sub.id}/close", data={"version": str(sub.version)})
    db.session.refresh(sub)
    assert sub.state == State.closed
    return req, sub


def worker_runs_batch(env: dict, batch_id: int, seconds: int = 180):
    """`flask worker` in a process of its own with `env`, until the batch is done or
    failed; returns the batch and what the worker printed."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(CertificateBatch, batch_id).state in (BatchState.done,
                                                                    BatchState.failed):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    return db.session.get(CertificateBatch, batch_id), output
