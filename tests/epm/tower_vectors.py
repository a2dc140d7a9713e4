#!/usr/bin/python3
"""Golden towers built by real peers, for tests/epm/tower_interop_test.cpp.

Prints one line per case: NAME HEX, where HEX is an epm_twr_t as Samba's NDR library packs it
(samba.ndr.ndr_pack) or, for names starting with "impacket_", a tower octet string built by
Impacket's epm module. The C++ test builds the same towers from its own description and compares.
Run with /usr/bin/python3 (the interpreter that has the samba and impacket modules).
"""
import socket
import struct
import sys

from samba.dcerpc import epmapper, misc
from samba.ndr import ndr_pack

E = epmapper


def uuid_floor(uuid, major, minor):
    f = E.epm_floor()
    f.lhs.protocol = E.EPM_PROTOCOL_UUID
    f.lhs.lhs_data = ndr_pack(misc.GUID(uuid)) + struct.pack("<H", major)
    rhs = E.epm_rhs_uuid()
    rhs.unknown = struct.pack("<H", minor)
    f.rhs = rhs
    return f


def floor(protocol, rhs):
    f = E.epm_floor()
    f.lhs.protocol = protocol
    f.lhs.lhs_data = b""
    f.rhs = rhs
    return f


def rhs(cls, **fields):
    r = cls()
    for k, v in fields.items():
        setattr(r, k, v)
    return r


def twr(floors):
    t = E.epm_twr_t()
    t.tower.num_floors = len(floors)
    t.tower.floors = floors
    return ndr_pack(t)


EPM = ("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0)
NDR = ("8a885d04-1ceb-11c9-9fe8-08002b104860", 2, 0)
NDR64 = ("71710533-beba-4937-8319-b5dbef9ccc36", 1, 0)
ODD = ("12345678-9abc-def0-1122-334455667788", 0x0102, 0x0304)


def head(iface=EPM, transfer=NDR):
    return [uuid_floor(*iface), uuid_floor(*transfer)]


cases = {
    "ncacn_ip_tcp": head() + [
        floor(E.EPM_PROTOCOL_NCACN, rhs(E.epm_rhs_ncacn, minor_version=0)),
        floor(E.EPM_PROTOCOL_TCP, rhs(E.epm_rhs_tcp, port=135)),
        floor(E.EPM_PROTOCOL_IP, rhs(E.epm_rhs_ip, ipaddr="127.0.0.1")),
    ],
    "ncadg_ip_udp": head(ODD, NDR64) + [
        floor(E.EPM_PROTOCOL_NCADG, rhs(E.epm_rhs_ncadg, minor_version=0)),
        floor(E.EPM_PROTOCOL_UDP, rhs(E.epm_rhs_udp, port=49153)),
        floor(E.EPM_PROTOCOL_IP, rhs(E.epm_rhs_ip, ipaddr="10.1.2.3")),
    ],
    "ncacn_http": head() + [
        floor(E.EPM_PROTOCOL_NCACN, rhs(E.epm_rhs_ncacn, minor_version=0)),
        floor(E.EPM_PROTOCOL_HTTP, rhs(E.epm_rhs_http, port=593)),
        floor(E.EPM_PROTOCOL_IP, rhs(E.epm_rhs_ip, ipaddr="0.0.0.0")),
    ],
    "ncacn_np": head() + [
        floor(E.EPM_PROTOCOL_NCACN, rhs(E.epm_rhs_ncacn, minor_version=0)),
        floor(E.EPM_PROTOCOL_SMB, rhs(E.epm_rhs_smb, unc="\\PIPE\\epmapper")),
        floor(E.EPM_PROTOCOL_NETBIOS, rhs(E.epm_rhs_netbios, name="HOST")),
    ],
    "ncacn_np_empty": head() + [
        floor(E.EPM_PROTOCOL_NCACN, rhs(E.epm_rhs_ncacn, minor_version=0)),
        floor(E.EPM_PROTOCOL_SMB, rhs(E.epm_rhs_smb, unc="")),
        floor(E.EPM_PROTOCOL_NETBIOS, rhs(E.epm_rhs_netbios, name="")),
    ],
    "ncalrpc": head() + [
        floor(E.EPM_PROTOCOL_NCALRPC, rhs(E.epm_rhs_ncalrpc, minor_version=0)),
        floor(E.EPM_PROTOCOL_NAMED_PIPE, rhs(E.epm_rhs_named_pipe, path="EPMAPPER")),
    ],
    "ncacn_unix_stream": head() + [
        floor(E.EPM_PROTOCOL_NCACN, rhs(E.epm_rhs_ncacn, minor_version=0)),
        floor(E.EPM_PROTOCOL_UNIX_DS, rhs(E.epm_rhs_unix_ds, path="/run/x.sock")),
    ],
    "ncadg_unix_dgram": head() + [
        floor(E.EPM_PROTOCOL_NCADG, rhs(E.epm_rhs_ncadg, minor_version=0)),
        floor(E.EPM_PROTOCOL_UNIX_DS, rhs(E.epm_rhs_unix_ds, path="/run/y.sock")),
    ],
    # Protocols without typed rhs in our codec: IPX (empty rhs) and VINES SPP (a port Samba
    # writes big-endian) round-trip as raw floors. (Minor versions of the RPC floor stay 0: Samba
    # writes them big-endian, C706 little-endian; every peer sends 0.)
    "raw_floors": head() + [
        floor(E.EPM_PROTOCOL_NCACN, rhs(E.epm_rhs_ncacn, minor_version=0)),
        floor(E.EPM_PROTOCOL_IPX, rhs(E.epm_rhs_ipx)),
        floor(E.EPM_PROTOCOL_VINES_SPP, rhs(E.epm_rhs_vines_spp, port=0x1234)),
    ],
}

for name, floors in cases.items():
    print(name, twr(floors).hex())

# Impacket's ept_map tower for ncacn_ip_tcp (what rpcdump / hept_map send to port 135).
from impacket.dcerpc.v5 import epm
from impacket.uuid import uuidtup_to_bin

tower = epm.EPMTower()
iface = epm.EPMRPCInterface()
ifbin = uuidtup_to_bin((ODD[0], "%d.%d" % (ODD[1], ODD[2])))
iface["InterfaceUUID"] = ifbin[:16]
iface["MajorVersion"] = struct.unpack("<H", ifbin[16:18])[0]
iface["MinorVersion"] = struct.unpack("<H", ifbin[18:20])[0]
rep = epm.EPMRPCDataRepresentation()
ndrbin = uuidtup_to_bin((NDR[0], "2.0"))
rep["DataRepUuid"] = ndrbin[:16]
rep["MajorVersion"] = 2
rep["MinorVersion"] = 0
prot = epm.EPMProtocolIdentifier()
prot["ProtIdentifier"] = epm.FLOOR_RPCV5_IDENTIFIER
port = epm.EPMPortAddr()
port["IpPort"] = 0
host = epm.EPMHostAddr()
host["Ip4addr"] = socket.inet_aton("0.0.0.0")
tower["NumberOfFloors"] = 5
tower["Floors"] = iface.getData() + rep.getData() + prot.getData() + port.getData() + host.getData()
print("impacket_map_ncacn_ip_tcp", tower.getData().hex())
sys.exit(0)
