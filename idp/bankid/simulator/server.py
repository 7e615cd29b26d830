"""The simulator as a standalone HTTPS server that demands a client certificate.

Like BankID's API it refuses a TLS handshake without a relying-party
certificate issued by its CA, so the client's mutual TLS is exercised for real.
"""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from idp.bankid.simulator.core import Simulator
from idp.bankid.simulator.pki import Pki


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body: Any = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            body = None
        status, payload = self.server.simulator.handle(self.path, body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet in tests; the client logs what matters


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, pki: Pki, host: str = "localhost", port: int = 0, simulator: Simulator | None = None) -> None:
        super().__init__((host, port), _Handler)
        self.simulator = simulator or Simulator()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(pki.server_cert), str(pki.server_key))
        context.load_verify_locations(str(pki.ca))
        context.verify_mode = ssl.CERT_REQUIRED  # no RP certificate, no connection
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.server_address[1]}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="bankid-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
