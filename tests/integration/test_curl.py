"""curl, unmodified, against the cluster: the URL that `fleetftp up` prints
works out of the box; uploads and downloads in its default mode (EPSV, which
the default policy refuses, then PASV), with --ftp-pret, and in active mode."""

import ftplib
import re
import subprocess

import pytest

import fleet


def curl(*args: str) -> subprocess.CompletedProcess:
    """curl with verbose protocol output on stderr; fails the test on a non-zero exit."""
    result = subprocess.run(["curl", "-sS", "-v", "--max-time", "120", *args],
                            capture_output=True, timeout=180)
    assert result.returncode == 0, (f"curl {' '.join(args)} exited {result.returncode}\n"
                                    + result.stderr.decode("utf-8", "replace")[-4000:])
    return result


def sent(result: subprocess.CompletedProcess) -> list[str]:
    """The FTP commands curl sent, from its verbose log ('> CMD')."""
    text = result.stderr.decode("utf-8", "replace")
    return [line[2:].strip() for line in text.splitlines() if line.startswith("> ")]


def received(result: subprocess.CompletedProcess) -> list[str]:
    text = result.stderr.decode("utf-8", "replace")
    return [line[2:].strip() for line in text.splitlines() if line.startswith("< ")]


def printed_url(cluster) -> str:
    m = re.match(r"^fleetftp is up: (ftp://\S+)$", cluster.up_line)
    assert m, cluster.up_line
    return m[1]


@pytest.fixture(scope="module")
def local_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("curl") / "upload.bin"
    sha = fleet.write_payload(path, 3 * fleet.MIB + 12345)
    return path, sha


def assert_on_one_node(cluster, vfs_path: str, sha: str) -> None:
    holders = cluster.nodes_holding(vfs_path)
    assert holders, f"{vfs_path} is on no node's disk"
    for node in holders:
        assert fleet.sha256_file(cluster.node_file(node, vfs_path)) == sha


def test_printed_url_lists_root(cluster, ftp):
    fleet.stor_bytes(ftp, "/listed-by-curl.txt", b"hi")
    fleet.expect(ftp, "MKD /dir-listed-by-curl", 257)
    result = curl(printed_url(cluster))
    listing = result.stdout.decode()
    names = {line.split()[-1] for line in listing.splitlines() if line.strip()}
    assert {"listed-by-curl.txt", "dir-listed-by-curl"} <= names, listing


def test_upload_and_download_default_mode(cluster, local_file, tmp_path):
    path, sha = local_file
    up = curl("-T", str(path), cluster.url("/curl-default.bin"))
    # The default EPSV policy refuses EPSV (5xx) and curl falls back to PASV.
    assert "EPSV" in sent(up) and "PASV" in sent(up), sent(up)
    assert_on_one_node(cluster, "/curl-default.bin", sha)

    out = tmp_path / "down.bin"
    curl("-o", str(out), cluster.url("/curl-default.bin"))
    assert fleet.sha256_file(out) == sha


def test_upload_and_download_with_pret(cluster, local_file, tmp_path):
    path, sha = local_file
    up = curl("--ftp-pret", "-T", str(path), cluster.url("/curl-pret.bin"))
    assert "PRET STOR curl-pret.bin" in sent(up), sent(up)
    assert_on_one_node(cluster, "/curl-pret.bin", sha)

    out = tmp_path / "down.bin"
    down = curl("--ftp-pret", "--disable-epsv", "-o", str(out), cluster.url("/curl-pret.bin"))
    assert "PRET RETR curl-pret.bin" in sent(down), sent(down)
    # The passive listener is on the node that holds the file.
    pasv = [r for r in received(down) if r.startswith("227")]
    assert len(pasv) == 1, received(down)
    host, _port = ftplib.parse227(pasv[0])
    node = cluster.node_at(host)
    assert node in cluster.nodes_holding("/curl-pret.bin"), (pasv, cluster.nodes_holding("/curl-pret.bin"))
    assert fleet.sha256_file(out) == sha


def test_directory_listing_with_pret(cluster, ftp):
    fleet.expect(ftp, "MKD /pret-list", 257)
    fleet.stor_bytes(ftp, "/pret-list/one.txt", b"1")
    result = curl("--ftp-pret", "--disable-epsv", cluster.url("/pret-list/"))
    assert "PRET LIST" in sent(result), sent(result)
    assert result.stdout.decode().split()[-1] == "one.txt", result.stdout
    # Listings come from the master (RFC 959 LIST over the master's listener).
    pasv = [r for r in received(result) if r.startswith("227")]
    assert pasv and ftplib.parse227(pasv[0])[0] == fleet.MASTER_HOST, pasv


def test_name_list(cluster, ftp):
    fleet.expect(ftp, "MKD /nlst-dir", 257)
    for n in ("x1", "x2", "x3"):
        fleet.stor_bytes(ftp, f"/nlst-dir/{n}", n.encode())
    result = curl("-l", cluster.url("/nlst-dir/"))
    assert sorted(result.stdout.decode().split()) == ["x1", "x2", "x3"]


@pytest.mark.parametrize("eprt", [True, False], ids=["eprt", "port"])
def test_active_mode(cluster, local_file, tmp_path, eprt):
    path, sha = local_file
    target = f"/curl-active-{'eprt' if eprt else 'port'}.bin"
    flags = ["-P", "127.0.0.1"] + ([] if eprt else ["--disable-eprt"])
    up = curl(*flags, "-T", str(path), cluster.url(target))
    assert ("EPRT" if eprt else "PORT") in " ".join(sent(up)), sent(up)
    assert_on_one_node(cluster, target, sha)

    out = tmp_path / "down.bin"
    curl(*flags, "-o", str(out), cluster.url(target))
    assert fleet.sha256_file(out) == sha


def test_resume_download_with_range(cluster, local_file, tmp_path):
    path, sha = local_file
    curl("-T", str(path), cluster.url("/curl-range.bin"))
    out = tmp_path / "tail.bin"
    result = curl("-r", "1000000-", "-o", str(out), cluster.url("/curl-range.bin"))
    assert "REST 1000000" in sent(result), sent(result)
    assert out.read_bytes() == path.read_bytes()[1000000:]


def test_wrong_password_fails_with_530(cluster):
    result = subprocess.run(["curl", "-sS", "--max-time", "30",
                             f"ftp://{cluster.user}:wrong@127.0.0.1:{cluster.port}/"],
                            capture_output=True, timeout=60)
    # curl exit 67: "The user name, password, or similar was not accepted".
    assert result.returncode == 67, result.stderr
    assert b"530" in result.stderr
