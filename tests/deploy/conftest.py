import http.client
from dataclasses import dataclass

HOST = "news.example.org"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cache(self):
        return self.headers.get("X-Cache")


def request(varnish, path, *, method="GET", headers=None, body=None, timeout=5):
    """One request straight to ``varnish`` (no HTTP proxy from the environment), ``Host`` the test site's."""
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


# What nginx adds to every request it relays (deploy/nginx/caspian.conf): a reader's request.
THROUGH_NGINX = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": HOST}
