"""Local stand-ins for the services Petal talks to, for tests (not imported by application code).

Tests exercise our real code and the real client libraries against these servers, over real
sockets, instead of mocking our own functions. Each server listens on 127.0.0.1 on a port the
operating system picks, so parallel test workers (pytest-xdist) never collide.

- ``FakeNotifyServer``: the part of GOV.UK Notify's API Petal uses (send an email). It checks the
  JSON Web Token the official client signs with the API key's secret, as Notify does.
- ``FakeSMTPServer``: a small SMTP server that keeps every message it receives.
"""

from __future__ import annotations

import json
import re
import socketserver
import threading
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

LOCALHOST = "127.0.0.1"

# The template Petal's service team sets up in Notify (see petal.core.notify).
PETAL_NOTIFY_SUBJECT = "((subject)) – ((reference))"
PETAL_NOTIFY_BODY = (
    "((message))\n\nReference: ((reference))\n\n((link))\n\n"
    "This email does not contain personal details. Sign in to Petal to see more."
)
PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
# Notify accepts tokens issued up to 30 seconds either side of its clock.
JWT_LEEWAY_SECONDS = 30


class _ServerThread:
    """Runs a socketserver in a daemon thread; start() and stop() it, or use it as a context."""

    server: socketserver.BaseServer

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self.server.server_address[0]

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self):
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=type(self).__name__,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


# GOV.UK Notify ----------------------------------------------------------------------------


