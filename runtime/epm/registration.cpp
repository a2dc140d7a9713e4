#include "nca/epm/registration.h"

#include <cstdio>

#include "nca/epm/epm_client.h"
#include "nca/epm/tower.h"

namespace nca::epm {
namespace {

// The mapper's answer as one Status: a failed call as it is, a non-zero status word as kind
// protocol.
rpc::Status status_of(const char* op, const rpc::Result<uint32_t>& r) {
  if (!r) return r.error();
  if (r.value() == kEptOk) return rpc::Status();
  char word[16];
  std::snprintf(word, sizeof word, "0x%08x", r.value());
  return rpc::Status::protocol(r.value(), std::string(op) + ": status " + word);
}

}  // namespace

std::vector<Entry> server_entries(std::span<const rpc::Binding> listening, const rpc::SyntaxId& interface,
                                  const std::string& annotation) {
  std::vector<Entry> entries;
  for (const rpc::Binding& b : listening) {
    if (b.protseq() == rpc::Protseq::kNcacnIpTcp && b.host().find(':') != std::string::npos) continue;
    auto tower = tower_from_binding(b, interface);
    if (tower) entries.push_back(Entry{{}, std::move(tower).value(), annotation});
  }
  return entries;
}

Registration::Registration(rpc::Executor& executor, std::unique_ptr<rpc::BindingHandle> mapper,
                           std::vector<Entry> entries, rpc::CallOptions options)
    : executor_(executor), mapper_(std::move(mapper)), entries_(std::move(entries)), options_(options) {}

Registration::~Registration() {
  // Not inside a completion of the handle: the owner destroys the registration from its own code.
  mapper_.reset();
}

void Registration::insert(rpc::UniqueFunction<void(rpc::Status)> done) {
  if (!mapper_) {
    executor_.post([done = std::move(done)]() mutable { done(rpc::Status::cancelled("no handle to the mapper")); });
    return;
  }
  insert_entries(*mapper_, entries_, false,
                 [done = std::move(done)](rpc::Result<uint32_t> r) mutable { done(status_of("ept_insert", r)); },
                 options_);
}

void Registration::remove(rpc::UniqueFunction<void(rpc::Status)> done) {
  if (!mapper_) {
    executor_.post([done = std::move(done)]() mutable { done(rpc::Status()); });
    return;
  }
  std::shared_ptr<rpc::BindingHandle> handle = mapper_;
  mapper_.reset();
  delete_entries(*handle, entries_,
                 [handle, ex = &executor_, done = std::move(done)](rpc::Result<uint32_t> r) mutable {
                   // Released from a posted task: this runs inside the handle's own completion.
                   ex->post([handle] {});
                   done(status_of("ept_delete", r));
                 },
                 options_);
}

}  // namespace nca::epm
