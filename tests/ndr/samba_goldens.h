// Samba 4.17's bytes for the sample values (defined in samba_golden_test.cpp), shared by tests.
#pragma once

#include "samples.h"

extern const char* const kSambaTransNames;
extern const char* const kSambaSidArray;
extern const char* const kSambaSrvInfo101;
extern const char* const kSambaLogonHours;
// The values the goldens encode (the same ones samba_pack.py builds).
samples::TransNameArray sample_trans_names();
samples::SidArray sample_sid_array();
samples::SrvInfo101 sample_srv_info101();
samples::LogonHours sample_logon_hours();
