#include "app/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "store/sqlite_test_util.h"
#include "core/status_printers.h"

namespace rivulet::app {
namespace {

using core::Code;

const Setting& Find(const std::string& key) {
  for (const auto& s : Settings()) {
    if (s.key == key) return s;
  }
  ADD_FAILURE() << "no setting " << key;
  static const Setting kNone;
  return kNone;
}

TEST(SettingsTest, EveryKeyIsUniqueAndDocumented) {
  std::set<std::string> keys, flags, envs;
  for (const auto& s : Settings()) {
    EXPECT_FALSE(s.key.empty());
    EXPECT_FALSE(s.help.empty()) << s.key;
    EXPECT_TRUE(s.set) << s.key;
    EXPECT_TRUE(s.get) << s.key;
    for (char c : s.key) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << s.key;
    keys.insert(s.key);
    flags.insert(s.Flag());
    envs.insert(s.EnvName());
  }
  EXPECT_EQ(keys.size(), Settings().size());
  EXPECT_EQ(flags.size(), Settings().size());
  EXPECT_EQ(envs.size(), Settings().size());
  EXPECT_EQ(keys.count("limits"), 0u);  // would clash with the [limits] table
}

TEST(SettingsTest, FlagAndEnvNameFormats) {
  const Setting& s = Find("max_body_bytes");
  EXPECT_EQ(s.Flag(), "--max-body-bytes");
  EXPECT_EQ(s.EnvName(), "RIVULET_MAX_BODY_BYTES");
  EXPECT_EQ(Find("listen").Flag(), "--listen");
  EXPECT_EQ(Find("listen").EnvName(), "RIVULET_LISTEN");
  EXPECT_EQ(Find("token_ttl_seconds").Flag(), "--token-ttl-seconds");
}

TEST(SettingsTest, DefaultsReadBackAndAreAcceptedBySet) {
  Config defaults;
  for (const auto& s : Settings()) {
    Config c;
    std::string v = s.get(defaults);
    core::Status st = s.set(c, v);
    EXPECT_TRUE(st.ok()) << s.key << "=" << v << ": " << st.ToString();
    EXPECT_EQ(s.get(c), v) << s.key;
  }
  EXPECT_EQ(Find("http_threads").get(defaults), "2");
  EXPECT_EQ(Find("access_log").get(defaults), "true");
  EXPECT_EQ(Find("max_body_bytes").get(defaults), std::to_string(1 << 20));
}

TEST(SettingsTest, SetStoresParsedValues) {
  Config c;
  ASSERT_TRUE(Find("http_threads").set(c, "8").ok());
  EXPECT_EQ(c.http_threads, 8);
  ASSERT_TRUE(Find("max_body_bytes").set(c, "2048").ok());
  EXPECT_EQ(c.limits.max_body_bytes, 2048u);
  ASSERT_TRUE(Find("access_log").set(c, "no").ok());
  EXPECT_FALSE(c.access_log);
  ASSERT_TRUE(Find("access_log").set(c, "1").ok());
  EXPECT_TRUE(c.access_log);
  ASSERT_TRUE(Find("sqlite_synchronous").set(c, "NORMAL").ok());
  EXPECT_EQ(c.sqlite_synchronous, "NORMAL");
  ASSERT_TRUE(Find("read_timeout_seconds").set(c, "3600").ok());
  EXPECT_EQ(c.limits.read_timeout_seconds, 3600);
}

TEST(SettingsTest, SetRejectsOutOfRangeAndMalformedValues) {
  struct Case {
    const char* key;
    const char* value;
  };
  static const std::string kTooLong(4097, 'x');
  for (const Case& tc : std::initializer_list<Case>{
           {"http_threads", "0"},
           {"http_threads", "257"},
           {"http_threads", "-1"},
           {"http_threads", "4x"},
           {"http_threads", " 4"},
           {"http_threads", ""},
           {"http_threads", "99999999999999999999"},
           {"token_ttl_seconds", "59"},
           {"token_ttl_seconds", "2592001"},
           {"shutdown_grace_seconds", "601"},
           {"max_body_bytes", "1023"},
           {"max_body_bytes", "1073741825"},
           {"max_json_depth", "1"},
           {"max_form_fields", "0"},
           {"read_timeout_seconds", "0"},
           {"sqlite_synchronous", "OFF"},
           {"sqlite_synchronous", "full"},
           {"log_level", "verbose"},
           {"access_log", "maybe"},
           {"access_log", "TRUE"},
           {"listen", ""},
           {"database", kTooLong.c_str()},
       }) {
    Config c;
    std::string before = Find(tc.key).get(c);
    core::Status st = Find(tc.key).set(c, tc.value);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << tc.key << "=" << tc.value;
    EXPECT_NE(st.message().find(tc.key), std::string::npos) << st.message();
    EXPECT_EQ(Find(tc.key).get(c), before) << tc.key << " changed on a rejected value";
  }
}

class TomlTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string path = dir_.File("config-" + std::to_string(n_++) + ".toml");
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
  int n_ = 0;
};

TEST_F(TomlTest, AppliesFlatKeysAndTheLimitsTable) {
  Config c;
  core::Status st = ApplyTomlFile(c, Write(R"(
listen = "0.0.0.0:9000"
database = "/var/lib/rivulet/db.sqlite"
http_threads = 4
access_log = false
sqlite_synchronous = "NORMAL"
max_header_bytes = 4096

[limits]
max_body_bytes = 2048
max_json_depth = 10
)"));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.database, "/var/lib/rivulet/db.sqlite");
  EXPECT_EQ(c.http_threads, 4);
  EXPECT_FALSE(c.access_log);
  EXPECT_EQ(c.sqlite_synchronous, "NORMAL");
  EXPECT_EQ(c.limits.max_header_bytes, 4096u);
  EXPECT_EQ(c.limits.max_body_bytes, 2048u);
  EXPECT_EQ(c.limits.max_json_depth, 10);
  // Untouched settings keep their defaults.
  EXPECT_EQ(c.token_ttl_seconds, Config{}.token_ttl_seconds);
}

TEST_F(TomlTest, EmptyFileChangesNothing) {
  Config c;
  ASSERT_TRUE(ApplyTomlFile(c, Write("# nothing here\n")).ok());
  EXPECT_EQ(c.listen, Config{}.listen);
}

TEST_F(TomlTest, UnknownKeyIsAnError) {
  Config c;
  core::Status st = ApplyTomlFile(c, Write("listen = \"1.2.3.4:1\"\nlisten_port = 80\n"));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("listen_port"), std::string::npos) << st.message();

  st = ApplyTomlFile(c, Write("[limits]\nmax_bodybytes = 10\n"));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("max_bodybytes"), std::string::npos) << st.message();

