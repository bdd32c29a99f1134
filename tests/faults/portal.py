"""The portal as a separate gunicorn process, and a tablet that talks to it over HTTP.

`Server` starts gunicorn (sync workers, `bantar.settings` with DEBUG off) in its
own process group, so that `kill()` can SIGKILL the arbiter and every worker at
once, as a power cut or the OOM killer would. `Tablet` holds one juror's cookies
(two tabs of one browser share them) and sends what static/js/scoring.js sends:
a JSON score change or a multipart photo, each with its client id. `send()`
retries like the page's outbox: again after no answer or a 5xx, until the server
answers; `open()` writes a request, or only its first part, to a raw socket.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20  # seconds, for any one answer
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BOUNDARY = "----bantar-faults-boundary"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


GUNICORN = Path(sys.executable).parent / "gunicorn"  # installed with the portal (pyproject)


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 10) -> Any:
    """Poll every 5 ms until `condition()` is truthy; its value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError(f"not within {timeout} s: {what}")


@dataclass
class Server:
    database_url: str
    media_root: Path
    log: Path
    port: int = field(default_factory=free_port)
    workers: int = 3
    process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            str(GUNICORN),
            "bantar.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=sync",
            "--timeout=60",
            "--log-level=warning",
        ]
        temporary = self.media_root.parent / "server-tmp"
        temporary.mkdir(exist_ok=True)
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="bantar.settings",
            DEBUG="false",
            DATABASE_URL=self.database_url,
            DB_CONN_MAX_AGE="0",
            MEDIA_ROOT=str(self.media_root),
            TMPDIR=str(temporary),  # Django's spooled uploads, kept out of the shared /tmp
            PYTHONPATH=str(ROOT),
        )
        with self.log.open("ab") as log:  # Django's errors too, for a failing test's message
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: arbiter and workers
            )
        wait_for(self._ready, f"gunicorn answering on port {self.port}\n{self.log_tail()}", 30)

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/accounts/login/")
            return connection.getresponse().status == 200
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL the arbiter and all its workers: no handler, no clean-up, no atexit."""
        assert self.process is not None and self.process.poll() is None, "server not running"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        wait_for(self._port_closed, "the killed server's port to close")

    def _port_closed(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
        except OSError:
            return True
        return False

    def restart(self) -> None:
        self.start()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@dataclass
class Answer:
    status: int  # 0: no answer (the connection broke)
    body: dict[str, Any]
    attempts: int = 1


@dataclass
class Change:
    """One item of the tablet's outbox: a score change or a photo, with its client id."""

    kind: str  # "score" or "photo"
    path: str
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    indicator: str = "B1"
    value: int | None = None
    photo: bytes = b""


@dataclass
class Tablet:
    """One juror's browser: the cookies every tab shares, and the requests the page sends."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {"Cookie": self._cookie_header(), **(headers or {})}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return response.status, data
        except (OSError, http.client.HTTPException):
            return 0, b""
        finally:
            connection.close()

    def log_in(self, username: str, password: str) -> None:
        """The real form: GET the page for its CSRF token, POST it back, keep the session."""
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page.decode("utf-8", "replace"))
        assert status == 200 and token, f"login page answered {status}"
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302 and "sessionid" in self.cookies, f"login answered {status}"

    def post(self, change: Change) -> Answer:
        body, content_type = self.encode(change)
        status, data = self.request(
            "POST",
            change.path,
            body,
            {"Content-Type": content_type, "X-CSRFToken": self.cookies["csrftoken"]},
        )
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            answer = {"raw": data[:200].decode("utf-8", "replace")}
        return Answer(status, answer)

    def send(self, change: Change, *, attempts: int = 20) -> Answer:
        """Like the outbox: the same change again after no answer or a 5xx, until answered."""
        for attempt in range(1, attempts + 1):
            answer = self.post(change)
            if 0 < answer.status < 500:
                answer.attempts = attempt
                return answer
            time.sleep(0.05 * attempt)
        raise AssertionError(f"{change.kind} {change.client_id} unanswered after {attempts} tries")

    def encode(self, change: Change) -> tuple[bytes, str]:
        if change.kind == "score":
            payload = {
                "client_id": change.client_id,
                "indicator": change.indicator,
                "value": change.value,
                "note": "",
            }
            return json.dumps(payload).encode(), "application/json"
        fields = {"client_id": change.client_id, "indicator": change.indicator}
        parts = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        ]
        photo_head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="foto.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        )
        body = "".join(parts).encode() + photo_head.encode() + change.photo
        return (
            body + f"\r\n--{BOUNDARY}--\r\n".encode(),
            f"multipart/form-data; boundary={BOUNDARY}",
        )

    def open(self, change: Change, *, share: float = 1.0) -> socket.socket:
        """Send the request line, headers and `share` of the body over a raw socket, left open.

        The answer (if the server gives one) is read later with `answer()`.
        """
        body, content_type = self.encode(change)
        head = (
            f"POST {change.path} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\n"
            f"Cookie: {self._cookie_header()}\r\n"
            f"X-CSRFToken: {self.cookies['csrftoken']}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        connection.sendall(head + body[: int(len(body) * share)])
        return connection

    def answer(self, connection: socket.socket) -> Answer:
        """The server's answer on a socket from `open()`; the socket is closed afterwards."""
        response = http.client.HTTPResponse(connection)
        try:
            response.begin()
            return Answer(response.status, json.loads(response.read()))
        finally:
            response.close()
            connection.close()

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value


def jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A real JPEG of about 0.45 MB, as the tablet sends after downscaling; a new picture
    each call (Pillow's noise), so no two uploads are the same photo."""
    image = Image.effect_noise((width // 4, height // 4), 64).convert("RGB")
    image = image.resize((width, height), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75)
    return buffer.getvalue()


def socket_drained(server_port: int, client: socket.socket) -> bool:
    """Every byte the client sent has been read by the server process (Linux /proc/net/tcp).

    The kernel holds bytes nobody has read yet in the receiving socket's queue (and
    in the sender's queue when that one is full): both empty means the worker has
    taken the headers and the part of the body sent so far, and waits for the rest.
    """
    client_port = client.getsockname()[1]
    queues = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        transmit, receive = (int(part, 16) for part in fields[4].split(":"))
        if (local_port, remote_port) == (server_port, client_port):
            queues["server receive"] = receive
        elif (local_port, remote_port) == (client_port, server_port):
            queues["client send"] = transmit
    return len(queues) == 2 and not any(queues.values())
