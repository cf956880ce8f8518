"""A real OAI-PMH endpoint on loopback for harvester tests: it serves stored responses by request."""
import http.server
import threading
from urllib.parse import parse_qs, urlparse


class OAIServer:
    """``first`` answers a ListRecords without token; ``by_token`` answers each resumptionToken
    (bytes, or an int: that HTTP status).

    ``failures`` is a list of HTTP statuses returned (one per request) before real answers;
    every request's parameters are kept in ``requests``.
    """

    def __init__(self):
        self.first: bytes = b""
        self.by_token: dict[str, bytes | int] = {}
        self.failures: list[int] = []
        self.unknown_token: bytes = BAD_TOKEN
        self.requests: list[dict] = []
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}/oai"

    def _answer(self, params: dict) -> tuple[int, bytes, dict]:
        self.requests.append(params)
        if self.failures:
            return self.failures.pop(0), b"<html>busy</html>", {"Retry-After": "0"}
        token = params.get("resumptionToken")
        if token is None:
            return 200, self.first, {}
        if token in self.by_token:
            answer = self.by_token[token]
            if isinstance(answer, int):  # an HTTP failure for this page
                return answer, b"<html>error</html>", {}
            return 200, answer, {}
        return 200, self.unknown_token, {}

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                status, body, headers = server._answer(params)
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def start(self) -> "OAIServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


BAD_TOKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01T00:00:00Z</responseDate>
<request verb="ListRecords">http://example.org/oai</request>
<error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>"""
