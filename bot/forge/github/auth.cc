#include "bot/forge/github/auth.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "bot/forge/json_util.h"

namespace schemabot::forge {

Result<std::string> MakeGitHubAppJwt(const std::string& app_id, const std::string& private_key_pem,
                                     std::chrono::system_clock::time_point now) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  if (!bio) return Internal("github app jwt: out of memory");
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return InvalidArgument("github app private key: not an RSA private key in PEM");
  }
  int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  Json payload = {{"iat", t - 60}, {"exp", t + 9 * 60}, {"iss", app_id}};
  std::string signing_input =
      Base64UrlEncode(R"({"alg":"RS256","typ":"JWT"})") + "." + Base64UrlEncode(payload.dump());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return Internal("github app jwt: signing setup");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return Internal("github app jwt: signing");
  }
  sig.resize(len);
  return signing_input + "." + Base64UrlEncode(sig);
}

namespace github {

Auth::Auth(const GitHubOptions& options, HttpClient* http, Clock now)
    : token_(options.token),
      app_id_(options.app_id),
      key_pem_(options.private_key_pem),
      installation_id_(options.installation_id),
      http_(http),
      now_(std::move(now)) {}

Result<std::string> Auth::Authorization(const std::string& repo) {
  if (!app_mode()) return "Bearer " + token_;
  std::lock_guard lock(mu_);
  SB_TRY_ASSIGN(int64_t installation, InstallationFor(repo));
  auto it = tokens_.find(installation);
  if (it == tokens_.end() || now_() + std::chrono::minutes(5) >= it->second.expires) {
    SB_TRY_ASSIGN(Token t, Fetch(installation));
    it = tokens_.insert_or_assign(installation, std::move(t)).first;
  }
  return "Bearer " + it->second.value;
}

void Auth::Invalidate() {
  std::lock_guard lock(mu_);
  tokens_.clear();
}

namespace {
HttpRequest AppRequest(std::string method, std::string target, const std::string& jwt) {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.headers = {{"Accept", "application/vnd.github+json"},
                 {"X-GitHub-Api-Version", "2022-11-28"},
                 {"Authorization", "Bearer " + jwt}};
  return req;
}
int64_t Epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

Result<int64_t> Auth::InstallationFor(const std::string& repo) {
  if (installation_id_ > 0) return installation_id_;
  if (auto it = installations_.find(repo); it != installations_.end()) return it->second;
  auto now = now_();
  SB_TRY_ASSIGN(std::string jwt, MakeGitHubAppJwt(app_id_, key_pem_, now));
  HttpRequest req = AppRequest("GET", "/repos/" + UrlEncodePath(repo) + "/installation", jwt);
  std::string what = "github: installation of app " + app_id_ + " on \"" + repo + "\"";
  SB_TRY_ASSIGN(HttpResponse res, http_->Send(req));
  if (res.status != 200) return ResponseError("github", req, res, Epoch(now)).Wrap(what);
  SB_TRY_ASSIGN(Json j, ParseJson(res.body, what));
  int64_t id = JInt(j, "id");
  if (id <= 0) return Internal(what + ": reply has no id");
  installations_[repo] = id;
  return id;
}

Result<Auth::Token> Auth::Fetch(int64_t installation) {
  auto now = now_();
  SB_TRY_ASSIGN(std::string jwt, MakeGitHubAppJwt(app_id_, key_pem_, now));
  HttpRequest req = AppRequest(
      "POST", "/app/installations/" + std::to_string(installation) + "/access_tokens", jwt);
  std::string what = "github: installation token for app " + app_id_;
  SB_TRY_ASSIGN(HttpResponse res, http_->Send(req));
  if (res.status != 201 && res.status != 200) {
    return ResponseError("github", req, res, Epoch(now)).Wrap(what);
  }
  SB_TRY_ASSIGN(Json j, ParseJson(res.body, what));
  Token t;
  t.value = JStr(j, "token");
  if (t.value.empty()) return Internal(what + ": reply has no token");
  auto exp = ParseIsoTime(JStr(j, "expires_at"));
  t.expires = exp ? *exp : now + std::chrono::minutes(55);
  return t;
}

}  // namespace github
}  // namespace schemabot::forge
