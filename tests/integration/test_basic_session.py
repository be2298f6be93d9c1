"""An ordinary ftplib session against the cluster: every common command of
RFC 959 and RFC 3659 with the reply codes those RFCs assign."""

import ftplib
import io
import re

import pytest

import fleet
from fleet import expect, reply_code


@pytest.fixture
def home(ftp, name):
    """A fresh directory for the test, made the working directory."""
    expect(ftp, f"MKD /{name}", 257)
    expect(ftp, f"CWD /{name}", 250)
    return f"/{name}"


# --- connection and login -----------------------------------------------------

def test_greeting_login_and_quit(cluster):
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    welcome = ftp.connect(fleet.MASTER_HOST, cluster.port)
    assert reply_code(welcome) == 220, welcome
    expect(ftp, f"USER {cluster.user}", 331)
    expect(ftp, f"PASS {cluster.password}", 230)
    expect(ftp, "QUIT", 221)
    # After 221 the server closes the control connection.
    assert ftp.sock.recv(1) == b""
    ftp.close()


def test_wrong_password_is_530_and_nothing_is_allowed(cluster):
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    expect(ftp, f"USER {cluster.user}", 331)
    expect(ftp, "PASS not-the-password", 530)
    # Not logged in: file system commands are refused with 530 (RFC 959 5.4).
    expect(ftp, "PWD", 530)
    expect(ftp, "PASV", 530)
    expect(ftp, "RETR anything", 530)
    ftp.close()


def test_syst_noop_help_feat(ftp):
    syst = expect(ftp, "SYST", 215)
    assert "UNIX" in syst.upper(), syst
    expect(ftp, "NOOP", 200)
    expect(ftp, "HELP", 214)

    feat = expect(ftp, "FEAT", 211)
    lines = feat.split("\n")
    assert lines[0].startswith("211-") and lines[-1].startswith("211 "), feat
    # RFC 2389: each feature line starts with exactly one space.
    features = [line[1:].rstrip() for line in lines[1:-1]]
    assert all(line.startswith(" ") and not line.startswith("  ") for line in lines[1:-1]), feat
    upper = {f.upper() for f in features}
    for wanted in ["PRET", "EPRT", "EPSV", "MDTM", "MFMT", "REST STREAM", "SIZE", "UTF8", "TVFS"]:
        assert wanted in upper, f"FEAT lacks {wanted}: {features}"
    mlst = [f for f in features if f.upper().startswith("MLST ")]
    assert mlst == ["MLST type*;size*;modify*;perm*;unique*;"], features


def test_opts_utf8_type_mode_stru(ftp):
    expect(ftp, "OPTS UTF8 ON", 200)
    expect(ftp, "TYPE A", 200)
    expect(ftp, "TYPE I", 200)
    expect(ftp, "MODE S", 200)
    expect(ftp, "STRU F", 200)
    # ALLO is superfluous on this server: RFC 959 allows 200 or 202.
    expect(ftp, "ALLO 1000", {200, 202})


# --- directories ----------------------------------------------------------------

def test_pwd_mkd_cwd_cdup_rmd(ftp, name):
    assert expect(ftp, "PWD", 257).startswith('257 "/"')
    mkd = expect(ftp, f"MKD {name}", 257)
    assert f'"/{name}"' in mkd, mkd
    expect(ftp, f"MKD {name}/inner", 257)
    expect(ftp, f"CWD {name}/inner", 250)
    assert expect(ftp, "PWD", 257).startswith(f'257 "/{name}/inner"')
    # RFC 959 lists 200 for CDUP in 5.4 but says its replies are CWD's (250)
    # in 4.1.1; both are in use.
    expect(ftp, "CDUP", {200, 250})
    assert expect(ftp, "PWD", 257).startswith(f'257 "/{name}"')
    expect(ftp, "CWD ..", 250)
    assert expect(ftp, "PWD", 257).startswith('257 "/"')

    expect(ftp, f"MKD {name}", 550)            # exists already
    expect(ftp, f"RMD {name}", 550)            # not empty
    expect(ftp, f"CWD {name}/missing", 550)
    expect(ftp, f"RMD {name}/inner", 250)
    expect(ftp, f"RMD {name}", 250)
    expect(ftp, f"CWD {name}", 550)
    assert name not in ftp.nlst()


