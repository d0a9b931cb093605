// Recognising media by their bytes, not their names: phones and sync tools rename files, and a
// HEIC file called .jpg is common.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace camroll {

enum class Format { kUnknown, kJpeg, kHeif, kAvif, kPng, kWebp, kGif, kTiff, kMp4, kMov };

// Looks at the first bytes of a file (64 are enough).
Format SniffFormat(std::span<const uint8_t> head);

std::string_view FormatName(Format format);  // "jpeg", "heif", "mp4", ...
std::string_view FormatMime(Format format);  // "image/jpeg", ...
bool IsVideo(Format format);
// The formats camroll analyses (JPEG, HEIF, AVIF, PNG, WebP, MP4, MOV). Others are reported as
// unsupported.
bool IsSupported(Format format);

}  // namespace camroll
