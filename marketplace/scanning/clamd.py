"""A minimal client for ClamAV's ``clamd`` daemon: ``PING`` and ``INSTREAM`` over a Unix or TCP
socket (see clamd(8), "INSTREAM"). No dependency beyond the standard library.

INSTREAM: send ``zINSTREAM\\0``, then chunks each prefixed by its length as 4 bytes big-endian,
then a zero length; clamd answers ``stream: OK``, ``stream: <signature> FOUND`` or
``... ERROR`` (for instance when the stream exceeds its ``StreamMaxLength``).
"""
from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK_BYTES = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or gave no usable answer: the file stays pending."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


class ClamdClient:
    def __init__(self, *, socket_path: str = "", host: str = "", port: int = 3310, timeout: float = 60.0):
        if not socket_path and not host:
            raise ValueError("socket_path or host is required")
        self.socket_path, self.host, self.port, self.timeout = socket_path, host, int(port), timeout

    def __repr__(self):
        where = self.socket_path or f"{self.host}:{self.port}"
        return f"ClamdClient({where})"

    def _connect(self) -> socket.socket:
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.socket_path)
            else:
                sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
                sock.settimeout(self.timeout)
        except OSError as error:
            raise ScannerUnavailable(f"cannot connect to clamd at {self!r}: {error}") from error
        return sock

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        data = b""
        while not data.endswith(b"\0"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        try:
            with self._connect() as sock:
                sock.sendall(b"zPING\0")
                return self._read_reply(sock) == "PONG"
        except (ScannerUnavailable, OSError):
            return False

    def scan_stream(self, stream) -> ScanResult:
        """Scan the binary file object ``stream`` (read to its end)."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = self._read_reply(sock)
        except OSError as error:
            # A reset while sending usually means clamd refused the stream (size limit).
            raise ScannerUnavailable(f"clamd at {self!r} failed during the scan: {error}") from error
        if reply.endswith("FOUND"):
            signature = reply.split(":", 1)[-1].strip()[: -len("FOUND")].strip()
            return ScanResult(infected=True, signature=signature or "unknown")
        if reply.endswith("OK"):
            return ScanResult(infected=False)
        raise ScannerUnavailable(f"unexpected clamd reply: {reply[:200]!r}")
