"""What the requests area tells the others (core/signals.py)."""
from sqlalchemy import select

from blueprints.service_requests.models import Result
from core.signals import parameters_in_use
from extensions import db


@parameters_in_use.connect
def _parameters_with_results(_sender, parameter_ids, **_kwargs) -> dict:
    if not parameter_ids:
        return {"in_use": set()}
    return {"in_use": set(db.session.scalars(select(Result.parameter_id).distinct().where(
        Result.parameter_id.in_(parameter_ids))))}
