// What every module ncaidl --gen python writes shares: NDR pack/unpack of a value, text and JSON
// forms, keyword constructors, and the client-call and server-dispatch glue over the abstract
// seam to ncarpc._core (runtime_api.h). Generated code calls these; nothing here is per-IDL.
//
// Threading: functions taking py:: objects need the GIL unless they say otherwise.
#pragma once

#include "ncarpc_py/casters.h"  // first: it defines conversions stl.h must not see first

#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "nca/ndr/ndr.h"
#include "nca/ndr/json.h"
#include "nca/rpc/interface.h"
#include "nca/rpc/server.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"
#include "ncarpc_py/runtime_api.h"

namespace ncapy {

namespace py = pybind11;

// ---- errors ---------------------------------------------------------------------------------

// The exception class `name` of the ncarpc package (ncarpc/errors.py).
inline py::object error_class(const char* name) {
  return py::module_::import("ncarpc.errors").attr(name);
}

[[noreturn]] inline void raise(const char* cls, const std::string& message) {
  PyErr_SetString(error_class(cls).ptr(), message.c_str());
  throw py::error_already_set();
}

// The Python exception for a failed call: Fault (with the code's name), TransportError, Timeout,
// Cancelled, NdrError or ProtocolError, each an ncarpc.Error.
inline py::object status_exception(const nca::rpc::Status& st) {
  using K = nca::rpc::StatusKind;
  const char* cls = "Error";
  switch (st.kind) {
    case K::fault:
      cls = st.code == static_cast<std::uint32_t>(nca::rpc::FaultCode::fault_access_denied) ? "AccessDenied"
                                                                                           : "Fault";
      break;
    case K::transport: cls = "TransportError"; break;
    case K::ndr: cls = "NdrError"; break;
    case K::timeout: cls = "Timeout"; break;
    case K::cancelled: cls = "Cancelled"; break;
    case K::protocol: cls = "ProtocolError"; break;
    case K::ok: break;
  }
  py::object exc = error_class(cls)(nca::rpc::to_string(st));
  exc.attr("code") = st.code;
  std::string name(st.kind == K::fault ? nca::rpc::fault_code_name(st.code) : "");
  exc.attr("name") = name.empty() ? py::object(py::none()) : py::object(py::str(name));
  if (st.user_exception) {
    exc.attr("user_exception") = *st.user_exception;
    exc.attr("exception_name") = st.exception_name;
  }
  return exc;
}

[[noreturn]] inline void raise_status(const nca::rpc::Status& st) {
  py::object exc = status_exception(st);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

// ---- NDR ------------------------------------------------------------------------------------

inline nca::ndr::Syntax syntax_of(bool ndr64) {
  return ndr64 ? nca::ndr::Syntax::ndr64 : nca::ndr::Syntax::ndr20;
}

// Push always writes little-endian (runtime/ndr/README.md); big-endian packing is refused.
inline void check_pack_options(bool big_endian) {
  if (big_endian)
    raise("NotSupported", "the NDR engine pushes little-endian only (big_endian=True is for unpack)");
}

inline py::bytes bytes_of(std::span<const std::uint8_t> b) {
  return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

// A contiguous read-only view of a bytes-like object, held while the view lives.
class ByteView {
 public:
  explicit ByteView(py::handle o) {
    if (PyObject_GetBuffer(o.ptr(), &view_, PyBUF_CONTIG_RO) != 0) throw py::error_already_set();
  }
  ~ByteView() { PyBuffer_Release(&view_); }
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;
  std::span<const std::uint8_t> span() const {
    return {static_cast<const std::uint8_t*>(view_.buf), static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_;
};

inline void check_pull(const nca::ndr::Pull& p, bool allow_remaining) {
  if (!p.ok()) raise("NdrError", "ndr_unpack: " + p.status().to_string());
  if (!allow_remaining && p.remaining() != 0)
    raise("NdrError", "ndr_unpack: " + std::to_string(p.remaining()) + " bytes left over");
}

// ndr_pack / ndr_unpack of a type with push(Push&, pass, const T&) / pull(Pull&, pass, T&).
template <class T>
py::bytes pack(const T& v, bool ndr64, bool big_endian) {
  check_pack_options(big_endian);
  nca::ndr::Push p(syntax_of(ndr64));
  push(p, nca::ndr::kScalarsAndBuffers, v);
  if (!p.ok()) raise("NdrError", "ndr_pack: " + p.status().to_string());
  return bytes_of(p.bytes());
}
template <class T>
T unpack(py::handle data, bool ndr64, bool big_endian, bool allow_remaining) {
  ByteView view(data);
  T v{};
  nca::ndr::Pull p(view.span(), syntax_of(ndr64), nca::ndr::DataRep{!big_endian});
  pull(p, nca::ndr::kScalarsAndBuffers, v);
  check_pull(p, allow_remaining);
  return v;
}
// Non-encapsulated unions: the discriminant travels outside the value.
template <class T>
py::bytes pack_union(const T& v, std::int64_t switch_value, bool ndr64, bool big_endian) {
  check_pack_options(big_endian);
  nca::ndr::Push p(syntax_of(ndr64));
  push(p, nca::ndr::kScalarsAndBuffers, v, switch_value);
  if (!p.ok()) raise("NdrError", "ndr_pack: " + p.status().to_string());
  return bytes_of(p.bytes());
}
template <class T>
T unpack_union(py::handle data, std::int64_t switch_value, bool ndr64, bool big_endian,
               bool allow_remaining) {
  ByteView view(data);
  T v{};
  nca::ndr::Pull p(view.span(), syntax_of(ndr64), nca::ndr::DataRep{!big_endian});
  pull(p, nca::ndr::kScalarsAndBuffers, v, switch_value);
  check_pull(p, allow_remaining);
  return v;
}

// An operation's request or response stub data, through the entries the runtime marshals with.
inline py::bytes pack_stub(nca::rpc::PushFn fn, const void* r, bool ndr64, bool big_endian) {
  check_pack_options(big_endian);
  nca::rpc::Bytes out;
  nca::rpc::Status st = fn(r, ndr64 ? nca::rpc::kNdr64 : nca::rpc::kNdr20, out);
  if (!st.ok()) raise("NdrError", nca::rpc::to_string(st));
  return bytes_of(out);
}
inline void unpack_stub(nca::rpc::PullFn fn, py::handle data, void* r, bool ndr64, bool big_endian) {
  ByteView view(data);
  nca::rpc::Status st = fn(view.span(), ndr64 ? nca::rpc::kNdr64 : nca::rpc::kNdr20, !big_endian, r);
  if (!st.ok()) raise("NdrError", nca::rpc::to_string(st));
}

// ---- text, JSON, keywords -------------------------------------------------------------------

// The generated printer's text (Samba's ndr_print layout).
template <class T>
std::string print_text(const char* name, const T& v) {
  nca::ndr::Printer pr;
  print(pr, name, v);
  return pr.str();
}

template <class T>
std::string to_json_text(const T& v) {
  nlohmann::json j;
  to_json(j, v);
  return j.dump();
}
template <class T>
T from_json_text(const std::string& text) {
  T v{};
  try {
    from_json(nlohmann::json::parse(text), v);
  } catch (const std::exception& e) {
    throw py::value_error(std::string("from_json: ") + e.what());
  }
  return v;
}
inline py::object json_loads(const std::string& text) {
  return py::module_::import("json").attr("loads")(text);
}
inline std::string json_dumps(py::handle o) {
  return py::module_::import("json").attr("dumps")(o).cast<std::string>();
}

// Sets attributes of `target` (an object pybind11 knows) from keyword arguments, through its
// properties, so that unknown names and wrong types fail as attribute assignment does.
template <class T>
void assign_kwargs(T& target, const py::kwargs& kw) {
  if (kw.empty()) return;
  py::object self = py::cast(&target, py::return_value_policy::reference);
  for (auto item : kw) py::setattr(self, item.first, item.second);
}
template <class T>
T from_kwargs(const py::kwargs& kw) {
  T v{};
  assign_kwargs(v, kw);
  return v;
}

// ---- client calls ---------------------------------------------------------------------------

// What a generated client class holds: the binding handle (a Python object from ncarpc._core,
// kept alive) and the channel behind it.
struct ClientBase {
  explicit ClientBase(py::object connection)
      : connection(std::move(connection)), channel(this->connection.cast<Channel*>()) {}
  py::object connection;
  Channel* channel;
};

// A generated client's first argument: an ncarpc binding handle, or a binding string to connect.
inline py::object connection_of(py::object arg) {
  if (py::isinstance<py::str>(arg)) return py::module_::import("ncarpc").attr("connect")(arg);
  return arg;
}

template <class R>
using Extract = py::object (*)(R&);

// Runs the call and waits for it with the GIL released; returns extract(r) or raises.
template <class R>
py::object call_sync(Channel& ch, const nca::rpc::InterfaceSpec& iface,
                     const nca::rpc::OperationSpec& op, std::unique_ptr<R> r, Extract<R> extract) {
  struct Wait {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    nca::rpc::Status st;
  };
  auto w = std::make_shared<Wait>();
  {
    py::gil_scoped_release nogil;
    ch.start(iface, op, r.get(), std::chrono::milliseconds(0), [w](nca::rpc::Status st) {
      std::lock_guard<std::mutex> lock(w->m);
      w->st = std::move(st);
      w->done = true;
      w->cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(w->m);
    w->cv.wait(lock, [&] { return w->done; });
  }
  if (!w->st.ok()) raise_status(w->st);
  return extract(*r);
}

// Starts the call and returns an asyncio future of the running loop, resolved from that loop's
// thread (call_soon_threadsafe) when the runtime thread completes the call. The Python objects
// are only touched with the GIL; the results are converted on the asyncio thread.
template <class R>
py::object call_async(Channel& ch, const nca::rpc::InterfaceSpec& iface,
                      const nca::rpc::OperationSpec& op, std::unique_ptr<R> r, Extract<R> extract) {
  struct State {
    std::unique_ptr<R> r;
    py::object fut, loop;
    nca::rpc::Status st;
    void release_python() {  // with the GIL
      fut = py::object();
      loop = py::object();
    }
  };
  auto s = std::make_shared<State>();
  s->loop = py::module_::import("asyncio").attr("get_running_loop")();
  s->fut = s->loop.attr("create_future")();
  py::object fut = s->fut;
  R* args = r.get();
  s->r = std::move(r);
  ch.start(iface, op, args, std::chrono::milliseconds(0), [s, extract](nca::rpc::Status st) {
    py::gil_scoped_acquire gil;
    s->st = std::move(st);
    py::cpp_function finish([s, extract]() {
      if (!py::cast<bool>(s->fut.attr("done")())) {
        if (s->st.ok()) {
          try {
            s->fut.attr("set_result")(extract(*s->r));
          } catch (py::error_already_set& e) {
            s->fut.attr("set_exception")(e.value());
          }
        } else {
          s->fut.attr("set_exception")(status_exception(s->st));
        }
      }
      s->release_python();
    });
    try {
      s->loop.attr("call_soon_threadsafe")(finish);
    } catch (py::error_already_set&) {
      s->release_python();  // the loop is closed: nobody waits for this future any more
    }
  });
  return fut;
}

template <class R>
py::object call(ClientBase& c, bool async, const nca::rpc::InterfaceSpec& iface,
                const nca::rpc::OperationSpec& op, std::unique_ptr<R> r, Extract<R> extract) {
  if (async) return call_async<R>(*c.channel, iface, op, std::move(r), extract);
  return call_sync<R>(*c.channel, iface, op, std::move(r), extract);
}

// The [out] values as the caller sees them: none -> None, one -> itself, more -> the operation's
// named tuple.
inline py::object results(py::handle tuple_type, py::tuple values) {
  if (values.empty()) return py::none();
  if (values.size() == 1) return values[0];
  return tuple_type(*values);
}

// ---- server dispatch ------------------------------------------------------------------------

// The fault a handler's exception becomes: an ncarpc.Fault's code, else nca_s_fault_unspec (the
// exception is reported through sys.unraisablehook).
inline nca::rpc::Fault fault_of(py::error_already_set& e, const char* where) {
  if (e.matches(error_class("Fault"))) {
    py::object code = e.value().attr("code");
    if (!code.is_none()) return nca::rpc::Fault(code.cast<std::uint32_t>());
  }
  e.discard_as_unraisable(where);
  return nca::rpc::Fault(nca::rpc::FaultCode::fault_unspec, "Python handler raised");
}

template <class R>
struct ServerOp {
  const char* name;
  py::tuple (*ins)(R&);                 // the [in] values, as the handler's arguments
  void (*set_outs)(R&, py::handle);     // the handler's return value into the [out] values
};

// Runs on the runtime thread (no GIL held on entry). Calls `impl.<name>(*ins)`; a coroutine is
// run on the host's asyncio loop and the call completes when it finishes.
template <class R>
void dispatch_locked(Registrable& reg, py::handle impl, const ServerOp<R>& op,
                     nca::rpc::OpCall<R>& call);

template <class R>
void dispatch(Registrable& reg, py::handle impl, const ServerOp<R>& op,
              nca::rpc::OpCall<R> call) {
  py::gil_scoped_acquire gil;
  try {
    dispatch_locked(reg, impl, op, call);
  } catch (py::error_already_set& e) {
    if (call.pending()) call.fault(fault_of(e, op.name));
  }
}

template <class R>
void dispatch_locked(Registrable& reg, py::handle impl, const ServerOp<R>& op,
                     nca::rpc::OpCall<R>& call) {
  py::object method = py::getattr(impl, op.name, py::none());
  if (method.is_none())
    return call.fault(nca::rpc::Fault(nca::rpc::FaultCode::op_rng_error,
                                      std::string(op.name) + " is not implemented"));
  ServiceHost* host = reg.host;
  ServiceHost::Received received;  // context objects the arguments name (runtime_api.h)
  std::optional<py::tuple> ins = host->contexts_in(call.call(), op.ins(call.args()), received);
  if (!ins) return;  // faulted: a context handle this server does not know
  py::object result;
  try {
    result = method(**ins);
  } catch (py::error_already_set& e) {
    return call.fault(fault_of(e, op.name));
  }
  if (py::module_::import("inspect").attr("iscoroutine")(result).cast<bool>()) {
    // The call moves back to the runtime thread to complete; only that thread may touch it, so
    // the holder hands it over whole (the asyncio side keeps an empty optional). The result is
    // stored there too: turning it into [out] values may create context handles, which the
    // runtime thread's table holds.
    struct Pending {
      std::optional<nca::rpc::OpCall<R>> call;
      ServiceHost::Received received;
      py::object result;
      std::optional<nca::rpc::Fault> fault;
    };
    auto holder = std::make_shared<Pending>();
    holder->call.emplace(std::move(call));
    holder->received = std::move(received);
    py::object loop = py::reinterpret_borrow<py::object>(static_cast<PyObject*>(host->asyncio_loop()));
    py::object cf = py::module_::import("asyncio").attr("run_coroutine_threadsafe")(result, loop);
    auto set_outs = op.set_outs;
    std::string name = op.name;
    cf.attr("add_done_callback")(py::cpp_function([holder, host, set_outs, name](py::object f) {
      try {
        holder->result = f.attr("result")();
      } catch (py::error_already_set& e) {
        holder->fault = fault_of(e, name.c_str());
      }
      host->post([holder, host, set_outs, name]() {
        nca::rpc::OpCall<R> c = std::move(*holder->call);
        holder->call.reset();
        py::gil_scoped_acquire gil;
        if (!holder->fault) {
          try {
            set_outs(c.args(), host->contexts_out(c.call(), holder->result, holder->received));
          } catch (py::error_already_set& e) {
            holder->fault = fault_of(e, name.c_str());
          }
        }
        holder->result = py::object();
        holder->received.clear();
        if (holder->fault) c.fault(*holder->fault);
        else c.complete();
      });
    }));
    return;
  }
  try {
    op.set_outs(call.args(), host->contexts_out(call.call(), result, received));
  } catch (py::error_already_set& e) {
    return call.fault(fault_of(e, op.name));
  }
  call.complete();
}

// The handler's return value split over `n` [out] values.
inline py::tuple out_values(py::handle result, std::size_t n, const char* op) {
  if (n == 1) return py::make_tuple(result);
  if (!py::isinstance<py::sequence>(result) || py::len(result) != n)
    throw py::type_error(std::string(op) + " must return a sequence of " + std::to_string(n) +
                         " values");
  return py::tuple(py::reinterpret_borrow<py::sequence>(result));
}

}  // namespace ncapy
