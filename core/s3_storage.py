"""The documents in an S3-compatible bucket (AWS S3, MinIO, Ceph and the like), through
boto3: the back end for a desk on several nodes, where no instance folder is shared."""
import threading
from collections.abc import Iterator

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from core.storage import NotFound, Storage, StorageConfigError

# Path-style addresses (endpoint/bucket/key) work with every S3-compatible server, where
# bucket.endpoint needs a DNS name per bucket. The checksums newer boto3 adds to every
# request by default are still refused by some of those servers; S3 checks Content-MD5
# where it is required, and the desk checks each document's SHA-256 when it reads one.
CLIENT_CONFIG = Config(s3={"addressing_style": "path"},
                       request_checksum_calculation="when_required",
                       response_checksum_validation="when_required",
                       connect_timeout=5, read_timeout=60,
                       retries={"max_attempts": 3, "mode": "standard"})
MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage(Storage):
    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None):
        self.bucket = bucket
        self._options = {"endpoint_url": endpoint_url or None, "region_name": region or None,
                         "aws_access_key_id": access_key or None,
                         "aws_secret_access_key": secret_key or None}
        self._client = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config) -> "S3Storage":
        """From S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY and S3_SECRET_KEY;
        the keys and region left unset come from boto3's own sources (AWS_* environment,
        ~/.aws, an instance role). Raises StorageConfigError without a bucket."""
        def setting(name):
            # QIDESK_* values are read as JSON when they can be: a bucket named 2026
            # would otherwise arrive as a number.
            value = config.get(name)
            return None if value in (None, "") else str(value)

        if not setting("S3_BUCKET"):
            raise StorageConfigError("QIDESK_STORAGE_BACKEND is s3 but QIDESK_S3_BUCKET is not "
                                     "set: name the bucket the desk keeps its documents in.")
        return cls(setting("S3_BUCKET"), endpoint_url=setting("S3_ENDPOINT_URL"),
                   region=setting("S3_REGION"), access_key=setting("S3_ACCESS_KEY"),
                   secret_key=setting("S3_SECRET_KEY"))

    @property
    def client(self):
        # One client for the app, made on first use (it is safe to share between
        # threads; making one is not, hence the lock).
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = boto3.session.Session().client(
                        "s3", config=CLIENT_CONFIG, **self._options)
        return self._client

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        # A PUT replaces the object whole or not at all.
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def _read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as err:
            if _code(err) in MISSING:
                raise NotFound(key) from None
            raise
        with response["Body"] as body:
            return body.read()

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as err:
            if _code(err) in MISSING:
                return False
            raise
        return True

    def _delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def where(self, area: str) -> str:
        return f"s3://{self.bucket}/{area}/"

    def _keys(self, area: str) -> Iterator[str]:
        # A thousand keys a page, in key order.
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{area}/")
        for page in pages:
            for obj in page.get("Contents", []):
                yield obj["Key"]


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))
