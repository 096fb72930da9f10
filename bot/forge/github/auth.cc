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

Result<std::string> Auth::Authorization() {
  if (!app_mode()) return "Bearer " + token_;
  std::lock_guard lock(mu_);
  if (install_token_.empty() || now_() + std::chrono::minutes(5) >= expires_) {
    SB_TRY(Refresh());
  }
  return "Bearer " + install_token_;
}

void Auth::Invalidate() {
  std::lock_guard lock(mu_);
  install_token_.clear();
}

Result<void> Auth::Refresh() {
  auto now = now_();
  SB_TRY_ASSIGN(std::string jwt, MakeGitHubAppJwt(app_id_, key_pem_, now));
  HttpRequest req;
  req.method = "POST";
  req.target = "/app/installations/" + std::to_string(installation_id_) + "/access_tokens";
  req.headers = {{"Accept", "application/vnd.github+json"},
                 {"X-GitHub-Api-Version", "2022-11-28"},
                 {"Authorization", "Bearer " + jwt}};
  std::string what = "github: installation token for app " + app_id_;
  SB_TRY_ASSIGN(HttpResponse res, http_->Send(req));
  int64_t epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (res.status != 201 && res.status != 200) {
    return ResponseError("github", req, res, epoch).Wrap(what);
  }
  SB_TRY_ASSIGN(Json j, ParseJson(res.body, what));
  std::string token = JStr(j, "token");
  if (token.empty()) return Internal(what + ": reply has no token");
  auto exp = ParseIsoTime(JStr(j, "expires_at"));
  install_token_ = token;
  expires_ = exp ? *exp : now + std::chrono::minutes(55);
  return Ok();
}

}  // namespace github
}  // namespace schemabot::forge
