"""S3 static website hosting: a bucket's website endpoint (`<bucket>.s3-website...` in the Host header)
serves objects, folder index documents and the error document, follows routing rules and redirects,
and answers errors as S3's HTML pages; PutBucketWebsite refuses what S3 refuses.

Expected values come from the S3 developer guide's website chapters and from answers AWS recorded
(statuses, `Location` headers, the error pages' layout and the configuration errors)."""
import http.client
import json

import pytest
from botocore.exceptions import ClientError

from test_cli import aws


@pytest.fixture
def s3(server):
    server.reset()
    return server.client("s3")


@pytest.fixture
def site(s3):
    s3.create_bucket(Bucket="site")
    return "site"


def fetch(server, path="/", method="GET", host="site.s3-website.localhost", headers=None, body=None):
    """One request to the website endpoint, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Host": f"{host}:{server.port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def page(status_line, *items):
    """The HTML error page's lines between the heading and the request id."""
    lines = [f"<li>{name}: {value}</li>" for name, value in items]
    text = f"<html>\n<head><title>{status_line}</title></head>\n<body>\n<h1>{status_line}</h1>\n<ul>\n"
    text += "\n".join(lines) + "\n"
    return text


def put(s3, key, body="", **extra):
    return s3.put_object(Bucket="site", Key=key, Body=body.encode(), **extra)


def test_index_documents_and_folders(server, s3, site):
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    index = put(s3, "index.html", "home", ContentType="text/html")
    put(s3, "docs/index.html", "docs", ContentType="text/html")

    status, headers, body = fetch(server, "/")
    assert (status, body, headers["content-type"]) == (200, "home", "text/html")
    assert headers["etag"] == index["ETag"]
    # A folder without its slash is sent to the folder (302), whose index answers.
    status, headers, _ = fetch(server, "/docs")
    assert (status, headers["location"]) == (302, "/docs/")
    assert fetch(server, "/docs/")[::2] == (200, "docs")
    # Conditional reads and HEAD work as on objects.
    assert fetch(server, "/", headers={"If-None-Match": index["ETag"]})[0] == 304
    status, headers, body = fetch(server, "/", method="HEAD")
    assert (status, body, headers["content-length"]) == (200, "", "4")


def test_error_pages_are_s3s_html(server, s3, site):
    status, headers, body = fetch(server, "/", host="missing-bucket.s3-website.localhost")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert body.startswith(page("404 Not Found", ("Code", "NoSuchBucket"),
                                ("Message", "The specified bucket does not exist"), ("BucketName", "missing-bucket")))

    status, _, body = fetch(server, "/key.html")
    assert status == 404
    assert "<li>Code: NoSuchWebsiteConfiguration</li>\n<li>Message: The specified bucket does not have a " \
           "website configuration</li>\n<li>BucketName: site</li>" in body

    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    status, _, body = fetch(server, "/nothing/")
    assert status == 404
    assert body.startswith(page("404 Not Found", ("Code", "NoSuchKey"), ("Message", "The specified key does not exist."),
                                ("Key", "nothing/index.html")))
    assert "<li>RequestId: " in body and "<li>HostId: " in body and body.endswith("<hr/>\n</body>\n</html>\n")

    # Only GET and HEAD: anything else is 405, never the error document.
    for method in ("POST", "DELETE", "PUT"):
        status, _, body = fetch(server, "/", method=method, body=b"x" if method != "DELETE" else None)
        assert status == 405, method
        assert f"<li>Code: MethodNotAllowed</li>\n<li>Message: The specified method is not allowed against this " \
               f"resource.</li>\n<li>Method: {method}</li>\n<li>ResourceType: OBJECT</li>" in body


def test_error_document(server, s3, site):
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    # The error document is missing too: both failures are on the page.
    status, _, body = fetch(server, "/gone.html")
    assert status == 404
    assert "<li>Key: gone.html</li>" in body
    assert "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n" \
           "<li>Code: NoSuchKey</li>\n<li>Message: The specified key does not exist.</li>\n" \
           "<li>Key: error.html</li>\n</ul>\n<hr/>" in body

    error = put(s3, "error.html", "oops", ContentType="text/html")
    status, headers, body = fetch(server, "/gone.html")
    assert (status, body, headers["etag"]) == (404, "oops", error["ETag"])
    # The error document that redirects loses the error's status.
    put(s3, "error.html", "moved", WebsiteRedirectLocation="/elsewhere/error.html")
    status, headers, _ = fetch(server, "/gone.html")
    assert (status, headers["location"]) == (301, "/elsewhere/error.html")


def test_object_redirects(server, s3, site):
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    put(s3, "old.html", WebsiteRedirectLocation="/new.html")
    put(s3, "away.html", WebsiteRedirectLocation="https://example.com/page")
    assert fetch(server, "/old.html")[1]["location"] == "/new.html"
    status, headers, body = fetch(server, "/away.html")
    assert (status, headers["location"], body) == (301, "https://example.com/page", "")


