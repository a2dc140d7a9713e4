// ncarpc._core: the runtime seen from Python. Binding handles (Connection), servers (Server),
// and the runtime's value classes that every generated module shares (NTSTATUS, WERROR, HRESULT,
// GUID, policy_handle). The Python package (python/ncarpc) wraps these in its public API.
#include "ncarpc_py/bindings.h"

#include <pybind11/functional.h>
#include <pybind11/operators.h>

#include "connection.h"
#include "nca/epm/cn_client.h"
#include "nca/rpc/auth/gssapi.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/in_process_handle.h"
#include "runtime_thread.h"
#include "server.h"

namespace py = pybind11;

namespace {

using ncapy::Connection;
using ncapy::PyServer;
using ncapy::RuntimeThread;

std::chrono::milliseconds to_ms(std::optional<double> seconds) {
  if (!seconds) return std::chrono::milliseconds(0);
  if (*seconds <= 0) throw py::value_error("timeout must be positive (None: no deadline)");
  return std::chrono::milliseconds(static_cast<int64_t>(*seconds * 1000.0 + 0.5));
}

// credentials: None (anonymous, or gss-ntlmssp's default credentials when the binding asks for
// security), or the (user, domain, password) tuple ncarpc.connect() makes of ncarpc.Credentials.
// The security level and provider come from the binding's words ([sign,ntlm], [seal,spnego],
// [seal,krb5]...): nca::rpc::cn::ClientConfig::credentials is what they authenticate with.
nca::rpc::auth::Credentials to_credentials(py::handle credentials) {
  if (credentials.is_none()) return {};
  if (!py::isinstance<py::tuple>(credentials) || py::len(credentials) != 3)
    throw py::type_error("credentials: ncarpc.Credentials(user, password, domain='') or None");
  auto t = py::reinterpret_borrow<py::tuple>(credentials);
  return {t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<std::string>()};
}

// The GSSAPI providers (NTLMSSP, SPNEGO, Kerberos), made once.
std::shared_ptr<const nca::rpc::auth::Registry> auth_providers() {
  static const auto providers = [] {
    auto r = std::make_shared<nca::rpc::auth::Registry>();
    nca::rpc::auth::add_gssapi_providers(*r);
    return std::shared_ptr<const nca::rpc::auth::Registry>(r);
  }();
  return providers;
}

std::unique_ptr<Connection> make_connection(const std::string& text, py::handle credentials,
                                            std::optional<double> timeout,
                                            std::optional<std::string> ncalrpc_dir) {
  auto parsed = nca::rpc::Binding::parse(text);
  if (!parsed) throw py::value_error("binding '" + text + "': " + parsed.error().to_string());
  nca::rpc::Binding binding = parsed.value();
  nca::rpc::cn::ClientConfig config;
  config.credentials = to_credentials(credentials);
  config.auth_providers = auth_providers();
  if (ncalrpc_dir) config.ncalrpc_dir = *ncalrpc_dir;
  return std::make_unique<Connection>(
      [binding, config]() -> std::unique_ptr<nca::rpc::BindingHandle> {
        return nca::epm::make_client_handle(RuntimeThread::get().executor(), binding, config);
      },
      to_ms(timeout), binding.to_string());
}

template <class S>
void status_class(py::module_& m, const char* name, const char* fmt_prefix) {
  py::class_<S>(m, name)
      .def(py::init([](uint32_t v) { return S{v}; }), py::arg("value") = 0)
      .def_readwrite("value", &S::value)
      .def("is_ok", &S::is_ok)
      .def_property_readonly("name", &S::name)
      .def("__int__", [](const S& s) { return s.value; })
      .def("__index__", [](const S& s) { return s.value; })
      .def("__hash__", [](const S& s) { return s.value; })
      .def("__eq__", [](const S& a, py::handle b) -> py::object {
        if (py::isinstance<S>(b)) return py::bool_(a.value == b.cast<const S&>().value);
        if (py::isinstance<py::int_>(b)) return py::bool_(a.value == b.cast<uint64_t>());
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      })
      .def("__repr__", [fmt_prefix](const S& s) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08x", s.value);
        return std::string(fmt_prefix) + "(" + hex + " " + s.name() + ")";
      })
      .def("__str__", &S::name)
      .def_static("from_name", [](const std::string& n) -> py::object {
        auto v = S::from_name(n);
        if (!v) throw py::value_error("unknown name '" + n + "'");
        return py::cast(*v);
      });
  py::implicitly_convertible<py::int_, S>();
}

