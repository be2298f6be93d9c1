"""`fleetftp up` and the user commands of the CLI, as an operator uses them."""

import socket

import pytest

import fleet


@pytest.fixture
def fresh(tmp_path):
    cluster = fleet.Cluster(tmp_path / "state")
    yield cluster
    cluster.kill()


def can_connect(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=5).close()
        return True
    except OSError:
        return False


def login_reply(cluster, user: str, password: str) -> str:
    ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
    ftp.connect(fleet.MASTER_HOST, cluster.port)
    fleet.expect(ftp, f"USER {user}", 331)
    resp = fleet.command(ftp, f"PASS {password}")
    ftp.close()
    return resp


def test_first_start_prints_pids_and_a_working_url(fresh):
    fresh.start()
    out = fresh.stdout_lines
    up_index = next(i for i, line in enumerate(out) if line.startswith("fleetftp is up:"))
    before_up = out[:up_index]
    assert any(line.startswith("master pid ") for line in before_up), out
    for node in fresh.node_names:
        assert any(line.startswith(f"node {node} pid ") for line in before_up), out
    # One master and one process per node, all distinct and alive.
    pids = fresh.child_pids()
    assert len(set(pids)) == fresh.nodes + 1
    assert all(fleet.pid_alive(pid) for pid in pids)
    assert fresh.user == "demo" and len(fresh.password) >= 8, fresh.up_line

    # Control port and node link port are open; state is where the brief says.
    assert can_connect(fleet.MASTER_HOST, fresh.port)
    assert can_connect(fleet.MASTER_HOST, fresh.port + 1)
    assert (fresh.state_dir / "meta.sqlite").is_file()
    for node in fresh.node_names:
        assert fresh.node_data_dir(node).is_dir()

    ftp = fresh.ftp()
    fleet.expect(ftp, "NOOP", 200)
    ftp.quit()


def test_three_nodes(tmp_path):
    with fleet.running(tmp_path / "state", nodes=3) as cluster:
        assert sorted(cluster.node_pids) == ["n1", "n2", "n3"], cluster.stdout_lines
        assert cluster.node_data_dir("n3").is_dir()
        ftp = cluster.ftp()
        # Placement spreads uploads: a dozen of them reach every node,
        # including the third one on 127.0.0.4.
        for i in range(12):
            fleet.expect(ftp, f"PRET STOR /f{i}", 200)
            fleet.stor_bytes(ftp, f"/f{i}", b"x" * 1000)
        holders = {n for i in range(12) for n in cluster.nodes_holding(f"/f{i}")}
        assert holders == {"n1", "n2", "n3"}, holders
        ftp.quit()


def test_user_add_list_del(fresh):
    fresh.start()
    assert fresh.stop() == 0

    added = fresh.run_cli("user", "add", "alice", "--password-stdin", stdin="alice-pw-42\n")
    assert added.returncode == 0, added.stderr
    again = fresh.run_cli("user", "add", "alice", "--password-stdin", stdin="other\n")
    assert again.returncode != 0, "adding an existing user must fail"
    listed = fresh.run_cli("user", "list")
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {"alice", "demo"}, listed.stdout
    assert "alice-pw-42" not in listed.stdout

    fresh.start()
    assert set(fresh.listed_users) == {"alice", "demo"}, fresh.up_line
    assert login_reply(fresh, "alice", "alice-pw-42").startswith("230")
    assert login_reply(fresh, "demo", fresh.password).startswith("230")
    assert fresh.stop() == 0

    deleted = fresh.run_cli("user", "del", "alice")
    assert deleted.returncode == 0, deleted.stderr
    assert "alice" not in fresh.run_cli("user", "list").stdout.split()
    missing = fresh.run_cli("user", "del", "alice")
    assert missing.returncode != 0, "deleting a missing user must fail"

    fresh.start()
    assert login_reply(fresh, "alice", "alice-pw-42").startswith("530")
    assert login_reply(fresh, "demo", fresh.password).startswith("230")


def test_up_fails_cleanly_when_port_is_taken(tmp_path):
    # An operator mistake: the control port is in use. `up` must say so and
    # exit non-zero instead of hanging or half-starting.
    cluster = fleet.Cluster(tmp_path / "state")
    with socket.create_server((fleet.MASTER_HOST, cluster.port)):
        try:
            with pytest.raises(AssertionError, match="ended"):
                cluster.start(timeout=10)
            assert cluster.proc.returncode != 0
        finally:
            cluster.kill()


def test_extra_config_sets_keys_of_generated_sections(tmp_path):
    # An operator sets options of [ftp], a section `up` writes itself: the
    # operator's values win, and the rest of the generated section stays.
    extra = '[ftp]\nbanner = "operator banner"\nmax_line = 600\n\n[anonymous]\nenabled = true\n'
    with fleet.running(tmp_path / "state", extra_config=extra) as cluster:
        ftp = fleet.RecordingFTP(timeout=fleet.SOCKET_TIMEOUT)
        greeting = ftp.connect(fleet.MASTER_HOST, cluster.port)
        assert greeting == "220 operator banner", greeting
        fleet.expect(ftp, "USER anonymous", 331)
        fleet.expect(ftp, "PASS guest@", 230)
        # max_line = 600: a 700-byte line is refused as too long, a 550-byte one is parsed.
        assert fleet.command(ftp, "NOOP " + "x" * 700).startswith("500 Command line too long (limit 600")
        fleet.expect(ftp, "NOOP " + "x" * 550, 200)
        ftp.quit()


def test_extra_config_with_a_syntax_error_stops_up_with_file_and_line(tmp_path):
    cluster = fleet.Cluster(tmp_path / "state", extra_config="[ftp]\nbanner = \n")
    try:
        with pytest.raises(AssertionError, match="ended"):
            cluster.start(timeout=20)
        assert cluster.proc.returncode != 0
        log = cluster.log_path.read_text()
        assert f"{cluster.extra_config_path}:2:" in log, log[-2000:]
    finally:
        cluster.kill()
