"""[anonymous] other_write = true: anonymous users may also change what
exists (overwrite, rename, delete), like vsftpd's anon_other_write_enable;
SITE commands stay refused. A file of its own: test_anonymous.py keeps two
clusters up for its whole module, and a third would not always find a free
port span."""

import fleet
from fleet import expect
from test_anonymous import anonymous

OTHER_WRITE = """
[anonymous]
enabled = true
upload = true
other_write = true
"""


def test_other_write_allows_overwrite_rename_and_delete(tmp_path):
    with fleet.running(tmp_path / "state", extra_config=OTHER_WRITE) as cluster:
        ftp = anonymous(cluster)
        fleet.stor_bytes(ftp, "scratch.bin", b"first")
        fleet.stor_bytes(ftp, "scratch.bin", b"second version")
        assert fleet.retr_bytes(ftp, "scratch.bin") == b"second version"
        expect(ftp, "RNFR scratch.bin", 350)
        expect(ftp, "RNTO renamed.bin", 250)
        expect(ftp, "DELE renamed.bin", 250)
        assert ftp.nlst() == []
        # Cluster internals stay hidden all the same.
        assert expect(ftp, "SITE NODES", 550) == "550 Permission denied."
        ftp.quit()
