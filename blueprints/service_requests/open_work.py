"""Each lab's open items per service, as routing reads them: kept on the capability as
parts open and close (models.keep_open_work), and recounted here from the parts
themselves by the worker once an hour (and by the migration that added them), which
mends what an interrupted step or a hand edit in the database left behind."""
from sqlalchemy import bindparam, func, select

from blueprints.catalogue.models import Capability
from blueprints.service_requests.models import RequestItem, SubRequest
from extensions import db


def counted() -> dict[tuple[int, int], int]:
    """Open items by (lab, service), counted over the open parts (the partial index of
    open parts: some thousands of rows, however long the history)."""
    return {(lab, service): n for lab, service, n in db.session.execute(
        select(SubRequest.lab_id, RequestItem.service_id, func.count())
        .join(RequestItem, RequestItem.sub_request_id == SubRequest.id)
        .where(SubRequest.is_open())
        .group_by(SubRequest.lab_id, RequestItem.service_id))}


def recount() -> int:
    """Set each capability's open items to the count; returns how many were wrong."""
    found = counted()
    caps = Capability.__table__
    wrong = [{"b_id": cap_id, "b_n": found.get((lab, service), 0)}
             for cap_id, lab, service, kept in db.session.execute(
                 select(caps.c.id, caps.c.lab_id, caps.c.service_id, caps.c.open_items))
             if kept != found.get((lab, service), 0)]
    if wrong:
        db.session.execute(caps.update().where(caps.c.id == bindparam("b_id"))
                           .values(open_items=bindparam("b_n")), wrong)
    db.session.commit()
    return len(wrong)
