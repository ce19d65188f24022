"""S3: s3proxy on filesystem storage, with its bucket created by a SigV4 request."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.error
import urllib.parse

from .common import HEAP, HOST, STATE, ServiceError, free_port, http_ok, spawn, wait_until
from .java import installed_jdks, maven_classpath, pick_version

# (version, minimum Java, maximum Java or None), as for the search engines.
S3PROXY_VERSIONS = (("4.1.0", 17, None),)
S3_BUCKET = "casebook-test"
S3_ACCESS_KEY = "casebook"
S3_SECRET_KEY = "casebook-secret"  # noqa: S105 - throwaway credential of the local test server
S3_REGION = "us-east-1"


def sigv4_headers(
    method: str, url: str, access_key: str, secret_key: str, region: str, now: dt.datetime
) -> dict[str, str]:
    """AWS Signature V4 headers for a body-less S3 request (enough to create a bucket)."""
    parsed = urllib.parse.urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    payload_hash = hashlib.sha256(b"").hexdigest()
    headers = {"host": parsed.netloc, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(
        [
            method,
            urllib.parse.quote(parsed.path or "/"),
            parsed.query,
            "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)),
            signed,
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret_key}".encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return headers


S3PROXY_LOGBACK = """<configuration>
  <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="console"/></root>
</configuration>
"""


def start_s3() -> dict:
    version, java_home = pick_version(S3PROXY_VERSIONS, installed_jdks())
    lib = maven_classpath("s3proxy", version) / "lib"
    home = STATE / "s3"
    (home / "data").mkdir(parents=True)
    port = free_port()
    url = f"http://{HOST}:{port}"
    (home / "s3proxy.properties").write_text(
        f"s3proxy.endpoint={url}\n"
        "s3proxy.authorization=aws-v2-or-v4\n"
        f"s3proxy.identity={S3_ACCESS_KEY}\n"
        f"s3proxy.credential={S3_SECRET_KEY}\n"
        "jclouds.provider=filesystem\n"
        f"jclouds.filesystem.basedir={home / 'data'}\n"
    )
    # Without a config file logback logs every request at DEBUG.
    (home / "logback.xml").write_text(S3PROXY_LOGBACK)
    log = home / "console.log"
    cmd = [str(java_home / "bin" / "java"), *HEAP.split(),
           f"-Dlogback.configurationFile={home / 'logback.xml'}", "-cp", f"{lib}/*",
           "org.gaul.s3proxy.Main", "--properties", str(home / "s3proxy.properties")]  # fmt: skip
    pid = spawn(cmd, log)
    wait_until(lambda: _answers(url), pid, 120, f"s3proxy {version}", log)
    bucket = f"{url}/{S3_BUCKET}"
    headers = sigv4_headers("PUT", bucket, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, _utcnow())
    if not http_ok(bucket, "PUT", headers):
        raise ServiceError(f"could not create bucket {S3_BUCKET}", log)
    env = {"AWS_STORAGE_BUCKET_NAME": S3_BUCKET, "AWS_S3_ENDPOINT_URL": url,
           "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
           "AWS_S3_REGION_NAME": S3_REGION}  # fmt: skip
    return {"pid": pid, "log": str(log), "health": url, "version": version, "env": env,
            "cmd": cmd}  # fmt: skip


def _answers(url: str) -> bool:
    """True once the server answers HTTP at all (an anonymous request gets 403)."""
    try:
        return http_ok(url)
    except urllib.error.HTTPError:
        return True


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
