"""The signature image an authorising person prints on what they issue."""
import io

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

MAX_UPLOAD = 2 * 1024 * 1024
MAX_SIZE = (600, 200)          # pixels kept: about 50 x 17 mm at 300 dpi
MAX_PIXELS = 40_000_000        # refuse decompression bombs before decoding


class SignatureError(ValueError):
    """The upload cannot be used; `code` says why (the route words it for people)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_signature(data: bytes) -> bytes:
    """A PNG of at most 600 x 200 pixels from an uploaded PNG or JPEG.

    Raises SignatureError("too_large"), ("not_image") or ("too_many_pixels").
    Re-encoding drops whatever else the file carried (metadata, trailing bytes)."""
    if len(data) > MAX_UPLOAD:
        raise SignatureError("too_large")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("PNG", "JPEG"):
            raise SignatureError("not_image")
        if image.width * image.height > MAX_PIXELS:
            raise SignatureError("too_many_pixels")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise SignatureError("not_image") from None
    image = image.convert("RGBA")
    image.thumbnail(MAX_SIZE)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


DEMO_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # installed by the set-up


def drawn_signature(name: str) -> bytes:
    """A stand-in signature for demo accounts and tests: the name drawn in ink blue.
    Real signatories upload a scan of their own."""
    try:
        font = ImageFont.truetype(DEMO_FONT, 56)
    except OSError:
        font = ImageFont.load_default(size=56)
    image = Image.new("RGBA", (60 * max(len(name), 2) + 40, 90), (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20, 12), name, font=font, fill=(20, 40, 140, 255))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return normalise_signature(out.getvalue())
