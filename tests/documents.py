"""Reading issued documents as a person holding them would: the stored PDF, and the
QR code printed on its first page, decoded from a rendered image."""
import os
import subprocess

from tests.conftest import PUBLIC_URL


def stored_bytes(app, cert) -> bytes:
    """The certificate's PDF as the app's storage holds it (local folder or bucket)."""
    return app.extensions["qidesk.storage"].get(cert.key)


def qr_codes(pdf: bytes, folder) -> list[str]:
    """The texts of the QR codes on the first page, read from a 200 dpi rendering."""
    import zxingcpp
    from PIL import Image
    path = os.path.join(folder, "document.pdf")
    with open(path, "wb") as fh:
        fh.write(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1",
                    path, os.path.join(folder, "page")], check=True)
    return [c.text for c in zxingcpp.read_barcodes(Image.open(os.path.join(folder, "page.png")))]


def verification_link(cert) -> str:
    """Where a certificate's QR code must lead: the desk's public address."""
    return f"{PUBLIC_URL}/verify?number={cert.number}&code={cert.verification_code}"
