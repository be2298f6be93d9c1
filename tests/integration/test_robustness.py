"""A master that one hostile client cannot exhaust: the [ftp] bounds of
docs/CONFIG.md against a real cluster and raw sockets.

Each test prints what it measured (the master's RSS from /proc, its open
descriptors, its session count from /metrics, times). Clients come from
several loopback source addresses (127.x.y.z, all local on Linux), because
the master counts sessions and new connections per address.

The cluster's sanitizer build keeps freed memory in a quarantine (256 MiB by
default) before reuse; that is the sanitizer's memory, not the master's, so
the quarantine is made small here (ASAN_OPTIONS, no effect on other builds)
and RSS measures what the master itself holds.
"""

import ftplib
import os
import re
import resource
import select
import socket
import statistics
import struct
import time
import urllib.request

import pytest

import fleet
from fleet import expect

MiB = 1024 * 1024
LINE_TIMEOUT = 2
LOGIN_TIMEOUT = 8
OUTPUT_TIMEOUT = 4
PER_ADDRESS = 8
PER_SECOND = 10
BIG_FILE = "robust-big.bin"
BIG_SIZE = 48 * MiB

# fail_delay_ms = 0 and no ban: the login-timing test compares the bare cost
# of a failed login (the fixed delay would hide a difference), and it fails
# more logins from one address than a ban allows.
EXTRA_CONFIG = f"""
[ftp]
line_timeout = {LINE_TIMEOUT}
login_timeout = {LOGIN_TIMEOUT}
output_timeout = {OUTPUT_TIMEOUT}
max_sessions_per_address = {PER_ADDRESS}
connections_per_second_per_address = {PER_SECOND}

[auth]
fail_delay_ms = 0
ban_after = 0
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    # 6,000 connections at once need that many descriptors here and in the
    # master (which inherits this process's limit through `up`).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 16384
    if soft < wanted:
        assert hard == resource.RLIM_INFINITY or hard >= 13000, \
            f"RLIMIT_NOFILE hard limit {hard} is too low for 6,000 test connections"
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
    asan = os.environ.get("ASAN_OPTIONS")
    small_quarantine = "quarantine_size_mb=8:allocator_release_to_os_interval_ms=500"
    os.environ["ASAN_OPTIONS"] = (asan + ":" if asan else "") + small_quarantine
    try:
        with fleet.running(tmp_path_factory.mktemp("state"), extra_config=EXTRA_CONFIG) as c:
            yield c
    finally:
        if asan is None:
            os.environ.pop("ASAN_OPTIONS", None)
        else:
            os.environ["ASAN_OPTIONS"] = asan


@pytest.fixture(scope="module")
def big_file(cluster, tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / BIG_FILE
    fleet.write_payload(path, BIG_SIZE)
    ftp = cluster.ftp()
    with open(path, "rb") as f:
        ftp.storbinary(f"STOR {BIG_FILE}", f)
    ftp.quit()
    return BIG_FILE


@pytest.fixture
def report(capsys):
    """report(text): prints a figure even though pytest captures output."""
    def emit(text: str) -> None:
        with capsys.disabled():
            print(f"\n    [robustness] {text}", flush=True)
    return emit


# -- measuring the master ------------------------------------------------------

def rss_kib(cluster) -> int:
    with open(f"/proc/{cluster.master_pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def open_fds(cluster) -> int:
    return len(os.listdir(f"/proc/{cluster.master_pid}/fd"))


def metric(cluster, name: str) -> int:
    url = f"http://{fleet.MASTER_HOST}:{cluster.port + 2}/metrics"
    with urllib.request.urlopen(url, timeout=10) as r:
        body = r.read().decode()
    m = re.search(rf"^{name} (\d+)$", body, re.M)
    assert m, body
    return int(m[1])


def sessions_active(cluster) -> int:
    return metric(cluster, "fleetftp_sessions_active")


def wait_sessions(cluster, expected: int, timeout: float) -> int:
    """Polls /metrics until the master reports `expected` sessions; returns the last count."""
    seen = [-1]

    def reached() -> bool:
        seen[0] = sessions_active(cluster)
        return seen[0] == expected
    fleet.wait_until(reached, timeout, interval=0.2)
    return seen[0]


# -- raw clients ----------------------------------------------------------------

def source(block: int, i: int) -> str:
    """The i-th client address of a test's own block of 127/8."""
    return f"127.{block}.{i // 250}.{i % 250 + 1}"


