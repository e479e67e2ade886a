#include "streamc/runtime/aggregates.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace streamc::rt {
namespace {

TEST(Aggregates, CountAndSum) {
  Count c;
  c.add();
  c.add(std::string_view("x"));
  c.add(std::optional<int64_t>{});  // count(x) skips nulls
  c.add(std::optional<int64_t>{3});
  EXPECT_EQ(c.result(), 3);

  Sum<int64_t> s;
  EXPECT_EQ(s.result(), 0);
  s.add(int64_t{5});
  s.add(std::optional<int64_t>{});
  s.add(std::optional<int64_t>{-2});
  EXPECT_EQ(s.result(), 3);
  Sum<int64_t> big;
  big.add(INT64_MAX);
  EXPECT_THROW(big.add(int64_t{1}), RecordError);
  EXPECT_EQ(big.result(), INT64_MAX);  // unchanged by the failed add

  Sum<double> d;
  d.add(1.5);
  d.add(int64_t{2});
  EXPECT_EQ(d.result(), 3.5);
  Sum<std::optional<double>> od;
  od.add(std::optional<double>{});
  EXPECT_FALSE(od.result().has_value());  // Spark SQL: sum over only nulls is null
  od.add(std::optional<double>{0.5});
  EXPECT_EQ(od.result(), 0.5);
}

TEST(Aggregates, Avg) {
  Avg a;
  EXPECT_FALSE(a.result().has_value());
  a.add(int64_t{1});
  a.add(2.0);
  a.add(std::optional<int64_t>{});
  a.add(std::optional<int64_t>{6});
  EXPECT_EQ(a.result(), 3.0);
}

TEST(Aggregates, MinMaxOwnStrings) {
  Min<std::string_view> mn;
  Max<std::string_view> mx;
  EXPECT_FALSE(mn.result().has_value());
  {
    std::string w = "pear";
    mn.add(w);
    mx.add(w);
    w = "apple";
    mn.add(w);
    mx.add(w);
    w = "zzzzz";  // the accumulators hold copies
  }
  mn.add(std::optional<std::string_view>{});
  EXPECT_EQ(mn.result(), "apple");
  EXPECT_EQ(mx.result(), "pear");

  Max<double> fm;
  fm.add(1.0);
  fm.add(NAN);
  fm.add(5.0);
  EXPECT_TRUE(std::isnan(*fm.result()));  // NaN is the largest, as in Spark
  Min<double> fmin;
  fmin.add(NAN);
  fmin.add(5.0);
  EXPECT_EQ(fmin.result(), 5.0);

  Min<Timestamp> tmin;
  tmin.add(Timestamp{30});
  tmin.add(Timestamp{10});
  tmin.add(Timestamp{20});
  EXPECT_EQ(tmin.result(), Timestamp{10});
  Max<std::optional<int64_t>> omax;
  omax.add(std::optional<int64_t>{});
  EXPECT_FALSE(omax.result().has_value());
  omax.add(std::optional<int64_t>{4});
  EXPECT_EQ(omax.result(), 4);
  Max<bool> bmax;
  bmax.add(false);
  bmax.add(true);
  EXPECT_EQ(bmax.result(), true);
}

TEST(Aggregates, FirstLastKeepNulls) {
  First<std::string_view> f;
  Last<std::string_view> l;
  EXPECT_FALSE(f.result().has_value());
  {
    std::string a = "a", b = "b";
    f.add(a);
    l.add(a);
    f.add(b);
    l.add(b);
  }
  EXPECT_EQ(f.result(), "a");
  EXPECT_EQ(l.result(), "b");
  First<std::optional<int64_t>> fo;
  fo.add(std::optional<int64_t>{});
  fo.add(std::optional<int64_t>{3});
  EXPECT_FALSE(fo.result().has_value());  // first(x) was null
  Last<std::optional<int64_t>> lo;
  lo.add(std::optional<int64_t>{3});
  lo.add(std::optional<int64_t>{});
  EXPECT_FALSE(lo.result().has_value());

  Last<int64_t> a, b;
  a.add(int64_t{1});
  Last<int64_t> empty;
  a.merge(empty);
  EXPECT_EQ(a.result(), 1);
  b.add(int64_t{2});
  a.merge(b);
  EXPECT_EQ(a.result(), 2);
}

TEST(Aggregates, CountDistinct) {
  CountDistinct<std::string_view> c;
  for (std::string w : {"a", "b", "a", "c", "b"}) c.add(std::string_view(w));
  c.add(std::optional<std::string_view>{});
  EXPECT_EQ(c.result(), 3);
  CountDistinct<std::tuple<std::string_view, int64_t>> t;
  t.add({"a", 1});
  t.add({"a", 2});
  t.add({"a", 1});
  EXPECT_EQ(t.result(), 2);
  CountDistinct<Timestamp> ts;
  ts.add(Timestamp{1});
  ts.add(Timestamp{1});
  EXPECT_EQ(ts.result(), 1);
}

TEST(Aggregates, ApproxCountDistinctWithinTheErrorBound) {
  ApproxCountDistinct<int64_t> ints;
  EXPECT_EQ(ints.result(), 0);
  constexpr int64_t kN = 100'000;
  for (int64_t i = 0; i < kN; ++i) {
    ints.add(i);
    ints.add(i);  // repeats change nothing
  }
  double err = std::fabs(static_cast<double>(ints.result()) - kN) / kN;
  EXPECT_LT(err, 0.05) << ints.result();  // 3 standard errors of 1.6%

  ApproxCountDistinct<std::string_view> strs;
  for (int64_t i = 0; i < kN; ++i) {
    std::string s = "user-" + std::to_string(i);
    strs.add(std::string_view(s));
  }
  err = std::fabs(static_cast<double>(strs.result()) - kN) / kN;
  EXPECT_LT(err, 0.05) << strs.result();

  // Small counts are (nearly) exact: linear counting.
  ApproxCountDistinct<std::string_view> few;
  for (std::string w : {"a", "b", "c", "a"}) few.add(std::string_view(w));
  EXPECT_EQ(few.result(), 3);

  // Merging two halves estimates the union; stable across runs (same hash).
  ApproxCountDistinct<int64_t> lo, hi;
  for (int64_t i = 0; i < 1000; ++i) (i < 600 ? lo : hi).add(i);
  lo.merge(hi);
  EXPECT_NEAR(static_cast<double>(lo.result()), 1000, 30);
}

TEST(Aggregates, CollectListOwnsItsValues) {
  CollectList<std::string_view> c;
  {
    std::string a = "x", b = "y";
    c.add(a);
    c.add(std::optional<std::string_view>{});  // skipped, as in Spark
    c.add(b);
    a = "q";
  }
  EXPECT_EQ(c.result(), (std::vector<std::string_view>{"x", "y"}));
  CollectList<std::tuple<std::string_view, Timestamp>> t;
  t.add({"a", Timestamp{5}});
  auto r = t.result();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(std::get<0>(r[0]), "a");
  EXPECT_EQ(std::get<1>(r[0]), Timestamp{5});
}

}  // namespace
}  // namespace streamc::rt
