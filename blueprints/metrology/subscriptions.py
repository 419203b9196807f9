"""What the metrology area adds to the others' work (core/signals.py)."""
from blueprints.metrology import campaigns
from blueprints.metrology.documents import scale_block
from core.signals import certificate_item, request_page
from core.timeutil import local_today


@certificate_item.connect
def _scale_on_certificate(item, **_kwargs) -> dict | None:
    """A verified scale's certificate prints the scale, its tests and its label."""
    if item.scale_verification is None:
        return None
    return {"scale": scale_block(item)}


@request_page.connect
def _campaign_on_page(_sender, parts, audience: str = "", **_kwargs) -> dict:
    """A scale registered for a campaign day is verified at the market, on that day:
    the request's pages say where and when (and offer no drop-off at the institute).
    The vendor may move to another coming day until a scale is verified."""
    req = parts[0].request if parts else None
    if req is None or req.campaign_id is None:
        return {"campaign": None}
    movable = audience != "lab" and campaigns.may_move(req)
    return {"campaign": req.campaign,
            "other_campaign_days": campaigns.other_days(req, local_today()) if movable else []}
