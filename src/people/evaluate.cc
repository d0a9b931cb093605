#include "people/evaluate.h"

#include <cassert>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

namespace camroll {
namespace {

size_t Pairs(size_t n) { return n * (n - 1) / 2; }

}  // namespace

PairwiseScores ScorePairwise(std::span<const int> predicted, std::span<const int> truth) {
  assert(predicted.size() == truth.size());
  std::map<int, size_t> per_cluster;
  std::map<int, size_t> per_person;
  std::map<std::pair<int, int>, size_t> per_both;  // (cluster, person)
  PairwiseScores s;
  for (size_t i = 0; i < predicted.size() && i < truth.size(); ++i) {
    ++per_person[truth[i]];
    if (predicted[i] < 0) {
      ++s.unassigned;
      continue;
    }
    ++per_cluster[predicted[i]];
    ++per_both[{predicted[i], truth[i]}];
  }
  for (const auto& [cluster, n] : per_cluster) s.predicted_pairs += Pairs(n);
  for (const auto& [person, n] : per_person) s.true_pairs += Pairs(n);
  std::map<int, size_t> people_in_cluster;
  for (const auto& [key, n] : per_both) {
    s.correct_pairs += Pairs(n);
    ++people_in_cluster[key.first];
  }
  for (const auto& [cluster, people] : people_in_cluster) s.merged += people >= 2 ? 1 : 0;
  s.clusters = per_cluster.size();
  s.true_people = per_person.size();

  s.precision = s.predicted_pairs == 0 ? 1.0 : double(s.correct_pairs) / s.predicted_pairs;
  s.recall = s.true_pairs == 0 ? 1.0 : double(s.correct_pairs) / s.true_pairs;
  s.f1 = s.precision + s.recall == 0 ? 0.0 : 2 * s.precision * s.recall / (s.precision + s.recall);
  return s;
}

Result<std::vector<LabelledFace>> ParseLabelledFaces(std::string_view jsonl) {
  std::vector<LabelledFace> faces;
  size_t line_no = 0;
  size_t dim = 0;
  while (!jsonl.empty()) {
    ++line_no;
    const size_t end = jsonl.find('\n');
    const std::string_view line = jsonl.substr(0, end);
    jsonl = end == std::string_view::npos ? std::string_view() : jsonl.substr(end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    auto fail = [&](const std::string& why) {
      return Fail(ErrorCode::kInvalidInput, "line " + std::to_string(line_no) + ": " + why);
    };
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      return fail(e.what());
    }
    if (!j.is_object()) return fail("not a JSON object");
    LabelledFace face;
    if (j.contains("file") && j["file"].is_string()) face.file = j["file"].get<std::string>();
    if (j.contains("person") && j["person"].is_string()) {
      face.person = j["person"].get<std::string>();
    } else if (j.contains("person") && !j["person"].is_null()) {
      return fail("\"person\" is neither a string nor null");
    }
    if (!j.contains("embedding") || !j["embedding"].is_array())
      return fail("no \"embedding\" array");
    double norm = 0;
    for (const nlohmann::json& x : j["embedding"]) {
      if (!x.is_number()) return fail("\"embedding\" holds a non-number");
      const float v = x.get<float>();
      if (!std::isfinite(v)) return fail("\"embedding\" holds a non-finite number");
      norm += double(v) * v;
      face.embedding.push_back(v);
    }
    if (face.embedding.empty() || norm == 0) return fail("empty or zero \"embedding\"");
    if (dim == 0) dim = face.embedding.size();
    if (face.embedding.size() != dim) {
      return fail("\"embedding\" has " + std::to_string(face.embedding.size()) +
                  " numbers, earlier lines " + std::to_string(dim));
    }
    if (j.contains("quality")) {
      if (!j["quality"].is_number()) return fail("\"quality\" is not a number");
      face.quality = j["quality"].get<float>();
    }
    if (j.contains("size_px")) {
      if (!j["size_px"].is_number()) return fail("\"size_px\" is not a number");
      face.size_px = j["size_px"].get<int>();
    }
    faces.push_back(std::move(face));
  }
  return faces;
}

std::string ToJsonLine(const LabelledFace& face) {
  nlohmann::json j;
  j["file"] = face.file;
  j["person"] = face.person;
  j["embedding"] = face.embedding;
  j["quality"] = face.quality;
  j["size_px"] = face.size_px;
  return j.dump();
}

std::vector<int> TruthLabels(std::span<const LabelledFace> faces) {
  std::unordered_map<std::string, int> ids;
  std::vector<int> labels;
  int next = 0;
  for (const LabelledFace& face : faces) {
    if (face.person.empty()) {
      labels.push_back(next++);
      continue;
    }
    auto [it, added] = ids.emplace(face.person, next);
    if (added) ++next;
    labels.push_back(it->second);
  }
  return labels;
}

}  // namespace camroll
