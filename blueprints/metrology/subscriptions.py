"""What the metrology area adds to the others' work (core/signals.py)."""
from blueprints.metrology.documents import scale_block
from core.signals import certificate_item


@certificate_item.connect
def _scale_on_certificate(item, **_kwargs) -> dict | None:
    """A verified scale's certificate prints the scale, its tests and its label."""
    if item.scale_verification is None:
        return None
    return {"scale": scale_block(item)}
