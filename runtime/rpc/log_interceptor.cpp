#include "nca/rpc/log_interceptor.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace nca::rpc {

LogInterceptor::LogInterceptor()
    : sink_([](std::string_view line) { std::cerr << line << '\n'; }) {}

std::unique_ptr<CallSpan> LogInterceptor::before(const CallInfo&) { return nullptr; }

void LogInterceptor::after(const CallInfo& call, CallSpan*) { sink_(format(call)); }

std::string LogInterceptor::format(const CallInfo& call) {
  std::string line = "rpc side=";
  line += to_string(call.side);
  line += " binding=";
  line += call.binding.empty() ? std::string_view("-") : call.binding;
  line += " interface=";
  if (call.interface) line += call.interface->name;
  else line += to_string(call.interface_id);
  line += " opnum=" + std::to_string(call.opnum);
  if (call.operation) {
    line += " op=";
    line += call.operation->name;
  }
  line += " status=";
  if (call.status.ok()) {
    line += "ok";
  } else {
    std::string text = to_string(call.status);
    if (text.find(' ') == std::string::npos) line += text;
    else line += '"' + text + '"';
  }
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(call.elapsed).count();
  line += " duration_us=" + std::to_string(us);
  line += " request_bytes=" + std::to_string(call.request_bytes);
  line += " response_bytes=" + std::to_string(call.response_bytes);
  return line;
}

}  // namespace nca::rpc