def test_quoted_pwd_doubles_quotes(ftp, name):
    # RFC 959 appendix II: a '"' in a directory name is doubled in the 257 reply.
    odd = f'{name}"q'
    expect(ftp, f"MKD {odd}", 257)
    expect(ftp, f"CWD {odd}", 250)
    assert expect(ftp, "PWD", 257).startswith(f'257 "/{name}""q"')


# --- transfers -------------------------------------------------------------------

def test_stor_retr_small_files(ftp, cluster, home):
    samples = {"empty.bin": b"", "one.bin": b"x", "text.txt": b"hello fleet\n",
               "binary.bin": bytes(range(256)) * 40}
    for file_name, data in samples.items():
        fleet.stor_bytes(ftp, file_name, data)
        # The transfer sequence is 150 (or 125) then 226 (RFC 959 5.4).
        assert reply_code(ftp.replies[-2]) in (125, 150), ftp.replies[-2:]
    for file_name, data in samples.items():
        assert fleet.retr_bytes(ftp, file_name) == data
        assert reply_code(ftp.replies[-2]) in (125, 150), ftp.replies[-2:]
        # And it really is a plain file on a node's disk.
        holders = cluster.nodes_holding(f"{home}/{file_name}")
        assert holders, f"{file_name} is on no node's disk"
        for node in holders:
            assert cluster.node_file(node, f"{home}/{file_name}").read_bytes() == data


def test_stor_replaces_existing_file(ftp, home):
    fleet.stor_bytes(ftp, "f.txt", b"first version, longer")
    fleet.stor_bytes(ftp, "f.txt", b"second")
    assert fleet.retr_bytes(ftp, "f.txt") == b"second"
    assert ftp.size("f.txt") == 6


def test_retr_missing_is_550(ftp, home):
    with pytest.raises(ftplib.error_perm, match=r"^550"):
        fleet.retr_bytes(ftp, "no-such-file")


def test_appe_appends_and_creates(ftp, home):
    fleet.stor_bytes(ftp, "log.txt", b"abc")
    fleet.stor_bytes(ftp, "log.txt", b"def", cmd="APPE")
    assert fleet.retr_bytes(ftp, "log.txt") == b"abcdef"
    fleet.stor_bytes(ftp, "new.txt", b"xyz", cmd="APPE")
    assert fleet.retr_bytes(ftp, "new.txt") == b"xyz"


def test_rest_then_retr_resumes(ftp, home):
    data = bytes(range(256)) * 16
    fleet.stor_bytes(ftp, "resume.bin", data)
    for offset in (0, 1, 1000, len(data) - 1, len(data)):
        parts = []
        ftp.retrbinary("RETR resume.bin", parts.append, rest=offset)
        assert b"".join(parts) == data[offset:], f"REST {offset}"
    assert any(r.startswith("350") for r in ftp.replies), "REST must answer 350"


def test_rest_then_stor_continues_upload(ftp, home):
    # Resuming an interrupted upload: REST <size so far>, then STOR the rest.
    fleet.stor_bytes(ftp, "partial.bin", b"0123456789")
    ftp.storbinary("STOR partial.bin", io.BytesIO(b"ABCDE"), rest=10)
    assert fleet.retr_bytes(ftp, "partial.bin") == b"0123456789ABCDE"


def test_stou_names_the_new_file(ftp, home):
    fleet.stor_bytes(ftp, "taken", b"old")
    conn = ftp.transfercmd("STOU")
    conn.sendall(b"unique content")
    conn.close()
    assert reply_code(ftp.voidresp()) == 226
    preliminary = ftp.replies[-2]
    # RFC 1123 4.1.2.9: the preliminary reply MUST be "125 FILE: pppp" or "150 FILE: pppp".
    m = re.match(r"^1[25]0 FILE: (\S+)", preliminary)
    assert m, preliminary
    created = m[1].rsplit("/", 1)[-1]
    assert created != "taken"
    assert created in ftp.nlst()
    assert fleet.retr_bytes(ftp, created) == b"unique content"
    assert fleet.retr_bytes(ftp, "taken") == b"old"