class FakeNotifyServer(_ServerThread):
    """GOV.UK Notify's ``POST /v2/notifications/email``, answering as Notify does.

    ``api_key`` is a well-formed key (``{name}-{service id}-{secret}``) that this server accepts.
    ``received`` holds the JSON body of each accepted request; ``rejected`` holds the error
    body of each refused one.
    """

    def __init__(
        self,
        *,
        service_id: str | None = None,
        secret: str | None = None,
        template_id: str | None = None,
        subject_template: str = PETAL_NOTIFY_SUBJECT,
        body_template: str = PETAL_NOTIFY_BODY,
        from_email: str = "petal@notifications.service.gov.uk",
    ) -> None:
        super().__init__()
        self.service_id = service_id or str(uuid.uuid4())
        self.secret = secret or str(uuid.uuid4())
        self.template_id = template_id or str(uuid.uuid4())
        self.subject_template = subject_template
        self.body_template = body_template
        self.from_email = from_email
        self.received: list[dict] = []
        self.rejected: list[dict] = []
        self.server = ThreadingHTTPServer((LOCALHOST, 0), _handler_for(self))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def api_key(self, *, name: str = "petal_test", secret: str | None = None) -> str:
        """A key in Notify's format for this service; pass another ``secret`` to get a bad one."""
        return f"{name}-{self.service_id}-{secret or self.secret}"

    # Notify's behaviour, returning (status, JSON body).

    def check_token(self, authorization: str | None) -> str | None:
        """Why the Authorization header is refused, or None if it is good."""
        if not authorization or not authorization.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = authorization.removeprefix("Bearer ")
        try:
            claims = jwt.decode(
                token,
                key=self.secret,
                algorithms=["HS256"],
                options={"require": ["iss", "iat"]},
            )
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if claims["iss"] != self.service_id:
            return "Invalid token: service not found"
        if abs(time.time() - int(claims["iat"])) > JWT_LEEWAY_SECONDS:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def send_email(self, authorization: str | None, body: bytes) -> tuple[int, dict]:
        refusal = self.check_token(authorization)
        if refusal:
            return self._error(HTTPStatus.FORBIDDEN, "AuthError", refusal)
        try:
            data = json.loads(body)
        except ValueError:
            return self._error(HTTPStatus.BAD_REQUEST, "ValidationError", "Invalid JSON supplied")
        if not isinstance(data, dict):
            return self._error(HTTPStatus.BAD_REQUEST, "ValidationError", "Invalid JSON supplied")
        for field in ("email_address", "template_id"):
            if not data.get(field):
                return self._error(
                    HTTPStatus.BAD_REQUEST, "ValidationError", f"{field} is a required property"
                )
        if data["template_id"] != self.template_id:
            return self._error(HTTPStatus.BAD_REQUEST, "BadRequestError", "Template not found")
        personalisation = data.get("personalisation") or {}
        missing = sorted(
            {
                name
                for name in PLACEHOLDER.findall(self.subject_template + self.body_template)
                if name not in personalisation
            }
        )
        if missing:
            return self._error(
                HTTPStatus.BAD_REQUEST,
                "BadRequestError",
                f"Missing personalisation: {', '.join(missing)}",
            )
        self.received.append(data)
        notification_id = str(uuid.uuid4())
        return HTTPStatus.CREATED, {
            "id": notification_id,
            "reference": data.get("reference"),
            "content": {
                "subject": self._render(self.subject_template, personalisation),
                "body": self._render(self.body_template, personalisation),
                "from_email": self.from_email,
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {
                "id": self.template_id,
                "version": 1,
                "uri": f"{self.url}/services/{self.service_id}/templates/{self.template_id}",
            },
            "scheduled_for": None,
        }

    def not_found(self) -> tuple[int, dict]:
        return self._error(HTTPStatus.NOT_FOUND, "NotFound", "The requested URL was not found")

    @staticmethod
    def _render(template: str, personalisation: dict) -> str:
        return PLACEHOLDER.sub(lambda match: str(personalisation[match.group(1)]), template)

    def _error(self, status: HTTPStatus, error: str, message: str) -> tuple[int, dict]:
        body = {"errors": [{"error": error, "message": message}], "status_code": int(status)}
        self.rejected.append(body)
        return int(status), body


def _handler_for(fake: FakeNotifyServer) -> type[BaseHTTPRequestHandler]:
    class NotifyHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path.split("?")[0] == "/v2/notifications/email":
                status, payload = fake.send_email(self.headers.get("Authorization"), body)
            else:
                status, payload = fake.not_found()
            self._reply(status, payload)

        def do_GET(self) -> None:  # noqa: N802
            self._reply(*fake.not_found())

        def _reply(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args) -> None:  # noqa: A002
            pass  # keep test output quiet

    return NotifyHandler


# SMTP -------------------------------------------------------------------------------------


class FakeSMTPServer(_ServerThread):
    """Accepts mail like a real SMTP server and keeps it in ``received``.

    Each received message is an ``email.message.EmailMessage`` (default policy) with the
    envelope added as ``X-MailFrom`` and ``X-RcptTo`` headers, as aiosmtpd does.
    Supports EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP and QUIT; no TLS or AUTH.
    """

    def __init__(self) -> None:
        super().__init__()
        self.received: list[EmailMessage] = []
        self.server = _ThreadingTCPServer((LOCALHOST, 0), _SMTPHandler)
        self.server.fake = self  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


class _ThreadingTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 10  # seconds a silent client may hold a connection
    max_line = 1000 * 10
    max_message = 10 * 1024 * 1024

    def handle(self) -> None:
        self.reset()
        self.reply("220 localhost fake SMTP ready")
        while True:
            line = self.rfile.readline(self.max_line)
            if not line:
                return
            command, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
            command = command.upper()
            if command == "QUIT":
                self.reply("221 Bye")
                return
            handler = getattr(self, f"smtp_{command}", None)
            if handler is None:
                self.reply("500 Command not recognised")
            else:
                handler(argument.strip())

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def reset(self) -> None:
        self.mail_from: str | None = None
        self.rcpt_tos: list[str] = []

    def smtp_EHLO(self, argument: str) -> None:  # noqa: N802
        self.reset()
        self.reply("250-localhost\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP")

    def smtp_HELO(self, argument: str) -> None:  # noqa: N802
        self.reset()
        self.reply("250 localhost")

    def smtp_NOOP(self, argument: str) -> None:  # noqa: N802
        self.reply("250 OK")

    def smtp_RSET(self, argument: str) -> None:  # noqa: N802
        self.reset()
        self.reply("250 OK")

    def smtp_MAIL(self, argument: str) -> None:  # noqa: N802
        address = _address_after(argument, "FROM:")
        if address is None:
            self.reply("501 Syntax: MAIL FROM:<address>")
        elif self.mail_from is not None:
            self.reply("503 Error: nested MAIL command")
        else:
            self.mail_from = address
            self.reply("250 OK")

    def smtp_RCPT(self, argument: str) -> None:  # noqa: N802
        address = _address_after(argument, "TO:")
        if self.mail_from is None:
            self.reply("503 Error: need MAIL command")
        elif not address:
            self.reply("501 Syntax: RCPT TO:<address>")
        else:
            self.rcpt_tos.append(address)
            self.reply("250 OK")

    def smtp_DATA(self, argument: str) -> None:  # noqa: N802
        if not self.rcpt_tos:
            self.reply("503 Error: need RCPT command")
            return
        self.reply("354 End data with <CR><LF>.<CR><LF>")
        lines: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(self.max_line)
            if not line:
                return
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b".."):
                line = line[1:]  # undo the client's dot-stuffing
            size += len(line)
            if size > self.max_message:
                self.reply("552 Error: too much mail data")
                self.reset()
                return
            lines.append(line)
        message = BytesParser(policy=policy.default).parsebytes(b"".join(lines))
        message["X-MailFrom"] = self.mail_from
        message["X-RcptTo"] = ", ".join(self.rcpt_tos)
        self.server.fake.received.append(message)  # type: ignore[attr-defined]
        self.reset()
        self.reply("250 OK: queued")


def _address_after(argument: str, keyword: str) -> str | None:
    """The address in ``FROM:<a@b> SIZE=123`` (ignoring parameters), or None if malformed."""
    if not argument.upper().startswith(keyword):
        return None
    rest = argument[len(keyword) :].strip()
    match = re.match(r"<([^>]*)>", rest)
    if match:
        return match.group(1)
    return rest.split(" ")[0] or None
