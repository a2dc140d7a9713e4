// Uuid and SyntaxId: interface and object identities, and the transfer syntaxes. The types are
// nca::base's (Guid, SyntaxId, see nca/base/guid.h and syntax_id.h); rpc names them here.
#pragma once

#include "nca/base/guid.h"
#include "nca/base/syntax_id.h"

namespace nca::rpc {

using Uuid = base::Guid;
using base::SyntaxId;
using base::to_string;

inline constexpr SyntaxId kNdr20{Uuid::from_literal("8a885d04-1ceb-11c9-9fe8-08002b104860"), 2, 0};
inline constexpr SyntaxId kNdr64{Uuid::from_literal("71710533-beba-4937-8319-b5dbef9ccc36"), 1, 0};

}  // namespace nca::rpc