def test_dele(ftp, cluster, home):
    fleet.stor_bytes(ftp, "doomed.txt", b"bye")
    holders = cluster.nodes_holding(f"{home}/doomed.txt")
    assert holders
    expect(ftp, "DELE doomed.txt", 250)
    expect(ftp, "SIZE doomed.txt", 550)
    expect(ftp, "DELE doomed.txt", 550)
    assert "doomed.txt" not in ftp.nlst()
    assert cluster.nodes_holding(f"{home}/doomed.txt") == []


def test_rnfr_rnto_file_and_directory(ftp, home):
    fleet.stor_bytes(ftp, "before.txt", b"content")
    expect(ftp, "RNFR before.txt", 350)
    expect(ftp, "RNTO after.txt", 250)
    assert fleet.retr_bytes(ftp, "after.txt") == b"content"
    expect(ftp, "SIZE before.txt", 550)

    expect(ftp, "MKD dir1", 257)
    fleet.stor_bytes(ftp, "dir1/inside.txt", b"inside")
    expect(ftp, "RNFR dir1", 350)
    expect(ftp, "RNTO dir2", 250)
    assert fleet.retr_bytes(ftp, "dir2/inside.txt") == b"inside"
    expect(ftp, "CWD dir1", 550)

    # Moving into another directory.
    expect(ftp, "RNFR after.txt", 350)
    expect(ftp, "RNTO dir2/moved.txt", 250)
    assert sorted(ftp.nlst("dir2")) in (["dir2/inside.txt", "dir2/moved.txt"],
                                        ["inside.txt", "moved.txt"])
    expect(ftp, "RNFR missing.txt", 550)


# --- metadata ----------------------------------------------------------------------

def test_size_mdtm_mfmt(ftp, home):
    fleet.stor_bytes(ftp, "meta.bin", b"m" * 1234)
    assert expect(ftp, "SIZE meta.bin", 213).strip() == "213 1234"
    mdtm = expect(ftp, "MDTM meta.bin", 213)
    assert re.fullmatch(r"213 \d{14}(\.\d+)?", mdtm.strip()), mdtm
    expect(ftp, "SIZE .", 550)        # RFC 3659 4.2: no size for a directory
    expect(ftp, "SIZE nothing", 550)
    expect(ftp, "MDTM nothing", 550)

    mfmt = expect(ftp, "MFMT 20200102030405 meta.bin", 213)
    assert mfmt.startswith("213 Modify=20200102030405;"), mfmt
    assert expect(ftp, "MDTM meta.bin", 213).strip() == "213 20200102030405"
    assert fleet.mlst_facts(ftp, "meta.bin")["modify"].startswith("20200102030405")
    expect(ftp, "MFMT 20200102030405 nothing", 550)


def test_type_a_converts_line_endings(ftp, cluster, home):
    # Upload in ASCII mode: ftplib sends CRLF; the stored file has Unix LFs.
    ftp.storlines("STOR lines.txt", io.BytesIO(b"line one\nline two\n\nlast\n"))
    stored = b"line one\nline two\n\nlast\n"
    assert fleet.retr_bytes(ftp, "lines.txt") == stored        # TYPE I: bytes as stored
    node = cluster.nodes_holding(f"{home}/lines.txt")[0]
    assert cluster.node_file(node, f"{home}/lines.txt").read_bytes() == stored

    # Download in ASCII mode: CRLF on the wire (RFC 959 3.1.1.1).
    expect(ftp, "TYPE A", 200)
    conn = ftp.transfercmd("RETR lines.txt")
    wire = b""
    while chunk := conn.recv(65536):
        wire += chunk
    conn.close()
    assert reply_code(ftp.voidresp()) == 226
    assert wire == b"line one\r\nline two\r\n\r\nlast\r\n"

    # SIZE in TYPE I is the stored size.
    expect(ftp, "TYPE I", 200)
    assert ftp.size("lines.txt") == len(stored)


