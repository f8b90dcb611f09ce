#include "delivery/address_policy.h"

#include <gtest/gtest.h>

namespace rivulet::delivery {
namespace {

AddressPolicy Allowing(const char* list) { return AddressPolicy(*ParseCidrList(list)); }

TEST(AddressPolicyTest, DeniesPrivateLoopbackAndLinkLocalByDefault) {
  AddressPolicy policy;
  for (const char* ip :
       {"127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1",
        "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1"}) {
    EXPECT_FALSE(policy.Allows(ip)) << ip;
    EXPECT_FALSE(policy.DenialReason(ip).empty()) << ip;
  }
  EXPECT_EQ(policy.DenialReason("127.0.0.1"), "loopback");
  EXPECT_EQ(policy.DenialReason("169.254.169.254"), "link-local");
  EXPECT_EQ(policy.DenialReason("10.1.2.3"), "private");
}

TEST(AddressPolicyTest, AllowsPublicAddresses) {
  AddressPolicy policy;
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "11.0.0.1",
                         "2606:4700::1111", "2001:4860:4860::8888"}) {
    EXPECT_TRUE(policy.Allows(ip)) << ip << ": " << policy.DenialReason(ip);
  }
}

TEST(AddressPolicyTest, DeniesIpv4HiddenInIpv6Forms) {
  AddressPolicy policy;
  for (const char* ip : {"::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1",
                         "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::7f00:1",
                         "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::"}) {
    EXPECT_FALSE(policy.Allows(ip)) << ip;
  }
  EXPECT_TRUE(policy.Allows("::ffff:8.8.8.8"));
  EXPECT_TRUE(policy.Allows("64:ff9b::808:808"));
}

TEST(AddressPolicyTest, AllowListOverridesDefaults) {
  AddressPolicy policy = Allowing("127.0.0.0/8, 10.1.0.0/16 ::1");
  EXPECT_TRUE(policy.Allows("127.0.0.1"));
  EXPECT_TRUE(policy.Allows("127.9.9.9"));
  EXPECT_TRUE(policy.Allows("::ffff:127.0.0.1"));  // the mapped form of an allowed address
  EXPECT_TRUE(policy.Allows("10.1.200.3"));
  EXPECT_TRUE(policy.Allows("::1"));
  EXPECT_FALSE(policy.Allows("10.2.0.1"));
  EXPECT_FALSE(policy.Allows("192.168.0.1"));
  EXPECT_FALSE(policy.Allows("fe80::1"));
}

TEST(AddressPolicyTest, RefusesWhatIsNotANumericAddress) {
  AddressPolicy policy = Allowing("0.0.0.0/0,::/0");
  EXPECT_FALSE(policy.Allows(""));
  EXPECT_FALSE(policy.Allows("localhost"));
  EXPECT_FALSE(policy.Allows("127.0.0.1 "));
  EXPECT_TRUE(policy.Allows("127.0.0.1"));
}

TEST(CidrTest, ParsesAndRejects) {
  EXPECT_TRUE(ParseCidr("127.0.0.0/8").ok());
  EXPECT_TRUE(ParseCidr("1.2.3.4").ok());
  EXPECT_TRUE(ParseCidr("::1/128").ok());
  EXPECT_TRUE(ParseCidr("fe80::/10").ok());
  for (const char* bad : {"", "/8", "1.2.3.4/33", "::1/129", "1.2.3/8", "1.2.3.4/", "1.2.3.4/x",
                          "1.2.3.4/0008", "host.example/8", "1.2.3.4/-1"}) {
    EXPECT_FALSE(ParseCidr(bad).ok()) << bad;
  }
  auto list = ParseCidrList("  ");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_FALSE(ParseCidrList("127.0.0.0/8,nonsense").ok());
}

TEST(CidrTest, PrefixBoundaries) {
  Cidr c = *ParseCidr("172.16.0.0/12");
  AddressPolicy only(std::vector<Cidr>{c});
  EXPECT_TRUE(only.Allows("172.31.255.255"));
  EXPECT_TRUE(only.Allows("172.16.0.0"));
  EXPECT_FALSE(AddressPolicy().Allows("172.16.0.0"));
  Cidr all = *ParseCidr("0.0.0.0/0");
  EXPECT_TRUE(AddressPolicy({all}).Allows("10.0.0.1"));
  EXPECT_FALSE(AddressPolicy({all}).Allows("::1"));  // 0.0.0.0/0 covers IPv4 only
}

}  // namespace
}  // namespace rivulet::delivery
