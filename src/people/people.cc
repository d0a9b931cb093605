#include "people/people.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_set>

namespace camroll {
namespace {

constexpr float kApart = std::numeric_limits<float>::infinity();

void InsertSorted(std::vector<int64_t>& v, int64_t x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

void Normalise(std::vector<float>& v) {
  double n = 0;
  for (float x : v) n += double(x) * x;
  const double inv = 1.0 / std::sqrt(n);
  for (float& x : v) x = static_cast<float>(x * inv);
}

std::unexpected<Error> FaceError(int64_t face, Error error) {
  return std::unexpected(std::move(error.Context(fmt::format("face {}", face))));
}

}  // namespace

PeopleIndex::PeopleIndex(ClusterParams params) : params_(params) {}

Status PeopleIndex::CheckEmbedding(const std::vector<float>& embedding, size_t dim) const {
  if (embedding.empty()) return Fail(ErrorCode::kInvalidInput, "empty embedding");
  if (dim != 0 && embedding.size() != dim) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("embedding of {} numbers, the others have {}", embedding.size(), dim));
  }
  double norm = 0;
  for (float x : embedding) {
    if (!std::isfinite(x)) return Fail(ErrorCode::kInvalidInput, "non-finite number in embedding");
    norm += double(x) * x;
  }
  if (norm == 0) return Fail(ErrorCode::kInvalidInput, "zero embedding");
  return Ok();
}

Result<PeopleIndex> PeopleIndex::FromState(PeopleState state, ClusterParams params) {
  PeopleIndex index(params);
  int64_t max_id = 0;
  for (const PersonState& p : state.people) {
    if (p.id <= 0) return Fail(ErrorCode::kInvalidInput, fmt::format("person id {}", p.id));
    PersonEntry person;
    person.id = p.id;
    person.name = p.name;
    person.hidden = p.hidden;
    if (!index.people_.emplace(p.id, std::move(person)).second) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("person {} appears twice", p.id));
    }
    max_id = std::max(max_id, p.id);
  }
  for (FaceState& f : state.faces) {
    if (f.id <= 0) return Fail(ErrorCode::kInvalidInput, fmt::format("face id {}", f.id));
    if (index.face_at_.contains(f.id)) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("face {} appears twice", f.id));
    }
    if (auto ok = index.CheckEmbedding(f.embedding, index.dim_); !ok) {
      return FaceError(f.id, ok.error());
    }
    if (f.person != 0 && !index.people_.contains(f.person)) {
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("face {}: person {} does not exist", f.id, f.person));
    }
    index.dim_ = f.embedding.size();
    FaceEntry face = MakeFace(f.id, std::move(f.embedding), f.quality, f.size_px, params);
    face.rejected = std::move(f.rejected);
    std::sort(face.rejected.begin(), face.rejected.end());
    face.rejected.erase(std::unique(face.rejected.begin(), face.rejected.end()),
                        face.rejected.end());
    for (int64_t r : face.rejected) max_id = std::max(max_id, r);
    index.face_at_.emplace(face.id, index.faces_.size());
    index.faces_.push_back(std::move(face));
    if (f.person != 0) index.Attach(index.people_.at(f.person), index.faces_.size() - 1);
  }
  for (MergeState& m : state.merges) {
    if (!index.people_.contains(m.into)) {
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("merge of {} into {}: no person {}", m.from, m.into, m.into));
    }
    if (m.from <= 0 || index.people_.contains(m.from)) {
      return Fail(
          ErrorCode::kInvalidInput,
          fmt::format("merge of {} into {}: {} still exists or is no id", m.from, m.into, m.from));
    }
    max_id = std::max(max_id, m.from);
    index.merges_.push_back(std::move(m));
  }
  for (auto [a, b] : state.apart) {
    if (a <= 0 || b <= 0 || a == b) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("persons kept apart: {} and {}", a, b));
    }
    index.apart_.emplace_back(std::min(a, b), std::max(a, b));
    max_id = std::max({max_id, a, b});
  }
  std::sort(index.apart_.begin(), index.apart_.end());
  index.apart_.erase(std::unique(index.apart_.begin(), index.apart_.end()), index.apart_.end());
  index.next_person_id_ = std::max(state.next_person_id, max_id + 1);
  return index;
}