# --- listings -------------------------------------------------------------------------

@pytest.fixture
def listed_dir(ftp, home):
    fleet.stor_bytes(ftp, "a.txt", b"aaaa")
    fleet.stor_bytes(ftp, "b.bin", b"b" * 300)
    expect(ftp, "MKD sub", 257)
    return home


def test_nlst_lists_names(ftp, listed_dir):
    assert sorted(ftp.nlst()) == ["a.txt", "b.bin", "sub"]
    assert reply_code(ftp.replies[-1]) == 226


def test_list_shows_every_entry_with_size(ftp, listed_dir):
    lines = []
    ftp.retrlines("LIST", lines.append)
    assert reply_code(ftp.replies[-1]) == 226
    by_name = {line.split()[-1]: line for line in lines if line.split()}
    assert set(by_name) == {"a.txt", "b.bin", "sub"}, lines
    assert by_name["sub"].startswith("d"), by_name["sub"]
    assert by_name["a.txt"].startswith("-"), by_name["a.txt"]
    # ls -l style: size is the fifth column.
    assert by_name["b.bin"].split()[4] == "300", by_name["b.bin"]


def test_mlsd_facts(ftp, listed_dir):
    entries = {n: f for n, f in ftp.mlsd() if f.get("type") not in ("cdir", "pdir")}
    assert set(entries) == {"a.txt", "b.bin", "sub"}, entries
    assert entries["a.txt"]["type"] == "file" and entries["a.txt"]["size"] == "4"
    assert entries["b.bin"]["size"] == "300"
    assert entries["sub"]["type"] == "dir"
    for facts in entries.values():
        assert re.fullmatch(r"\d{14}(\.\d+)?", facts["modify"]), facts
        assert "unique" in facts and "perm" in facts, facts
    assert entries["a.txt"]["unique"] != entries["b.bin"]["unique"]
    assert "r" in entries["a.txt"]["perm"]


def test_mlst_of_file_and_missing(ftp, listed_dir):
    facts = fleet.mlst_facts(ftp, "b.bin")
    assert facts["type"] == "file" and facts["size"] == "300", facts
    expect(ftp, "MLST nothing-here", 550)


def test_stat_without_and_with_argument(ftp, listed_dir):
    # Without argument: server status over the control connection (211).
    expect(ftp, "STAT", 211)
    # With a path: the listing over the control connection (212/213).
    stat = expect(ftp, "STAT .", {212, 213})
    for entry in ("a.txt", "b.bin", "sub"):
        assert entry in stat, stat
    assert "b.bin" in expect(ftp, "STAT b.bin", {212, 213})


def test_utf8_file_names(ftp, cluster, home):
    file_name = "grüße-名前.txt"
    fleet.stor_bytes(ftp, file_name, "ümlaut".encode())
    assert file_name in ftp.nlst()
    assert fleet.retr_bytes(ftp, file_name) == "ümlaut".encode()
    assert cluster.nodes_holding(f"{home}/{file_name}"), "UTF-8 name not stored as such on disk"


def test_passive_without_trusting_address_reaches_node(cluster, home, ftp):
    # Clients such as curl ignore the 227 address and use the control
    # address; nodes also listen on 127.0.0.1 for them.
    fleet.stor_bytes(ftp, "any.bin", b"via 127.0.0.1")
    blind = cluster.ftp(trust_pasv=False)
    try:
        assert fleet.retr_bytes(blind, f"{home}/any.bin") == b"via 127.0.0.1"
        fleet.stor_bytes(blind, f"{home}/back.bin", b"uploaded blind")
        assert fleet.retr_bytes(ftp, "back.bin") == b"uploaded blind"
    finally:
        blind.close()


def test_two_sessions_see_each_other(cluster, ftp, home):
    other = cluster.ftp()
    try:
        fleet.stor_bytes(ftp, "shared.txt", b"seen by both")
        assert fleet.retr_bytes(other, f"{home}/shared.txt") == b"seen by both"
    finally:
        other.close()

