// The calc service: what the server answers (the generated calc::Service with its two
// operations implemented synchronously).
#pragma once

#include "calc_server.h"

class CalcService final : public calc::Service {
 public:
  calc_status::calc_result calc_Add(nca::rpc::OpCall<calc::calc_Add>& call,
                                    calc_types::calc_pair& operands, std::int64_t& sum) override;
  calc_status::calc_result calc_Multiply(nca::rpc::OpCall<calc::calc_Multiply>& call,
                                         calc_types::calc_pair& operands,
                                         std::int64_t& product) override;
};
