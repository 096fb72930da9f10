#include "engine/sum/sum.h"

#include <algorithm>

#include "base/crypto.h"

namespace schemabot::sum {

namespace {

constexpr size_t kHashLineExtra = 1 + 47 + 1;  // " " + "h1:" + 44 + "\n"
constexpr size_t kTotalLine = 3 + 44 + 1;      // "h1:" + 44 + "\n"

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string SumFile::ComputeTotal() const {
  Sha256Hasher h;
  for (const auto& e : entries) {
    h.Update(e.file);
    h.Update(e.hash);
  }
  return Base64Encode(h.Digest());
}

const SumEntry* SumFile::Find(std::string_view file) const {
  for (const auto& e : entries) {
    if (e.file == file) return &e;
  }
  return nullptr;
}

bool HasSumIgnore(std::string_view content) {
  auto d = dir::MatchDirective(content);
  return d && d->name == "sum" && d->arg == "ignore";
}

SumFile ComputeSum(const std::vector<NamedContent>& files) {
  SumFile out;
  Sha256Hasher running;
  for (const auto& f : files) {
    running.Update(f.name);
    if (HasSumIgnore(f.content)) continue;  // the name stays in the running hash
    running.Update(f.content);
    out.entries.push_back({std::string(f.name), Base64Encode(running.Digest())});
  }
  out.total = out.ComputeTotal();
  return out;
}

SumFile ComputeSum(const dir::MigrationDir& md) {
  std::vector<NamedContent> files;
  files.reserve(md.migrations.size());
  for (const auto& m : md.migrations) {
    if (m.atlas_listed) files.push_back({m.file, m.content});
  }
  return ComputeSum(files);
}

Result<SumFile> ComputeSum(const dir::Dir& d, dir::DirFormat format) {
  SB_TRY_ASSIGN(auto md, dir::LoadMigrations(d, format));
  return ComputeSum(md);
}

std::string FormatSum(const SumFile& sum) {
  std::string out = "h1:" + sum.ComputeTotal() + "\n";
  for (const auto& e : sum.entries) out += e.file + " h1:" + e.hash + "\n";
  return out;
}

Result<SumFile> ParseSum(std::string_view text) {
  SumFile out;
  bool first = true;
  size_t pos = 0;
  while (pos < text.size() || first) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      first = false;
      out.total = std::string(line.substr(0, 3) == "h1:" ? line.substr(3) : line);
      continue;
    }
    size_t h = line.find("h1:");
    if (h == std::string_view::npos) return InvalidArgument(std::string(kChecksumFormatInvalid));
    out.entries.push_back(
        {std::string(TrimSpace(line.substr(0, h))), std::string(line.substr(h + 3))});
  }
  if (out.total != out.ComputeTotal()) return InvalidArgument(std::string(kChecksumMismatch));
  return out;
}

Result<std::string> WriteSum(dir::Dir& d, dir::DirFormat format) {
  SB_TRY_ASSIGN(SumFile sum, ComputeSum(d, format));
  std::string text = FormatSum(sum);
  SB_TRY(d.Write(kSumFileName, text));
  return text;
}

std::string_view ReasonName(Mismatch::Reason r) {
  switch (r) {
    case Mismatch::Reason::kAdded:
      return "added";
    case Mismatch::Reason::kEdited:
      return "edited";
    case Mismatch::Reason::kRemoved:
      return "removed";
  }
  return "unknown reason";
}

std::string_view Validation::Error() const {
  switch (status) {
    case Status::kOk:
      return "";
    case Status::kNotFound:
      return kChecksumNotFound;
    case Status::kFormatInvalid:
      return kChecksumFormatInvalid;
    case Status::kMismatch:
      return kChecksumMismatch;
  }
  return "";
}

std::string Validation::Detail() const {
  if (!mismatch) return "";
  return "L" + std::to_string(mismatch->line) + ": " + mismatch->file + " was " +
         std::string(ReasonName(mismatch->reason));
}

namespace {

// Atlas's ChecksumError: the first entry of `parsed` that differs from `computed`.
Mismatch FirstDifference(const SumFile& parsed, const SumFile& computed) {
  Mismatch m;
  m.total = static_cast<int>(parsed.entries.size());
  m.pos = kTotalLine;
  const auto& p = parsed.entries;
  const auto& c = computed.entries;
  for (size_t i = 0; i < p.size(); ++i) {
    if (i < c.size() && p[i].file == c[i].file && p[i].hash == c[i].hash) {
      m.pos += p[i].file.size() + kHashLineExtra;
      continue;
    }
    m.line = static_cast<int>(i) + 2;
    m.file = p[i].file;
    auto at =
        std::find_if(c.begin(), c.end(), [&](const SumEntry& e) { return e.file == p[i].file; });
    if (at == c.end()) {
      m.reason = Mismatch::Reason::kRemoved;
    } else if (static_cast<size_t>(at - c.begin()) == i) {
      m.reason = Mismatch::Reason::kEdited;
    } else if (i < c.size()) {
      m.reason = Mismatch::Reason::kAdded;
      m.file = c[i].file;
    } else {
      m.reason = Mismatch::Reason::kRemoved;  // out of entries to blame: the file moved away
    }
    return m;
  }
  // Every listed entry matched: the directory has more files.
  m.line = m.total + 2;
  m.reason = Mismatch::Reason::kAdded;
  if (p.size() < c.size()) m.file = c[p.size()].file;
  return m;
}

}  // namespace

Validation ValidateLoaded(const dir::MigrationDir& md, const std::optional<std::string>& sum_text) {
  Validation v;
  SumFile computed = ComputeSum(md);
  if (!sum_text) {
    bool any = std::any_of(md.migrations.begin(), md.migrations.end(),
                           [](const dir::Migration& m) { return m.atlas_listed; });
    if (any) v.status = Validation::Status::kNotFound;
    return v;
  }
  auto parsed = ParseSum(*sum_text);
  if (!parsed) {
    v.status = parsed.error().message == kChecksumFormatInvalid ? Validation::Status::kFormatInvalid
                                                                : Validation::Status::kMismatch;
    return v;
  }
  if (parsed->total == computed.total) return v;
  v.status = Validation::Status::kMismatch;
  v.mismatch = FirstDifference(*parsed, computed);
  return v;
}

Result<Validation> Validate(const dir::Dir& d, dir::DirFormat format) {
  SB_TRY_ASSIGN(auto md, dir::LoadMigrations(d, format));
  std::optional<std::string> text;
  auto sum = d.Read(kSumFileName);
  if (sum) {
    text = std::move(*sum);
  } else if (sum.error().code != ErrorCode::kNotFound) {
    return std::move(sum).error().Wrap("reading atlas.sum");
  }
  return ValidateLoaded(md, text);
}

std::string CliReport(const Validation& v, std::string_view hash_command) {
  if (v.ok()) return "";
  std::string out = "You have a checksum error in your migration directory.\n";
  if (v.mismatch) out += "\n\t" + v.Detail() + "\n\n";
  out += "Please check your migration files and run " + std::string(hash_command) +
         " to re-hash the contents\n\n";
  out += "Error: " + std::string(v.Error()) + "\n";
  return out;
}

std::string LintReportError(const Validation& v) {
  if (!v.mismatch) return std::string(v.Error());
  return std::string(v.Error()) + " (atlas.sum): " + v.Detail();
}

}  // namespace schemabot::sum
