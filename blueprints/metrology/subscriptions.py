"""What the metrology area adds to the others' work (core/signals.py)."""
from blueprints.metrology.documents import scale_block
from blueprints.metrology.models import Campaign
from core.signals import certificate_item, request_page
from extensions import db


@certificate_item.connect
def _scale_on_certificate(item, **_kwargs) -> dict | None:
    """A verified scale's certificate prints the scale, its tests and its label."""
    if item.scale_verification is None:
        return None
    return {"scale": scale_block(item)}


@request_page.connect
def _campaign_on_page(_sender, parts, **_kwargs) -> dict:
    """A scale registered for a campaign day is verified at the market, on that day:
    the request's pages say where and when (and offer no drop-off at the institute)."""
    campaign_id = parts[0].request.campaign_id if parts else None
    return {"campaign": db.session.get(Campaign, campaign_id) if campaign_id else None}
