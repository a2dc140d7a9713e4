// Fault codes the security layer answers with besides FaultCode's access_denied (MS-RPCE
// 2.2.2.11's Win32 values on the wire). Kept here, not in status.h, so that the few files of the
// security layer that use it are all that see it.
#pragma once

#include <cstdint>

namespace nca::rpc::auth {

// RPC_S_SEC_PKG_ERROR: the security package cannot protect PDUs at the level the association
// asked for (an NTLMSSP session negotiated without signing or sealing), as Samba answers it.
inline constexpr uint32_t kFaultSecPkgError = 0x00000721;

}  // namespace nca::rpc::auth
