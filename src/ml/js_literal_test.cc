#include "ml/js_literal.h"

#include <gtest/gtest.h>

namespace camroll::ml {
namespace {

TEST(JsLiteral, ReadsMinifiedObjectLiterals) {
  auto v = ParseJsLiteral(R"({format:"graph-model",n:-.25,m:.5,e:1e-3,big:12345678901,ok:!0,no:!1,)"
                          R"('q':'it\'s',list:[1,2,],nested:{a:{b:null}},$x:"\u00e9\n"})");
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ((*v)["format"], "graph-model");
  EXPECT_DOUBLE_EQ((*v)["n"].get<double>(), -0.25);
  EXPECT_DOUBLE_EQ((*v)["m"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ((*v)["e"].get<double>(), 0.001);
  EXPECT_EQ((*v)["big"].get<int64_t>(), 12345678901);
  EXPECT_EQ((*v)["ok"], true);
  EXPECT_EQ((*v)["no"], false);
  EXPECT_EQ((*v)["q"], "it's");
  EXPECT_EQ((*v)["list"].size(), 2u);
  EXPECT_TRUE((*v)["nested"]["a"]["b"].is_null());
  EXPECT_EQ((*v)["$x"], "\xc3\xa9\n");
}

TEST(JsLiteral, FindsThePayloadOfABundle) {
  std::string bundle =
      R"(!function(t){module.exports=t()}(function(){return function t(e,a,l){}({1:[function(t,e,a){)"
      R"(e.exports={format:"graph-model",modelTopology:{node:[{name:"x",op:"Placeholder"}]}}},{}]},{},[1])(1)});)";
  auto v = FindJsObject(bundle, "format:");
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ((*v)["modelTopology"]["node"][0]["op"], "Placeholder");
  EXPECT_FALSE(FindJsObject(bundle, "weightsManifest:").has_value());

  std::string shard = R"(x("a"),e.exports="QUJDRA==",y('bc'))";
  auto s = LongestJsString(shard);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, "QUJDRA==");
}

TEST(JsLiteral, ReportsWhereItBroke) {
  auto v = ParseJsLiteral("{a:1,b:}");
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("offset"), std::string::npos);
  EXPECT_FALSE(ParseJsLiteral("{a:\"open").has_value());
  EXPECT_FALSE(ParseJsLiteral("[1,2").has_value());
}

}  // namespace
}  // namespace camroll::ml
