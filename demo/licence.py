"""A stand-in business licence for the demo's enterprises, so the administrator's
review has a picture to compare with the registration. Marked as a demo sample."""
import io

from PIL import Image, ImageDraw, ImageFont

from blueprints.auth.signature import DEMO_FONT


def licence_picture(name: str, code: str, representative: str, address: str) -> bytes:
    """A PNG drawn like a business licence: title, code, name, representative and
    address, with a red border and a "demo sample" mark."""
    def font(size):
        try:
            return ImageFont.truetype(DEMO_FONT, size)
        except OSError:
            return ImageFont.load_default(size=size)

    image = Image.new("RGB", (900, 620), (255, 253, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 887, 607), outline=(176, 30, 30), width=8)
    draw.text((450, 70), "营 业 执 照", font=font(58), fill=(176, 30, 30), anchor="mm")
    draw.text((450, 130), f"统一社会信用代码  {code}", font=font(26), fill=(30, 30, 30),
              anchor="mm")
    rows = (("名　　称", name), ("法定代表人", representative), ("住　　所", address),
            ("类　　型", "有限责任公司"))
    for n, (label, value) in enumerate(rows):
        draw.text((90, 210 + 62 * n), f"{label}   {value}", font=font(28), fill=(30, 30, 30))
    draw.text((450, 560), "演示样例 · DEMO SAMPLE · 非真实证照", font=font(24),
              fill=(150, 150, 150), anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
