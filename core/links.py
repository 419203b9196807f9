"""Absolute links people follow from outside a page: the QR code and link on a
certificate, links in mails, notifications and calendar feeds. Each is built on the
desk's public address (PUBLIC_URL), never on the host a request came in by: the worker
has no request, and a forged Host header must not reach a mail."""
from urllib.parse import urlsplit

from flask import current_app


class PublicUrlError(RuntimeError):
    """PUBLIC_URL is missing where it is required, or is not an http(s) address."""


def check_public_url(value: str | None, required: bool) -> str:
    """The public address without its trailing slash. Raises PublicUrlError, saying
    what to set, when it is missing (and required) or not an http(s) address."""
    url = (value or "").strip().rstrip("/")
    if not url:
        if required:
            raise PublicUrlError(
                "QIDESK_PUBLIC_URL is not set. Set it to the address people reach the desk "
                "at, for example QIDESK_PUBLIC_URL=https://qidesk.jinjiang.gov.cn: the QR "
                "codes printed on certificates and the links in mails and calendar feeds "
                "are built from it, and an issued certificate never changes.")
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise PublicUrlError(f"QIDESK_PUBLIC_URL must be an http or https address such as "
                             f"https://qidesk.jinjiang.gov.cn, not {value!r}.")
    return url


def public_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` on the desk's public address, the same in a
    web request (whatever its Host) and in the worker (which has no request)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
