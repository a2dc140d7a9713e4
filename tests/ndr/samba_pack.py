#!/usr/bin/python3
"""Samba as an independent NDR oracle for tests/ndr (CTest label "interop").

    samba_pack.py pack CASE          prints Samba's NDR20 bytes (hex) for the value of CASE
    samba_pack.py unpack CASE HEX    unpacks HEX with Samba and prints the value as JSON

The values here and the ones built in samba_interop_test.cpp are the same by construction of the
test; the bytes are compared by the test, never here.
"""
import json
import sys

from samba.dcerpc import lsa, misc, samr, security, srvsvc
from samba.ndr import ndr_pack, ndr_unpack


def lsa_string(s):
    v = lsa.String()
    v.string = s
    return v


def trans_names():
    arr = lsa.TransNameArray()
    names = []
    for i, (t, s) in enumerate([(1, "alice"), (2, "Dom\u00e4ne"), (8, "")]):
        n = lsa.TranslatedName()
        n.sid_type = t
        n.name = lsa_string(s)
        n.sid_index = i
        names.append(n)
    arr.names = names
    arr.count = len(names)
    return arr


def guid():
    return misc.GUID("01234567-89ab-cdef-0123-456789abcdef")


def policy_handle():
    h = misc.policy_handle()
    h.handle_type = 7
    h.uuid = guid()
    return h


def sid_array():
    a = lsa.SidArray()
    ptrs = []
    for s in ["S-1-5-32-544", "S-1-5-21-1-2-3-500"]:
        p = lsa.SidPtr()
        p.sid = security.dom_sid(s)
        ptrs.append(p)
    a.sids = ptrs
    a.num_sids = len(ptrs)
    return a


def srv_info101():
    i = srvsvc.NetSrvInfo101()
    i.platform_id = 500
    i.server_name = "SRV1"
    i.version_major = 6
    i.version_minor = 1
    i.server_type = 0x00001003
    i.comment = None
    return i


def logon_hours():
    h = samr.LogonHours()
    h.units_per_week = 168
    h.bits = list(range(21))
    return h


def forest_trust():
    records = []
    for rtype, flags, time, value in [(0, 0, 0x0102030405060708, "ab"), (1, 1, 5, "c"),
                                      (7, 2, 6, [1, 2, 3])]:
        r = lsa.ForestTrustRecord()
        r.flags = flags
        r.type = rtype
        r.time = time
        if isinstance(value, str):
            d = lsa.StringLarge()
            d.string = value
        else:
            d = lsa.ForestTrustBinaryData()
            d.data = value
            d.length = len(value)
        r.forest_trust_data = d
        records.append(r)
    fi = lsa.ForestTrustInformation()
    fi.entries = records
    fi.count = len(records)
    return fi


CASES = {
    "trans_names": trans_names,
    "guid": guid,
    "policy_handle": policy_handle,
    "sid_array": sid_array,
    "srv_info101": srv_info101,
    "logon_hours": logon_hours,
    "forest_trust": forest_trust,
}
TYPES = {
    "trans_names": lsa.TransNameArray,
    "guid": misc.GUID,
    "policy_handle": misc.policy_handle,
    "sid_array": lsa.SidArray,
    "srv_info101": srvsvc.NetSrvInfo101,
    "logon_hours": samr.LogonHours,
    "forest_trust": lsa.ForestTrustInformation,
}


def to_plain(case, v):
    if case == "trans_names":
        return [{"sid_type": n.sid_type, "length": n.name.length, "size": n.name.size,
                 "string": n.name.string, "sid_index": n.sid_index} for n in v.names]
    if case == "guid":
        return str(v)
    if case == "policy_handle":
        return {"handle_type": v.handle_type, "uuid": str(v.uuid)}
    if case == "sid_array":
        return [str(p.sid) for p in v.sids]
    if case == "srv_info101":
        return {"platform_id": v.platform_id, "server_name": v.server_name,
                "version_major": v.version_major, "version_minor": v.version_minor,
                "server_type": v.server_type, "comment": v.comment}
    if case == "logon_hours":
        return {"units_per_week": v.units_per_week, "bits": list(v.bits)}
    if case == "forest_trust":
        out = []
        for r in v.entries:
            d = r.forest_trust_data
            value = d.string if r.type in (0, 1) else list(d.data)
            out.append({"type": r.type, "flags": r.flags, "time": r.time, "value": value})
        return out
    raise KeyError(case)


def main():
    if sys.argv[1] == "pack":
        print(ndr_pack(CASES[sys.argv[2]]()).hex())
    else:
        case = sys.argv[2]
        v = ndr_unpack(TYPES[case], bytes.fromhex(sys.argv[3]))
        print(json.dumps(to_plain(case, v)))


if __name__ == "__main__":
    main()
