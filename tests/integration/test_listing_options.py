"""What a client asks of listings beyond their format, over a real cluster:
LIST/NLST hide dot files unless -a (as vsftpd and Pure-FTPd do), OPTS MLST
selects the facts MLST and MLSD send (RFC 3659 7.9), and SIZE/MDTM of a
missing file say that it does not exist (550)."""

import fleet
from fleet import expect


def test_dot_files_are_listed_only_with_a(ftp, name):
    expect(ftp, f"MKD /{name}", 257)
    fleet.stor_bytes(ftp, f"/{name}/.hidden", b"h")
    fleet.stor_bytes(ftp, f"/{name}/shown", b"s")
    assert ftp.nlst(f"/{name}") == ["shown"]
    assert ftp.nlst(f"-a /{name}") == [".hidden", "shown"]
    plain, with_a = [], []
    ftp.retrlines(f"LIST /{name}", plain.append)
    ftp.retrlines(f"LIST -la /{name}", with_a.append)
    assert not any(line.endswith(" .hidden") for line in plain), plain
    assert any(line.endswith(" .hidden") for line in with_a), with_a
    assert any(line.endswith(" shown") for line in plain), plain
    assert ".hidden" in [n for n, _ in ftp.mlsd(f"/{name}")], "MLSD shows every name"


def test_opts_mlst_selects_the_facts(ftp, name):
    fleet.stor_bytes(ftp, f"/{name}", b"12345")
    assert expect(ftp, "OPTS MLST size;type;x.bogus;", 200) == "200 MLST OPTS type;size;"
    lines = expect(ftp, f"MLST /{name}", 250).split("\n")
    assert lines[1].strip() == f"type=file;size=5; /{name}", lines
    assert " MLST type*;size*;modify;perm;unique;" in expect(ftp, "FEAT", 211)
    expect(ftp, "OPTS MLST type;size;modify;perm;unique;", 200)
    assert "unique=" in expect(ftp, f"MLST /{name}", 250)


def test_size_and_mdtm_of_a_missing_file_say_it_does_not_exist(ftp, name):
    for verb in ("SIZE", "MDTM"):
        reply = expect(ftp, f"{verb} /{name}-missing", 550)
        assert "does not exist" in reply, reply
