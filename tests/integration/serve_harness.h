// Test harness: runs `schemabot serve` as a child process with its log in a file, finds the
// port it listens on, signs and sends deliveries. Header-only; tests only.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/http_client.h"
#include "webhooks/signature.h"

namespace schemabot::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ServeProcess {
 public:
  // Starts `schemabot serve -c config --log-format json`, stderr appended to `log_path`,
  // and waits until it logs "listening". port() is 0 when it did not start in time.
  ServeProcess(const std::string& config, const std::string& log_path) : log_(log_path) {
    size_t before = ReadFile(log_).size();
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 2);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      std::string bin = std::string(SCHEMABOT_BINARY_DIR) + "/schemabot";
      execl(bin.c_str(), bin.c_str(), "serve", "-c", config.c_str(), "--log-format", "json",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::string log = ReadFile(log_).substr(before);
      size_t at = log.find("\"msg\":\"listening\"");
      if (at == std::string::npos) {
        int status;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        continue;
      }
      size_t p = log.find("\"port\":\"", at);
      if (p != std::string::npos) port_ = std::atoi(log.c_str() + p + 8);
    }
  }
  ~ServeProcess() { Kill(SIGKILL); }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `sig` and waits for the exit; returns the exit status (or -1).
  int Kill(int sig) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

inline std::string PingBody(const std::string& repo) {
  return R"({"zen":"Design for failure.","hook_id":42,"repository":{"full_name":")" + repo +
         R"(","clone_url":"https://example.invalid/)" + repo +
         R"(.git"},"sender":{"login":"octo"}})";
}

inline HttpReply SendGitHub(int port, const std::string& secret, const std::string& event,
                            const std::string& delivery, const std::string& body) {
  return HttpCall(port, "POST", "/webhooks/github",
                  {{"Content-Type", "application/json"},
                   {"X-GitHub-Event", event},
                   {"X-GitHub-Delivery", delivery},
                   {"X-Hub-Signature-256", webhooks::SignatureHeader(secret, body)}},
                  body);
}

// Counts, per job id, the "job" log lines with outcome "done" in a JSON log.
inline std::map<int64_t, int> DoneLines(const std::string& log) {
  std::map<int64_t, int> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"msg\":\"job\"") == std::string::npos) continue;
    if (line.find("\"outcome\":\"done\"") == std::string::npos) continue;
    size_t p = line.find("\"job\":\"");
    if (p != std::string::npos) ++out[std::atoll(line.c_str() + p + 7)];
  }
  return out;
}

}  // namespace schemabot::testing
