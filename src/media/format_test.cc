#include "media/format.h"

#include <gtest/gtest.h>

#include <string>

namespace camroll {
namespace {

Format Sniff(const std::string& bytes) {
  return SniffFormat({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

std::string Ftyp(const std::string& major, const std::string& compatible) {
  std::string box = std::string("ftyp") + major + std::string("\0\0\0\0", 4) + compatible;
  uint32_t size = static_cast<uint32_t>(box.size() + 4);
  std::string out;
  out += static_cast<char>(size >> 24);
  out += static_cast<char>(size >> 16);
  out += static_cast<char>(size >> 8);
  out += static_cast<char>(size);
  return out + box;
}

TEST(SniffFormat, RecognisesImageMagicNumbers) {
  using namespace std::string_literals;  // keeps the NUL bytes in the literals
  EXPECT_EQ(Sniff("\xFF\xD8\xFF\xE1xxxx"), Format::kJpeg);
  EXPECT_EQ(Sniff("\x89PNG\r\n\x1A\nxxxx"), Format::kPng);
  EXPECT_EQ(Sniff("RIFF\x10\x00\x00\x00WEBPVP8 "s), Format::kWebp);
  EXPECT_EQ(Sniff("GIF89a"), Format::kGif);
}

TEST(SniffFormat, TellsHeifMp4AndMovApartByBrand) {
  EXPECT_EQ(Sniff(Ftyp("heic", "mif1heic")), Format::kHeif);
  EXPECT_EQ(Sniff(Ftyp("mif1", "mif1heic")), Format::kHeif);
  EXPECT_EQ(Sniff(Ftyp("avif", "mif1avif")), Format::kAvif);
  EXPECT_EQ(Sniff(Ftyp("isom", "isomiso2avc1mp41")), Format::kMp4);
  EXPECT_EQ(Sniff(Ftyp("mp42", "isommp41mp42")), Format::kMp4);
  EXPECT_EQ(Sniff(Ftyp("qt  ", "qt  ")), Format::kMov);
}

TEST(SniffFormat, GivesUnknownForTextAndShortInput) {
  EXPECT_EQ(Sniff("hello world, not an image"), Format::kUnknown);
  EXPECT_EQ(Sniff(""), Format::kUnknown);
  EXPECT_EQ(Sniff("\xFF\xD8"), Format::kUnknown);
  EXPECT_EQ(Sniff(Ftyp("abcd", "efgh")), Format::kUnknown);
}

TEST(Format, SupportsWhatPhonesWrite) {
  for (Format f :
       {Format::kJpeg, Format::kHeif, Format::kPng, Format::kWebp, Format::kMp4, Format::kMov}) {
    EXPECT_TRUE(IsSupported(f)) << FormatName(f);
  }
  EXPECT_FALSE(IsSupported(Format::kGif));
  EXPECT_FALSE(IsSupported(Format::kUnknown));
  EXPECT_TRUE(IsVideo(Format::kMov));
  EXPECT_FALSE(IsVideo(Format::kHeif));
}

}  // namespace
}  // namespace camroll