PeopleState PeopleIndex::State() const {
  PeopleState state;
  for (const auto& [id, p] : people_) state.people.push_back({p.id, p.name, p.hidden});
  for (const FaceEntry& f : faces_) {
    state.faces.push_back({f.id, f.person, f.embedding, f.quality, f.size_px, f.rejected});
  }
  state.merges = merges_;
  state.apart = apart_;
  state.next_person_id = next_person_id_;
  return state;
}

PeopleIndex::FaceEntry PeopleIndex::MakeFace(int64_t id, std::vector<float> embedding,
                                             float quality, int size_px,
                                             const ClusterParams& params) {
  FaceEntry face;
  face.id = id;
  face.embedding = std::move(embedding);
  Normalise(face.embedding);
  face.quality = quality;
  face.size_px = size_px;
  face.eligible = IsEligibleFace(quality, size_px, params);
  return face;
}

PeopleIndex::PersonEntry& PeopleIndex::NewPerson() {
  const int64_t id = next_person_id_++;
  PersonEntry& p = people_[id];
  p.id = id;
  return p;
}

void PeopleIndex::Attach(PersonEntry& person, size_t face) {
  FaceEntry& f = faces_[face];
  if (person.sum.size() != f.embedding.size()) person.sum.assign(f.embedding.size(), 0.0);
  for (size_t i = 0; i < f.embedding.size(); ++i) person.sum[i] += f.embedding[i];
  person.members.push_back(face);
  f.person = person.id;
}

void PeopleIndex::Detach(PersonEntry& person, size_t face) {
  FaceEntry& f = faces_[face];
  auto it = std::find(person.members.begin(), person.members.end(), face);
  if (it == person.members.end()) return;
  person.members.erase(it);
  if (person.members.empty()) {
    person.sum.assign(person.sum.size(), 0.0);  // no drift left behind
  } else {
    for (size_t i = 0; i < f.embedding.size(); ++i) person.sum[i] -= f.embedding[i];
  }
  f.person = 0;
}

double PeopleIndex::DistanceToPerson(const FaceEntry& face, const PersonEntry& person) const {
  double dot = 0;
  for (size_t i = 0; i < face.embedding.size(); ++i) dot += face.embedding[i] * person.sum[i];
  return 1.0 - dot / static_cast<double>(person.members.size());
}

bool PeopleIndex::HasMerges(int64_t person) const {
  return std::any_of(merges_.begin(), merges_.end(),
                     [&](const MergeState& m) { return m.into == person; });
}

int64_t PeopleIndex::Resolve(int64_t person) const {
  for (size_t hops = 0; hops <= merges_.size(); ++hops) {
    if (people_.contains(person)) return person;
    auto it = std::find_if(merges_.rbegin(), merges_.rend(),
                           [&](const MergeState& m) { return m.from == person; });
    if (it == merges_.rend()) return 0;
    person = it->into;
  }
  return 0;
}

bool PeopleIndex::Rejects(const FaceEntry& face, int64_t person) const {
  return std::any_of(face.rejected.begin(), face.rejected.end(),
                     [&](int64_t r) { return r == person || Resolve(r) == person; });
}

