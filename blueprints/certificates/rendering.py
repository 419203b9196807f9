"""HTML to PDF with WeasyPrint. The context is plain values (never live database
objects), and the URL fetcher serves only data: URLs and the desk's own static
files: a report can never pull in a local file or reach the network."""
import mimetypes
import os

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from blueprints.certificates.signing import sign_pdf

STATIC_SCHEME = "desk-static:"


class DeskFetcher(URLFetcher):
    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols={"data", "desk-static"}, fail_on_errors=True)
        self.root = os.path.realpath(static_folder)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_SCHEME):
            path = os.path.realpath(os.path.join(self.root, url[len(STATIC_SCHEME):].lstrip("/")))
            if path.startswith(self.root + os.sep) and os.path.isfile(path):
                with open(path, "rb") as fh:
                    body = fh.read()
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})
        raise ValueError(f"certificates fetch only the desk's static files, not {url!r}")


def html_to_pdf(html: str, static_folder: str) -> bytes:
    return HTML(string=html, base_url=STATIC_SCHEME,
                url_fetcher=DeskFetcher(static_folder)).write_pdf()


def render_signed(html: str, static_folder: str, signing_folder: str, reason: str,
                  location: str) -> bytes:
    """The finished document: rendered, then signed (PAdES). Plain arguments only, so
    batches can run it in worker processes."""
    return sign_pdf(html_to_pdf(html, static_folder), signing_folder, reason, location)
