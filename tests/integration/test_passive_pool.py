"""Pooled passive listeners and the prediction of the next download.

Each node keeps [data] passive_pool listeners open and the master gives one
to each PASV without asking the node. Each serves one transfer and is then
replaced by a fresh port, also when the client never used it. After a RETR, a
PASV without PRET goes to the node holding the next file of the directory, so
a client fetching a directory file by file reaches the right node.
"""

import re
import socket

import pytest

import fleet
from fleet import expect

SMALL = 2048


def count(cluster, pattern: str) -> int:
    return len(re.findall(pattern, cluster.log_path.read_text(errors="replace")))


@pytest.fixture(scope="module")
def directory(cluster):
    """/spread: files f00..f11 placed on both nodes, {path: bytes}."""
    ftp = cluster.ftp()
    expect(ftp, "MKD /spread", 257)
    files = {}
    for i in range(12):
        path = f"/spread/f{i:02d}"
        files[path] = bytes([i]) * SMALL
        fleet.pret_stor(ftp, path, files[path])
    ftp.quit()
    holders = {cluster.nodes_holding(p)[0] for p in files}
    assert holders == set(cluster.node_names), f"placement did not spread the files: {holders}"
    return files


def test_a_directory_fetched_in_order_reaches_the_holder_of_each_file(cluster, ftp, directory):
    handoffs, relays = count(cluster, "handoff of the connection"), count(cluster, "relay from peer")
    ports = []
    for _ in range(3):
        for path, data in directory.items():
            address = fleet.pasv(ftp)
            ports.append(address[1])
            transfer = fleet.passive_download(ftp, f"RETR {path}", address, keep=True)
            assert fleet.reply_code(transfer.final) == 226, transfer.final
            assert transfer.data == data
    # Only the first PASV of each pass had no RETR before it in the
    # directory to go by; all the others went to the holder.
    assert count(cluster, "handoff of the connection") - handoffs <= 3
    assert count(cluster, "relay from peer") == relays
    # A listener serves one transfer: consecutive ones never share a port.
    assert all(a != b for a, b in zip(ports, ports[1:])), ports


def test_the_port_of_a_finished_transfer_is_closed(cluster, ftp, directory):
    path = sorted(directory)[0]
    host, port = fleet.pasv(ftp)
    transfer = fleet.passive_download(ftp, f"RETR {path}", (host, port))
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=fleet.SOCKET_TIMEOUT).close()


def test_a_stranger_on_a_pooled_port_gets_nothing_and_the_client_its_file(cluster, ftp, directory):
    """Data connections from another address than the session's are refused,
    also when one reaches the port first, while it waits unaccepted."""
    path, data = sorted(directory.items())[1]
    refusals = count(cluster, "refused a data connection from 127.0.0.9")
    host, port = fleet.pasv(ftp)
    with socket.create_connection((host, port), timeout=fleet.SOCKET_TIMEOUT,
                                  source_address=("127.0.0.9", 0)) as stranger:
        transfer = fleet.passive_download(ftp, f"RETR {path}", (host, port), keep=True)
        assert fleet.reply_code(transfer.final) == 226, transfer.final
        assert transfer.data == data
        try:
            got = stranger.recv(1)
        except ConnectionResetError:
            got = b""
        assert got == b""
    assert count(cluster, "refused a data connection from 127.0.0.9") == refusals + 1


def test_a_file_fetched_again_at_the_end_of_the_directory_stays_on_its_holder(cluster, ftp, directory):
    last = sorted(directory)[-1]
    handoffs = count(cluster, "handoff of the connection")
    for _ in range(3):
        assert fleet.retr_bytes(ftp, last) == directory[last]
    assert count(cluster, "handoff of the connection") - handoffs <= 1


@pytest.fixture(scope="module")
def small_pool(cluster, directory):
    """Every node restarted with passive_pool = 2."""
    cluster.restart_nodes_with("passive_pool = 2")
    return 2


def test_more_waiting_sessions_than_pooled_ports_each_get_their_own_port(cluster, directory, small_pool):
    sessions = [cluster.ftp() for _ in range(3 * small_pool * len(cluster.node_names))]
    try:
        paths = list(directory)
        addresses = []
        for i, ftp in enumerate(sessions):
            expect(ftp, "TYPE I", 200)
            expect(ftp, f"PRET RETR {paths[i % len(paths)]}", 200)
            addresses.append(fleet.pasv(ftp))
        # Never one listener for two waiting transfers: the pool ran out and
        # the rest got listeners of their own.
        assert len(set(addresses)) == len(sessions), addresses
        for i, (ftp, address) in enumerate(zip(sessions, addresses)):
            path = paths[i % len(paths)]
            transfer = fleet.passive_download(ftp, f"RETR {path}", address, keep=True)
            assert fleet.reply_code(transfer.final) == 226, transfer.final
            assert transfer.data == directory[path]
    finally:
        for ftp in sessions:
            ftp.close()


def test_abandoned_pasv_replies_do_not_use_up_the_pool(cluster, ftp, directory, small_pool):
    path = sorted(directory)[0]
    abandoned = []
    for _ in range(5 * small_pool):
        expect(ftp, f"PRET RETR {path}", 200)
        abandoned.append(fleet.pasv(ftp))  # replaced by the next PASV without a transfer
    address = fleet.pasv(ftp)
    transfer = fleet.passive_download(ftp, f"RETR {path}", address, keep=True)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert transfer.data == directory[path]
    # Every abandoned listener was closed with its ticket.
    for host, port in abandoned:
        if (host, port) != address:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((host, port), timeout=fleet.SOCKET_TIMEOUT).close()
