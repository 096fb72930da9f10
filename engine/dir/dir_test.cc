// The three Dir implementations: disk, memory, git tree (on a real bare repository).
#include "engine/dir/dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "engine/dir/test_util.h"

namespace schemabot::dir {
namespace {

using testing::TempDir;
using Names = std::vector<std::string>;

void FillTree(const TempDir& t) {
  t.Write("2_b.sql", "B");
  t.Write("1_a.sql", "A\r\n");
  t.Write("atlas.sum", "h1:x\n");
  t.Write("sub/V3__c.sql", "C");
  t.Write("sub/deeper/V4__d.sql", "D");
  t.Write(".hidden/V5__e.sql", "E");
}

TEST(DiskDir, ListsAndReads) {
  TempDir t;
  FillTree(t);
  auto d = OpenDiskDir(t.path());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(*(*d)->List(false), (Names{"1_a.sql", "2_b.sql", "atlas.sum"}));
  EXPECT_EQ(*(*d)->List(true),
            (Names{"1_a.sql", "2_b.sql", "atlas.sum", "sub/V3__c.sql", "sub/deeper/V4__d.sql"}));
  EXPECT_EQ(*(*d)->Read("1_a.sql"), "A\r\n");
  EXPECT_EQ(*(*d)->Read("sub/deeper/V4__d.sql"), "D");
  EXPECT_EQ((*d)->Read("nope.sql").error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*d)->Read("../x").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*d)->Read("/etc/passwd").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*d)->Read("sub").error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE((*d)->Write("atlas.sum", "new\n"));
  EXPECT_EQ(*(*d)->Read("atlas.sum"), "new\n");
  EXPECT_EQ((*d)->Describe(), t.path());
}

TEST(DiskDir, OpenErrors) {
  TempDir t;
  t.Write("f.sql", "x");
  EXPECT_EQ(OpenDiskDir(t.path() + "/missing").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(OpenDiskDir(t.path() + "/f.sql").error().code, ErrorCode::kInvalidArgument);
}

TEST(DiskDir, ReadsA100MegabyteFile) {
  TempDir t;
  std::string big(100 << 20, 'x');
  t.Write("1_big.sql", big);
  auto d = OpenDiskDir(t.path());
  ASSERT_TRUE(d);
  auto content = (*d)->Read("1_big.sql");
  ASSERT_TRUE(content);
  EXPECT_EQ(content->size(), big.size());
}

TEST(MemDir, ListsReadsWrites) {
  auto d = NewMemDir({{"2_b.sql", "B"},
                      {"1_a.sql", "A"},
                      {"sub/V3__c.sql", "C"},
                      {".h/V1__x.sql", "H"},
                      {"../evil.sql", "E"},
                      {"a//b.sql", "E"}});
  EXPECT_EQ(*d->List(false), (Names{"1_a.sql", "2_b.sql"}));
  EXPECT_EQ(*d->List(true), (Names{"1_a.sql", "2_b.sql", "sub/V3__c.sql"}));
  EXPECT_EQ(*d->Read("sub/V3__c.sql"), "C");
  EXPECT_EQ(d->Read("x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(d->Read("../evil.sql").error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(d->Write("atlas.sum", "s"));
  EXPECT_EQ(*d->Read("atlas.sum"), "s");
  EXPECT_FALSE(d->Write("", "s"));
  EXPECT_EQ(d->Describe(), "memory");
}

int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

TEST(GitTreeDir, ReadsABareRepositoryAtCommits) {
  TempDir t;
  std::string work = t.path() + "/work", bare = t.path() + "/bare.git";
  std::string git = "git -C " + work + " -c user.name=t -c user.email=t@e ";
  ASSERT_EQ(Sh("git init -q -b main " + work), 0);
  t.Write("work/migrations/1_a.sql", "A1\n");
  t.Write("work/migrations/sub/V2__x.sql", "X\n");
  t.Write("work/README", "r");
  ASSERT_EQ(Sh(git + "add -A && " + git + "commit -q -m one && " + git + "tag v1"), 0);
  t.Write("work/migrations/1_a.sql", "A2\n");
  t.Write("work/migrations/2_b.sql", "B\n");
  ASSERT_EQ(Sh(git + "add -A && " + git + "commit -q -m two"), 0);
  ASSERT_EQ(Sh("git clone -q --bare " + work + " " + bare), 0);

  auto head = OpenGitTreeDir(bare, "main", "migrations");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(*(*head)->List(false), (Names{"1_a.sql", "2_b.sql"}));
  EXPECT_EQ(*(*head)->List(true), (Names{"1_a.sql", "2_b.sql", "sub/V2__x.sql"}));
  EXPECT_EQ(*(*head)->Read("1_a.sql"), "A2\n");
  EXPECT_EQ(*(*head)->Read("sub/V2__x.sql"), "X\n");
  EXPECT_EQ((*head)->Read("missing.sql").error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*head)->Read("sub").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*head)->Write("atlas.sum", "x").error().code, ErrorCode::kPermissionDenied);

  auto old = OpenGitTreeDir(bare, "v1", "migrations/");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(*(*old)->Read("1_a.sql"), "A1\n");
  EXPECT_EQ(*(*old)->List(false), (Names{"1_a.sql"}));

  auto prev = OpenGitTreeDir(bare, "main~1", "");
  ASSERT_TRUE(prev);
  EXPECT_EQ(*(*prev)->List(false), (Names{"README"}));

  // Reading from several threads at once is safe.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 50; ++k) EXPECT_EQ(*(*head)->Read("2_b.sql"), "B\n");
    });
  }
  for (auto& th : threads) th.join();

  // A work tree's root opens too, and so does the repository named by GIT_DIR.
  auto from_work = OpenGitTreeDir(work, "HEAD", "migrations");
  ASSERT_TRUE(from_work) << from_work.error().message;
  EXPECT_EQ(*(*from_work)->Read("2_b.sql"), "B\n");
  setenv("GIT_DIR", bare.c_str(), 1);
  auto from_env = OpenGitTreeDir("", "v1", "migrations");
  unsetenv("GIT_DIR");
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(*(*from_env)->Read("1_a.sql"), "A1\n");

  EXPECT_EQ(OpenGitTreeDir(bare, "nope", "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(OpenGitTreeDir(bare, "main", "absent").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(OpenGitTreeDir(bare, "main", "README").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(OpenGitTreeDir(t.path() + "/none", "main", "").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace schemabot::dir
