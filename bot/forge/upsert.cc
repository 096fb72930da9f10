// UpsertMarkedComment: the one-living-comment rule, on any Forge.
#include "bot/forge/forge.h"

namespace schemabot::forge {
namespace {

std::string PartMarker(const std::string& marker, size_t part) {
  if (part == 1) return marker;
  size_t end = marker.rfind(" -->");
  if (end == std::string::npos) return marker + " part=" + std::to_string(part);
  return marker.substr(0, end) + " part=" + std::to_string(part) + marker.substr(end);
}

Result<Comment> Put(Forge& forge, const std::string& repo, int64_t number,
                    const std::vector<Comment>& existing, const std::string& marker,
                    const std::string& text) {
  if (const Comment* c = FindCommentWithMarker(existing, marker)) {
    if (c->body == text) return *c;
    return forge.UpdateComment(repo, number, c->id, text);
  }
  return forge.CreateComment(repo, number, text);
}

}  // namespace

Result<Comment> UpsertMarkedComment(Forge& forge, const std::string& repo, int64_t number,
                                    const std::string& marker, const std::string& body) {
  SB_TRY_ASSIGN(std::vector<Comment> existing, forge.ListComments(repo, number));
  size_t limit = forge.capabilities().max_comment_chars;
  // Room for "\n" + the longest part marker.
  size_t reserve = PartMarker(marker, 999).size() + 2;
  std::vector<std::string> parts = body.size() + marker.size() + 1 <= limit
                                       ? std::vector<std::string>{body}
                                       : SplitComment(body, limit - reserve);
  std::optional<Comment> first;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string m = PartMarker(marker, i + 1);
    SB_TRY_ASSIGN(Comment c, Put(forge, repo, number, existing, m, parts[i] + "\n" + m));
    if (!first) first = std::move(c);
  }
  // Parts that an earlier, longer report left behind.
  for (size_t part = parts.size() + 1;; ++part) {
    std::string m = PartMarker(marker, part);
    const Comment* c = FindCommentWithMarker(existing, m);
    if (!c) break;
    std::string text = "_(this part of an earlier report is no longer used)_\n" + m;
    if (c->body != text) SB_TRY(forge.UpdateComment(repo, number, c->id, text));
  }
  return *first;
}

}  // namespace schemabot::forge
