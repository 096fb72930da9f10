// libFuzzer target for webhooks/json_scan: the tape reader must accept exactly what
// nlohmann::json accepts, read the same values, and never crash; AppendJsonString must always
// produce a string literal both readers accept.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/text.h"
#include "webhooks/json_scan.h"

namespace {

using schemabot::webhooks::json::Doc;
using schemabot::webhooks::json::Type;
using schemabot::webhooks::json::Value;

void Same(Value v, const nlohmann::json& j) {
  if (!v) std::abort();
  if (j.is_object()) {
    if (!v.is_object()) std::abort();
    for (auto it = j.begin(); it != j.end(); ++it) Same(v.Find(it.key()), it.value());
  } else if (j.is_array()) {
    if (!v.is_array()) std::abort();
    size_t i = 0;
    for (Value e : v.Children()) {
      if (i >= j.size()) std::abort();
      Same(e, j[i++]);
    }
    if (i != j.size()) std::abort();
  } else if (j.is_string()) {
    if (v.String() != j.get<std::string>()) std::abort();
  } else if (j.is_number_unsigned()) {
    if (v.UInt64() != j.get<uint64_t>()) std::abort();
  } else if (j.is_number_integer()) {
    if (v.Int64() != j.get<int64_t>()) std::abort();
  } else if (j.is_number_float()) {
    if (!v.is_number()) std::abort();
  } else if (j.is_boolean()) {
    if (v.True() != j.get<bool>()) std::abort();
  } else if (!v.is_null()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Doc doc(text);
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  // nlohmann takes a NUL byte outside a string for the end of the input ("[1]\0junk" is
  // accepted); the tape reader follows RFC 8259 and rejects the trailing bytes.
  bool nul = text.find('\0') != std::string_view::npos;
  if (!nul && doc.ok() != !j.is_discarded()) std::abort();
  if (nul && doc.ok() && j.is_discarded()) std::abort();
  if (doc.ok()) Same(doc.root(), j);  // a Doc that is ok never contains a NUL outside strings
  std::string quoted;
  schemabot::AppendJsonString(quoted, text);
  Doc q(quoted);
  if (!q.ok() || !q.root().is_string()) std::abort();
  if (nlohmann::json::parse(quoted, nullptr, false).is_discarded()) std::abort();
  return 0;
}
