"""Drive a real fleetftp cluster on loopback from the integration tests.

Everything here talks to real processes over real sockets: `fleetftp up`
started as a child process, the Python standard library's ftplib as the FTP
client, plain sockets where a test must see what a client library hides (the
peer of a data connection, the exact preliminary reply).

Address plan of `fleetftp up --port P --nodes N` (the product's contract):
  master   FTP control 127.0.0.1:P, node link 127.0.0.1:P+1,
           passive listeners P+1000 .. P+1999
  node ni  address 127.0.0.(i+1), passive listeners P+1000*(i+1) .. +999,
           files under <state-dir>/nodes/ni/data/<vfs path>
"""

from __future__ import annotations

import contextlib
import fcntl
import ftplib
import hashlib
import io
import os
import queue
import random
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1 << 20
MASTER_HOST = "127.0.0.1"
START_TIMEOUT = 30.0      # seconds until "fleetftp is up" must be printed
STOP_TIMEOUT = 20.0       # seconds for a clean shutdown after SIGTERM/SIGINT
SOCKET_TIMEOUT = 30.0     # every control and data socket; no test may hang forever
LOG_TAIL_BYTES = 6000

_UP_WITH_PASSWORD = re.compile(
    r"^fleetftp is up: ftp://(?P<user>[^:@/]+):(?P<password>.+)@127\.0\.0\.1:(?P<port>\d+)/$")
_UP_KNOWN_USERS = re.compile(
    r"^fleetftp is up: ftp://127\.0\.0\.1:(?P<port>\d+)/ \(users: (?P<users>[^)]*)\)$")
_MASTER_PID = re.compile(r"^master pid (?P<pid>\d+)\b")
_NODE_PID = re.compile(r"^node (?P<name>n\d+) pid (?P<pid>\d+)\b")
_MASTER_BYTES = re.compile(r"data bytes sent by master:\s*(\d+)")
_EPSV_REPLY = re.compile(r"\((?P<d>[!-~])(?P=d)(?P=d)(?P<port>\d+)(?P=d)\)")
_NODES_LIST_LINE = re.compile(
    r"^(?P<name>\S+) (?P<state>online|syncing|draining|offline) free=(?P<free>\d+) "
    r"total=(?P<total>\d+) active=(?P<active>\d+) files=(?P<files>\d+) "
    r"throughput=(?P<throughput>\d+\.\d)MiB/s "
    r"heartbeat=(?:(?P<heartbeat>\d+(?:\.\d+)?)s ago|never)$")
_COPIES_HEAD = re.compile(r"^211-Copies of (?P<path>.+) \(wanted (?P<wanted>\d+)\):$")
_COPIES_LINE = re.compile(r"^ (?P<node>\S+) (?P<state>online|offline)$")


def fleet_bin() -> str:
    path = os.environ.get("FLEETFTP_BIN", "")
    if not path:
        raise RuntimeError("FLEETFTP_BIN is not set: point it at the built fleetftp binary")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"FLEETFTP_BIN={path!r} is not an executable file")
    return path


# --------------------------------------------------------------------------
# Ports

# Port spans are reserved across processes: ctest runs integration tests
# side by side, each in its own pytest process, and two clusters must never
# overlap (one's passive range could hold the other's control port). A span
# is a run of 100-port blocks, each reserved by an exclusive flock on a file
# of its own; the kernel drops the locks when the process ends, however it
# ends, so a killed test run leaves nothing reserved.
PORT_BLOCK = 100
PORT_FLOOR, PORT_CEILING = 10000, 32768  # below the kernel's ephemeral ports
PORT_WAIT_TIMEOUT = 300.0  # seconds to wait for other test processes to free a span
_LOCK_DIR = Path(os.environ.get("FLEETFTP_PORT_LOCK_DIR",
                                Path(tempfile.gettempdir()) / "fleetftp-test-ports"))
_reserved_spans: dict[range, list[int]] = {}  # span -> descriptors holding its locks


