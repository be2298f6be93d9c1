"""Same-host handoff: when a passive client connected to a node that lacks
the file, and the holder runs on the same machine, the client's connection
itself is passed to the holder (SCM_RIGHTS), so no node relays the bytes.

Evidence: each node logs the transfers it ran. A handoff shows as
"handoff of the connection to ticket T" on the node the client reached and
"transfer T RETR <path>" on the holder; a relay shows "relay from peer".
"""

import re
import socket
import struct

import pytest

import fleet
from fleet import expect

FILE_SIZE = 4 * fleet.MIB
HANDOFF_NAME = re.compile(r"node (?P<node>\S+) takes data connections handed over by nodes of this host "
                          r"at @(?P<name>fleetftp-handoff-[0-9a-f]+)")


@pytest.fixture(scope="module")
def placed(cluster):
    """{node: (vfs path, bytes)} with one file held by that node alone."""
    ftp = cluster.ftp()
    placed = fleet.place_one_per_node(cluster, ftp, "/", FILE_SIZE)
    ftp.quit()
    return placed


def log_text(cluster) -> str:
    return cluster.log_path.read_text(errors="replace")


def count(cluster, pattern: str) -> int:
    return len(re.findall(pattern, log_text(cluster)))


def through_other_node(cluster, ftp, placed, action):
    """Steers PASV to one node with SIZE of its file, then runs `action` on
    the other node's file; returns (the transfer, the wanted path, its data)."""
    (near, (near_path, _)), (_, (far_path, far_data)) = list(placed.items())[:2]
    expect(ftp, "TYPE I", 200)
    expect(ftp, f"SIZE {near_path}", 213)
    address = fleet.pasv(ftp)
    assert cluster.node_at(address[0]) == near, address
    return action(address, far_path), far_path, far_data


def test_retr_from_another_node_of_the_host_is_handed_off(cluster, ftp, placed):
    handoffs, relays = count(cluster, "handoff of the connection"), count(cluster, "relay from peer")
    before = fleet.master_bytes_sent(ftp)
    transfer, path, data = through_other_node(
        cluster, ftp, placed, lambda address, path: fleet.passive_download(ftp, f"RETR {path}", address))
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert (transfer.size, transfer.sha256) == (FILE_SIZE, fleet.sha256_bytes(data))
    assert fleet.master_bytes_sent(ftp) - before < fleet.MIB
    assert fleet.wait_until(lambda: count(cluster, "handoff of the connection") == handoffs + 1, 5), \
        cluster.log_tail()
    assert count(cluster, "relay from peer") == relays
    # The holder sent the whole file itself. Its log line may follow the 226:
    # the node reports the transfer before it logs it.
    sent = rf"RETR {re.escape(path)} to 127\.0\.0\.1: {FILE_SIZE} bytes"
    assert fleet.wait_until(lambda: re.search(sent, log_text(cluster)), 5), cluster.log_tail()


def test_appe_through_another_node_of_the_host_is_handed_off(cluster, ftp, placed):
    handoffs = count(cluster, "handoff of the connection")
    transfer, path, data = through_other_node(
        cluster, ftp, placed, lambda address, path: fleet.passive_upload(ftp, f"APPE {path}", address, b"-tail"))
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert fleet.wait_until(lambda: count(cluster, "handoff of the connection") == handoffs + 1, 5), \
        cluster.log_tail()
    # Later tests of the module read this file.
    placed[cluster.nodes_holding(path)[0]] = (path, data + b"-tail")
    stored = rf"APPE {re.escape(path)} from 127\.0\.0\.1: 5 bytes"
    assert fleet.wait_until(lambda: re.search(stored, log_text(cluster)), 5), cluster.log_tail()
    assert fleet.retr_bytes(ftp, path) == data + b"-tail"


def test_the_handoff_socket_refuses_what_the_master_did_not_announce(cluster, ftp, placed):
    names = {m["node"]: m["name"] for m in HANDOFF_NAME.finditer(log_text(cluster))}
    assert set(names) == set(cluster.node_names), names
    with socket.create_connection((fleet.MASTER_HOST, cluster.port), timeout=5) as tcp:
        for tag in (0, 1, 2**64 - 1):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
                unix.settimeout(5)
                unix.connect("\0" + names["n1"])
                socket.send_fds(unix, [struct.pack("<Q", tag)], [tcp.fileno()])
                assert unix.recv(1) == b"0"
        # Garbage without a descriptor.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
            unix.settimeout(5)
            unix.connect("\0" + names["n1"])
            unix.sendall(b"not a ticket")
            assert unix.recv(1) == b"0"
    # Both nodes still serve.
    for path, data in placed.values():
        assert fleet.retr_bytes(ftp, path) == data


def test_without_handoff_the_bytes_are_relayed(cluster, placed):
    # Last in the module: it restarts every node with handoff = false.
    cluster.restart_nodes_with("handoff = false")
    ftp = cluster.ftp()
    handoffs, relays = count(cluster, "handoff of the connection"), count(cluster, "relay from peer")
    transfer, path, data = through_other_node(
        cluster, ftp, placed, lambda address, path: fleet.passive_download(ftp, f"RETR {path}", address))
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert (transfer.size, transfer.sha256) == (len(data), fleet.sha256_bytes(data))
    assert fleet.wait_until(lambda: count(cluster, "relay from peer") == relays + 1, 5), cluster.log_tail()
    assert count(cluster, "handoff of the connection") == handoffs
    ftp.quit()
