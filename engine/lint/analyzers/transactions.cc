// SB108: explicit transaction control in a file that already runs in a transaction.
#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using sql::MatchWords;

// The transaction statement `t` is, or "" when it is none.
std::string TxStatement(const std::vector<sql::Token>& t) {
  if (t.empty()) return "";
  auto only = [&](size_t n) { return t.size() == n || (t.size() == n + 1 && t[n].text == ";"); };
  auto tail_ok = [&](size_t at) {
    return only(at) || MatchWords(t, at, "WORK") || MatchWords(t, at, "TRANSACTION") ||
           MatchWords(t, at, "AND") || MatchWords(t, at, "ISOLATION") || MatchWords(t, at, "READ");
  };
  if (MatchWords(t, 0, "START TRANSACTION")) return "START TRANSACTION";
  if (MatchWords(t, 0, "BEGIN") && tail_ok(1)) return "BEGIN";
  if (MatchWords(t, 0, "COMMIT") && tail_ok(1)) return "COMMIT";
  if (MatchWords(t, 0, "END") && tail_ok(1)) return "END";
  if (MatchWords(t, 0, "ROLLBACK") && !MatchWords(t, 1, "TO") && tail_ok(1)) return "ROLLBACK";
  return "";
}

class Transactions final : public Analyzer {
 public:
  std::string_view Name() const override { return "integrity"; }

  // One finding per file, on the first such statement, naming all of them: files that
  // wrap themselves in BEGIN ... COMMIT are common and one note says it all.
  void Analyze(const Pass& pass, Reporter& out) const override {
    if (!pass.in_transaction) return;
    std::string names;
    size_t first = 0;
    int n = 0;
    for (size_t i = 0; i < pass.statements.size(); ++i) {
      std::string tx = TxStatement(pass.Tokens(i));
      if (tx.empty()) continue;
      if (n++ == 0) first = i;
      if (n <= 4) {
        names += (names.empty() ? "" : ", ") + Quote(tx) + " (L" +
                 std::to_string(pass.statements[i].line) + ")";
      }
    }
    if (n == 0) return;
    out.Report({"SB108",
                first,
                std::string(n == 1 ? "Statement " : "Statements ") + names +
                    (n == 1 ? " controls" : " control") +
                    " the transaction this file already runs in: remove them, or add "
                    "\"-- atlas:txmode none\" to the file header",
                {}});
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewTransactions() { return std::make_unique<Transactions>(); }

}  // namespace schemabot::lint
