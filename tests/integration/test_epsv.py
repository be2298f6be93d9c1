"""EPSV (RFC 2428) under the three policies of `--epsv`:

- refuse (default): 5xx, and the client falls back to PASV;
- node-ports: 229 with a port of the chosen node's range, reachable on the
  control address; bytes still bypass the master;
- relay: 229 with a master port; the master relays (and counts) the bytes.

After "EPSV ALL" every other data-connection setup command is refused
(RFC 2428 section 4) and EPSV keeps working."""

import subprocess

import pytest

import fleet
from fleet import expect, expect_5xx

FILE_SIZE = 16 * fleet.MIB
# RFC 2428 gives no code for the reply to "EPSV ALL"; servers answer 200.
EPSV_ALL_OK = set(range(200, 300))


def upload_sample(cluster, payload, path="/sample.bin"):
    local, sha = payload(FILE_SIZE)
    ftp = cluster.ftp()
    fleet.stor_file(ftp, path, local)
    ftp.quit()
    return sha


@pytest.fixture(scope="module")
def node_ports(tmp_path_factory):
    with fleet.running(tmp_path_factory.mktemp("node-ports"), epsv="node-ports") as c:
        yield c


@pytest.fixture(scope="module")
def relay(tmp_path_factory):
    with fleet.running(tmp_path_factory.mktemp("relay"), epsv="relay") as c:
        yield c


def session(cluster):
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    return ftp


def epsv_download(ftp, path):
    """EPSV, then RETR over a connection to the control address (RFC 2428)."""
    port = fleet.epsv(ftp)
    return port, fleet.passive_download(ftp, f"RETR {path}", (fleet.MASTER_HOST, port))


def assert_intact(transfer, sha, size=FILE_SIZE):
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert (transfer.size, transfer.sha256) == (size, sha)


def curl_roundtrip(cluster, payload, tmp_path, name):
    """curl's default passive mode starts with EPSV."""
    local, sha = payload(FILE_SIZE)
    out = tmp_path / "curl-down.bin"
    for args in (["-T", str(local)], ["-o", str(out)]):
        result = subprocess.run(["curl", "-sS", "-v", "--max-time", "120", *args,
                                 cluster.url(f"/{name}")],
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-4000:]
        assert "< 229" in result.stderr, "curl did not get a 229 for its EPSV"
        assert "> PASV" not in result.stderr
    assert fleet.sha256_file(out) == sha


# --- refuse (default) -----------------------------------------------------------------

def test_default_refuses_epsv_then_pasv_works(cluster, payload):
    sha = upload_sample(cluster, payload)
    ftp = session(cluster)
    expect_5xx(ftp, "EPSV")
    expect_5xx(ftp, "EPSV 1")
    transfer = fleet.passive_download(ftp, "RETR /sample.bin", fleet.pasv(ftp))
    assert_intact(transfer, sha)
    ftp.quit()


def test_default_epsv_all_switches_to_relay(cluster, payload):
    # After EPSV ALL, PASV is no longer allowed, so the default policy relays.
    sha = upload_sample(cluster, payload, "/for-epsv-all.bin")
    ftp = session(cluster)
    expect(ftp, "EPSV ALL", EPSV_ALL_OK)
    expect_5xx(ftp, "PASV")
    port, transfer = epsv_download(ftp, "/for-epsv-all.bin")
    assert_intact(transfer, sha)
    ftp.quit()


# --- node-ports -----------------------------------------------------------------------

def test_node_ports_with_pret_uses_the_holding_nodes_port(node_ports, payload):
    sha = upload_sample(node_ports, payload)
    ftp = session(node_ports)
    before = fleet.master_bytes_sent(ftp)
    expect(ftp, "PRET RETR /sample.bin", 200)
    port, transfer = epsv_download(ftp, "/sample.bin")
    owner = node_ports.owner_of_port(port)
    assert owner in node_ports.nodes_holding("/sample.bin"), (port, owner)
    assert_intact(transfer, sha)
    assert fleet.master_bytes_sent(ftp) - before < fleet.MIB
    ftp.quit()


