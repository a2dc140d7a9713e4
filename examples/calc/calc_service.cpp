#include "calc_service.h"

calc_status::calc_result CalcService::calc_Add(nca::rpc::OpCall<calc::calc_Add>&,
                                               calc_types::calc_pair& operands, std::int64_t& sum) {
  if (__builtin_add_overflow(operands.a, operands.b, &sum)) {
    sum = 0;
    return calc_status::CALC_OVERFLOW;
  }
  return calc_status::CALC_OK;
}

calc_status::calc_result CalcService::calc_Multiply(nca::rpc::OpCall<calc::calc_Multiply>&,
                                                    calc_types::calc_pair& operands,
                                                    std::int64_t& product) {
  if (__builtin_mul_overflow(operands.a, operands.b, &product)) {
    product = 0;
    return calc_status::CALC_OVERFLOW;
  }
  return calc_status::CALC_OK;
}
