// Samba 4.17's bytes for the sample values (defined in samba_golden_test.cpp), shared by tests.
#pragma once

#include "samples.h"

extern const char* const kSambaTransNames;
extern const char* const kSambaSidArray;
extern const char* const kSambaSrvInfo101;
extern const char* const kSambaLogonHours;
// The lsa_TransNameArray value kSambaTransNames encodes.
samples::TransNameArray sample_trans_names();
