#include "core/template.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/status_printers.h"

namespace rivulet::core {
namespace {

namespace json = boost::json;

json::object Context() {
  return json::parse(R"({
    "contact": {"first_name": "Ann", "email": "ann@example.com",
                "attributes": {"bio": "<script>alert('x')</script> & \"more\"",
                               "vip": true, "churned": false, "nickname": "", "spouse": null,
                               "points": 42, "balance": 42.5, "round": 42.0, "negative": -3,
                               "tiny": 0.1, "huge": 1e20, "big": 18446744073709551615,
                               "address": {"city": "Ghent", "zip": "9000"}}},
    "event": {"type": "order_placed",
              "data": {"items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
                       "tags": ["new", "sale"], "empty": []}},
    "run": {"data": {"coupon": "WELCOME10"}}
  })")
      .as_object();
}

Template MustParse(std::string_view source) {
  auto t = Template::Parse(source);
  EXPECT_TRUE(t.ok()) << source << ": " << t.status().ToString();
  return t.ok() ? *t : Template();
}

std::string Render(std::string_view source, Escape escape = Escape::kHtml,
                   const json::object& context = Context()) {
  auto out = MustParse(source).Render(context, escape);
  EXPECT_TRUE(out.ok()) << source << ": " << out.status().ToString();
  return out.ok() ? *out : "<error>";
}

Status ParseError(std::string_view source) {
  auto t = Template::Parse(source);
  EXPECT_FALSE(t.ok()) << source << " parsed";
  return t.status();
}

TEST(TemplateTest, DottedNamesResolveIntoTheContext) {
  EXPECT_EQ(Render("Hi {{contact.first_name}}!"), "Hi Ann!");
  EXPECT_EQ(Render("Code: {{run.data.coupon}}"), "Code: WELCOME10");
  EXPECT_EQ(Render("{{ contact.attributes.address.city }}"), "Ghent");
  EXPECT_EQ(Render("{{event.data.items.1.sku}}"), "B-2");
}

TEST(TemplateTest, HtmlEscapingNeutralisesMarkupInAttributes) {
  EXPECT_EQ(Render("<p>{{contact.attributes.bio}}</p>", Escape::kHtml),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;</p>");
  EXPECT_EQ(Render("{{contact.attributes.bio}}", Escape::kNone),
            "<script>alert('x')</script> & \"more\"");
}

TEST(TemplateTest, TripleMustacheAndAmpersandAreNeverEscaped) {
  const std::string raw = "<script>alert('x')</script> & \"more\"";
  EXPECT_EQ(Render("{{{contact.attributes.bio}}}", Escape::kHtml), raw);
  EXPECT_EQ(Render("{{& contact.attributes.bio}}", Escape::kHtml), raw);
  EXPECT_EQ(Render("{{{ contact.attributes.bio }}}", Escape::kNone), raw);
}

TEST(TemplateTest, MissingAndNullNamesRenderEmpty) {
  EXPECT_EQ(Render("[{{contact.last_name}}]"), "[]");
  EXPECT_EQ(Render("[{{contact.attributes.spouse}}]"), "[]");
  EXPECT_EQ(Render("[{{nothing.at.all}}{{{nope}}}]"), "[]");
  EXPECT_EQ(Render("[{{contact.first_name.initial}}]"), "[]");  // through a string
  EXPECT_EQ(Render("[{{event.data.items.7.sku}}]"), "[]");
}

TEST(TemplateTest, NumbersRenderWithoutATrailingZeroFraction) {
  EXPECT_EQ(Render("{{contact.attributes.points}}"), "42");
  EXPECT_EQ(Render("{{contact.attributes.balance}}"), "42.5");
  EXPECT_EQ(Render("{{contact.attributes.round}}"), "42");
  EXPECT_EQ(Render("{{contact.attributes.negative}}"), "-3");
  EXPECT_EQ(Render("{{contact.attributes.tiny}}"), "0.1");
  EXPECT_EQ(Render("{{contact.attributes.huge}}"), "1e+20");
  EXPECT_EQ(Render("{{contact.attributes.big}}"), "18446744073709551615");
}

TEST(TemplateTest, BooleansObjectsAndArraysRenderAsJson) {
  EXPECT_EQ(Render("{{contact.attributes.vip}}/{{contact.attributes.churned}}"), "true/false");
  EXPECT_EQ(Render("{{{contact.attributes.address}}}"), R"({"city":"Ghent","zip":"9000"})");
  EXPECT_EQ(Render("{{contact.attributes.address}}"),
            "{&quot;city&quot;:&quot;Ghent&quot;,&quot;zip&quot;:&quot;9000&quot;}");
  EXPECT_EQ(Render("{{{event.data.tags}}}"), R"(["new","sale"])");
  EXPECT_EQ(Render("{{{run}}}", Escape::kNone), R"({"data":{"coupon":"WELCOME10"}})");
}

TEST(TemplateTest, SectionsRepeatOverArrays) {
  EXPECT_EQ(Render("{{#event.data.items}}[{{sku}} x{{qty}}]{{/event.data.items}}"),
            "[A-1 x2][B-2 x1]");
  EXPECT_EQ(Render("{{#event.data.tags}}<{{.}}>{{/event.data.tags}}"), "<new><sale>");
  EXPECT_EQ(Render("{{#event.data.empty}}never{{/event.data.empty}}"), "");
}

TEST(TemplateTest, NamesInsideSectionsFallBackToOuterScopes) {
  EXPECT_EQ(Render("{{#event.data.items}}{{sku}}:{{contact.first_name}} {{/event.data.items}}"),
            "A-1:Ann B-2:Ann ");
  EXPECT_EQ(Render("{{#contact.attributes.address}}{{city}} {{zip}}, {{first_name}}"
                   "{{/contact.attributes.address}}"),
            "Ghent 9000, ");  // first_name is not a key of the context root
  EXPECT_EQ(Render("{{#contact}}{{first_name}} {{#attributes.address}}{{city}}"
                   "{{/attributes.address}}{{/contact}}"),
            "Ann Ghent");
}

TEST(TemplateTest, SectionsTestTruthiness) {
  EXPECT_EQ(Render("{{#contact.attributes.vip}}VIP{{/contact.attributes.vip}}"), "VIP");
  EXPECT_EQ(Render("{{#contact.attributes.churned}}gone{{/contact.attributes.churned}}"), "");
  EXPECT_EQ(Render("{{#contact.attributes.spouse}}x{{/contact.attributes.spouse}}"), "");
  EXPECT_EQ(Render("{{#contact.attributes.nickname}}x{{/contact.attributes.nickname}}"), "");
  EXPECT_EQ(Render("{{#contact.attributes.missing}}x{{/contact.attributes.missing}}"), "");
  EXPECT_EQ(Render("{{#contact.first_name}}Hi {{.}}{{/contact.first_name}}"), "Hi Ann");
  EXPECT_EQ(Render("{{#contact.attributes.points}}{{.}} points{{/contact.attributes.points}}"),
            "42 points");
}

TEST(TemplateTest, InvertedSectionsRenderWhenTheSectionWouldNot) {
  const std::string greet =
      "{{#contact.attributes.nickname}}Hi {{.}}{{/contact.attributes.nickname}}"
      "{{^contact.attributes.nickname}}Hi there{{/contact.attributes.nickname}}";
  EXPECT_EQ(Render(greet), "Hi there");
  EXPECT_EQ(Render("{{^contact.attributes.missing}}none{{/contact.attributes.missing}}"), "none");
  EXPECT_EQ(Render("{{^event.data.empty}}no items{{/event.data.empty}}"), "no items");
  EXPECT_EQ(Render("{{^contact.attributes.churned}}{{contact.first_name}}"
                   "{{/contact.attributes.churned}}"),
            "Ann");
  EXPECT_EQ(Render("{{^event.data.items}}no items{{/event.data.items}}"), "");
  EXPECT_EQ(Render("{{^contact.attributes.vip}}x{{/contact.attributes.vip}}"), "");
}

TEST(TemplateTest, StandaloneSectionLinesLeaveNoBlankLines) {
  EXPECT_EQ(Render("Items:\n{{#event.data.items}}\n- {{sku}}\n{{/event.data.items}}\nBye"),
            "Items:\n- A-1\n- B-2\nBye");
}

TEST(TemplateTest, CommentsAndSetDelimitersWork) {
  EXPECT_EQ(Render("a{{! ignore {this} }}b"), "ab");
  EXPECT_EQ(
      Render("{{=<% %>=}}<% contact.first_name %> {{literal}} <%={{ }}=%>{{run.data.coupon}}"),
      "Ann {{literal}} WELCOME10");
  EXPECT_EQ(Render("{{=[ ]=}}[#event.data.tags][.],[/event.data.tags]"), "new,sale,");
}

TEST(TemplateTest, PartialsAreRejected) {
  Status st = ParseError("Hello {{> footer}}");
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("partial"), std::string::npos) << st.ToString();
  EXPECT_EQ(ParseError("{{=<% %>=}}<%> footer%>").code(), Code::kInvalidArgument);
}

TEST(TemplateTest, BadSyntaxCarriesTheLibraryMessage) {
  EXPECT_EQ(ParseError("{{#items}}x").message(), "Unclosed section \"items\" at 0");
  EXPECT_EQ(ParseError("ab{{/items}}").message(), "Unopened section \"items\" at 2");
  EXPECT_EQ(ParseError("Hi {{contact.first_name").message(), "Unclosed tag at 3");
  EXPECT_EQ(ParseError("{{#a}}{{/b}}").message(), "Unclosed section \"a\" at 0");
  EXPECT_EQ(ParseError("{{=< >}}").message(), "Invalid set delimiter tag at 0");
  EXPECT_EQ(ParseError("{{#a}}{{#b}}{{/a}}{{/b}}").code(), Code::kInvalidArgument);
}

TEST(TemplateTest, EmptyNamesAndControlCharactersAreRejected) {
  EXPECT_EQ(ParseError("{{}}").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError("{{ }}").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError("{{#}}{{/}}").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError("{{a..b}}").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError("{{.a}}").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError(std::string("a\x1f") + "b").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError(std::string("a\0b", 3)).code(), Code::kInvalidArgument);
  MustParse("tabs\tand\r\nnewlines");
}

TEST(TemplateTest, SourceOverTheLimitIsPayloadTooLarge) {
  std::string big(Template::kMaxSourceBytes + 1, 'x');
  EXPECT_EQ(ParseError(big).code(), Code::kPayloadTooLarge);
  EXPECT_EQ(Template::Parse("0123456789", 9).status().code(), Code::kPayloadTooLarge);
  MustParse(std::string(Template::kMaxSourceBytes, 'x'));
}

TEST(TemplateTest, DeeplyNestedSectionsAreRejected) {
  auto nested = [](size_t levels) {
    std::string s;
    for (size_t i = 0; i < levels; ++i) s += "{{#a}}";
    for (size_t i = 0; i < levels; ++i) s += "{{/a}}";
    return s;
  };
  MustParse(nested(Template::kMaxSectionDepth));
  EXPECT_EQ(ParseError(nested(Template::kMaxSectionDepth + 1)).code(), Code::kInvalidArgument);
  // Also when a syntax error comes first and the library would parse the rest.
  EXPECT_EQ(ParseError("{{#x}}{{/y}}" + nested(20000)).code(), Code::kInvalidArgument);
}

json::object BigArray(size_t n, std::string_view element) {
  json::array a;
  for (size_t i = 0; i < n; ++i) a.emplace_back(element);
  return json::object{{"items", std::move(a)}};
}

TEST(TemplateTest, OutputOverTheLimitIsPayloadTooLarge) {
  const std::string kilobyte(1000, 'x');
  Template t = MustParse("{{#items}}{{.}}{{/items}}");
  // 1,048 x 1,000 bytes is just under 1 MiB (1,048,576 bytes); 1,049 x 1,000 is over.
  auto ok = t.Render(BigArray(1'048, kilobyte), Escape::kHtml);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 1'048'000u);
  auto over = t.Render(BigArray(1'049, kilobyte), Escape::kHtml);
  EXPECT_EQ(over.status().code(), Code::kPayloadTooLarge);
  // Far over the limit: stopped by the work meter before the output is built.
  EXPECT_EQ(t.Render(BigArray(20'000, kilobyte), Escape::kNone).status().code(),
            Code::kPayloadTooLarge);
  // Literal text in the section body counts too.
  Template text = MustParse("{{#items}}0123456789{{/items}}");
  EXPECT_EQ(text.Render(BigArray(2'000, ""), Escape::kNone, 19'999).status().code(),
            Code::kPayloadTooLarge);
  EXPECT_TRUE(text.Render(BigArray(2'000, ""), Escape::kNone, 20'000).ok());
}

TEST(TemplateTest, RunawayNestedSectionsStopEarly) {
  // 1,000^4 passes if unchecked; the work meter stops them after about 4 x max_output steps.
  const size_t limit = 64 * 1024;
  Template t = MustParse(
      "{{#items}}{{#items}}{{#items}}{{#items}}x{{/items}}{{/items}}"
      "{{/items}}{{/items}}");
  EXPECT_EQ(t.Render(BigArray(1'000, "a"), Escape::kNone, limit).status().code(),
            Code::kPayloadTooLarge);
  // Even when every pass emits nothing.
  Template silent = MustParse("{{#items}}{{#items}}{{#items}}{{/items}}{{/items}}{{/items}}");
  EXPECT_EQ(silent.Render(BigArray(1'000, "a"), Escape::kNone, limit).status().code(),
            Code::kPayloadTooLarge);
}

TEST(TemplateTest, TemplateVariablesListsNamesAsWritten) {
  Template t = MustParse(
      "{{contact.first_name}} {{{contact.attributes.bio}}} {{#event.data.items}}{{sku}}{{.}}"
      "{{/event.data.items}}{{^run.data.coupon}}-{{/run.data.coupon}}{{! comment }}"
      "{{contact.first_name}}");
  EXPECT_EQ(t.TemplateVariables(),
            (std::vector<std::string>{"contact.attributes.bio", "contact.first_name",
                                      "event.data.items", "run.data.coupon", "sku"}));
  EXPECT_TRUE(Template().TemplateVariables().empty());
}

TEST(TemplateTest, EmptyAndDefaultTemplatesRenderNothing) {
  EXPECT_EQ(Render(""), "");
  auto r = Template().Render(Context(), Escape::kHtml);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST(TemplateTest, ConcurrentRendersOfOneTemplateAgree) {
  Template t =
      MustParse("{{#event.data.items}}{{sku}}/{{contact.first_name}};{{/event.data.items}}");
  const json::object context = Context();
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) {
        auto r = t.Render(context, Escape::kHtml);
        results[i] = r.ok() ? *r : "<error>";
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, "A-1/Ann;B-2/Ann;");
}

// ---- HtmlToText --------------------------------------------------------------------------

TEST(HtmlToTextTest, KeepsLinkTargets) {
  EXPECT_EQ(HtmlToText(R"(Visit <a href="https://shop.example/?a=1&amp;b=2">our shop</a> now)"),
            "Visit our shop (https://shop.example/?a=1&b=2) now");
  EXPECT_EQ(HtmlToText(R"(<a href='https://x.example'>https://x.example</a>)"),
            "https://x.example");
  EXPECT_EQ(HtmlToText(R"(<a href="mailto:help@x.example">help@x.example</a>)"), "help@x.example");
  EXPECT_EQ(HtmlToText(R"(<A HREF=https://x.example/u TARGET=_blank>Unsubscribe</A>)"),
            "Unsubscribe (https://x.example/u)");
  EXPECT_EQ(HtmlToText(R"(<a href="#top">Top</a> <a>plain</a>)"), "Top plain");
  EXPECT_EQ(HtmlToText(R"(<a href="https://x.example"><img src="logo.png"></a>)"),
            "https://x.example");
}

TEST(HtmlToTextTest, DecodesEntities) {
  EXPECT_EQ(HtmlToText("Fish &amp; chips &lt;b&gt; &quot;hot&quot; &#39;now&#39;"),
            "Fish & chips <b> \"hot\" 'now'");
  EXPECT_EQ(HtmlToText("a&nbsp;b &#233;t&#xE9; &#x1F600; &euro;5"),
            "a b \xC3\xA9t\xC3\xA9 "
            "\xF0\x9F\x98\x80 \xE2\x82\xAC"
            "5");
  EXPECT_EQ(HtmlToText("AT&T &unknown; &#xZZ; & ;"), "AT&T &unknown; &#xZZ; & ;");
  EXPECT_EQ(HtmlToText("&#0; &#xD800; &#1114112;"), "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD");
}

TEST(HtmlToTextTest, TurnsListsIntoDashedLines) {
  EXPECT_EQ(
      HtmlToText("<p>Your items:</p><ul>\n  <li>Socks</li>\n  <li>Shoes</li>\n</ul><p>Bye</p>"),
      "Your items:\n\n- Socks\n- Shoes\n\nBye");
}

TEST(HtmlToTextTest, DropsScriptStyleAndTitleContent) {
  EXPECT_EQ(HtmlToText("<html><head><title>T</title><style>p{color:red}</style></head>"
                       "<body>Hi<script type=\"text/javascript\">if (a<b) alert('x')</script>"
                       " there<SCRIPT>x()</SCRIPT></body></html>"),
            "Hi there");
  EXPECT_EQ(HtmlToText("before<script>never closed"), "before");
  EXPECT_EQ(HtmlToText("a<!-- hidden <b>x</b> -->b<!DOCTYPE html>c"), "abc");
}

TEST(HtmlToTextTest, BreaksLinesAndCollapsesWhitespace) {
  EXPECT_EQ(HtmlToText("  Hello,\n   world  <br>second<br/>third<br><br><br><br>fourth  "),
            "Hello, world\nsecond\nthird\n\nfourth");
  EXPECT_EQ(HtmlToText("<h1>Title</h1><div>one</div><div>two</div><table><tr><td>a</td><td>b</td>"
                       "</tr><tr><td>c</td></tr></table>"),
            "Title\n\none\ntwo\na b\nc");
  EXPECT_EQ(HtmlToText("1 < 2 and <3"), "1 < 2 and <3");
  EXPECT_EQ(HtmlToText(R"(<img alt="a>b" src="x"> ok)"), "ok");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("<p>\n</p>"), "");
}

// ---- Robustness --------------------------------------------------------------------------

TEST(TemplateTest, RandomSourcesNeverCrashParseOrRender) {
  static const char* kPieces[] = {"{{",
                                  "}}",
                                  "{{{",
                                  "}}}",
                                  "{{#",
                                  "{{/",
                                  "{{^",
                                  "{{&",
                                  "{{!",
                                  "{{>",
                                  "{{=",
                                  "=}}",
                                  "<% %>",
                                  "items",
                                  "contact.first_name",
                                  ".",
                                  "..",
                                  " ",
                                  "\n",
                                  "x",
                                  "<p>",
                                  "&amp;",
                                  "{{#items}}",
                                  "{{/items}}",
                                  "{{.}}",
                                  "{{=<% %>=}}",
                                  "<%",
                                  "%>",
                                  "{{#event.data.items}}",
                                  "{{/event.data.items}}",
                                  "{{sku}}",
                                  "\xe2\x82",
                                  "\t",
                                  "{{ }}",
                                  "{"};
  std::mt19937 rng(1234);
  const json::object context = Context();
  json::object with_items = context;
  with_items["items"] = json::array{1, "two", json::object{{"x", 3}}, nullptr, true};
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string source;
    int n = static_cast<int>(rng() % 16);
    for (int k = 0; k < n; ++k) source += kPieces[rng() % (sizeof(kPieces) / sizeof(*kPieces))];
    if (rng() % 8 == 0 && !source.empty()) source[rng() % source.size()] = static_cast<char>(rng());
    auto t = Template::Parse(source);
    if (!t.ok()) {
      EXPECT_NE(t.status().code(), Code::kInternal) << source << ": " << t.status().ToString();
      continue;
    }
    ++parsed;
    for (Escape e : {Escape::kHtml, Escape::kNone}) {
      auto r = t->Render(with_items, e, 4096);
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge) << source;
      }
    }
    t->TemplateVariables();
    HtmlToText(source);
  }
  EXPECT_GT(parsed, 2000);
}

}  // namespace
}  // namespace rivulet::core

TEST(TemplateJsonEscapeTest, ValuesInsideJsonStringsStayValidJson) {
  auto t = rivulet::core::Template::Parse(R"({"text":"{{msg}}","n":{{n}}})");
  ASSERT_TRUE(t.ok());
  boost::json::object ctx{{"msg", "say \"hi\"\\\n\tbye\x01"}, {"n", 42}};
  auto out = t->Render(ctx, rivulet::core::Escape::kJson);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*out, ec);
  ASSERT_FALSE(ec) << *out;
  EXPECT_EQ(v.at("text").as_string(), "say \"hi\"\\\n\tbye\x01");
  EXPECT_EQ(v.at("n").as_int64(), 42);
}
