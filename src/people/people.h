// People: faces grouped into persons the owner can name, hide, merge, split and correct, kept up
// to date as new faces arrive. In memory and without I/O; the catalog persists PeopleState.
//
// The rules (distances and ClusterParams in people/clustering.h):
//  - A face is eligible when it passes min_quality and min_face_px. Other faces are kept (and
//    persisted) but never join a person.
//  - Assign(new faces): every eligible face without a person — the new ones and those left
//    pending before — joins the person at the smallest average distance if that distance is at
//    most assign_max_distance (stricter than max_distance: Assign sees a face without the faces
//    that come later) and the next person is at least assign_margin farther. A person the owner
//    removed the face from (or one merged into it since) is never a candidate. The faces still
//    pending near the new ones are clustered with average linkage at assign_max_distance; each
//    group of min_faces_per_person or more becomes a new person. Existing persons are never
//    merged, split or renamed by Assign; Recluster() catches up with what Assign left pending.
//  - Recluster(): average linkage at max_distance over all eligible faces, starting from the
//    owner's merges (a merged person stays one cluster) and never putting together a face and a
//    person it was removed from, two persons the owner split apart, or two persons with different
//    names. A new cluster keeps the id (and name, hidden flag, merge history) of the old person
//    it mostly came from; see Recluster() for the exact order.
//
// Why the average distance to a person: on normalised embeddings the mean of 1 − f·x over the
// person's faces x is 1 − f·mean(x), so average linkage between a face and a person costs one dot
// product with the person's running sum, whatever its size — and it is the same linkage Recluster
// uses. The normalised centroid would forget how spread a person is: dividing by |mean| shrinks
// the distances to a wide person (many poses, many ages) and lets it attract strangers.
//
// Ids are the catalog's: faces and persons are positive int64; 0 means none. Person ids are never
// reused (next_person_id). Not thread-safe: one writer at a time, no reader during a write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "people/clustering.h"

namespace camroll {

// The persisted form, one struct per table. A person's faces are the faces whose `person` is its
// id (one source of truth; PeopleIndex::FacesOf lists them).
struct FaceState {
  int64_t id = 0;
  int64_t person = 0;  // 0: none
  std::vector<float> embedding;
  float quality = 1;
  int size_px = 0;
  std::vector<int64_t> rejected;  // persons the owner removed this face from, ascending
};

struct PersonState {
  int64_t id = 0;
  std::string name;  // empty: unnamed
  bool hidden = false;
};

// One owner merge, enough to undo it: `from` as it was and the faces it brought.
struct MergeState {
  int64_t into = 0;
  int64_t from = 0;
  std::string from_name;
  bool from_hidden = false;
  std::string into_name_before;  // `into` takes `from`'s name when it had none
  std::vector<int64_t> from_faces;
};

struct PeopleState {
  std::vector<PersonState> people;  // ascending id
  std::vector<FaceState> faces;     // in the order they were added
  std::vector<MergeState> merges;   // oldest first; Split undoes the newest one of a person
  // Persons the owner split apart (a < b): Recluster never puts them together. Ids of persons
  // merged away since still count, through their merges.
  std::vector<std::pair<int64_t, int64_t>> apart;
  int64_t next_person_id = 1;
};

struct NewFace {
  int64_t id = 0;
  std::vector<float> embedding;  // normalised on entry
  float quality = 1;             // in [0, 1]
  int size_px = 0;  // the face's size from the detector; under min_face_px it never joins a person
};

struct AssignReport {
  size_t joined = 0;                // pending faces that joined an existing person
  std::vector<int64_t> new_people;  // persons made from pending groups
  size_t grouped = 0;               // faces in those new persons
  size_t pending = 0;               // eligible faces without a person afterwards
  size_t ineligible = 0;            // new faces below the quality or size limit
};

struct ReclusterReport {
  std::vector<int64_t> kept;     // old ids that live on
  std::vector<int64_t> created;  // new ids
  std::vector<int64_t> removed;  // old ids that are gone
  size_t unassigned = 0;         // faces without a person afterwards, ineligible ones included
};

class PeopleIndex {
 public:
  explicit PeopleIndex(ClusterParams params = {});

  // Checks ids (positive, unique, persons that exist), embeddings (one size, finite, non-zero) and
  // merges (into a person that exists, from one that does not). Embeddings are normalised.
  static Result<PeopleIndex> FromState(PeopleState state, ClusterParams params = {});
  PeopleState State() const;

