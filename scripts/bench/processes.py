"""Starting and stopping the servers under test, by PID only.

Every process the runner starts is recorded here, so that it (and whatever
it forked, found by walking /proc from its PID) can be stopped at the end
even when the run fails half-way."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def children_of(pid: int) -> list[int]:
    """All descendants of pid, found through the parent PIDs in /proc."""
    parent: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        parent.setdefault(ppid, []).append(int(entry))
    out, pending = [], list(parent.get(pid, []))
    while pending:
        p = pending.pop()
        out.append(p)
        pending.extend(parent.get(p, []))
    return out


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Started:
    """One process started by the runner, with its output in a log file."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict | None = None,
                 stdout=None):
        self.name = name
        self.log = log
        self._log_file = open(log, "ab")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL,
            stdout=stdout if stdout is not None else self._log_file,
            stderr=self._log_file, env=env, start_new_session=True)
        self.pid = self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, grace: float = 15.0) -> None:
        """Signals the process, waits up to `grace` seconds, then kills what
        is left of it and of the processes it forked (each by its PID)."""
        if self.proc.poll() is None:
            forked = children_of(self.pid)
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            deadline = time.monotonic() + 5
            for p in forked:
                while pid_alive(p) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if pid_alive(p):
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        self._log_file.close()


def wait_for_greeting(port: int, seconds: float, host: str = "127.0.0.1",
                      process: Started | None = None) -> str:
    """Waits until an FTP server on host:port sends its 220 greeting;
    returns the greeting line. Raises if the time runs out or the process
    exits first."""
    deadline = time.monotonic() + seconds
    last_error = ""
    while time.monotonic() < deadline:
        if process is not None and process.proc.poll() is not None:
            raise RuntimeError(f"{process.name} exited with status {process.proc.returncode} "
                               f"(see {process.log})")
        try:
            with socket.create_connection((host, port), timeout=2) as s:
                s.settimeout(5)
                line = s.recv(4096).decode(errors="replace").splitlines()[0]
                if line.startswith("220"):
                    s.sendall(b"QUIT\r\n")
                    return line
                last_error = line
        except (OSError, IndexError) as e:
            last_error = str(e)
        time.sleep(0.2)
    raise RuntimeError(f"no FTP greeting on {host}:{port} within {seconds:.0f} s ({last_error})")
