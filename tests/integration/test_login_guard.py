"""Password guessing is slowed down and then stopped: a failed login is
answered late, and repeated failures ban the address for a while, so that
even the right password is refused from it (design brief, security
defaults). The cluster is its own: it ends up banning 127.0.0.1."""

import ftplib
import time

import pytest

import fleet
from fleet import command

ATTEMPTS = 8        # comfortably past the default of 5 failures


@pytest.fixture
def own_cluster(tmp_path):
    with fleet.running(tmp_path / "state") as c:
        yield c


def try_login(cluster, password: str) -> tuple[str, float]:
    """(reply that ended the attempt, seconds the PASS reply took)."""
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    try:
        ftp.connect(fleet.MASTER_HOST, cluster.port)
    except ftplib.error_temp as refused:      # 421 greeting: banned at the door
        return str(refused), 0.0
    except (OSError, EOFError) as closed:
        return f"closed before greeting: {closed!r}", 0.0
    try:
        user = command(ftp, f"USER {cluster.user}")
        if not user.startswith("331"):
            return user, 0.0
        started = time.monotonic()
        resp = command(ftp, f"PASS {password}")
        return resp, time.monotonic() - started
    except (OSError, EOFError) as closed:
        return f"closed: {closed!r}", 0.0
    finally:
        ftp.close()


def test_failed_login_is_delayed_and_repeats_ban_the_address(own_cluster):
    # The delay is measured against a successful login, so that the cost of
    # checking a password hash does not count as delay.
    resp, took_ok = try_login(own_cluster, own_cluster.password)
    assert resp.startswith("230"), resp
    resp, took_failed = try_login(own_cluster, "wrong-1")
    assert resp.startswith("530"), resp
    assert took_failed >= took_ok + 0.5, \
        f"a failed login took {took_failed:.2f}s, a successful one {took_ok:.2f}s"

    replies = [try_login(own_cluster, f"wrong-{i}")[0] for i in range(2, ATTEMPTS + 1)]
    # Once banned, the address gets 421 or 530 (or the door shut), never 230.
    assert all(not r.startswith("230") for r in replies), replies

    resp, _ = try_login(own_cluster, own_cluster.password)
    assert not resp.startswith("230"), f"right password accepted from a banned address: {resp!r}"
    assert resp[:3] in ("421", "530") or resp.startswith("closed"), resp