  // Adds faces and assigns the pending ones (rules above). All or nothing: an id already present
  // or repeated, or an embedding of another size, non-finite or zero, fails the whole batch.
  // Cost: O((new + pending) × persons × d) to match, plus average linkage over the m pending
  // faces connected to the new ones within assign_max_distance (O(m × pending × d) to find them).
  // Retrying old pending faces lets them join persons that grew since.
  Result<AssignReport> Assign(std::vector<NewFace> faces);

  // Full re-clustering (average linkage, O(n²) time and n(n−1)/2 floats for n eligible faces).
  // Ids: each new cluster takes at most one old id and each old id goes to at most one cluster,
  // in this order of precedence: (1) a merged person, to the cluster holding its merged faces;
  // (2) a named person, to the cluster holding most of its faces; (3) any person, to a cluster
  // more than half of whose faces were its. Clusters smaller than min_faces_per_person keep their
  // faces only when they took the id of a named, hidden or merged person. Names, hidden flags and
  // merge histories go with the ids; merge histories of persons that are gone are dropped.
  ReclusterReport Recluster();

  Status Name(int64_t person, std::string name);  // empty clears
  Status Hide(int64_t person, bool hidden);       // hidden persons still get faces
  // Moves `from`'s faces into `into` and deletes `from`, remembering how to undo it. `into` keeps
  // its name, or takes `from`'s when it has none, and keeps its hidden flag. Faces the owner had
  // removed from either of them become unassigned (Split gives `from`'s back).
  Status Merge(int64_t into, int64_t from);
  // Undoes the newest merge into `person`: `from` comes back with its id, name and hidden flag and
  // takes back the faces it brought that are still in `person` or unassigned; `person` gets back
  // the name it had if it still carries `from`'s. The two are kept apart from then on. Returns the
  // restored id; kNotFound when `person` has no merge to undo.
  Result<int64_t> Split(int64_t person);
  // "This isn't them": the face becomes unassigned and is never assigned to `person` again. A
  // person left without faces is deleted unless it is named or holds merges.
  Status RemoveFace(int64_t person, int64_t face);
  // "These faces are someone else": they leave `person` for a new person, and the two are kept
  // apart from then on. Returns the new person's id; kInvalidInput when a face is not in
  // `person` or when every face would leave (rename the person instead).
  Result<int64_t> MoveOut(int64_t person, const std::vector<int64_t>& faces);

  std::vector<int64_t> People() const;                 // ascending
  std::vector<int64_t> FacesOf(int64_t person) const;  // in the order faces were added
  int64_t PersonOf(int64_t face) const;                // 0: no person or no such face
  Result<PersonState> Person(int64_t id) const;
  size_t face_count() const { return faces_.size(); }
  const ClusterParams& params() const { return params_; }

 private:
  struct FaceEntry {
    int64_t id = 0;
    int64_t person = 0;
    std::vector<float> embedding;
    float quality = 1;
    int size_px = 0;
    std::vector<int64_t> rejected;  // ascending
    bool eligible = false;
  };
  struct PersonEntry {
    int64_t id = 0;
    std::string name;
    bool hidden = false;
    std::vector<size_t> members;  // indices into faces_
    std::vector<double> sum;      // of the members' embeddings
  };

  Status CheckEmbedding(const std::vector<float>& embedding, size_t dim) const;
  // A face as the index keeps it: its embedding normalised, its eligibility decided.
  static FaceEntry MakeFace(int64_t id, std::vector<float> embedding, float quality, int size_px,
                            const ClusterParams& params);
  PersonEntry& NewPerson();
  void Attach(PersonEntry& person, size_t face);
  void Detach(PersonEntry& person, size_t face);
  double DistanceToPerson(const FaceEntry& face, const PersonEntry& person) const;
  bool HasMerges(int64_t person) const;
  // Whether the owner removed the face from `person` or from a person since merged into it.
  bool Rejects(const FaceEntry& face, int64_t person) const;
  int64_t Resolve(int64_t person) const;  // follows merges to the live person, 0 if none
  // Clusters the pending faces connected to `seeds`; groups big enough become persons.
  void GroupPending(const std::vector<size_t>& seeds, AssignReport& report);

  ClusterParams params_;
  size_t dim_ = 0;
  std::vector<FaceEntry> faces_;
  std::unordered_map<int64_t, size_t> face_at_;
  std::map<int64_t, PersonEntry> people_;
  std::vector<MergeState> merges_;
  std::vector<std::pair<int64_t, int64_t>> apart_;
  int64_t next_person_id_ = 1;
  std::vector<size_t> unsettled_;  // faces unassigned since the last Assign: seeds for grouping
};

}  // namespace camroll