def connect(cluster, src: str, timeout: float = fleet.SOCKET_TIMEOUT) -> socket.socket:
    return socket.create_connection((fleet.MASTER_HOST, cluster.port), timeout=timeout, source_address=(src, 0))


def read_reply(s: socket.socket, timeout: float = 10.0) -> str:
    """One complete reply (multi-line aware) from a raw socket; '' at EOF."""
    s.settimeout(timeout)
    data = b""
    while True:
        lines = data.split(b"\r\n")
        for i, line in enumerate(lines[:-1]):
            if len(line) >= 4 and line[:3].isdigit() and line[3:4] == b" " and (
                    i == 0 or lines[0][:3] == line[:3]):
                return b"\r\n".join(lines[:i + 1]).decode(errors="replace")
        try:
            chunk = s.recv(4096)
        except (ConnectionResetError, TimeoutError, socket.timeout):
            return data.decode(errors="replace")
        if not chunk:
            return data.decode(errors="replace")
        data += chunk


def login(cluster, s: socket.socket) -> None:
    assert read_reply(s).startswith("220")
    s.sendall(f"USER {cluster.user}\r\n".encode())
    assert read_reply(s).startswith("331")
    s.sendall(f"PASS {cluster.password}\r\n".encode())
    reply = read_reply(s)
    assert reply.startswith("230"), reply


