#include "context_objects.h"

#include "nca/rpc/context_handle.h"
#include "nca/rpc/server.h"

namespace ncapy {

namespace py = pybind11;

namespace {

// What the table holds for a Python context: the handler's object and its rundown callable.
// Python references are dropped with the GIL (the table may release entries without it).
struct PyContext {
  PyObject* obj = nullptr;
  PyObject* rundown = nullptr;  // nullptr: none
  PyContext(py::object o, py::object r)
      : obj(o.release().ptr()), rundown(r.is_none() ? nullptr : r.release().ptr()) {}
  ~PyContext() {
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;
    Py_XDECREF(obj);
    Py_XDECREF(rundown);
  }
  PyContext(const PyContext&) = delete;
  PyContext& operator=(const PyContext&) = delete;
};

void run_rundown(PyContext& ctx) {
  if (!ctx.rundown || !Py_IsInitialized()) return;
  py::gil_scoped_acquire gil;
  try {
    py::reinterpret_borrow<py::object>(ctx.rundown)(py::reinterpret_borrow<py::object>(ctx.obj));
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable("ncarpc context rundown");
  }
}

nca::rpc::WireContextHandle to_wire(const nca::ndr::ContextHandle& h) { return {h.attributes, h.uuid}; }
nca::ndr::ContextHandle to_ndr(const nca::rpc::WireContextHandle& w) { return {w.attributes, w.uuid}; }

py::object context_class() { return py::module_::import("ncarpc").attr("ContextHandle"); }

// One [out] value: a new handle for an ncarpc.ContextHandle, the handle of a received object.
py::object map_out(nca::rpc::ServerCall& call, py::object v, const ServiceHost::Received& received,
                   const py::object& cls, bool& closes) {
  if (py::isinstance(v, cls)) {
    auto state = std::make_shared<PyContext>(v.attr("obj"), v.attr("rundown"));
    auto& table = call.server().context_handles();
    return py::cast(to_ndr(table.create<PyContext>(call, std::move(state), run_rundown)));
  }
  for (const auto& [obj, handle] : received)
    if (v.is(obj)) return py::cast(handle);
  if (py::isinstance<nca::ndr::ContextHandle>(v) && v.cast<nca::ndr::ContextHandle>().is_nil())
    closes = true;
  return v;
}

}  // namespace

std::optional<py::tuple> python_contexts_in(nca::rpc::ServerCall& call, py::tuple ins,
                                            ServiceHost::Received& received) {
  py::list out;
  for (py::handle a : ins) {
    if (py::isinstance<nca::ndr::ContextHandle>(a)) {
      auto h = a.cast<nca::ndr::ContextHandle>();
      if (!h.is_nil()) {
        auto found = call.server().context_handles().lookup<PyContext>(call, to_wire(h));
        if (!found) {
          call.fault(std::move(found).take_error());
          return std::nullopt;
        }
        py::object obj = py::reinterpret_borrow<py::object>(found.value()->obj);
        received.emplace_back(obj, h);
        out.append(obj);
        continue;
      }
    }
    out.append(a);
  }
  return py::tuple(out);
}

py::object python_contexts_out(nca::rpc::ServerCall& call, py::object result,
                               const ServiceHost::Received& received) {
  py::object cls = context_class();
  bool closes = false;
  py::object mapped;
  if (py::isinstance<py::tuple>(result) || py::isinstance<py::list>(result)) {
    py::list items;
    for (py::handle v : result)
      items.append(map_out(call, py::reinterpret_borrow<py::object>(v), received, cls, closes));
    mapped = py::tuple(items);
  } else {
    mapped = map_out(call, result, received, cls, closes);
  }
  if (closes)
    for (const auto& [obj, handle] : received) (void)call.server().context_handles().destroy(call, to_wire(handle));
  return mapped;
}

}  // namespace ncapy
