"""PAdES signatures on issued PDFs, with the desk's key and certificate.

A deployment puts its own `signing-key.pem` and `signing-cert.pem` in the signing
folder (instance/signing by default); a demo gets a self-signed pair generated on
first start, so every PDF reader can still tell whether a file changed after signing."""
import asyncio
import io
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.timeutil import utcnow

KEY_FILE, CERT_FILE = "signing-key.pem", "signing-cert.pem"


def _run(make_coroutine):
    """pyHanko is asyncio inside; its sync wrappers call asyncio.run(), which fails
    in a thread that already runs an event loop (an async server, or Playwright's
    sync API in the browser tests). There the coroutine runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def ensure_signing_pair(folder: str, common_name: str = "QI Desk demo signing") -> None:
    """Create a self-signed ECDSA P-256 key and certificate in `folder` unless both
    exist. The key file is written 0600 and with O_EXCL, so two first starts cannot
    mix pairs. (EC rather than RSA: pyHanko parses the key at every signature, which
    takes about 35 ms for RSA-2048 and well under 1 ms for P-256.)"""
    key_path, cert_path = os.path.join(folder, KEY_FILE), os.path.join(folder, CERT_FILE)
    if os.path.exists(key_path) and os.path.exists(cert_path):
        return
    os.makedirs(folder, mode=0o700, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "QI Desk")])
    now = utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process is generating the pair
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    tmp = cert_path + f".{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp, cert_path)


@lru_cache(maxsize=4)
def _signer(folder: str) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load(os.path.join(folder, KEY_FILE),
                                       os.path.join(folder, CERT_FILE))
    if signer is None:
        raise RuntimeError(f"cannot load the signing key and certificate in {folder}")
    return signer


def sign_pdf(pdf: bytes, folder: str, reason: str, location: str) -> bytes:
    """The PDF with a PAdES baseline signature (SHA-256) appended as an incremental update."""
    meta = signers.PdfSignatureMetadata(
        field_name="QIDeskSignature", md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return _run(lambda: signers.async_sign_pdf(writer, meta, signer=_signer(folder))).getvalue()


def signing_certificate(folder: str):
    return _signer(folder).signing_cert


def signature_status(pdf: bytes, folder: str) -> str:
    """'valid' when the file carries our signature over all of its bytes, unchanged;
    'unsigned' when it has none; 'invalid' otherwise (changed after signing, another
    signer, or bytes added after the signature)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception:  # a file that is not a readable PDF carries no valid signature
        return "invalid"
    if not sigs:
        return "unsigned"
    context = ValidationContext(trust_roots=[signing_certificate(folder)])
    try:
        status = _run(lambda: async_validate_pdf_signature(sigs[-1], context))
    except Exception:
        return "invalid"
    ok = status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    return "valid" if ok else "invalid"
