"""Shared fixtures: a running cluster per test module, test payloads, and the
server's log attached to every failing test's report."""

import re

import pytest

import fleet


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A master and two nodes with default options, shared by one test module.
    Tests in a module use distinct file names, so they do not disturb each other."""
    with fleet.running(tmp_path_factory.mktemp("state")) as c:
        yield c


@pytest.fixture
def ftp(cluster):
    """A logged-in ftplib session on the module's cluster in binary mode (as
    clients set it first thing), closed afterwards."""
    session = cluster.ftp()
    fleet.expect(session, "TYPE I", 200)
    yield session
    try:
        session.quit()
    except Exception:
        session.close()


@pytest.fixture(scope="session")
def payload(tmp_path_factory):
    """payload(size) -> (path, sha256): incompressible test data, made once per size."""
    made: dict[int, tuple] = {}
    folder = tmp_path_factory.mktemp("payload")

    def make(size: int):
        if size not in made:
            path = folder / f"payload-{size}.bin"
            made[size] = (path, fleet.write_payload(path, size))
        return made[size]

    return make


@pytest.fixture
def name(request):
    """A file name unique to the running test, safe on FTP and on disk."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:80]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # The server's own account of what happened is the first thing one needs
    # when a test against it fails.
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for c in fleet.Cluster.live:
            report.sections.append((f"fleetftp stderr (port {c.port})", c.log_tail()))
