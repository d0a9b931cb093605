// Reads members of a .tar.gz (npm package tarballs) in one streaming pass, without unpacking
// anything to disk: ustar, GNU long names and pax `path` records are understood.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace camroll {

struct TarMember {
  std::string name;  // as stored ("package/models/x.json")
  std::vector<uint8_t> bytes;
};

// Calls `sink` for every regular file whose name `want` accepts, in archive order. Members
// larger than `max_member_bytes` are refused (kLimit) before they are read.
Status ReadTarGz(const std::filesystem::path& file,
                 const std::function<bool(const std::string& name)>& want,
                 const std::function<Status(TarMember member)>& sink,
                 uint64_t max_member_bytes = uint64_t{1} << 30);

}  // namespace camroll