  st = ApplyTomlFile(c, Write("[server]\nlisten = \"1.2.3.4:1\"\n"));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
}

TEST_F(TomlTest, WrongValueTypeIsAnError) {
  for (const char* text : {"http_threads = 1.5\n", "access_log = [true]\n",
                           "listen = { host = \"x\" }\n", "http_threads = \"many\"\n",
                           "access_log = \"sometimes\"\n", "http_threads = 1000\n",
                           "[limits]\nmax_json_depth = 2.0\n",
                           "http_threads = 1979-05-27T07:32:00Z\n"}) {
    Config c;
    core::Status st = ApplyTomlFile(c, Write(text));
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << text;
    EXPECT_EQ(c.http_threads, Config{}.http_threads) << text;
  }
}

TEST_F(TomlTest, MalformedTomlIsAnErrorNamingTheFile) {
  Config c;
  std::string path = Write("listen = \n");
  core::Status st = ApplyTomlFile(c, path);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();

  EXPECT_EQ(ApplyTomlFile(c, Write("[limits\nmax_body_bytes = 2048\n")).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ApplyTomlFile(c, Write("a = 1\na = 2\n")).code(), Code::kInvalidArgument);
}

TEST_F(TomlTest, MissingFileIsAnError) {
  Config c;
  EXPECT_FALSE(ApplyTomlFile(c, dir_.File("absent.toml")).ok());
}

TEST(ParseListenTest, SplitsHostAndPort) {
  std::string host;
  unsigned short port = 1;
  ASSERT_TRUE(ParseListen("127.0.0.1:8080", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(ParseListen("[::1]:0", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(ParseListen("localhost:65535", &host, &port).ok());
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(port, 65535);
}

TEST(ParseListenTest, RejectsBadPortsAndShapes) {
  for (const char* s : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                        "127.0.0.1:80x", "127.0.0.1:http", ":8080", "", "host: 80",
                        "127.0.0.1:99999999999"}) {
    std::string host;
    unsigned short port = 0;
    core::Status st = ParseListen(s, &host, &port);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << "'" << s << "'";
  }
}

}  // namespace
}  // namespace rivulet::app
