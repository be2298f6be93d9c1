"""Another process holding the metadata database's write lock for 10 s
(BEGIN EXCLUSIVE on the master's meta.sqlite, through Python's sqlite3
module, as an operator's script or backup tool would) does not stall the
master: NOOP on an existing session answers within 100 ms every time, a
download made meanwhile is served and its transfer record is written once the
lock is released, `fleetftp user add` waits a bounded time and says why it
failed, and uploads work again after the release."""

import sqlite3
import subprocess
import sys
import threading
import time

import pytest

import fleet
from fleet import expect

LOCK_SECONDS = 10
NOOP_LIMIT = 0.100

# Run by a separate interpreter: holds the write lock, says so, holds it for
# the given time, releases it and says so.
LOCKER = r"""
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
print("released", flush=True)
"""


def database_of(cluster):
    found = sorted(cluster.state_dir.rglob("meta.sqlite"))
    assert len(found) == 1, found
    return found[0]


def transfers_of(database, path: str) -> list[tuple]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
        return db.execute("SELECT direction, bytes FROM transfers WHERE path = ?", (path,)).fetchall()


def test_a_locked_database_does_not_stall_sessions(cluster):
    database = database_of(cluster)
    watcher = cluster.ftp()
    downloader = cluster.ftp()
    expect(downloader, "TYPE I", 200)
    data = b"read while the database is locked\n" * 100
    fleet.stor_bytes(downloader, "/meta-lock-before.bin", data)

    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(database), str(LOCK_SECONDS)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        locked_at = time.monotonic()

        # `fleetftp user add` meanwhile: it may wait, but only so long.
        user_add = {}

        def add_user():
            user_add["result"] = cluster.run_cli("user", "add", "locked-out", "--password-stdin",
                                                 stdin="secret\n")
            user_add["seconds"] = time.monotonic() - locked_at

        adder = threading.Thread(target=add_user)
        adder.start()

        # A download during the lock: reads never wait in WAL mode.
        assert fleet.retr_bytes(downloader, "/meta-lock-before.bin") == data

        latencies = []
        while locker.poll() is None:
            start = time.monotonic()
            expect(watcher, "NOOP", 200)
            latencies.append(time.monotonic() - start)
            time.sleep(0.02)  # pacing between samples, not synchronisation
        held = time.monotonic() - locked_at
        adder.join(timeout=30)
    finally:
        locker.kill()
        locker.wait()

    worst = max(latencies)
    print(f"\nNOOP during a {held:.1f} s lock: {len(latencies)} answers, worst {worst * 1000:.1f} ms, "
          f"median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms")
    assert held >= LOCK_SECONDS - 1, "the lock was not held as long as planned"
    assert len(latencies) >= 50
    assert worst < NOOP_LIMIT, f"a NOOP waited {worst * 1000:.0f} ms while the database was locked"

    result = user_add["result"]
    print(f"`fleetftp user add` during the lock: exit {result.returncode} after {user_add['seconds']:.1f} s: "
          f"{result.stderr.strip()}")
    assert result.returncode == 1, result
    assert "locked by another process" in result.stderr and "nothing was changed" in result.stderr, result
    assert user_add["seconds"] < LOCK_SECONDS, "user add waited for the whole lock"

    # After the release: the record of the download made during the lock
    # lands, an upload is listed with its size, and `user add` works.
    assert fleet.wait_until(lambda: transfers_of(database, "/meta-lock-before.bin").count(("o", len(data))) == 1,
                            10), transfers_of(database, "/meta-lock-before.bin")
    after = b"x" * 12345
    fleet.stor_bytes(downloader, "/meta-lock-after.bin", after)
    facts = fleet.mlst_facts(watcher, "/meta-lock-after.bin")
    assert facts["size"] == str(len(after)), facts
    added = cluster.run_cli("user", "add", "after-lock", "--password-stdin", stdin="secret2\n")
    assert added.returncode == 0, added
    cluster.ftp("after-lock", "secret2").quit()
    watcher.quit()
    downloader.quit()
