// CheckSum: the atlas.sum verdict the pipeline reports (step "Migration Integrity Check").
#include "engine/lint/lint.h"
#include "engine/sum/sum.h"

namespace schemabot::lint {

SumStatus CheckSum(const dir::MigrationDir& md, const dir::Dir& d) {
  SumStatus s;
  auto text = d.Read("atlas.sum");
  s.present = text.has_value();
  if (!s.present) return s;
  auto v = sum::ValidateLoaded(md, *text);
  s.valid = v.ok();
  s.error = std::string(v.Error());
  s.detail = v.Detail();
  if (v.mismatch) s.file = v.mismatch->file;
  return s;
}

}  // namespace schemabot::lint
