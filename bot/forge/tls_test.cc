// HTTPS with certificate verification on: a self-signed server is refused unless its
// certificate is the configured CA. (cpp-httplib serves the test side only.)
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "bot/forge/http.h"
#include "tests/sim/forge_sim.h"

namespace schemabot::forge {
namespace {

namespace fs = std::filesystem;

TEST(TlsTest, VerifiesServerCertificates) {
  sim::RsaKeyPair tls = sim::SelfSignedLocalhostCert();
  fs::path dir = fs::temp_directory_path() / ("tls-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "cert.pem") << tls.public_pem;
  std::ofstream(dir / "key.pem") << tls.private_pem;
  httplib::SSLServer server((dir / "cert.pem").c_str(), (dir / "key.pem").c_str());
  ASSERT_TRUE(server.is_valid());
  server.Get("/api/v3/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::string url = "https://127.0.0.1:" + std::to_string(port) + "/api/v3";

  auto untrusted = NewHttpClient(url, {});
  ASSERT_TRUE(untrusted);
  auto refused = (*untrusted)->Send({.target = "/ok"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << refused.error().message;

  HttpOptions with_ca;
  with_ca.ca_file = (dir / "cert.pem").string();
  auto trusted = NewHttpClient(url, with_ca);
  ASSERT_TRUE(trusted);
  auto ok = (*trusted)->Send({.target = "/ok"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);

  server.stop();
  t.join();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace schemabot::forge