Result<AssignReport> PeopleIndex::Assign(std::vector<NewFace> faces) {
  size_t dim = dim_;
  std::unordered_set<int64_t> ids;
  for (const NewFace& f : faces) {
    if (f.id <= 0) return Fail(ErrorCode::kInvalidInput, fmt::format("face id {}", f.id));
    if (face_at_.contains(f.id) || !ids.insert(f.id).second) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("face {} is already in the index", f.id));
    }
    if (auto ok = CheckEmbedding(f.embedding, dim); !ok) return FaceError(f.id, ok.error());
    dim = f.embedding.size();
  }
  dim_ = dim;

  AssignReport report;
  for (NewFace& f : faces) {
    FaceEntry face = MakeFace(f.id, std::move(f.embedding), f.quality, f.size_px, params_);
    if (face.eligible) {
      unsettled_.push_back(faces_.size());
    } else {
      ++report.ineligible;
    }
    face_at_.emplace(face.id, faces_.size());
    faces_.push_back(std::move(face));
  }

  // Every pending face against the persons as they stand before this call: the decisions do not
  // depend on the order of the faces within the call.
  std::vector<std::pair<size_t, int64_t>> joins;
  for (size_t i = 0; i < faces_.size(); ++i) {
    const FaceEntry& f = faces_[i];
    if (f.person != 0 || !f.eligible) continue;
    double best = std::numeric_limits<double>::infinity();
    double second = best;
    int64_t best_id = 0;
    for (const auto& [id, person] : people_) {
      if (person.members.empty() || Rejects(f, id)) continue;
      const double d = DistanceToPerson(f, person);
      if (d < best) {
        second = best;
        best = d;
        best_id = id;
      } else if (d < second) {
        second = d;
      }
    }
    if (best_id != 0 && best <= params_.assign_max_distance &&
        second - best >= params_.assign_margin) {
      joins.emplace_back(i, best_id);
    }
  }
  for (auto [face, person] : joins) Attach(people_.at(person), face);
  report.joined = joins.size();

  std::vector<size_t> seeds;
  for (size_t i : unsettled_) {
    if (faces_[i].person == 0 && faces_[i].eligible) seeds.push_back(i);
  }
  unsettled_.clear();
  GroupPending(seeds, report);

  for (const FaceEntry& f : faces_) report.pending += f.eligible && f.person == 0 ? 1 : 0;
  return report;
}

void PeopleIndex::GroupPending(const std::vector<size_t>& seeds, AssignReport& report) {
  if (seeds.empty()) return;
  // The pending faces within the cut of a seed, of those, and so on: every average-linkage
  // merge joins two clusters with at least one pair within the cut, so groups never reach beyond
  // this component. Components without a seed were grouped before and stay as they were.
  std::vector<size_t> pool;
  std::vector<char> taken(faces_.size(), 0);
  for (size_t i = 0; i < faces_.size(); ++i) {
    if (faces_[i].eligible && faces_[i].person == 0) pool.push_back(i);
  }
  std::vector<size_t> component;
  for (size_t s : seeds) {
    if (!taken[s]) {
      taken[s] = 1;
      component.push_back(s);
    }
  }
  for (size_t q = 0; q < component.size(); ++q) {
    const EmbeddingView u = faces_[component[q]].embedding;
    for (size_t v : pool) {
      if (taken[v] || CosineDistance(u, faces_[v].embedding) > params_.assign_max_distance)
        continue;
      taken[v] = 1;
      component.push_back(v);
    }
  }
  if (component.size() < std::max<size_t>(params_.min_faces_per_person, 1)) return;
  std::sort(component.begin(), component.end());

  std::vector<EmbeddingView> views;
  for (size_t i : component) views.push_back(faces_[i].embedding);
  const std::vector<int> labels = AverageLinkage(views, params_.assign_max_distance);
  std::vector<size_t> sizes(component.size(), 0);
  for (int l : labels) ++sizes[l];
  std::vector<int64_t> person_of_label(component.size(), 0);
  for (size_t k = 0; k < component.size(); ++k) {
    const int l = labels[k];
    if (sizes[l] < params_.min_faces_per_person) continue;
    if (person_of_label[l] == 0) {
      person_of_label[l] = NewPerson().id;
      report.new_people.push_back(person_of_label[l]);
    }
    Attach(people_.at(person_of_label[l]), component[k]);
    ++report.grouped;
  }
}

