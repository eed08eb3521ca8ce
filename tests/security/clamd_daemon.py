"""A real ClamAV ``clamd`` for tests, started on a Unix socket in a temporary directory.

There is no internet here, so no freshclam signatures: the database is one ``.hdb`` line made
from the EICAR test string (md5:size:name), which is all the tests need — clamd unpacks ZIP
archives, so an EICAR file inside a ZIP upload is found too. ``clamd`` comes from Debian's
``clamav-daemon`` package; without it the ``clamav`` tests are skipped.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

# The standard antivirus test file (eicar.org), split so no scanner flags this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE_NAME = "Pef.Test.EICAR"


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if os.path.exists(p)), None)


class ClamdDaemon:
    def __init__(self, workdir: Path | None = None):
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="pef-clamd-"))
        self.socket_path = str(self.workdir / "clamd.sock")
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> "ClamdDaemon":
        binary = clamd_binary()
        if binary is None:
            raise RuntimeError("clamd is not installed (apt-get install clamav-daemon)")
        database = self.workdir / "db"
        database.mkdir(exist_ok=True)
        (database / "test.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{SIGNATURE_NAME}\n")
        config = self.workdir / "clamd.conf"
        user = "User root\n" if os.geteuid() == 0 else ""
        config.write_text(
            f"Foreground yes\nDatabaseDirectory {database}\nLocalSocket {self.socket_path}\n"
            f"LogFile {self.workdir / 'clamd.log'}\nPidFile {self.workdir / 'clamd.pid'}\n{user}"
            "StreamMaxLength 30M\nSelfCheck 3600\n"
        )
        self.process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        from marketplace.scanning.clamd import ClamdClient

        client = ClamdClient(socket_path=self.socket_path, timeout=5)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited with {self.process.returncode}: {self.log()}")
            if os.path.exists(self.socket_path) and client.ping():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"clamd did not answer within {timeout} s: {self.log()}")

    def log(self) -> str:
        path = self.workdir / "clamd.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)