def port_is_free(port: int, host: str = MASTER_HOST) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _lock_blocks(span: range) -> list[int] | None:
    """Locks every block of `span`, or none of them."""
    _LOCK_DIR.mkdir(parents=True, exist_ok=True)
    fds: list[int] = []
    for block in range(span.start, span.stop, PORT_BLOCK):
        fd = os.open(_LOCK_DIR / f"{block}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            for held in fds:
                os.close(held)
            return None
        fds.append(fd)
    return fds


def pick_base_port(nodes: int) -> range:
    """Reserves a span P .. P+1000*(nodes+2) for one cluster and returns it.

    The span stays below the kernel's ephemeral ports (32768 and up), so no
    client connection of the tests can hold a port the cluster wants."""
    size = 1000 * (nodes + 2)
    # Only about five spans fit: when other test processes hold them all,
    # wait for one of theirs to end.
    deadline = time.monotonic() + PORT_WAIT_TIMEOUT
    while True:
        if span := _try_reserve(size):
            return span
        if time.monotonic() >= deadline:
            raise RuntimeError(f"no free port span of {size} ports in {PORT_FLOOR}..{PORT_CEILING - 1} "
                               f"within {PORT_WAIT_TIMEOUT:.0f} s")
        time.sleep(0.5)


def _try_reserve(size: int) -> range | None:
    # First fit from a random start, wrapping around: a later span lands next
    # to the ones already held instead of somewhere random, so random gaps
    # between them cannot leave no room for a third or fourth.
    steps = list(range(PORT_FLOOR, PORT_CEILING - size, PORT_BLOCK))
    first = random.randrange(len(steps))
    for base in steps[first:] + steps[:first]:
        candidate = range(base, base + size)
        if any(candidate.start < r.stop and r.start < candidate.stop for r in _reserved_spans):
            continue
        fds = _lock_blocks(candidate)
        if fds is None:
            continue
        if port_is_free(base) and port_is_free(base + 1):
            _reserved_spans[candidate] = fds
            return candidate
        for fd in fds:
            os.close(fd)
    return None


def release_span(span: range) -> None:
    for fd in _reserved_spans.pop(span, []):
        os.close(fd)


# --------------------------------------------------------------------------
# Processes

def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat[stat.rindex(b")") + 2:][:1]
    return state not in (b"Z", b"X")


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class Cluster:
    """One `fleetftp up` process (master + nodes) on a state directory.

    start() may be called again after stop(): that is a restart on the same
    state directory and the same port.
    """

    # Running clusters of this test process, so a failing test can show
    # their logs (see conftest.py).
    live: list["Cluster"] = []

    def __init__(self, state_dir: Path, nodes: int = 2, epsv: str | None = None,
                 log_level: str | None = None, extra_config: str | None = None):
        self.state_dir = Path(state_dir)
        self.nodes = nodes
        self.epsv = epsv
        # TOML appended to the generated master.toml (`up --extra-config`).
        self.extra_config = extra_config
        self.extra_config_path = self.state_dir.parent / f"{self.state_dir.name}-extra.toml"
        self.log_level = log_level or os.environ.get("FLEETFTP_LOG_LEVEL")
        self.span = pick_base_port(nodes)
        self.port = self.span.start
        self.log_path = self.state_dir.parent / f"{self.state_dir.name}-up.stderr.log"
        self.proc: subprocess.Popen | None = None
        self.user = "demo"
        self.password: str | None = None
        self.up_line = ""
        self.listed_users: list[str] = []   # "(users: ...)" of a start on existing users
        self.stdout_lines: list[str] = []
        self.master_pid: int | None = None
        self.node_pids: dict[str, int] = {}
        # Nodes started by hand after `up` lost them (start_node); `up` does
        # not know them, so the cluster stops them itself.
        self.own_nodes: dict[str, subprocess.Popen] = {}

    # -- lifecycle ---------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [fleet_bin(), "up", "--state-dir", str(self.state_dir),
               "--port", str(self.port), "--nodes", str(self.nodes)]
        if self.epsv:
            cmd += ["--epsv", self.epsv]
        if self.log_level:
            cmd += ["--log-level", self.log_level]
        if self.extra_config is not None:
            cmd += ["--extra-config", str(self.extra_config_path)]
        return cmd

    def start(self, timeout: float = START_TIMEOUT, until: str = "up") -> "Cluster":
        """Starts `up` and returns once it printed "fleetftp is up" (until="up"),
        or once it printed the pids of the master and every node
        (until="spawned"): for tests that must act before every node is
        online; they log in with credentials set by add_user()."""
        assert until in ("up", "spawned"), until
        assert self.proc is None or self.proc.poll() is not None, "already running"
        if self.extra_config is not None:
            self.extra_config_path.write_text(self.extra_config)
        self.stdout_lines = []
        self.listed_users = []
        self.master_pid = None
        self.node_pids = {}
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== {' '.join(self.command())}\n".encode())
            log.flush()
            # A session of its own, so teardown can kill the whole process
            # group even if `up` itself is wedged.
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=log,
                                         start_new_session=True)
        Cluster.live.append(self)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_stdout, args=(self.proc, lines), daemon=True).start()

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise AssertionError(f"no 'fleetftp is up' line within {timeout:.0f}s\n"
                                     + self.describe())
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                rc = self.proc.wait(timeout=STOP_TIMEOUT)
                raise AssertionError(f"`fleetftp up` ended (exit {rc}) before it was up\n"
                                     + self.describe())
            self._parse_stdout_line(line)
            if line.startswith("fleetftp is up:"):
                self._parse_up_line(line)
                return self
            if until == "spawned" and self.master_pid and len(self.node_pids) == self.nodes:
                return self

    def _read_stdout(self, proc: subprocess.Popen, lines: queue.Queue) -> None:
        # Keeps draining stdout for the whole life of the process so that a
        # chatty server never blocks on a full pipe.
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.stdout_lines.append(line)
            lines.put(line)
        lines.put(None)

    def _parse_stdout_line(self, line: str) -> None:
        if m := _MASTER_PID.match(line):
            self.master_pid = int(m["pid"])
        elif m := _NODE_PID.match(line):
            self.node_pids[m["name"]] = int(m["pid"])

    def _parse_up_line(self, line: str) -> None:
        self.up_line = line
        if m := _UP_WITH_PASSWORD.match(line):
            self.user = urllib.parse.unquote(m["user"])
            self.password = urllib.parse.unquote(m["password"])
        elif m := _UP_KNOWN_USERS.match(line):
            # Users existed: the credentials are the ones printed by the first start.
            self.listed_users = [u for u in re.split(r"[,\s]+", m["users"]) if u]
        else:
            self.kill()
            raise AssertionError(f"unexpected 'up' line: {line!r}")
        assert int(m["port"]) == self.port, line

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Asks `up` to stop and returns its exit code; children must be gone too."""
        assert self.proc is not None
        self._kill_own_nodes()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"`fleetftp up` did not exit within {STOP_TIMEOUT:.0f}s "
                                 f"of signal {sig}\n" + self.describe())
        self._forget()
        return rc

    def kill(self) -> None:
        """Teardown: SIGKILL everything this cluster started, whatever state it
        is in, and give its ports back."""
        release_span(self.span)
        self._kill_own_nodes()
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        # Children that left the process group are killed by their own pid,
        # but only if that pid still runs our binary (pids get reused).
        for pid in self.child_pids():
            if pid_alive(pid) and self._runs_our_binary(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=STOP_TIMEOUT)
        self._forget()

    def _kill_own_nodes(self) -> None:
        for proc in self.own_nodes.values():
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=STOP_TIMEOUT)
        self.own_nodes.clear()

    def _forget(self) -> None:
        if self in Cluster.live:
            Cluster.live.remove(self)

    def child_pids(self) -> list[int]:
        pids = list(self.node_pids.values())
        if self.master_pid:
            pids.append(self.master_pid)
        return pids

    @staticmethod
    def _runs_our_binary(pid: int) -> bool:
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            return False
        return os.path.basename(exe) == os.path.basename(fleet_bin())

    def log_tail(self, limit: int = LOG_TAIL_BYTES) -> str:
        try:
            data = self.log_path.read_bytes()
        except FileNotFoundError:
            return "(no log)"
        return data[-limit:].decode("utf-8", "replace")

    def describe(self) -> str:
        return ("command: " + " ".join(self.command()) + "\nstdout:\n  "
                + "\n  ".join(self.stdout_lines) + "\nstderr (tail):\n" + self.log_tail())

    # -- address plan ------------------------------------------------------

    @property
    def node_names(self) -> list[str]:
        return [f"n{i}" for i in range(1, self.nodes + 1)]

    @staticmethod
    def node_index(name: str) -> int:
        return int(name[1:])

    def node_address(self, name: str) -> str:
        return f"127.0.0.{self.node_index(name) + 1}"

    def node_at(self, address: str) -> str | None:
        """The node whose own address this is, or None (e.g. the master's)."""
        for name in self.node_names:
            if self.node_address(name) == address:
                return name
        return None

    def passive_range(self, who: str) -> range:
        """Passive ports of "master" or of node "ni"."""
        slot = 1 if who == "master" else self.node_index(who) + 1
        first = self.port + 1000 * slot
        return range(first, first + 1000)

    def owner_of_port(self, port: int) -> str | None:
        for who in ["master", *self.node_names]:
            if port in self.passive_range(who):
                return who
        return None

    # -- node disks --------------------------------------------------------

    def node_data_dir(self, name: str) -> Path:
        return self.state_dir / "nodes" / name / "data"

    def node_file(self, name: str, vfs_path: str) -> Path:
        return self.node_data_dir(name) / vfs_path.lstrip("/")

    def nodes_holding(self, vfs_path: str) -> list[str]:
        return [n for n in self.node_names if self.node_file(n, vfs_path).is_file()]

    # -- clients -----------------------------------------------------------

    def ftp(self, user: str | None = None, password: str | None = None,
            trust_pasv: bool = True) -> "RecordingFTP":
        """A logged-in ftplib session. trust_pasv=True makes ftplib connect to
        the address the 227 reply names (as lftp does), not to the control
        address (ftplib's and curl's default)."""
        ftp = RecordingFTP(timeout=SOCKET_TIMEOUT)
        ftp.trust_server_pasv_ipv4_address = trust_pasv
        ftp.connect(MASTER_HOST, self.port)
        resp = ftp.login(user or self.user, password if password is not None else self.password)
        assert resp.startswith("230"), resp
        return ftp

    def url(self, path: str = "/", credentials: bool = True) -> str:
        auth = ""
        if credentials:
            auth = (urllib.parse.quote(self.user, safe="") + ":"
                    + urllib.parse.quote(self.password, safe="") + "@")
        return f"ftp://{auth}{MASTER_HOST}:{self.port}/{urllib.parse.quote(path.lstrip('/'))}"

    def run_cli(self, *args: str, stdin: str | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
        """`fleetftp <args> --state-dir DIR`, e.g. run_cli("user", "list")."""
        return subprocess.run([fleet_bin(), *args, "--state-dir", str(self.state_dir)],
                              input=stdin, capture_output=True, text=True, timeout=timeout)

    # -- single nodes --------------------------------------------------------

    def kill_node(self, name: str) -> None:
        """SIGKILL one node (as a crash or a pulled cable would end it) and
        wait until the process is gone."""
        pid = self.node_pids[name]
        if name in self.own_nodes:
            proc = self.own_nodes.pop(name)
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT)
        else:
            os.kill(pid, signal.SIGKILL)
            assert wait_until(lambda: not pid_alive(pid), STOP_TIMEOUT), f"node {name} pid {pid} survived SIGKILL"

    def start_node(self, name: str) -> subprocess.Popen:
        """Starts node `name` again by hand on its generated config, as an
        operator would after a crash. The cluster owns the process from then on."""
        pid = self.node_pids.get(name)
        assert name not in self.own_nodes and not (pid and pid_alive(pid)), f"node {name} still runs"
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== node {name} started by hand\n".encode())
            log.flush()
            proc = subprocess.Popen([fleet_bin(), "node", "--config", str(self.node_config(name))],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True)
        self.own_nodes[name] = proc
        self.node_pids[name] = proc.pid
        return proc

    def node_config(self, name: str) -> Path:
        return self.state_dir / "nodes" / f"{name}.toml"

    def restart_nodes_with(self, data_setting: str, timeout: float = 30) -> None:
        """Restarts every node with `data_setting` (e.g. "handoff = false")
        added to the [data] section of its config, and waits until all are
        online again."""
        for node in self.node_names:
            config = self.node_config(node)
            config.write_text(config.read_text().replace("[data]\n", f"[data]\n{data_setting}\n", 1))
            self.kill_node(node)
            self.start_node(node)
        for node in self.node_names:
            self.wait_node_state(node, "online", timeout)

    def add_user(self, user: str, password: str) -> None:
        """Creates a user before the first start (so `up` makes no demo user)
        and logs in as it from then on."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        added = self.run_cli("user", "add", user, "--password-stdin", stdin=password + "\n")
        assert added.returncode == 0, added
        self.user, self.password = user, password

    def wait_for_login(self, timeout: float) -> None:
        """Waits until the master accepts a login (after start(until="spawned"))."""
        def try_login() -> bool:
            try:
                self.ftp().quit()
                return True
            except (OSError, EOFError, ftplib.Error):
                return False
        assert wait_until(try_login, timeout, interval=0.2), \
            f"no login possible within {timeout:.0f}s\n" + self.describe()

    # -- operator CLI --------------------------------------------------------

    def nodes_list(self) -> dict[str, "NodeStatus"]:
        """`fleetftp nodes list`: name -> NodeStatus; every line must parse."""
        result = self.run_cli("nodes", "list")
        assert result.returncode == 0, result
        nodes = {}
        for line in result.stdout.splitlines():
            m = _NODES_LIST_LINE.match(line)
            assert m, f"`nodes list` line not in the documented form: {line!r}\n{result.stdout}"
            nodes[m["name"]] = NodeStatus(m["state"], int(m["free"]), int(m["total"]),
                                          int(m["active"]), int(m["files"]),
                                          float(m["heartbeat"]) if m["heartbeat"] else float("inf"))
        return nodes

    def node_state(self, name: str) -> str | None:
        status = self.nodes_list().get(name)
        return status.state if status else None

    def wait_node_state(self, name: str, state: str, timeout: float) -> float:
        """Waits until `nodes list` shows node `name` in `state`; returns the seconds it took."""
        began = time.monotonic()
        seen: list[str | None] = []

        def reached() -> bool:
            current = self.node_state(name)
            if not seen or seen[-1] != current:
                seen.append(current)
            return current == state
        assert wait_until(reached, timeout, interval=0.2), \
            f"node {name} not {state} within {timeout:.0f}s; states seen: {seen}"
        return time.monotonic() - began

    # -- node disks (whole) --------------------------------------------------

    def disk_files(self, name: str) -> set[str]:
        """Every regular file under node `name`'s data dir, as VFS paths."""
        root = self.node_data_dir(name)
        found = set()
        for folder, _dirs, files in os.walk(root):
            for f in files:
                found.add("/" + (Path(folder) / f).relative_to(root).as_posix())
        return found


def last_line(result: subprocess.CompletedProcess) -> str:
    """The last line a CLI command printed (its verdict)."""
    lines = result.stdout.strip().splitlines()
    assert lines, f"`{' '.join(map(str, result.args))}` printed nothing: {result}"
    return lines[-1]


@dataclass
class NodeStatus:
    """One line of `fleetftp nodes list`."""
    state: str                # online | syncing | draining | offline
    free_mib: int
    total_mib: int
    active: int
    files: int
    heartbeat_age: float      # seconds since its last heartbeat (inf: never seen)


@contextlib.contextmanager
def running(state_dir: Path, **options):
    """A started cluster that is always killed afterwards."""
    cluster = Cluster(state_dir, **options)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.kill()


# --------------------------------------------------------------------------
# FTP control connection

class RecordingFTP(ftplib.FTP):
    """ftplib.FTP that keeps every reply it reads, preliminary ones (1xx)
    included, so tests can assert the whole reply sequence."""

    def __init__(self, *args, **kwargs):
        self.replies: list[str] = []
        super().__init__(*args, **kwargs)

    def getmultiline(self):
        resp = super().getmultiline()
        self.replies.append(resp)
        return resp


def reply_code(resp: str) -> int:
    return int(resp[:3])


def command(ftp: ftplib.FTP, line: str) -> str:
    """Sends one command line and returns the complete reply, whatever its code
    (ftplib's sendcmd would raise on 4xx/5xx)."""
    ftp.putcmd(line)
    return ftp.getmultiline()


def expect(ftp: ftplib.FTP, line: str, code: int | set[int]) -> str:
    codes = {code} if isinstance(code, int) else code
    resp = command(ftp, line)
    assert reply_code(resp) in codes, f"{line!r} -> {resp!r}, expected {sorted(codes)}"
    return resp


def expect_5xx(ftp: ftplib.FTP, line: str) -> str:
    resp = command(ftp, line)
    assert resp[:1] == "5", f"{line!r} -> {resp!r}, expected a 5xx refusal"
    return resp


def pasv(ftp: ftplib.FTP) -> tuple[str, int]:
    return ftplib.parse227(expect(ftp, "PASV", 227))


def epsv(ftp: ftplib.FTP) -> int:
    resp = expect(ftp, "EPSV", 229)
    m = _EPSV_REPLY.search(resp)
    assert m, f"229 reply not in RFC 2428 form (|||port|): {resp!r}"
    return int(m["port"])


def port_command(address: tuple[str, int]) -> str:
    host, port = address
    return "PORT " + ",".join(host.split(".") + [str(port >> 8), str(port & 0xFF)])


def master_bytes_sent(ftp: ftplib.FTP) -> int:
    """The master's counter of bytes it wrote on data connections (SITE STATS)."""
    resp = expect(ftp, "SITE STATS", 211)
    m = _MASTER_BYTES.search(resp)
    assert m, f"SITE STATS has no 'data bytes sent by master' line: {resp!r}"
    return int(m[1])


def mlst_facts(ftp: ftplib.FTP, path: str) -> dict[str, str]:
    """The facts of MLST <path> (RFC 3659 7.2): the reply's one line that starts with a space."""
    resp = expect(ftp, f"MLST {path}", 250)
    entries = [line[1:] for line in resp.split("\n")[1:-1] if line.startswith(" ")]
    assert len(entries) == 1, f"MLST reply must carry exactly one entry: {resp!r}"
    facts_text, _, _name = entries[0].rstrip("\r").partition(" ")
    return parse_facts(facts_text)


def parse_facts(facts_text: str) -> dict[str, str]:
    facts = {}
    for fact in filter(None, facts_text.split(";")):
        key, _, value = fact.partition("=")
        facts[key.lower()] = value
    return facts


def pret_pasv(ftp: ftplib.FTP, planned: str) -> tuple[str, int]:
    """PRET <planned> then PASV: the 227 names the node the master chose for it."""
    expect(ftp, f"PRET {planned}", 200)
    return pasv(ftp)


def list_lines(ftp: ftplib.FTP, path: str) -> list[str]:
    lines: list[str] = []
    resp = ftp.retrlines(f"LIST {path}", lines.append)
    assert resp.startswith("226"), resp
    return lines


def list_entry(ftp: ftplib.FTP, directory: str, name: str) -> list[str]:
    """The LIST line of `name` in `directory`, split into its nine columns
    (mode, links, owner, group, size, month, day, time/year, name)."""
    for line in list_lines(ftp, directory):
        fields = line.split(None, 8)
        if len(fields) == 9 and fields[8] == name:
            return fields
    raise AssertionError(f"{name!r} not in LIST {directory}")


def walk_files(ftp: ftplib.FTP, directory: str = "/") -> dict[str, dict[str, str]]:
    """Every file below `directory` by MLSD: VFS path -> its facts."""
    files = {}
    for name, facts in ftp.mlsd(directory):
        path = directory.rstrip("/") + "/" + name
        if facts["type"] == "dir":
            files.update(walk_files(ftp, path))
        elif facts["type"] == "file":
            files[path] = facts
    return files


@dataclass
class Copies:
    """The answer of SITE COPIES <path>."""
    wanted: int
    holders: dict[str, str]   # node -> "online" | "offline"

    @property
    def online(self) -> set[str]:
        return {n for n, state in self.holders.items() if state == "online"}

    @property
    def offline(self) -> set[str]:
        return {n for n, state in self.holders.items() if state == "offline"}


def site_copies(ftp: ftplib.FTP, path: str) -> Copies:
    """SITE COPIES <path>, parsed strictly: "211-Copies of <path> (wanted N):",
    one " <node> online|offline" line per holder, "211 End"."""
    resp = expect(ftp, f"SITE COPIES {path}", 211)
    lines = resp.split("\n")
    head = _COPIES_HEAD.match(lines[0])
    assert head and head["path"] == path, f"SITE COPIES {path}: unexpected first line: {resp!r}"
    assert lines[-1] == "211 End", f"SITE COPIES {path}: unexpected last line: {resp!r}"
    holders = {}
    for line in lines[1:-1]:
        m = _COPIES_LINE.match(line)
        assert m, f"SITE COPIES {path}: unexpected holder line {line!r} in {resp!r}"
        assert m["node"] not in holders, f"SITE COPIES {path}: {m['node']} named twice: {resp!r}"
        holders[m["node"]] = m["state"]
    return Copies(int(head["wanted"]), holders)


def wait_for_copies(ftp: ftplib.FTP, path: str, predicate, timeout: float) -> Copies:
    """Polls SITE COPIES until predicate(Copies) holds; returns the last answer."""
    last: list[Copies] = []

    def check() -> bool:
        last.append(site_copies(ftp, path))
        return predicate(last[-1])
    assert wait_until(check, timeout, interval=0.25), \
        f"SITE COPIES {path} not as expected within {timeout:.0f}s; last: {last[-1]}"
    return last[-1]


# --------------------------------------------------------------------------
# Data connections made by hand (to see peers, addresses and exact replies)

@dataclass
class Transfer:
    preliminary: str          # the 1xx reply
    final: str                # the reply that ends the transfer
    size: int = 0             # bytes moved over the data connection
    sha256: str = ""
    peer: tuple[str, int] | None = None   # the far end of the data connection
    data: bytes = field(default=b"", repr=False)   # kept only when asked for


def _receive(conn: socket.socket, keep: bool) -> tuple[int, str, bytes]:
    digest = hashlib.sha256()
    size = 0
    kept = bytearray()
    while chunk := conn.recv(MIB):
        digest.update(chunk)
        size += len(chunk)
        if keep:
            kept += chunk
    return size, digest.hexdigest(), bytes(kept)


def _send(conn: socket.socket, source: bytes | Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter_chunks(source):
        conn.sendall(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def iter_chunks(source: bytes | Path, chunk: int = MIB):
    if isinstance(source, (bytes, bytearray)):
        for i in range(0, len(source), chunk):
            yield source[i:i + chunk]
    else:
        with open(source, "rb") as f:
            while block := f.read(chunk):
                yield block


def _start(ftp: ftplib.FTP, line: str) -> str:
    resp = command(ftp, line)
    assert resp[:1] == "1", f"{line!r} -> {resp!r}, expected a 1xx preliminary reply"
    return resp


def passive_download(ftp: ftplib.FTP, line: str, address: tuple[str, int],
                     keep: bool = False) -> Transfer:
    """Connects to a passive listener, sends e.g. 'RETR f', reads to EOF."""
    with socket.create_connection(address, timeout=SOCKET_TIMEOUT) as conn:
        preliminary = _start(ftp, line)
        size, sha, data = _receive(conn, keep)
        peer = conn.getpeername()
    return Transfer(preliminary, ftp.getmultiline(), size, sha, peer, data)


def passive_upload(ftp: ftplib.FTP, line: str, address: tuple[str, int],
                   source: bytes | Path) -> Transfer:
    with socket.create_connection(address, timeout=SOCKET_TIMEOUT) as conn:
        preliminary = _start(ftp, line)
        size, sha = _send(conn, source)
        peer = conn.getpeername()
        conn.shutdown(socket.SHUT_WR)
    return Transfer(preliminary, ftp.getmultiline(), size, sha, peer)


@contextlib.contextmanager
def active_listener():
    """A listening socket for PORT on the client's own (control) address."""
    with socket.create_server((MASTER_HOST, 0)) as server:
        server.settimeout(SOCKET_TIMEOUT)
        yield server


def active_download(ftp: ftplib.FTP, line: str, keep: bool = False) -> Transfer:
    """PORT + e.g. 'RETR f': the server dials us; the peer is whoever dialled."""
    with active_listener() as server:
        expect(ftp, port_command(server.getsockname()), 200)
        preliminary = _start(ftp, line)
        conn, peer = server.accept()
        with conn:
            conn.settimeout(SOCKET_TIMEOUT)
            size, sha, data = _receive(conn, keep)
    return Transfer(preliminary, ftp.getmultiline(), size, sha, peer, data)


def active_upload(ftp: ftplib.FTP, line: str, source: bytes | Path) -> Transfer:
    with active_listener() as server:
        expect(ftp, port_command(server.getsockname()), 200)
        preliminary = _start(ftp, line)
        conn, peer = server.accept()
        with conn:
            conn.settimeout(SOCKET_TIMEOUT)
            size, sha = _send(conn, source)
            conn.shutdown(socket.SHUT_WR)
    return Transfer(preliminary, ftp.getmultiline(), size, sha, peer)


def retr_sha256(ftp: ftplib.FTP, path: str) -> tuple[int, str]:
    """Downloads with ftplib itself (its own PASV/PORT handling)."""
    digest = hashlib.sha256()
    size = 0

    def sink(chunk: bytes) -> None:
        nonlocal size
        digest.update(chunk)
        size += len(chunk)

    resp = ftp.retrbinary(f"RETR {path}", sink, blocksize=MIB)
    assert resp.startswith("226"), resp
    return size, digest.hexdigest()


def retr_bytes(ftp: ftplib.FTP, path: str) -> bytes:
    parts: list[bytes] = []
    resp = ftp.retrbinary(f"RETR {path}", parts.append)
    assert resp.startswith("226"), resp
    return b"".join(parts)


def stor_bytes(ftp: ftplib.FTP, path: str, data: bytes, cmd: str = "STOR") -> str:
    resp = ftp.storbinary(f"{cmd} {path}", io.BytesIO(data))
    assert resp.startswith("226"), resp
    return resp


def stor_file(ftp: ftplib.FTP, path: str, local: Path) -> str:
    with open(local, "rb") as f:
        resp = ftp.storbinary(f"STOR {path}", f, blocksize=MIB)
    assert resp.startswith("226"), resp
    return resp


def pret_stor(ftp: ftplib.FTP, path: str, data: bytes) -> str:
    """Uploads to the node placement chooses, announced with PRET as lftp does."""
    expect(ftp, f"PRET STOR {path}", 200)
    return stor_bytes(ftp, path, data)


def pret_retr(ftp: ftplib.FTP, path: str) -> bytes:
    """Downloads from the node the master picks among the file's holders."""
    expect(ftp, f"PRET RETR {path}", 200)
    return retr_bytes(ftp, path)


def place_one_per_node(cluster: Cluster, ftp: ftplib.FTP, directory: str,
                       size: int = 50_000, max_uploads: int = 16) -> dict[str, tuple[str, bytes]]:
    """Uploads distinct files into `directory` (which must keep one copy per
    file) until every node holds one of them alone: node -> (path, bytes).
    Placement spreads uploads, so a few rounds suffice."""
    alone: dict[str, tuple[str, bytes]] = {}
    seen = []
    for i in range(max_uploads):
        path = f"{directory.rstrip('/')}/alone-{i}.bin"
        data = os.urandom(size)
        pret_stor(ftp, path, data)
        holders = cluster.nodes_holding(path)
        seen.append((path, holders))
        if len(holders) == 1:
            alone.setdefault(holders[0], (path, data))
        if len(alone) == cluster.nodes:
            return alone
    raise AssertionError(f"after {max_uploads} uploads not every node holds a file alone: {seen}")


# --------------------------------------------------------------------------
# Test data

def write_payload(path: Path, size: int) -> str:
    """Writes `size` bytes that do not compress and returns their SHA-256.

    One random MiB is reused for speed; each MiB gets its index in front and
    a different rotation, so no two MiB are equal and no block repeats at a
    fixed distance."""
    block = os.urandom(MIB)
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        index = 0
        written = 0
        while written < size:
            turn = (index * 7919) % MIB
            chunk = index.to_bytes(8, "big") + block[turn:] + block[:turn]
            chunk = chunk[:min(MIB, size - written)]
            f.write(chunk)
            digest.update(chunk)
            written += len(chunk)
            index += 1
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    for chunk in iter_chunks(Path(path)):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
