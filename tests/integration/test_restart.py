"""Stopping `fleetftp up` and starting it again on the same state directory
keeps the namespace, the file data, the metadata and the users."""

import ftplib
import os
import signal

import pytest

import fleet
from fleet import expect


def snapshot(ftp, paths: list[str]) -> dict[str, tuple]:
    """path -> (SIZE, MDTM, sha256 of a download) for files."""
    result = {}
    expect(ftp, "TYPE I", 200)      # SIZE counts the bytes of the current TYPE
    for path in paths:
        size = expect(ftp, f"SIZE {path}", 213).split()[1]
        mdtm = expect(ftp, f"MDTM {path}", 213).split()[1]
        result[path] = (size, mdtm, fleet.retr_sha256(ftp, path)[1])
    return result


def listing(ftp, directory: str) -> list[tuple[str, str, str]]:
    """(name, type, size) per entry of MLSD, sorted."""
    return sorted((name, facts["type"], facts.get("size", ""))
                  for name, facts in ftp.mlsd(directory)
                  if facts["type"] not in ("cdir", "pdir"))


def all_dead(pids: list[int]) -> bool:
    return not any(fleet.pid_alive(pid) for pid in pids)


def stop_cleanly(cluster, sig=signal.SIGTERM) -> None:
    pids = cluster.child_pids()
    assert len(pids) == cluster.nodes + 1, cluster.stdout_lines
    assert cluster.stop(sig) == 0
    assert fleet.wait_until(lambda: all_dead(pids), 5), \
        f"still running after `up` exited: {[p for p in pids if fleet.pid_alive(p)]}"


@pytest.fixture
def fresh(tmp_path):
    cluster = fleet.Cluster(tmp_path / "state")
    yield cluster
    cluster.kill()


def populate(ftp, big_path) -> list[str]:
    for d in ("/keep", "/keep/deep", "/keep/empty-dir"):
        expect(ftp, f"MKD {d}", 257)
    files = {"/keep/small.txt": b"small file\n", "/keep/empty.bin": b"",
             "/keep/deep/ünïcode.txt": "ü".encode() * 100, "/top.bin": os.urandom(70000)}
    for path, data in files.items():
        fleet.stor_bytes(ftp, path, data)
    fleet.stor_file(ftp, "/keep/deep/big.bin", big_path)
    expect(ftp, "MFMT 20010203040506 /keep/small.txt", 213)
    return [*files, "/keep/deep/big.bin"]


def test_restart_keeps_files_metadata_and_users(fresh, payload):
    big_path, big_sha = payload(20 * fleet.MIB)
    fresh.start()
    password = fresh.password
    assert password, fresh.up_line
    ftp = fresh.ftp()
    files = populate(ftp, big_path)
    before_files = snapshot(ftp, files)
    before_dirs = {d: listing(ftp, d) for d in ("/", "/keep", "/keep/deep", "/keep/empty-dir")}
    ftp.quit()
    assert before_files["/keep/deep/big.bin"][2] == big_sha
    assert before_files["/keep/small.txt"][1] == "20010203040506"

    stop_cleanly(fresh)
    fresh.start()

    # Users exist now: no new password, the old one is still valid.
    assert fresh.up_line == f"fleetftp is up: ftp://127.0.0.1:{fresh.port}/ (users: demo)"
    assert fresh.password == password
    ftp = fresh.ftp()
    assert {d: listing(ftp, d) for d in before_dirs} == before_dirs
    assert snapshot(ftp, files) == before_files

    # The nodes are back in service: a PRET RETR names a holder, a new upload lands.
    expect(ftp, "TYPE I", 200)
    expect(ftp, "PRET RETR /keep/deep/big.bin", 200)
    address = fleet.pasv(ftp)
    assert fresh.node_at(address[0]) in fresh.nodes_holding("/keep/deep/big.bin"), address
    transfer = fleet.passive_download(ftp, "RETR /keep/deep/big.bin", address)
    assert transfer.sha256 == big_sha
    fleet.stor_bytes(ftp, "/after-restart.txt", b"new")
    assert fleet.retr_bytes(ftp, "/after-restart.txt") == b"new"
    ftp.quit()


def test_sigint_stops_everything_and_restarts(fresh):
    fresh.start()
    ftp = fresh.ftp()
    fleet.stor_bytes(ftp, "/one.txt", b"1")
    ftp.quit()
    stop_cleanly(fresh, signal.SIGINT)
    assert fleet.port_is_free(fresh.port), "control port still bound after exit"
    fresh.start()
    ftp = fresh.ftp()
    assert fleet.retr_bytes(ftp, "/one.txt") == b"1"
    ftp.quit()
    stop_cleanly(fresh, signal.SIGTERM)


def test_restart_while_a_client_is_connected(fresh):
    # A stop must not wait for idle clients; they are disconnected (with or
    # without a 421 first).
    fresh.start()
    ftp = fresh.ftp()
    stop_cleanly(fresh)
    ftp.sock.settimeout(5)
    with pytest.raises((OSError, EOFError, ftplib.error_temp)):
        ftp.voidcmd("NOOP")
    ftp.close()
    fresh.start()
    ftp = fresh.ftp()
    expect(ftp, "NOOP", 200)
    ftp.quit()
