// The Lua half of `ncaidl --gen wireshark`: the NDR walk every generated dissector carries after
// its tables (wireshark_generator.cpp writes IFACE, T, OPS, then this text). Kept as one string so
// that a generated file is self-contained (tshark -X lua_script:FILE needs nothing else).
#include "backends/wireshark_generator.h"

namespace nca::idl::backends {

// Contract of the tables it reads (written by WiresharkGenerator):
//   IFACE = {name=, uuid=, major=, minor=}
//   T[name] = {kind="struct", a20=, a64=, hoist=bool, unsupported=text|nil, members={{name=, L=levels}...}}
//           | {kind="union", enc=bool, disc=name, sw=builtin-wire-name|nil, swenum=name|nil,
//              nodisc=bool, body20=, body64=, arms64=, arms={{cases={...}, default=bool, el={name=, L=}|nil}}}
//           | {kind="enum"|"bitmap", bits=, wide=bool, values={[n]=name}}
//   levels: {k="ptr", ptr="ref"|"unique"|"full", top=bool}
//           {k="arr", kind="fixed"|"conformant"|"varying"|"conformant_varying"|"inline_", n=, size=e,
//            length=e, first=e, str=bool, chars="text"|"units"|"bytes"|nil, zt=bool, surrounding=bool}
//           {k="sw", is=e}   {k="data", b=wire-name | t=type-name}   {k="unsupported", what=}
//   expressions: {k="int", v=} {k="field", n=} {k="param", n=} {k="deref", e=} {k="member", e=, n=}
//                {k="un", op=, a=} {k="bin", op=, a=, b=} {k="tern", c=, a=, b=}
//   OPS[opnum] = {name=, inp={{name=, L=}...}, out={...}, result=L|nil}
const char* wireshark_lua_runtime() {
  return R"LUA(
-- ---------------------------------------------------------------------------------------------
-- The NDR walk (ncaidl's Wireshark runtime). A post-dissector: Wireshark 4.0's Lua API cannot add
-- a dissector to the "dcerpc.uuid" table (GUID keys), so this one reads the DCE/RPC dissector's
-- fields (binds for interface and transfer syntax per context, then each request's and
-- response's stub data) and dissects stubs of IFACE's context ids.
local NDR64 = "71710533-beba-4937-8319-b5dbef9ccc36"
local SCALARS, BUFFERS, BOTH = 1, 2, 3

local proto = Proto("ncaidl_" .. IFACE.name, IFACE.name .. " (ncaidl " .. IFACE.uuid .. ")")
-- Every name a stub field can have; then one string field per name, IFACE.NAME ("rpcecho.in_data"),
-- or ncaidl_IFACE.NAME for all of them when Wireshark has fields of those names already (it has
-- a "mgmt" protocol).
local names = {}
local function declare(name) names[name] = true end
declare("operation")
declare("opnum")
declare("result")
declare("error")
for _, t in pairs(T) do
  for _, m in ipairs(t.members or {}) do declare(m.name) end
  for _, a in ipairs(t.arms or {}) do if a.el then declare(a.el.name) end end
  if t.enc then declare(t.disc) end
end
for _, op in pairs(OPS) do
  for _, p in ipairs(op.inp) do declare(p.name) end
  for _, p in ipairs(op.out) do declare(p.name) end
end
local function make_fields(prefix)
  local f = {}
  for n in pairs(names) do f[n] = ProtoField.string(prefix .. "." .. n, n) end
  return f
end
local ok, F = pcall(make_fields, IFACE.name)
if not ok then F = make_fields("ncaidl_" .. IFACE.name) end
local list = {}
for _, f in pairs(F) do list[#list + 1] = f end
proto.fields = list

local function num(x) return tonumber(tostring(x)) end

-- Reader state over one stub.
local St = {}
St.__index = St
local function new_state(tvb, le, ndr64) return setmetatable({tvb = tvb, off = 0, le = le, ndr64 = ndr64}, St) end
function St:align(n) if n > 1 then local r = self.off % n; if r ~= 0 then self.off = self.off + n - r end end end
function St:need(n)
  if self.off + n > self.tvb:len() then error("stub data ends at offset " .. self.off .. " (" .. n .. " more bytes wanted)", 0) end
end
function St:take(n) self:need(n); local r = self.tvb:range(self.off, n); self.off = self.off + n; return r end
function St:uint(size)
  self:align(size)
  local r = self:take(size)
  if size == 8 then return (self.le and r:le_uint64() or r:uint64()), r end
  return (self.le and r:le_uint() or r:uint()), r
end
function St:int(size)
  self:align(size)
  local r = self:take(size)
  if size == 8 then return (self.le and r:le_int64() or r:int64()), r end
  return (self.le and r:le_int() or r:int()), r
end
function St:u3264() if self.ndr64 then local v, r = self:uint(8); return num(v), r end return self:uint(4) end
function St:guid()
  self:align(4)
  local start = self.off
  local a = self:uint(4); local b = self:uint(2); local c = self:uint(2)
  local r = self:take(8)
  local s = string.format("%08x-%04x-%04x-", a, b, c)
  for k = 0, 7 do s = s .. string.format("%02x", r:range(k, 1):uint()) .. (k == 1 and "-" or "") end
  return s, self.tvb:range(start, 16)
end

-- A leaf: the field NAME with its value. A container (struct, union, array, pointer): a text item,
-- so that a field's values are its leaves' only.
local function add(tree, name, range, text)
  return tree:add(F[name], range, text)
end
local function container(tree, range, text) return tree:add(range, text) end

local eval
local function slot_of(e, scope)
  if e.k == "field" then return scope.fields and scope.fields[e.n] end
  if e.k == "param" then return scope.params and scope.params[e.n] end
  if e.k == "deref" then return slot_of(e.e, scope) end
  if e.k == "member" then
    local s = slot_of(e.e, scope)
    while s and s.inner do s = s.inner end
    return s and s.m and s.m[e.n]
  end
  return nil
end
local function slot_value(s)
  while s and s.inner and s.val == nil do s = s.inner end
  return s and s.val or 0
end
eval = function(e, scope)
  if e.k == "int" then return e.v end
  if e.k == "un" then
    local a = eval(e.a, scope)
    if e.op == "-" then return -a elseif e.op == "!" then return (a == 0) and 1 or 0
    elseif e.op == "~" then return bit32.bnot(a) end
    return a
  end
  if e.k == "bin" then
    local a, b = eval(e.a, scope), eval(e.b, scope)
    local o = e.op
    if o == "+" then return a + b elseif o == "-" then return a - b elseif o == "*" then return a * b
    elseif o == "/" then return math.floor(a / b) elseif o == "%" then return a % b
    elseif o == "&" then return bit32.band(a, b) elseif o == "|" then return bit32.bor(a, b)
    elseif o == "^" then return bit32.bxor(a, b) elseif o == "<<" then return bit32.lshift(a, b)
    elseif o == ">>" then return bit32.rshift(a, b)
    elseif o == "==" then return a == b and 1 or 0 elseif o == "!=" then return a ~= b and 1 or 0
    elseif o == "<" then return a < b and 1 or 0 elseif o == ">" then return a > b and 1 or 0
    elseif o == "<=" then return a <= b and 1 or 0 elseif o == ">=" then return a >= b and 1 or 0
    elseif o == "&&" then return (a ~= 0 and b ~= 0) and 1 or 0 elseif o == "||" then return (a ~= 0 or b ~= 0) and 1 or 0 end
    error("operator " .. o, 0)
  end
  if e.k == "tern" then if eval(e.c, scope) ~= 0 then return eval(e.a, scope) end return eval(e.b, scope) end
  local s = slot_of(e, scope)
  if not s then error("expression names a value not seen", 0) end
  return slot_value(s)
end

local STATUS = {ntstatus = {[0] = "NT_STATUS_OK"}, werror = {[0] = "WERR_OK"}, hresult = {[0] = "S_OK"}}

-- A builtin scalar: its value (a number where it has one), its text and its bytes.
local function builtin(st, b)
  if b == "uint8" or b == "char8" then local v, r = st:uint(1); return v, tostring(v), r end
  if b == "int8" then local v, r = st:int(1); return v, tostring(v), r end
  if b == "uint16" or b == "char16" then local v, r = st:uint(2); return v, tostring(v), r end
  if b == "int16" then local v, r = st:int(2); return v, tostring(v), r end
  if b == "uint32" or b == "error_status" or b == "time_t" then local v, r = st:uint(4); return v, tostring(v), r end
  if b == "int32" then local v, r = st:int(4); return v, tostring(v), r end
  if b == "uint64" or b == "nttime_hyper" then local v, r = st:uint(8); return num(v), tostring(v), r end
  if b == "int64" then local v, r = st:int(8); return num(v), tostring(v), r end
  if b == "uint3264" then local v, r = st:u3264(); return v, tostring(v), r end
  if b == "int3264" then
    if st.ndr64 then local v, r = st:int(8); return num(v), tostring(v), r end
    local v, r = st:int(4); return v, tostring(v), r
  end
  if b == "udlong" or b == "nttime" or b == "dlong" then
    st:align(4); local start = st.off
    local lo = st:uint(4); local hi = st:uint(4)
    local v = hi * 4294967296 + lo
    return v, string.format("%.0f", v), st.tvb:range(start, 8)
  end
  if b == "bool8" then local v, r = st:uint(1); return v, v ~= 0 and "true" or "false", r end
  if b == "bool32" then local v, r = st:uint(4); return v, v ~= 0 and "true" or "false", r end
  if b == "float32" then st:align(4); local r = st:take(4); local v = st.le and r:le_float() or r:float(); return v, tostring(v), r end
  if b == "float64" then st:align(8); local r = st:take(8); local v = st.le and r:le_float() or r:float(); return v, tostring(v), r end
  if STATUS[b] then
    local v, r = st:uint(4)
    return v, STATUS[b][v] or string.format("0x%08x", v), r
  end
  if b == "context_handle" then
    st:align(4); local start = st.off
    local attr = st:uint(4)
    local g = st:guid()
    return 0, string.format("handle_type %d, uuid %s", attr, g), st.tvb:range(start, 20)
  end
  if b == "guid" then local g, r = st:guid(); return 0, g, r end
  if b == "ipv4" then
    local v, r = st:uint(4)
    return v, string.format("%d.%d.%d.%d", bit32.rshift(v, 24), bit32.band(bit32.rshift(v, 16), 255),
                            bit32.band(bit32.rshift(v, 8), 255), bit32.band(v, 255)), r
  end
  error("builtin " .. b .. " is not dissected yet", 0)
end

local walk

local function chars(st, how, count, term)
  -- `count` characters including the terminator when `term`.
  local n = term and math.max(count - 1, 0) or count
  if how == "bytes" then
    local r = st:take(count)
    return n > 0 and r:range(0, n):string() or "", r
  end
  st:align(2)
  local r = st:take(count * 2)
  if n == 0 then return "", r end
  local body = r:range(0, n * 2)
  return (st.le and body:le_ustring() or body:ustring()), r
end

local function walk_array(st, L, i, tree, name, mode, scope, slot)
  local a = L[i]
  local conformant = a.kind == "conformant" or a.kind == "conformant_varying"
  local varying = a.kind == "varying" or a.kind == "conformant_varying"
  if a.chars then
    if mode % 2 == 0 then return end
    local start = st.off
    local size, offset, length
    if a.str and a.surrounding and conformant then size = scope.hoisted
    elseif conformant or (a.str and not a.size and not a.n) then size = st:u3264() end
    if a.str or varying then offset = st:u3264(); length = st:u3264() else length = a.size and eval(a.size, scope) or a.n end
    if varying and not a.str and a.length then length = eval(a.length, scope) end
    local text = chars(st, a.chars, length, a.str and a.zt)
    slot.val = text
    slot.item = add(tree, name, st.tvb:range(start, st.off - start), text)
    return
  end
  local elem = L[i + 1]
  if mode % 2 == 1 then
    local start = st.off
    local size = a.n
    if conformant then
      if a.surrounding then size = scope.hoisted else size = st:u3264() end
    elseif not a.n and a.size then
      size = eval(a.size, scope)
    end
    local count = size
    if varying then local _ = st:u3264(); count = st:u3264() end
    slot.elems = {}
    -- Byte arrays: one item with their bytes.
    if elem.k == "data" and (elem.b == "uint8" or elem.b == "int8") and #L == i + 1 then
      local r = count > 0 and st:take(count) or st.tvb:range(st.off, 0)
      slot.item = add(tree, name, st.tvb:range(start, st.off - start),
                      count > 0 and tostring(r:bytes()) or "")
      slot.item:set_text(name .. ": " .. count .. " bytes" .. (count > 0 and (": " .. tostring(r:bytes())) or ""))
      return
    end
    slot.item = container(tree, st.tvb:range(start, 0), name)
    for k = 1, count do
      local s = {}
      slot.elems[k] = s
      walk(st, L, i + 1, slot.item, name, SCALARS, scope, s)
    end
    slot.item:set_len(st.off - start)
    slot.item:set_text(name .. ": " .. count .. " elements")
  end
  if mode >= BUFFERS and slot.elems then
    for k = 1, #slot.elems do walk(st, L, i + 1, slot.item, name, BUFFERS, scope, slot.elems[k]) end
  end
end

local function walk_struct(st, t, tree, name, mode, scope, slot)
  if t.unsupported then error(name .. ": " .. t.unsupported .. " is not dissected yet", 0) end
  if mode % 2 == 1 then
    local start = st.off
    slot.m = {}
    if t.hoist then slot.hoisted = st:u3264() end
    st:align(st.ndr64 and t.a64 or t.a20)
    slot.item = container(tree, st.tvb:range(st.off, 0), name)
    local sc = {fields = slot.m, params = scope.params}
    for k, m in ipairs(t.members) do
      local s = {}
      slot.m[m.name] = s
      sc.hoisted = (t.hoist and k == #t.members) and slot.hoisted or nil
      walk(st, m.L, 1, slot.item, m.name, SCALARS, sc, s)
    end
    if st.ndr64 then st:align(t.a64) end
    slot.item:set_len(st.off - start)
    slot.item:set_text(name)
  end
  if mode >= BUFFERS then
    local sc = {fields = slot.m, params = scope.params}
    for _, m in ipairs(t.members) do walk(st, m.L, 1, slot.item, m.name, BUFFERS, sc, slot.m[m.name]) end
  end
end

local function arm_for(t, v)
  local def
  for _, a in ipairs(t.arms) do
    if a.default then def = a end
    for _, c in ipairs(a.cases) do if c == v then return a end end
  end
  return def
end

local function read_switch(st, t)
  if t.swenum then
    local e = T[t.swenum]
    if e.bits == 8 then return st:uint(1) end
    if e.bits == 16 and e.wide and st.ndr64 then return st:uint(4) end
    if e.bits == 16 then return st:uint(2) end
    return st:uint(4)
  end
  local v = builtin(st, t.sw or "uint32")
  return v
end

local function walk_union(st, t, tree, name, mode, scope, slot)
  if t.unsupported then error(name .. ": " .. t.unsupported .. " is not dissected yet", 0) end
  if mode % 2 == 1 then
    local start = st.off
    local v = slot.sw or 0
    if t.enc then
      st:align(st.ndr64 and t.body64 or t.body20)
      v = read_switch(st, t)
    elseif not t.nodisc then
      local w = read_switch(st, t)
      if w ~= v then error(string.format("union %s: discriminant %d on the wire, %d expected", name, w, v), 0) end
    end
    if st.ndr64 then st:align(t.arms64) end
    local arm = arm_for(t, v)
    if not arm then error(string.format("union %s: no arm for %d", name, v), 0) end
    slot.arm = arm
    slot.item = container(tree, st.tvb:range(start, 0), name)
    slot.a = {}
    if arm.el then walk(st, arm.el.L, 1, slot.item, arm.el.name, SCALARS, scope, slot.a) end
    if t.enc and st.ndr64 then st:align(t.body64) end
    slot.item:set_len(st.off - start)
    slot.item:set_text(name .. " (case " .. v .. ")")
  end
  if mode >= BUFFERS and slot.arm and slot.arm.el then
    walk(st, slot.arm.el.L, 1, slot.item, slot.arm.el.name, BUFFERS, scope, slot.a)
  end
end

local function walk_data(st, d, tree, name, mode, scope, slot)
  if d.t then
    local t = T[d.t]
    if t.kind == "struct" then return walk_struct(st, t, tree, name, mode, scope, slot) end
    if t.kind == "union" then return walk_union(st, t, tree, name, mode, scope, slot) end
    if mode % 2 == 0 then return end
    local v, r
    if t.bits == 8 then v, r = st:uint(1)
    elseif t.bits == 16 and t.wide and st.ndr64 then v, r = st:uint(4)
    elseif t.bits == 16 then v, r = st:uint(2)
    elseif t.bits == 64 then v, r = st:uint(8); v = num(v)
    else v, r = st:uint(4) end
    slot.val = v
    local text
    if t.kind == "enum" then text = (t.values[v] or "?") .. " (" .. v .. ")"
    else
      text = string.format("0x%x", v)
      local names = {}
      for bitv, n in pairs(t.values) do if bitv ~= 0 and bit32.band(v, bitv) == bitv then names[#names + 1] = n end end
      table.sort(names)
      if #names > 0 then text = text .. " (" .. table.concat(names, " | ") .. ")" end
    end
    slot.item = add(tree, name, r, text)
    return
  end
  if mode % 2 == 0 then return end
  local v, text, r = builtin(st, d.b)
  slot.val = v
  slot.item = add(tree, name, r, text)
end

walk = function(st, L, i, tree, name, mode, scope, slot)
  local l = L[i]
  if l.k == "unsupported" then error(name .. ": " .. l.what .. " is not dissected yet", 0) end
  if l.k == "ptr" then
    if mode % 2 == 1 then
      slot.inner = {}
      if l.ptr == "ref" and l.top then
        slot.present = true
        slot.item = tree
      else
        local id, r = st:u3264()
        slot.present = id ~= 0
        if slot.present then
          slot.item = container(tree, r, name .. string.format(": pointer (referent 0x%x)", id))
        else
          slot.item = add(tree, name, r, "NULL")
        end
      end
    end
    if mode >= BUFFERS and slot.present then
      walk(st, L, i + 1, slot.item, name, BOTH, scope, slot.inner)
      slot.val = slot.inner.val
    end
    return
  end
  if l.k == "arr" then return walk_array(st, L, i, tree, name, mode, scope, slot) end
  if l.k == "sw" then
    if mode % 2 == 1 then slot.sw = eval(l.is, scope) end
    return walk(st, L, i + 1, tree, name, mode, scope, slot)
  end
  return walk_data(st, l, tree, name, mode, scope, slot)
end

-- Per TCP stream: the interface and transfer syntax of each accepted presentation context, and
-- the [in] values of each request (sizes and switches of its response may name them).
local binds, contexts, requests = {}, {}, {}
local f_pkt = Field.new("dcerpc.pkt_type")
local f_ctx = Field.new("dcerpc.cn_ctx_id")
local f_call = Field.new("dcerpc.cn_call_id")
local f_uuid = Field.new("dcerpc.cn_bind_to_uuid")
local f_trans = Field.new("dcerpc.cn_bind_trans_id")
local f_ack = Field.new("dcerpc.cn_ack_result")
local f_ack_trans = Field.new("dcerpc.cn_ack_trans_id")
local f_opnum = Field.new("dcerpc.opnum")
local f_stub = Field.new("dcerpc.stub_data")
local f_order = Field.new("dcerpc.drep.byteorder")
local f_stream = Field.new("tcp.stream")

local function dissect_stub(range, le, ndr64, op, request, tree, pinfo, key)
  local st = new_state(range:tvb(), le, ndr64)
  local sub = tree:add(proto, range, IFACE.name .. ": " .. op.name .. (request and " request" or " response"))
  add(sub, "operation", range, op.name)
  local params = {}
  if not request and requests[key] then for k, v in pairs(requests[key]) do params[k] = v end end
  local scope = {params = params}
  local ok, err = pcall(function()
    for _, p in ipairs(request and op.inp or op.out) do
      local s = {}
      walk(st, p.L, 1, sub, p.name, BOTH, scope, s)
      params[p.name] = s
    end
    if not request and op.result then walk(st, op.result, 1, sub, "result", BOTH, scope, {}) end
  end)
  if not ok then add(sub, "error", range, tostring(err)) end
  if request then requests[key] = params end
  pinfo.cols.info:append("  " .. op.name .. (request and " request" or " response"))
end

function proto.dissector(tvb, pinfo, tree)
  local pkts = {f_pkt()}
  if #pkts ~= 1 then return end
  local pkt = pkts[1].value
  local streamf = f_stream()
  local stream = streamf and tostring(streamf.value) or "?"
  local callf = f_call()
  local call = callf and tostring(callf.value) or "?"
  if pkt == 11 or pkt == 14 then
    local items, ctxs, uuids = {}, {f_ctx()}, {f_uuid()}
    for k = 1, #ctxs do items[k] = {ctx = ctxs[k].value, uuid = uuids[k] and tostring(uuids[k]) or ""} end
    binds[stream .. ":" .. call] = items
  elseif pkt == 12 or pkt == 15 then
    local items = binds[stream .. ":" .. call]
    if not items then return end
    local results, trans = {f_ack()}, {f_ack_trans()}
    for k = 1, #results do
      if results[k].value == 0 and items[k] then
        contexts[stream .. ":" .. items[k].ctx] = {uuid = items[k].uuid, ndr64 = tostring(trans[k]) == NDR64}
      end
    end
  elseif pkt == 0 or pkt == 2 then
    local ctxf, stubf, opf, orderf = f_ctx(), f_stub(), f_opnum(), f_order()
    if not (ctxf and opf) then return end
    local c = contexts[stream .. ":" .. ctxf.value]
    if not c or string.lower(c.uuid) ~= IFACE.uuid then return end
    local op = OPS[opf.value]
    if not op then return end
    local le = not orderf or orderf.value == 1
    -- An empty stub (no [in] or no [out] values) has no stub_data field: dissect zero bytes.
    local range = stubf and stubf.range or tvb:range(0, 0)
    dissect_stub(range, le, c.ndr64, op, pkt == 0, tree, pinfo, stream .. ":" .. call)
  end
end

register_postdissector(proto)
)LUA";
}

}  // namespace nca::idl::backends