def reset(s: socket.socket) -> None:
    """Closes with SO_LINGER 0: the peer gets an RST, not a FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def reset_ftp(ftp: ftplib.FTP) -> None:
    """reset() for an ftplib session: its reply reader holds the socket open
    too, so both must go for the RST to leave."""
    ftp.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    ftp.close()


def send_until_stalled(s: socket.socket, data: bytes, stall: float, limit: float) -> int:
    """Sends `data` without blocking; stops when all is sent, when the peer
    took nothing for `stall` seconds, or after `limit` seconds. Returns the
    bytes sent."""
    s.setblocking(False)
    view = memoryview(data)
    sent = 0
    last_progress = time.monotonic()
    end = last_progress + limit
    while sent < len(data):
        now = time.monotonic()
        if now - last_progress >= stall or now >= end:
            break
        _, writable, _ = select.select([], [s], [], 0.2)
        if not writable:
            continue
        try:
            n = s.send(view[sent:sent + 256 * 1024])
        except (BlockingIOError, InterruptedError):
            continue
        sent += n
        last_progress = time.monotonic()
    s.setblocking(True)
    return sent


def login_and_list(cluster, src: str) -> float:
    """Seconds for a fresh client from `src` to log in and list /."""
    start = time.monotonic()
    ftp = ftplib.FTP(timeout=fleet.SOCKET_TIMEOUT, source_address=(src, 0))
    ftp.trust_server_pasv_ipv4_address = True
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    ftp.login(cluster.user, cluster.password)
    ftp.retrlines("LIST /", lambda line: None)
    elapsed = time.monotonic() - start
    ftp.quit()
    return elapsed


# -- the cases ----------------------------------------------------------------------

def test_noop_flood_from_a_client_that_never_reads(cluster, report):
    base_rss = rss_kib(cluster)
    base_sessions = sessions_active(cluster)
    flood = connect(cluster, source(10, 0))
    login(cluster, flood)
    lines = 2_000_000
    sent = send_until_stalled(flood, b"NOOP\r\n" * lines, stall=2.0, limit=60.0)
    grown = (rss_kib(cluster) - base_rss) / 1024
    report(f"NOOP flood: sent {sent // 6:,} of {lines:,} NOOPs before the master stopped taking them; "
           f"master RSS +{grown:.1f} MiB")
    assert sent < len(b"NOOP\r\n") * lines, "the master kept reading a client that reads none of its replies"
    assert grown < 64

    took = login_and_list(cluster, source(10, 1))
    report(f"NOOP flood: another client logged in and listed / in {took:.2f} s")
    assert took < 5

    # Nothing drains the flood's replies: the master closes it after output_timeout.
    start = time.monotonic()
    # The master still answers what it read before its output stalled (the
    # socket buffers hold megabytes of 14-byte replies): on a slow machine
    # that takes a while, hence the generous deadline.
    remaining = wait_sessions(cluster, base_sessions, OUTPUT_TIMEOUT + 60)
    report(f"NOOP flood: session closed {time.monotonic() - start:.1f} s after the flood stalled "
           f"(output_timeout {OUTPUT_TIMEOUT} s); sessions now {remaining}")
    assert remaining == base_sessions
    flood.close()
    assert (rss_kib(cluster) - base_rss) / 1024 < 64


def test_command_lines_during_a_stalled_transfer(cluster, big_file, report):
    base_rss = rss_kib(cluster)
    base_sessions = sessions_active(cluster)
    ftp = ftplib.FTP(timeout=fleet.SOCKET_TIMEOUT, source_address=(source(11, 0), 0))
    ftp.trust_server_pasv_ipv4_address = True
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    ftp.login(cluster.user, cluster.password)
    expect(ftp, "TYPE I", 200)
    # The client never reads the data connection: the node stalls once the
    # socket buffers are full, and the transfer runs on.
    data = ftp.transfercmd(f"RETR {big_file}")
    lines = 500_000
    # 64-byte lines: 32 MB in all, more than the socket buffers between the
    # two ends can hold, so a master that queued every line would be seen.
    line = b"NOOP " + b"x" * 57 + b"\r\n"
    sent = send_until_stalled(ftp.sock, line * lines, stall=2.0, limit=60.0)
    grown = (rss_kib(cluster) - base_rss) / 1024
    report(f"stalled RETR: sent {sent // len(line):,} of {lines:,} command lines before the master stopped "
           f"reading; master RSS +{grown:.1f} MiB")
    assert sent < len(line) * lines, "the master queued every line sent behind a stalled transfer"
    assert grown < 64
    reset(data)
    reset_ftp(ftp)
    assert wait_sessions(cluster, base_sessions, 30) == base_sessions


def test_silent_and_garbage_connections_leave_nothing_behind(cluster, report):
    base_sessions = sessions_active(cluster)
    base_total = metric(cluster, "fleetftp_sessions_total")
    base_rss = rss_kib(cluster)
    base_fds = open_fds(cluster)
    each = 3000
    # In waves, so that what a wave leaves behind would add up over the next
    # ones, while memory the allocator keeps for reuse does not.
    waves = 6
    per_wave = 2 * each // waves
    peak_rss = peak_fds = 0
    for wave in range(waves):
        socks = []
        for i in range(per_wave):
            # PER_ADDRESS connections per source address, within its per-second budget.
            s = connect(cluster, source(12, (wave * per_wave + i) // PER_ADDRESS))
            if i % 2:
                # Garbage: random bytes, some of which end lines, the rest a partial line.
                s.sendall(os.urandom(300))
            socks.append(s)
        wanted = (wave + 1) * per_wave
        assert fleet.wait_until(lambda: metric(cluster, "fleetftp_sessions_total") - base_total >= wanted, 60, 0.2)
        peak_rss = max(peak_rss, rss_kib(cluster))
        peak_fds = max(peak_fds, open_fds(cluster))
        for s in socks:
            s.close()
        assert wait_sessions(cluster, base_sessions, 60) == base_sessions

    def settled() -> bool:
        return abs(open_fds(cluster) - base_fds) <= 20 and (rss_kib(cluster) - base_rss) / 1024 < 32
    fleet.wait_until(settled, 30, 0.5)
    grown = (rss_kib(cluster) - base_rss) / 1024
    fds = open_fds(cluster) - base_fds
    report(f"{each:,} silent + {each:,} garbage connections in {waves} waves: peak RSS "
           f"+{(peak_rss - base_rss) / 1024:.1f} MiB, {peak_fds - base_fds:+d} fds; after they closed "
           f"RSS +{grown:.1f} MiB, {fds:+d} fds, sessions {sessions_active(cluster)} (baseline {base_sessions})")
    assert grown < 32
    assert abs(fds) <= 20


def test_one_address_refused_past_its_cap_while_another_logs_in(cluster, report):
    crowd = []
    for i in range(PER_ADDRESS):
        s = connect(cluster, source(13, 0))
        assert read_reply(s).startswith("220")
        crowd.append(s)
    refused = []
    for _ in range(3):
        s = connect(cluster, source(13, 0))
        refused.append(read_reply(s))
        s.close()
    report(f"address cap {PER_ADDRESS}: connection {PER_ADDRESS + 1} got {refused[0]!r}")
    assert all(r.startswith("421") and "from your address" in r for r in refused), refused

    # Another address is served meanwhile.
    other = connect(cluster, source(13, 1))
    login(cluster, other)
    other.sendall(b"NOOP\r\n")
    assert read_reply(other).startswith("200")
    other.close()

    # The refusals of one burst are logged once.
    def logged() -> int:
        return cluster.log_path.read_text(errors="replace").count(f"refusing connections from {source(13, 0)}:")
    fleet.wait_until(lambda: logged() >= 1, 5)
    assert logged() == 1

    for s in crowd:
        s.close()
    # Once the address's sessions ended, it is served again.
    def admitted() -> bool:
        s = connect(cluster, source(13, 0))
        ok = read_reply(s).startswith("220")
        s.close()
        return ok
    assert fleet.wait_until(admitted, 10, 0.2)


def test_new_connections_per_second_are_metered_per_address(cluster, report):
    replies = []
    start = time.monotonic()
    for _ in range(4 * PER_SECOND):
        s = connect(cluster, source(14, 0))
        replies.append(read_reply(s))
        reset(s)
    took = time.monotonic() - start
    too_fast = [r for r in replies if "per second" in r]
    report(f"{len(replies)} connections from one address in {took:.2f} s: {len(too_fast)} refused "
           f"(limit {PER_SECOND}/s): {too_fast[:1]}")
    assert too_fast and all(r.startswith("421") for r in too_fast)
    if took < 1.0:
        # At most the bucket (PER_SECOND) plus what it refilled meanwhile got in.
        assert len(replies) - len(too_fast) <= PER_SECOND * (1 + took) + 1


def test_abrupt_resets_mid_command_and_mid_transfer_keep_the_session_count_true(cluster, big_file, report):
    base_sessions = sessions_active(cluster)
    keepers = [cluster.ftp() for _ in range(2)]
    addresses = iter(source(15, i) for i in range(1000))
    count = 200
    # Mid-command: a listing waiting for its data connection, or (a few, as
    # each costs an argon2id check) a PASS being verified, when the client
    # vanishes.
    src = next(addresses)
    for i in range(count // 2):
        if i % PER_ADDRESS == 0:
            src = next(addresses)
        s = connect(cluster, src)
        if i % 10 == 0:
            s.sendall(f"USER {cluster.user}\r\nPASS not-the-password\r\nNOOP\r\n".encode())
        else:
            login(cluster, s)
            s.sendall(b"PASV\r\nLIST /\r\n")
        reset(s)
    # Mid-transfer: a RETR whose 150 came, data connection open, then both reset.
    for i in range(count // 2):
        if i % PER_ADDRESS == 0:
            src = next(addresses)
        ftp = ftplib.FTP(timeout=fleet.SOCKET_TIMEOUT, source_address=(src, 0))
        ftp.trust_server_pasv_ipv4_address = True
        ftp.connect(fleet.MASTER_HOST, cluster.port)
        ftp.login(cluster.user, cluster.password)
        ftp.voidcmd("TYPE I")
        data = ftp.transfercmd(f"RETR {big_file}")
        data.recv(1024)
        reset(data)
        reset_ftp(ftp)
    expected = base_sessions + len(keepers)
    start = time.monotonic()
    seen = wait_sessions(cluster, expected, 30)
    report(f"{count} abrupt resets: master reports {seen} active sessions, really open {expected}, "
           f"settled in {time.monotonic() - start:.2f} s")
    assert seen == expected
    for ftp in keepers:
        expect(ftp, "NOOP", 200)
        ftp.quit()


def test_slow_loris_lines_are_cut_off(cluster, report):
    # Ones that stop mid-line, and one that dribbles a byte every half second.
    stoppers = []
    for i in range(PER_ADDRESS - 1):
        s = connect(cluster, source(16, 0))
        assert read_reply(s).startswith("220")
        s.sendall(b"NOO")
        stoppers.append((s, time.monotonic()))
    dribbler = connect(cluster, source(16, 1))
    assert read_reply(dribbler).startswith("220")
    started = time.monotonic()
    cut = None
    for byte in b"USER " + b"x" * 100:
        try:
            dribbler.sendall(bytes([byte]))
        except OSError:
            cut = time.monotonic() - started
            break
        readable, _, _ = select.select([dribbler], [], [], 0.5)
        if readable:
            cut = time.monotonic() - started
            reply = read_reply(dribbler)
            assert reply.startswith("421"), reply
            break
    report(f"slow loris: a byte every 0.5 s was cut off after {cut:.1f} s (line_timeout {LINE_TIMEOUT} s)")
    assert cut is not None and LINE_TIMEOUT - 0.5 <= cut <= LINE_TIMEOUT + 3
    times = []
    for s, sent_at in stoppers:
        reply = read_reply(s, timeout=LINE_TIMEOUT + 10)
        times.append(time.monotonic() - sent_at)
        assert reply.startswith("421") and "not completed" in reply, reply
        s.close()
    report(f"slow loris: {len(stoppers)} half lines cut off after {min(times):.1f}-{max(times):.1f} s")
    assert max(times) <= LINE_TIMEOUT + 3
    dribbler.close()


def test_login_must_complete_within_login_timeout(cluster, report):
    s = connect(cluster, source(17, 0))
    assert read_reply(s).startswith("220")
    start = time.monotonic()
    # Commands that are not a login do not keep the connection open.
    for _ in range(3):
        s.sendall(b"NOOP\r\n")
        assert read_reply(s).startswith("200")
    reply = read_reply(s, timeout=LOGIN_TIMEOUT + 10)
    took = time.monotonic() - start
    report(f"login timeout: {reply.strip()!r} after {took:.1f} s (login_timeout {LOGIN_TIMEOUT} s)")
    assert reply.startswith("421") and "Login timeout" in reply
    assert LOGIN_TIMEOUT - 1 <= took <= LOGIN_TIMEOUT + 3
    s.close()


def test_failed_login_takes_as_long_for_unknown_users(cluster, report):
    def failed_login(user: str) -> float:
        s = connect(cluster, source(18, 0))
        assert read_reply(s).startswith("220")
        s.sendall(f"USER {user}\r\n".encode())
        assert read_reply(s).startswith("331")
        start = time.monotonic()
        s.sendall(b"PASS wrong-password\r\n")
        reply = read_reply(s)
        took = time.monotonic() - start
        assert reply.startswith("530"), reply
        s.close()
        return took

    known, unknown = [], []
    for _ in range(5):
        known.append(failed_login(cluster.user))
        unknown.append(failed_login("no-such-user"))
    k, u = statistics.median(known), statistics.median(unknown)
    report(f"failed login: known user {k * 1000:.0f} ms, unknown user {u * 1000:.0f} ms (medians of 5)")
    assert max(k, u) <= 2 * min(k, u)
