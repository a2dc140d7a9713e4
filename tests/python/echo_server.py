"""rpcecho served by Python (ncarpc.Server): the behaviour of the C++ ncaecho-server, written as a
Python class. Run as a program it listens on the bindings given (default TCP on a free port),
prints the binding of each, one a line, and serves until SIGTERM or SIGINT."""
import asyncio
import signal
import sys
import threading

import ncarpc
from ncarpc import rpcecho

FAULT_INVALID_TAG = 0x1c000006


class Echo:
    """One method per rpcecho operation: the [in] values in, the [out] values out."""

    def __init__(self):
        self.sleeping = 0

    def echo_AddOne(self, in_data):
        return (in_data + 1) & 0xffffffff

    def echo_EchoData(self, len, in_data):
        return in_data

    def echo_SinkData(self, len, data):
        return None

    def echo_SourceData(self, len):
        return bytes(i & 0xff for i in range(len))

    def echo_TestCall(self, s1):
        return s1

    def echo_TestCall2(self, level):
        arms = {
            1: dict(info1=rpcecho.echo_info1(v=10)),
            2: dict(info2=rpcecho.echo_info2(v=20)),
            3: dict(info3=rpcecho.echo_info3(v=30)),
            4: dict(info4=rpcecho.echo_info4(v=40)),
            5: dict(info5=rpcecho.echo_info5(v1=50, v2=60)),
            6: dict(info6=rpcecho.echo_info6(v1=70, info1=rpcecho.echo_info1(v=80))),
            7: dict(info7=rpcecho.echo_info7(v1=80, info4=rpcecho.echo_info4(v=90))),
        }
        if level not in arms:
            raise ncarpc.Fault(code=FAULT_INVALID_TAG)
        return rpcecho.echo_Info(**arms[level]), ncarpc.NTSTATUS(0)

    async def echo_TestSleep(self, seconds):
        self.sleeping += 1
        try:
            await asyncio.sleep(seconds)
        finally:
            self.sleeping -= 1
        return seconds

    def echo_TestEnum(self, foo1, foo2, foo3):
        return foo1, foo2, foo3

    def echo_TestSurrounding(self, data):
        x = data.x * 2
        return rpcecho.echo_Surrounding(x=x, surrounding=[0] * x)

    def echo_TestDoublePointer(self, data):
        return data or 0


def main(bindings):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with ncarpc.Server() as server:
        server.register(rpcecho.rpcecho_service(Echo()))
        for b in bindings:
            print(server.listen(b), flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["ncacn_ip_tcp:127.0.0.1[0]"]))