ReclusterReport PeopleIndex::Recluster() {
  ReclusterReport report;
  unsettled_.clear();

  std::vector<size_t> eligible;
  std::vector<int> pos(faces_.size(), -1);
  std::vector<EmbeddingView> views;
  for (size_t i = 0; i < faces_.size(); ++i) {
    if (!faces_[i].eligible) continue;
    pos[i] = static_cast<int>(eligible.size());
    eligible.push_back(i);
    views.push_back(faces_[i].embedding);
  }
  DistanceMatrix d = DistanceMatrix::FromEmbeddings(views);

  // What the owner said, as infinite distances and starting groups.
  auto keep_apart = [&](const PersonEntry& a, const PersonEntry& b) {
    for (size_t x : a.members) {
      for (size_t y : b.members) {
        if (pos[x] >= 0 && pos[y] >= 0) d.set(pos[x], pos[y], kApart);
      }
    }
  };
  for (size_t e : eligible) {
    for (int64_t r : faces_[e].rejected) {
      const int64_t live = Resolve(r);
      if (live == 0) continue;
      for (size_t y : people_.at(live).members) {
        if (y != e && pos[y] >= 0) d.set(pos[e], pos[y], kApart);
      }
    }
  }
  for (auto [a, b] : apart_) {
    const int64_t la = Resolve(a);
    const int64_t lb = Resolve(b);
    if (la != 0 && lb != 0 && la != lb) keep_apart(people_.at(la), people_.at(lb));
  }
  std::vector<const PersonEntry*> named;
  for (const auto& [id, p] : people_) {
    if (!p.name.empty()) named.push_back(&p);
  }
  for (size_t i = 0; i < named.size(); ++i) {
    for (size_t j = i + 1; j < named.size(); ++j) {
      if (named[i]->name != named[j]->name) keep_apart(*named[i], *named[j]);
    }
  }
  std::vector<std::vector<size_t>> groups;
  std::vector<int64_t> group_person;
  for (const auto& [id, p] : people_) {
    if (!HasMerges(id)) continue;
    std::vector<size_t> group;
    for (size_t m : p.members) {
      if (pos[m] >= 0) group.push_back(pos[m]);
    }
    if (group.empty()) continue;
    groups.push_back(std::move(group));
    group_person.push_back(id);
  }

  const std::vector<int> labels =
      Agglomerate(std::move(d), Linkage::kAverage, params_.max_distance, groups);

  // Which old person each cluster's faces came from.
  size_t clusters = 0;
  for (int l : labels) clusters = std::max(clusters, static_cast<size_t>(l) + 1);
  std::vector<std::vector<size_t>> members(clusters);
  std::vector<std::map<int64_t, size_t>> from(clusters);
  for (size_t k = 0; k < eligible.size(); ++k) {
    members[labels[k]].push_back(eligible[k]);
    const int64_t old = faces_[eligible[k]].person;
    if (old != 0) ++from[labels[k]][old];
  }

  struct Candidate {
    int precedence;  // 0 merged, 1 named, 2 majority
    size_t count;
    int64_t person;
    size_t cluster;
  };
  std::vector<Candidate> candidates;
  for (size_t g = 0; g < groups.size(); ++g) {
    const size_t c = labels[groups[g][0]];
    candidates.push_back({0, from[c][group_person[g]], group_person[g], c});
  }
  for (const PersonEntry* p : named) {
    size_t best_count = 0;
    size_t best_cluster = 0;
    for (size_t c = 0; c < clusters; ++c) {
      auto it = from[c].find(p->id);
      if (it != from[c].end() && it->second > best_count) {
        best_count = it->second;
        best_cluster = c;
      }
    }
    if (best_count > 0) candidates.push_back({1, best_count, p->id, best_cluster});
  }
  for (size_t c = 0; c < clusters; ++c) {
    for (const auto& [person, count] : from[c]) {
      if (2 * count > members[c].size()) candidates.push_back({2, count, person, c});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.precedence, b.count, a.person, a.cluster) <
           std::tie(b.precedence, a.count, b.person, b.cluster);
  });
  std::vector<int64_t> cluster_id(clusters, 0);
  std::unordered_set<int64_t> mapped;
  for (const Candidate& c : candidates) {
    if (cluster_id[c.cluster] != 0 || mapped.contains(c.person)) continue;
    cluster_id[c.cluster] = c.person;
    mapped.insert(c.person);
  }

  // Rebuild the persons from the clusters.
  for (FaceEntry& f : faces_) f.person = 0;
  std::vector<int64_t> gone;
  for (auto& [id, p] : people_) {
    if (mapped.contains(id)) {
      report.kept.push_back(id);
      p.members.clear();
      p.sum.assign(p.sum.size(), 0.0);
    } else {
      gone.push_back(id);
    }
  }
  for (int64_t id : gone) {
    people_.erase(id);
    report.removed.push_back(id);
  }
  std::erase_if(merges_, [&](const MergeState& m) { return !people_.contains(m.into); });

  for (size_t c = 0; c < clusters; ++c) {
    int64_t id = cluster_id[c];
    if (id != 0) {
      const PersonEntry& p = people_.at(id);
      const bool owner_touched = !p.name.empty() || p.hidden || HasMerges(id);
      if (members[c].size() < params_.min_faces_per_person && !owner_touched) id = 0;
    } else if (members[c].size() >= params_.min_faces_per_person) {
      id = NewPerson().id;
      report.created.push_back(id);
    }
    if (id == 0) continue;
    PersonEntry& person = people_.at(id);
    for (size_t f : members[c]) {
      if (!Rejects(faces_[f], id)) Attach(person, f);
    }
  }
  // A kept id whose cluster turned out too small is gone after all.
  for (auto it = report.kept.begin(); it != report.kept.end();) {
    const PersonEntry& p = people_.at(*it);
    if (p.members.empty() && p.name.empty() && !p.hidden && !HasMerges(*it)) {
      people_.erase(*it);
      report.removed.push_back(*it);
      it = report.kept.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(report.removed.begin(), report.removed.end());
  for (const FaceEntry& f : faces_) report.unassigned += f.person == 0 ? 1 : 0;
  return report;
}

Status PeopleIndex::Name(int64_t person, std::string name) {
  auto it = people_.find(person);
  if (it == people_.end()) return Fail(ErrorCode::kNotFound, fmt::format("person {}", person));
  it->second.name = std::move(name);
  return Ok();
}

Status PeopleIndex::Hide(int64_t person, bool hidden) {
  auto it = people_.find(person);
  if (it == people_.end()) return Fail(ErrorCode::kNotFound, fmt::format("person {}", person));
  it->second.hidden = hidden;
  return Ok();
}

Status PeopleIndex::Merge(int64_t into, int64_t from) {
  if (into == from) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("person {} merged into itself", into));
  }
  auto to = people_.find(into);
  auto fr = people_.find(from);
  if (to == people_.end() || fr == people_.end()) {
    return Fail(ErrorCode::kNotFound, fmt::format("person {}", to == people_.end() ? into : from));
  }
  PersonEntry& target = to->second;
  MergeState record;
  record.into = into;
  record.from = from;
  record.from_name = fr->second.name;
  record.from_hidden = fr->second.hidden;
  record.into_name_before = target.name;
  const std::vector<size_t> moving = fr->second.members;
  for (size_t f : moving) record.from_faces.push_back(faces_[f].id);
  for (size_t f : moving) faces_[f].person = 0;
  if (target.name.empty()) target.name = fr->second.name;
  people_.erase(fr);
  merges_.push_back(std::move(record));

  // From here on `from` resolves to `into`: no face may sit in `into` if it was removed from
  // either of them.
  const std::vector<size_t> staying = target.members;
  for (size_t f : staying) {
    if (Rejects(faces_[f], into)) {
      Detach(target, f);
      unsettled_.push_back(f);
    }
  }
  for (size_t f : moving) {
    if (Rejects(faces_[f], into)) {
      unsettled_.push_back(f);
    } else {
      Attach(target, f);
    }
  }
  return Ok();
}

