"""The rarely used commands of RFC 959 (ACCT, SMNT), its X-aliases from RFC
775 (XCWD, XCUP, XMKD, XPWD, XRMD) and RFC 7151's HOST, each with the reply
codes those RFCs assign."""

import fleet
from fleet import expect


def test_x_aliases_act_like_their_rfc_959_commands(ftp, name):
    expect(ftp, f"XMKD /{name}", 257)
    expect(ftp, f"XMKD /{name}/sub", 257)
    expect(ftp, f"XCWD /{name}/sub", 250)
    assert f'"/{name}/sub"' in expect(ftp, "XPWD", 257)
    # XCUP: CDUP's reply (RFC 959 lists 200 for CDUP).
    expect(ftp, "XCUP", 200)
    assert f'"/{name}"' in expect(ftp, "XPWD", 257)
    expect(ftp, f"XCWD /{name}/missing", 550)
    expect(ftp, "XRMD sub", 250)
    expect(ftp, "XCWD sub", 550)  # gone
    expect(ftp, f"XRMD /{name}/missing", 550)


def test_acct_is_superfluous_and_smnt_not_implemented(ftp):
    # RFC 959 4.1.1: 202 for ACCT where no account is needed; SMNT is not offered.
    expect(ftp, "ACCT billing", 202)
    expect(ftp, "SMNT /", 502)
    expect(ftp, "NOOP", 200)  # the session goes on


def test_host_before_login_and_refused_after(cluster):
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    expect(ftp, "HOST", 501)                       # RFC 7151: the name is required
    expect(ftp, "HOST ftp.example.org", 220)       # accepted before USER
    expect(ftp, f"USER {cluster.user}", 331)
    expect(ftp, "HOST ftp.example.org", 503)       # after USER: bad sequence
    expect(ftp, f"PASS {cluster.password}", 230)
    expect(ftp, "HOST ftp.example.org", 503)
    expect(ftp, "QUIT", 221)
    ftp.close()