def test_routing_rules(server, s3, site):
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "docs/", "HttpErrorCodeReturnedEquals": "404"},
             "Redirect": {"ReplaceKeyWith": "docs-missing.html"}},
            {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}},
            {"Condition": {"KeyPrefixEquals": "gone/"}, "Redirect": {"ReplaceKeyPrefixWith": ""}},
            {"Condition": {"KeyPrefixEquals": "elsewhere/"},
             "Redirect": {"HostName": "example.com", "Protocol": "https", "HttpRedirectCode": "307"}},
            {"Condition": {"KeyPrefixEquals": "index"}, "Redirect": {"ReplaceKeyWith": "never.html"}},
        ]})
    put(s3, "index.html", "home")
    put(s3, "docs/present.html", "present")
    put(s3, "old/page.html", "stale", WebsiteRedirectLocation="/object-redirect.html")
    base = f"http://site.s3-website.localhost:{server.port}"

    # A rule without an error condition applies before the object is read (its own redirect too).
    status, headers, _ = fetch(server, "/old/page.html")
    assert (status, headers["location"]) == (301, f"{base}/new/page.html")
    assert fetch(server, "/gone/a/b.html")[1]["location"] == f"{base}/a/b.html"
    status, headers, _ = fetch(server, "/elsewhere/x")
    assert (status, headers["location"]) == (307, "https://example.com/elsewhere/x")
    # A rule with an error condition applies only once the error happened.
    assert fetch(server, "/docs/present.html")[::2] == (200, "present")
    status, headers, _ = fetch(server, "/docs/absent.html")
    assert (status, headers["location"]) == (301, f"{base}/docs-missing.html")
    # The root is matched as the empty key, not as its index document.
    assert fetch(server, "/")[::2] == (200, "home")


def test_redirect_all_requests(server, s3, site):
    s3.create_bucket(Bucket="target")
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={
        "RedirectAllRequestsTo": {"HostName": "target.example", "Protocol": "https"}})
    status, headers, body = fetch(server, "/some/page.html")
    assert (status, headers["location"], body) == (301, "https://target.example/some/page.html", "")


def test_amazon_host_forms_and_the_rest_endpoint(server, s3, site):
    s3.put_bucket_website(Bucket=site, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    put(s3, "index.html", "home")
    for host in ("site.s3-website-us-east-1.amazonaws.com", "site.s3-website.us-east-1.amazonaws.com",
                 "site.s3-website.localhost.localstack.cloud"):
        assert fetch(server, "/", host=host)[::2] == (200, "home"), host
    # The REST endpoint's virtual host is still the API: a listing, not the index document.
    status, _, body = fetch(server, "/", host="site.s3.amazonaws.com")
    assert status == 200 and "<ListBucketResult" in body


@pytest.mark.parametrize("configuration, code, message, argument", [
    ({"IndexDocument": {"Suffix": "/index.html"}}, "InvalidArgument",
     "The IndexDocument Suffix is not well formed", ("IndexDocument", "/index.html")),
    ({"IndexDocument": {"Suffix": ""}}, "InvalidArgument", "The IndexDocument Suffix is not well formed", None),
    ({"RedirectAllRequestsTo": {"HostName": "h"}, "IndexDocument": {"Suffix": "index.html"}}, "InvalidArgument",
     "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
     ("RedirectAllRequestsTo", "not null")),
    ({"ErrorDocument": {"Key": "error.html"}}, "InvalidArgument",
     "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty", ("IndexDocument", "null")),
    ({"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [{"Redirect": {"Protocol": "ftp"}}]},
     "InvalidRequest",
     "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.",
     None),
    ({"IndexDocument": {"Suffix": "index.html"},
      "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "a", "ReplaceKeyWith": "b"}}]},
     "InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.", None),
    ({"IndexDocument": {"Suffix": "index.html"},
      "RoutingRules": [{"Condition": {}, "Redirect": {"ReplaceKeyPrefixWith": "a"}}]}, "InvalidRequest",
     "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be "
     "present.", None),
    ({"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": []}, "MalformedXML",
     "The XML you provided was not well-formed or did not validate against our published schema", None),
])
def test_put_bucket_website_refuses(s3, site, configuration, code, message, argument):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_website(Bucket=site, WebsiteConfiguration=configuration)
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == (code, message)
    if argument:
        assert (error["ArgumentName"], error["ArgumentValue"]) == argument
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket=site)


def test_aws_cli_website(server, s3, site):
    put(s3, "index.html", "home", ContentType="text/html")
    put(s3, "404.html", "not here", ContentType="text/html")
    out = aws(server, "s3", "website", "s3://site", "--index-document", "index.html", "--error-document", "404.html")
    assert out.returncode == 0, out.stderr
    stored = json.loads(aws(server, "s3api", "get-bucket-website", "--bucket", "site").stdout)
    assert stored == {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"}}
    assert fetch(server, "/")[::2] == (200, "home")
    assert fetch(server, "/missing")[::2] == (404, "not here")
