#include "nca/rpc/interceptor.h"

namespace nca::rpc {

std::string_view to_string(CallSide side) { return side == CallSide::client ? "client" : "server"; }

void Interceptors::add(std::shared_ptr<CallInterceptor> interceptor) {
  auto next = list_ ? std::make_shared<List>(*list_) : std::make_shared<List>();
  next->push_back(std::move(interceptor));
  list_ = std::move(next);
}

namespace detail {

void InterceptedCall::begin() {
  if (begun_) return;
  begun_ = true;
  info.start = CallInfo::Clock::now();
  // Most interceptors (logging, metrics) keep no span: the vector stays empty, unallocated,
  // until one returns a span; then it holds one slot per interceptor.
  for (size_t k = 0; k < list_->size(); ++k) {
    auto span = (*list_)[k]->before(info);
    if (!span) continue;
    if (spans_.empty()) spans_.resize(list_->size());
    spans_[k] = std::move(span);
  }
}

void InterceptedCall::end(Status status) {
  if (ended_) return;
  begin();  // a call that failed before it could start is still seen whole
  ended_ = true;
  info.elapsed = CallInfo::Clock::now() - info.start;
  info.status = std::move(status);
  for (size_t k = list_->size(); k-- > 0;)
    (*list_)[k]->after(info, spans_.empty() ? nullptr : spans_[k].get());
  spans_.clear();
}

}  // namespace detail
}  // namespace nca::rpc
