#!/usr/bin/python3
"""Encodes a drsblobs repsFromToBlob (version 2) with Samba's own NDR code (python3-samba):
repsFromTo2's [relative] other_info points to a repsFromTo2OtherInfo, a [relative_base]
struct whose [relative] dns_name1/dns_name2 count from its own start, not the blob's.
constructs.idl's c_reps_blob has the wire shape; constructs_test.cpp pushes the same values,
compares every byte and pulls Samba's bytes back. Prints the blob's hex (NDR20, little-endian:
ndr_pack of a struct takes no syntax or byte order).
"""
from samba.dcerpc import drsblobs, misc
from samba.ndr import ndr_pack

o = drsblobs.repsFromTo2OtherInfo()
o.dns_name1 = "ab"
o.unknown1 = 0x11
o.dns_name2 = "c"
o.unknown2 = 0x2222
r = drsblobs.repsFromTo2()
r.consecutive_sync_failures = 3
r.result_last_attempt = 0
r.other_info = o
r.replica_flags = 0x10
r.schedule = list(range(84))
r.source_dsa_obj_guid = misc.GUID("01234567-89ab-cdef-0123-456789abcdef")
r.unknown1 = 0x77
b = drsblobs.repsFromToBlob()
b.version = 2
b.ctr = r
print(ndr_pack(b).hex())