Result<int64_t> PeopleIndex::Split(int64_t person) {
  auto it = people_.find(person);
  if (it == people_.end()) return Fail(ErrorCode::kNotFound, fmt::format("person {}", person));
  auto rec = std::find_if(merges_.rbegin(), merges_.rend(),
                          [&](const MergeState& m) { return m.into == person; });
  if (rec == merges_.rend()) {
    return Fail(ErrorCode::kNotFound, fmt::format("person {} has no merge to undo", person));
  }
  const MergeState record = *rec;
  merges_.erase(std::next(rec).base());
  if (people_.contains(record.from)) {
    return Fail(ErrorCode::kInternal, fmt::format("person {} exists twice", record.from));
  }

  PersonEntry& restored = people_[record.from];
  restored.id = record.from;
  restored.name = record.from_name;
  restored.hidden = record.from_hidden;
  PersonEntry& source = people_.at(person);
  for (int64_t id : record.from_faces) {
    auto at = face_at_.find(id);
    if (at == face_at_.end()) continue;
    const FaceEntry& f = faces_[at->second];
    const bool here = f.person == person || (f.person == 0 && f.eligible);
    if (!here || Rejects(f, record.from)) continue;
    if (f.person == person) Detach(source, at->second);
    Attach(restored, at->second);
  }
  if (source.name == record.from_name && source.name != record.into_name_before) {
    source.name = record.into_name_before;
  }
  const std::pair<int64_t, int64_t> pair{std::min(person, record.from),
                                         std::max(person, record.from)};
  auto where = std::lower_bound(apart_.begin(), apart_.end(), pair);
  if (where == apart_.end() || *where != pair) apart_.insert(where, pair);
  return record.from;
}