def test_node_ports_without_pret(node_ports, payload):
    sha = upload_sample(node_ports, payload, "/plain.bin")
    ftp = session(node_ports)
    before = fleet.master_bytes_sent(ftp)
    expect(ftp, "SIZE /plain.bin", 213)
    port, transfer = epsv_download(ftp, "/plain.bin")
    assert node_ports.owner_of_port(port) in node_ports.nodes_holding("/plain.bin"), port
    assert_intact(transfer, sha)
    assert fleet.master_bytes_sent(ftp) - before < fleet.MIB
    ftp.quit()


def test_node_ports_upload_lands_on_that_node(node_ports, payload):
    local, sha = payload(FILE_SIZE)
    ftp = session(node_ports)
    expect(ftp, "PRET STOR /up.bin", 200)
    port = fleet.epsv(ftp)
    owner = node_ports.owner_of_port(port)
    assert owner in node_ports.node_names, port
    transfer = fleet.passive_upload(ftp, "STOR /up.bin", (fleet.MASTER_HOST, port), local)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert fleet.sha256_file(node_ports.node_file(owner, "/up.bin")) == sha
    ftp.quit()


def test_node_ports_with_curl(node_ports, payload, tmp_path):
    curl_roundtrip(node_ports, payload, tmp_path, "curl.bin")


# --- relay ------------------------------------------------------------------------------

def test_relay_uses_a_master_port_and_counts_the_bytes(relay, payload):
    sha = upload_sample(relay, payload)
    ftp = session(relay)
    before = fleet.master_bytes_sent(ftp)
    port, transfer = epsv_download(ftp, "/sample.bin")
    assert port in relay.passive_range("master"), port
    assert_intact(transfer, sha)
    # The relay is the one case where file bytes pass through the master, and
    # the counter shows it: this is what the other tests' small deltas rule out.
    assert fleet.master_bytes_sent(ftp) - before >= FILE_SIZE
    ftp.quit()


def test_relay_upload(relay, payload):
    local, sha = payload(FILE_SIZE)
    ftp = session(relay)
    port = fleet.epsv(ftp)
    transfer = fleet.passive_upload(ftp, "STOR /relayed-up.bin", (fleet.MASTER_HOST, port), local)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    holders = relay.nodes_holding("/relayed-up.bin")
    assert holders
    assert fleet.sha256_file(relay.node_file(holders[0], "/relayed-up.bin")) == sha
    ftp.quit()


@pytest.mark.parametrize("policy", ["relay", "node_ports"])
def test_epsv_all_refuses_other_data_setup(request, payload, policy):
    c = request.getfixturevalue(policy)
    sha = upload_sample(c, payload, "/all.bin")
    ftp = session(c)
    expect(ftp, "EPSV ALL", EPSV_ALL_OK)
    expect_5xx(ftp, "PASV")
    expect_5xx(ftp, "PORT 127,0,0,1,100,100")
    expect_5xx(ftp, "EPRT |1|127.0.0.1|25700|")
    expect(ftp, "NOOP", 200)
    _, transfer = epsv_download(ftp, "/all.bin")
    assert_intact(transfer, sha)
    # Still refused after a transfer: EPSV ALL lasts for the session.
    expect_5xx(ftp, "PASV")
    ftp.quit()


def test_relay_with_curl(relay, payload, tmp_path):
    curl_roundtrip(relay, payload, tmp_path, "curl.bin")


def test_listing_over_epsv(relay, node_ports):
    for c in (relay, node_ports):
        ftp = session(c)
        fleet.stor_bytes(ftp, "/listed.txt", b"x")
        expect(ftp, "PRET LIST", 200)
        port = fleet.epsv(ftp)
        listing = fleet.passive_download(ftp, "NLST /", (fleet.MASTER_HOST, port), keep=True)
        assert fleet.reply_code(listing.final) == 226, listing.final
        assert "listed.txt" in listing.data.decode().split()
        ftp.quit()
