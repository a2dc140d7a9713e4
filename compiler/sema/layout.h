// NDR layout of types: alignment and fixed size in NDR20 and NDR64, and the conformant / varying /
// has-pointers flags, computed from the IR alone (levels and member types).
//
// Facts used (C706 chapter 14, MS-RPCE 2.2.5): a scalar aligns to its size; a pointer is 4 bytes
// in NDR20 and 8 in NDR64, as are conformance and variance counts; a struct aligns to its largest
// member (and to the count's size when it holds a conformant or varying array); NDR64 pads a
// struct to a multiple of its alignment; a union aligns to the largest of its discriminant and
// arms and has no fixed size; NDR64 sends 16-bit enums as 32-bit values.
#pragma once

#include <vector>

#include "ir/ir.h"

namespace nca::idl {

class DiagnosticEngine;

namespace sema {

// Fills in `Type::layout` for every type in `types`. A type containing itself by value (directly
// or through other types, not through a pointer) is reported as an error; its layout is left
// with no fixed size. Types reached through members but not listed are computed too.
void compute_layouts(const std::vector<ir::Type*>& types, DiagnosticEngine& diags);

// The layout of an element's levels from `first` on, in an embedded position (inside a struct
// or union). Requires the layouts of the types it names by value to be computed already, which
// compute_layouts guarantees for members of listed types.
ir::Layout element_layout(const ir::Element& e, size_t first = 0);

}  // namespace sema
}  // namespace nca::idl