Status PeopleIndex::RemoveFace(int64_t person, int64_t face) {
  auto it = people_.find(person);
  if (it == people_.end()) return Fail(ErrorCode::kNotFound, fmt::format("person {}", person));
  auto at = face_at_.find(face);
  if (at == face_at_.end()) return Fail(ErrorCode::kNotFound, fmt::format("face {}", face));
  if (faces_[at->second].person != person) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("face {} is not in person {}", face, person));
  }
  Detach(it->second, at->second);
  InsertSorted(faces_[at->second].rejected, person);
  unsettled_.push_back(at->second);
  const PersonEntry& p = it->second;
  if (p.members.empty() && p.name.empty() && !HasMerges(person)) people_.erase(it);
  return Ok();
}

std::vector<int64_t> PeopleIndex::People() const {
  std::vector<int64_t> ids;
  for (const auto& [id, p] : people_) ids.push_back(id);
  return ids;
}

std::vector<int64_t> PeopleIndex::FacesOf(int64_t person) const {
  std::vector<int64_t> ids;
  auto it = people_.find(person);
  if (it == people_.end()) return ids;
  std::vector<size_t> order = it->second.members;
  std::sort(order.begin(), order.end());
  for (size_t f : order) ids.push_back(faces_[f].id);
  return ids;
}

int64_t PeopleIndex::PersonOf(int64_t face) const {
  auto at = face_at_.find(face);
  return at == face_at_.end() ? 0 : faces_[at->second].person;
}

Result<PersonState> PeopleIndex::Person(int64_t id) const {
  auto it = people_.find(id);
  if (it == people_.end()) return Fail(ErrorCode::kNotFound, fmt::format("person {}", id));
  return PersonState{it->second.id, it->second.name, it->second.hidden};
}

Result<int64_t> PeopleIndex::MoveOut(int64_t person, const std::vector<int64_t>& faces) {
  auto it = people_.find(person);
  if (it == people_.end()) return Fail(ErrorCode::kNotFound, fmt::format("person {}", person));
  if (faces.empty()) return Fail(ErrorCode::kInvalidInput, "no faces to move out");
  std::vector<size_t> moving;
  for (int64_t face : faces) {
    auto at = face_at_.find(face);
    if (at == face_at_.end()) return Fail(ErrorCode::kNotFound, fmt::format("face {}", face));
    if (faces_[at->second].person != person) {
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("face {} is not in person {}", face, person));
    }
    if (std::find(moving.begin(), moving.end(), at->second) == moving.end()) {
      moving.push_back(at->second);
    }
  }
  if (moving.size() == it->second.members.size()) {
    return Fail(ErrorCode::kInvalidInput, "every face would leave; rename the person instead");
  }
  PersonEntry& fresh = NewPerson();
  const int64_t id = fresh.id;
  for (size_t f : moving) {
    Detach(people_.at(person), f);
    Attach(people_.at(id), f);
  }
  const auto pair = std::pair{std::min(person, id), std::max(person, id)};
  auto where = std::lower_bound(apart_.begin(), apart_.end(), pair);
  if (where == apart_.end() || *where != pair) apart_.insert(where, pair);
  return id;
}

}  // namespace camroll