void value_classes(py::module_& m) {
  status_class<nca::ndr::NtStatus>(m, "NTSTATUS", "NTSTATUS");
  status_class<nca::ndr::WError>(m, "WERROR", "WERROR");
  status_class<nca::ndr::HResult>(m, "HRESULT", "HRESULT");

  using nca::ndr::Guid;
  py::class_<Guid>(m, "GUID")
      .def(py::init([](const std::string& text) {
             auto g = Guid::parse(text);
             if (!g) throw py::value_error("not a GUID: '" + text + "'");
             return *g;
           }),
           py::arg("text") = "00000000-0000-0000-0000-000000000000")
      .def("__str__", &Guid::to_string)
      .def("__repr__", [](const Guid& g) { return "GUID('" + g.to_string() + "')"; })
      .def("__hash__", [](const Guid& g) { return py::hash(py::str(g.to_string())); })
      .def("__eq__", [](const Guid& a, py::handle b) -> py::object {
        if (py::isinstance<Guid>(b)) return py::bool_(a == b.cast<const Guid&>());
        if (py::isinstance<py::str>(b)) {
          auto g = Guid::parse(b.cast<std::string>());
          return py::bool_(g && *g == a);
        }
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      })
      .def("is_nil", &Guid::is_nil)
      .def("ndr_pack", [](const Guid& g, bool ndr64, bool big_endian) {
             ncapy::check_pack_options(big_endian);
             nca::ndr::Push p(ncapy::syntax_of(ndr64));
             p.guid(g);
             return ncapy::bytes_of(p.bytes());
           },
           py::kw_only(), py::arg("ndr64") = false, py::arg("big_endian") = false)
      .def_static("ndr_unpack", [](py::handle data, bool ndr64, bool big_endian, bool allow_remaining) {
             ncapy::ByteView view(data);
             Guid g;
             nca::ndr::Pull p(view.span(), ncapy::syntax_of(ndr64), nca::ndr::DataRep{!big_endian});
             p.guid(g);
             ncapy::check_pull(p, allow_remaining);
             return g;
           },
           py::arg("data"), py::kw_only(), py::arg("ndr64") = false, py::arg("big_endian") = false,
           py::arg("allow_remaining") = false);
  py::implicitly_convertible<py::str, Guid>();

  using nca::ndr::ContextHandle;
  py::class_<ContextHandle>(m, "policy_handle")
      .def(py::init([](uint32_t handle_type, Guid uuid) { return ContextHandle{handle_type, uuid}; }),
           py::arg("handle_type") = 0, py::arg("uuid") = Guid{})
      .def_readwrite("handle_type", &ContextHandle::attributes)
      .def_readwrite("uuid", &ContextHandle::uuid)
      .def("is_nil", &ContextHandle::is_nil)
      .def(py::self == py::self)
      .def("__repr__", [](const ContextHandle& h) {
        return "policy_handle(handle_type=" + std::to_string(h.attributes) + ", uuid='" +
               h.uuid.to_string() + "')";
      })
      .def("ndr_pack", [](const ContextHandle& h, bool ndr64, bool big_endian) {
             ncapy::check_pack_options(big_endian);
             nca::ndr::Push p(ncapy::syntax_of(ndr64));
             p.context_handle(h);
             return ncapy::bytes_of(p.bytes());
           },
           py::kw_only(), py::arg("ndr64") = false, py::arg("big_endian") = false)
      .def_static("ndr_unpack", [](py::handle data, bool ndr64, bool big_endian, bool allow_remaining) {
             ncapy::ByteView view(data);
             ContextHandle h;
             nca::ndr::Pull p(view.span(), ncapy::syntax_of(ndr64), nca::ndr::DataRep{!big_endian});
             p.context_handle(h);
             ncapy::check_pull(p, allow_remaining);
             return h;
           },
           py::arg("data"), py::kw_only(), py::arg("ndr64") = false, py::arg("big_endian") = false,
           py::arg("allow_remaining") = false);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "ncarpc runtime: binding handles, servers and the shared value classes";
  value_classes(m);

  py::class_<ncapy::Channel>(m, "BindingHandle");
  py::class_<Connection, ncapy::Channel>(m, "Connection")
      .def("close", &Connection::close)
      .def_property_readonly("closed", &Connection::closed)
      .def_property_readonly("binding", &Connection::description)
      .def_property_readonly("timeout", [](const Connection& c) -> py::object {
        if (c.default_timeout().count() == 0) return py::none();
        return py::float_(c.default_timeout().count() / 1000.0);
      })
      .def("__repr__", [](const Connection& c) { return "<ncarpc binding handle " + c.description() + ">"; });
  m.def("fault_code_name", [](uint32_t code) { return std::string(nca::rpc::fault_code_name(code)); },
        py::arg("code"));
  m.def("connect", &make_connection, py::arg("binding"), py::arg("credentials") = py::none(),
        py::arg("timeout") = py::none(), py::arg("ncalrpc_dir") = py::none());

  py::class_<ncapy::Registrable>(m, "Service");
  py::class_<PyServer>(m, "Server")
      .def(py::init<py::object>(), py::arg("asyncio_loop"))
      .def("register", &PyServer::register_service, py::arg("service"))
      .def("listen", &PyServer::listen, py::arg("binding"))
      .def("close", &PyServer::close)
      .def_property_readonly("connection_count", &PyServer::connection_count)
      .def("local_handle",
           [](PyServer& s, bool marshal, std::optional<double> timeout) {
             std::shared_ptr<nca::rpc::ServerCore> core = s.core();
             if (!core) ncapy::raise("Error", "the server is closed");
             nca::rpc::ServerCore* p = core.get();
             return std::make_unique<Connection>(
                 [p, marshal]() -> std::unique_ptr<nca::rpc::BindingHandle> {
                   auto& ex = RuntimeThread::get().executor();
                   if (marshal) return std::make_unique<nca::rpc::LoopbackHandle>(ex, *p);
                   return std::make_unique<nca::rpc::LocalHandle>(ex, *p);
                 },
                 to_ms(timeout), marshal ? "loopback" : "local", core);
           },
           py::arg("marshal") = false, py::arg("timeout") = py::none(), py::keep_alive<0, 1>());
}
