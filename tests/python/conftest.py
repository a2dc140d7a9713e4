"""Fixtures of the ncarpc Python tests: the C++ ncaecho-server (path in $NCAECHO_SERVER) on a
free TCP port and an ncalrpc socket, and Python servers of our own. CTest sets PYTHONPATH to the
built package (build/python)."""
import os
import shutil
import signal
import subprocess
import tempfile

import pytest


class EchoServer:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="ncarpc_py_")
        self.proc = subprocess.Popen(
            [binary, "--ncalrpc-dir", self.dir, "--listen", "ncacn_ip_tcp:127.0.0.1[0]",
             "ncalrpc:[echo]"], stdout=subprocess.PIPE, text=True)
        self.tcp = self.proc.stdout.readline().strip()
        self.ncalrpc = self.proc.stdout.readline().strip()
        assert self.tcp.startswith("ncacn_ip_tcp:"), self.tcp

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def cpp_server():
    binary = os.environ.get("NCAECHO_SERVER")
    assert binary, "set NCAECHO_SERVER to the ncaecho-server binary"
    s = EchoServer(binary)
    yield s
    s.stop()
