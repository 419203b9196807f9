"""Defaults. A deployment overrides them in instance/config.py or with
QIDESK_* environment variables (QIDESK_MAIL_SERVER=...); DATABASE_URL picks the
database."""


class DefaultConfig:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    LANGUAGES = ("zh", "en")
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Session and remember-me cookies are Secure whenever PUBLIC_URL is https (None:
    # follow it; QIDESK_SESSION_COOKIE_SECURE=true/false decides instead).
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_SECURE = None
    # The host names the desk answers besides PUBLIC_URL's (a request for any other
    # Host, or X-Forwarded-Host behind a proxy, gets a 400).
    ALLOWED_HOSTS = ("localhost", "127.0.0.1")

    # Several nodes (gunicorn processes, machines) share their state through one Redis
    # (QIDESK_REDIS_URL=redis://10.0.0.5:6379/0): the rate limits' counts and the
    # dashboards' kept figures. Unset, each process keeps its own. Keys are under
    # REDIS_KEY_PREFIX, so two desks can share a Redis. When Redis cannot be reached the
    # desk serves on with each process counting for itself and logs a warning
    # (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED, on with Redis). Every node needs the same
    # SECRET_KEY then (QIDESK_SECRET_KEY), or a shared instance folder.
    REDIS_URL = None
    REDIS_KEY_PREFIX = "qidesk:"
    # Where the rate limits count: REDIS_URL when set, else memory://, unless set here
    # (any Flask-Limiter storage URI).
    RATELIMIT_STORAGE_URI = None
    RATELIMIT_HEADERS_ENABLED = True
    # Wrong passwords: per account, and (looser, as an office shares one address)
    # per client address.
    LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
    LOGIN_IP_RATE_LIMIT = "30 per minute;300 per hour"
    # New accounts (citizen sign-up, enterprise registration) per client address: enough
    # for a family or a stall's helpers, not for a script making them by the hundred.
    SIGNUP_RATE_LIMIT = "5 per minute;20 per hour"

    # Behind N reverse proxies set QIDESK_PROXY_HOPS=N, so client addresses (for
    # rate limits) and https come from X-Forwarded-For / -Proto, not the proxy.
    PROXY_HOPS = 0

    # The address people reach the desk at (QIDESK_PUBLIC_URL=https://qidesk.example.gov.cn).
    # Every absolute link is built on it: the QR code on a certificate, links in mails
    # and calendar feeds, from a web request or the worker alike. Required unless the
    # desk runs in debug or test mode; `./qidesk run` sets its own local address.
    PUBLIC_URL = None

    # Where the documents the desk writes and serves again are kept (issued PDFs, batch
    # outputs, dossiers, uploaded files; core/storage.py): "local", the folders below,
    # or "s3", an S3-compatible bucket, which several app nodes and the worker share.
    STORAGE_BACKEND = "local"
    # For "s3": the bucket (required) and, for a server other than AWS (MinIO...), its
    # address (QIDESK_S3_ENDPOINT_URL=https://minio.example:9000). The region and keys
    # left unset come from boto3's own sources (AWS_* environment, ~/.aws, instance role).
    S3_BUCKET = None
    S3_ENDPOINT_URL = None
    S3_REGION = None
    S3_ACCESS_KEY = None
    S3_SECRET_KEY = None
    # The local back end's folders. Uploaded files live outside static/ (default:
    # instance/uploads). `flask backup` archives the documents (these folders, or the
    # bucket) and the signing folder with the database; `flask restore` puts them back.
    UPLOAD_FOLDER = None
    CERTIFICATE_FOLDER = None  # issued PDFs (default: instance/certificates)
    DOSSIER_FOLDER = None  # quality-credit dossiers' PDFs (default: instance/dossiers)
    # signing-key.pem and signing-cert.pem (default: instance/signing; a demo pair is
    # generated on first start, a deployment puts its own there). Not a document: with
    # several nodes each holds the same pair in its own folder, whatever the back end.
    SIGNING_FOLDER = None
    # The county's quality-credit indicator set (blueprints/credit/data/<name>.toml)
    CREDIT_INDICATOR_SET = "jinjiang"
    SCALE_SERVICE_CODE = "MT-001"  # the catalogue service for free trade-scale verification
    BATCH_PROCESSES = 2
    # A board keeps the figures it read until the worker computes them again (off: every
    # view reads the month rows; the dashboards bench measures both)
    DASHBOARD_FIGURES_KEPT = True
    # Outgoing mail (the worker delivers the outbox; QIDESK_MAIL_SERVER etc. to change)
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "desk@qidesk.example"
    MAIL_FROM_NAME = "QI Desk 质量服务一站通"

    # The lab's promise to answer a submitted request (accept, quote, return or
    # reject): by closing time of the N-th working day, or within so many working
    # minutes of office hours when RESPONSE_MINUTES is set (QIDESK_RESPONSE_MINUTES=60).
    RESPONSE_WORKING_DAYS = 1
    RESPONSE_MINUTES = None
    OFFICE_HOURS = ("08:30", "17:30")
    # Deadline alerts to lab managers: this long before the answer is due, and this
    # many working days before a due date; the digest goes out from this local hour.
    ANSWER_ALERT_MINUTES = 120
    DUE_ALERT_WORKING_DAYS = 1
    DIGEST_HOUR = 7
    # The quality clinic: an expert answers a dispatch (accepts or declines) by closing
    # time of the N-th working day; the desk asks for the benefit so many days after
    # the enterprise confirmed the case resolved.
    CLINIC_RESPONSE_WORKING_DAYS = 2
    CLINIC_BENEFIT_AFTER_DAYS = 90

    PER_PAGE = 20
    # Lists count the rows they match up to this many, then say "more than" (counting
    # all of a long history costs as much as the history; past 50 pages of 20, nobody
    # pages on to find a row: they filter or search).
    COUNT_LIMIT = 1_000
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
