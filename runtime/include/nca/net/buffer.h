// nca::net's names for the byte buffers of nca/base/bytes.h: borrowed views for vectored I/O
// (MutableBuffer filled by readv, ConstBuffer sent by writev) and the owned Bytes.
#pragma once

#include "nca/base/bytes.h"

namespace nca::net {

// nca::net never owns the memory behind these views: it must stay valid until the operation's
// callback has run.
using MutableBuffer = base::MutableByteView;
using ConstBuffer = base::ByteView;

using Bytes = base::FixedBytes;

}  // namespace nca::net
