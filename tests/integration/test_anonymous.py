"""Anonymous FTP ([anonymous] in master.toml, through `fleetftp up
--extra-config`): off by default; when on, USER anonymous (or ftp) with any
password (RFC 1635) sees only the anonymous root as "/", can download what
password users put there, and can write only what `upload` allows: nothing
by default; with upload = true new files and directories, never a delete,
rename or overwrite. Refusals are 550 (RFC 959: file unavailable / no access)."""

import ftplib
import io
import os

import pytest

import fleet
from fleet import expect

READ_ONLY = """
[anonymous]
enabled = true
"""
UPLOAD = """
[anonymous]
enabled = true
root = "/incoming/anon/"
upload = true
"""


@pytest.fixture(scope="module")
def read_only(tmp_path_factory):
    with fleet.running(tmp_path_factory.mktemp("anon-ro") / "state", extra_config=READ_ONLY) as c:
        yield c


@pytest.fixture(scope="module")
def upload(tmp_path_factory):
    with fleet.running(tmp_path_factory.mktemp("anon-rw") / "state", extra_config=UPLOAD) as c:
        yield c


def anonymous(cluster, user: str = "anonymous", password: str = "guest@example.org") -> fleet.RecordingFTP:
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    ftp.trust_server_pasv_ipv4_address = True
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    resp = ftp.login(user, password)
    assert resp.startswith("230"), resp
    assert ftp.replies[-2].startswith("331 Anonymous login ok"), ftp.replies
    expect(ftp, "TYPE I", 200)
    return ftp


def password_user(cluster) -> fleet.RecordingFTP:
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    return ftp


def test_anonymous_is_an_unknown_user_by_default(cluster):
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    expect(ftp, "USER anonymous", 331)
    expect(ftp, "PASS guest@example.org", 530)
    ftp.close()


def test_read_only_sees_only_the_root(read_only):
    owner = password_user(read_only)
    # The master made the root at start; the password user sees it at its real path.
    assert fleet.mlst_facts(owner, "/pub")["type"] == "dir"
    readme = os.urandom(70_000)
    fleet.stor_bytes(owner, "/pub/readme.bin", readme)
    expect(owner, "MKD /pub/docs", 257)
    fleet.stor_bytes(owner, "/pub/docs/guide.txt", b"read me\r\n")
    fleet.stor_bytes(owner, "/secret.bin", b"not for anonymous users")

    ftp = anonymous(read_only)
    assert expect(ftp, "PWD", 257).startswith('257 "/"')
    assert sorted(ftp.nlst()) == ["docs", "readme.bin"]
    lines: list[str] = []
    assert ftp.retrlines("LIST", lines.append).startswith("226")
    names = {line.split(None, 8)[8] for line in lines}
    assert names == {"docs", "readme.bin"}
    assert {name for name, _ in ftp.mlsd("/")} == {".", "docs", "readme.bin"}
    assert fleet.retr_bytes(ftp, "readme.bin") == readme
    assert fleet.retr_bytes(ftp, "/docs/guide.txt") == b"read me\r\n"

    # ".." stops at the anonymous root, and absolute paths are inside it.
    expect(ftp, "CWD ..", 250)
    assert expect(ftp, "PWD", 257).startswith('257 "/"')
    expect(ftp, "CWD /docs", 250)
    assert expect(ftp, "PWD", 257).startswith('257 "/docs"')
    expect(ftp, "CDUP", {200, 250})
    expect(ftp, "CDUP", {200, 250})
    assert expect(ftp, "PWD", 257).startswith('257 "/"')
    expect(ftp, "SIZE /secret.bin", 550)
    expect(ftp, "SIZE ../secret.bin", 550)
    expect(ftp, "CWD /pub", 550)
    with pytest.raises(ftplib.error_perm, match="^550"):
        fleet.retr_bytes(ftp, "../secret.bin")
    facts = fleet.mlst_facts(ftp, "/readme.bin")
    assert facts["perm"] == "r" and facts["size"] == str(len(readme))
    ftp.quit()


def test_read_only_refuses_every_write(read_only):
    owner = password_user(read_only)
    fleet.stor_bytes(owner, "/pub/keep.bin", b"keep")
    ftp = anonymous(read_only, user="FTP", password="")
    for line in ["STOR new.bin", "APPE keep.bin", "STOU", "MKD newdir", "DELE keep.bin", "RMD /docs",
                 "RNFR keep.bin", "SITE CHMOD 777 keep.bin", "SITE NODES", "SITE STATS", "PRET STOR new.bin"]:
        resp = expect(ftp, line, 550)
        assert resp == "550 Permission denied.", (line, resp)
    with pytest.raises(ftplib.error_perm, match="^550"):
        ftp.storbinary("STOR other.bin", io.BytesIO(b"data"))
    names = ftp.nlst()
    assert "keep.bin" in names and "new.bin" not in names and "other.bin" not in names, names
    assert fleet.retr_bytes(owner, "/pub/keep.bin") == b"keep"
    ftp.quit()


def test_anonymous_login_is_logged_with_its_password(read_only):
    anonymous(read_only, password='who "am" i@example.org').quit()
    expected = 'anonymous login from 127.0.0.1 (password "who \\"am\\" i@example.org")'
    assert fleet.wait_until(lambda: expected in read_only.log_tail(20000), 5), read_only.log_tail()


def test_upload_creates_new_files_only(upload):
    ftp = anonymous(upload)
    data = os.urandom(200_000)
    fleet.stor_bytes(ftp, "upload.bin", data)
    assert fleet.retr_bytes(ftp, "/upload.bin") == data
    assert expect(ftp, "MKD sub", 257).startswith('257 "/sub"')
    fleet.pret_stor(ftp, "sub/second.bin", b"second")

    # The password user finds them under the anonymous root.
    owner = password_user(upload)
    assert fleet.retr_bytes(owner, "/incoming/anon/upload.bin") == data
    assert fleet.retr_bytes(owner, "/incoming/anon/sub/second.bin") == b"second"

    # Overwriting, appending, deleting and renaming stay refused.
    for line in ["STOR upload.bin", "APPE upload.bin", "PRET STOR /sub/second.bin", "DELE upload.bin",
                 "RMD sub", "RNFR upload.bin", "SITE NODES"]:
        assert expect(ftp, line, 550) == "550 Permission denied.", line
    with pytest.raises(ftplib.error_perm, match="^550"):
        ftp.storbinary("STOR upload.bin", io.BytesIO(b"overwrite"))
    assert fleet.retr_bytes(owner, "/incoming/anon/upload.bin") == data
    assert fleet.mlst_facts(ftp, "/")["perm"] == "elcm"
    ftp.quit()

